//! `Idempotency-Key` on every write (`offblocks-api.md` 1.6): the same key with the same request
//! within the window gets the identical stored answer; the same key with another request gets 422;
//! the same key while the first is still being handled gets 409.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chainsig_core::offblocks::IDEMPOTENCY_KEY_HEADER;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::counters::Counters;
use crate::error::ApiError;
use crate::server::App;

/// A stored answer.
#[derive(Debug, Clone)]
struct Stored {
    status: StatusCode,
    content_type: Option<header::HeaderValue>,
    body: Bytes,
}

#[derive(Debug)]
enum EntryState {
    InFlight,
    Done(Stored),
}

#[derive(Debug)]
struct Entry {
    fingerprint: [u8; 32],
    created: OffsetDateTime,
    state: EntryState,
}

/// The idempotency store.
#[derive(Debug, Default)]
pub(crate) struct IdempotencyStore {
    entries: Mutex<HashMap<Uuid, Entry>>,
}

/// Removes an in-flight entry if the handler never finishes (client gone, future dropped), so the
/// key does not answer 409 forever.
struct InFlightGuard<'a> {
    store: &'a IdempotencyStore,
    key: Uuid,
    armed: bool,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let mut entries = self.store.entries.lock().unwrap_or_else(|e| e.into_inner());
            if matches!(
                entries.get(&self.key),
                Some(Entry {
                    state: EntryState::InFlight,
                    ..
                })
            ) {
                entries.remove(&self.key);
            }
        }
    }
}

fn fingerprint(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str());
    hasher.update([0]);
    hasher.update(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().into()
}

fn key_of(headers: &HeaderMap) -> Result<Uuid, ApiError> {
    let value = headers.get(IDEMPOTENCY_KEY_HEADER).ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "Idempotency-Key is required on POST, PUT, PATCH and DELETE",
        )
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| {
            ApiError::bad_request("invalid_idempotency_key", "Idempotency-Key must be a UUID")
        })
}

fn replay(stored: &Stored) -> Response {
    let mut response = Response::new(Body::from(stored.body.clone()));
    *response.status_mut() = stored.status;
    if let Some(ct) = &stored.content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, ct.clone());
    }
    response
}

/// The middleware, for writes. Runs after authentication, so an unauthenticated request never
/// consumes a key.
pub(crate) async fn idempotency(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let key = match key_of(request.headers()) {
        Ok(key) => key,
        Err(e) => {
            Counters::bump(&app.counters.rejected_requests);
            return e.into_response();
        }
    };
    let (parts, body) = request.into_parts();
    // The authentication layer already read the body within the limit.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let fp = fingerprint(&parts.method, &parts.uri, &body);
    let now = app.clock.now();
    let window = app.config.idempotency_window;
    let store = &app.idempotency;
    {
        let mut entries = store.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = entries.get(&key).filter(|e| now - e.created <= window) {
            if entry.fingerprint != fp {
                return ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "this Idempotency-Key was used for a different request",
                )
                .into_response();
            }
            return match &entry.state {
                EntryState::InFlight => ApiError::conflict(
                    "idempotency_conflict",
                    "a request with this Idempotency-Key is still in flight; retry with the same key",
                )
                .into_response(),
                EntryState::Done(stored) => {
                    Counters::bump(&app.counters.replays);
                    replay(stored)
                }
            };
        }
        if entries.len() > 4096 && entries.len().is_power_of_two() {
            entries.retain(|_, e| now - e.created <= window);
        }
        entries.insert(
            key,
            Entry {
                fingerprint: fp,
                created: now,
                state: EntryState::InFlight,
            },
        );
    }
    let mut guard = InFlightGuard {
        store,
        key,
        armed: true,
    };
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;

    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let stored = Stored {
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        body: body.clone(),
    };
    {
        let mut entries = store.entries.lock().unwrap_or_else(|e| e.into_inner());
        if parts.status.is_server_error() {
            // Nothing was done: the same key may try again.
            entries.remove(&key);
        } else if let Some(entry) = entries.get_mut(&key) {
            entry.state = EntryState::Done(stored);
        }
    }
    guard.armed = false;
    Response::from_parts(parts, Body::from(body))
}
