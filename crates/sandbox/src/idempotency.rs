//! The idempotency store behind `Idempotency-Key` (`offblocks-api.md` 1.6): each key's request
//! fingerprint and stored answer, what a new request under a key gets, and the window (the layer
//! that uses it is `middleware/idempotency.rs`).

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use chainsig_offblocks::codes;
use chainsig_offblocks::headers::IDEMPOTENCY_KEY as IDEMPOTENCY_KEY_HEADER;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ApiError;

/// A stored answer.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<header::HeaderValue>,
    pub(crate) body: Bytes,
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
pub(crate) struct InFlightGuard<'a> {
    pub(crate) store: &'a IdempotencyStore,
    pub(crate) key: Uuid,
    pub(crate) armed: bool,
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

pub(crate) fn fingerprint(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str());
    hasher.update([0]);
    hasher.update(uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    hasher.update([0]);
    hasher.update(body);
    hasher.finalize().into()
}

pub(crate) fn key_of(headers: &HeaderMap) -> Result<Uuid, ApiError> {
    let value = headers.get(IDEMPOTENCY_KEY_HEADER).ok_or_else(|| {
        ApiError::bad_request(
            codes::IDEMPOTENCY_KEY_REQUIRED,
            "Idempotency-Key is required on POST, PUT, PATCH and DELETE",
        )
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::INVALID_IDEMPOTENCY_KEY,
                "Idempotency-Key must be a UUID",
            )
        })
}

pub(crate) fn replay(stored: &Stored) -> Response {
    let mut response = Response::new(Body::from(stored.body.clone()));
    *response.status_mut() = stored.status;
    if let Some(ct) = &stored.content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, ct.clone());
    }
    response
}

/// What the store says about a write that carries a key.
#[derive(Debug)]
pub(crate) enum Begin {
    /// First time (or the window passed): handle it; the key is now in flight.
    Proceed,
    /// Done before with the same request: answer this.
    Replay(Stored),
    /// Still being handled.
    InFlight,
    /// Used for another request.
    Mismatch,
}

impl IdempotencyStore {
    pub(crate) fn begin(
        &self,
        key: Uuid,
        fingerprint: [u8; 32],
        now: OffsetDateTime,
        window: std::time::Duration,
    ) -> Begin {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        // A key in flight stays taken however long its write takes (the guard frees it if the
        // request is dropped): expiring it would let a second request run the same write.
        let live = |e: &Entry| matches!(e.state, EntryState::InFlight) || now - e.created <= window;
        if let Some(entry) = entries.get(&key).filter(|e| live(e)) {
            if entry.fingerprint != fingerprint {
                return Begin::Mismatch;
            }
            return match &entry.state {
                EntryState::InFlight => Begin::InFlight,
                EntryState::Done(stored) => Begin::Replay(stored.clone()),
            };
        }
        if entries.len() >= PRUNE_AT && entries.len().is_power_of_two() {
            entries.retain(|_, e| live(e));
        }
        entries.insert(
            key,
            Entry {
                fingerprint,
                created: now,
                state: EntryState::InFlight,
            },
        );
        Begin::Proceed
    }

    /// Stores the answer of a finished write; a 5xx answer forgets the key instead (nothing was
    /// done, the same key may try again).
    pub(crate) fn finish(&self, key: Uuid, stored: Stored) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if stored.status.is_server_error() {
            entries.remove(&key);
        } else if let Some(entry) = entries.get_mut(&key) {
            entry.state = EntryState::Done(stored);
        }
    }
}

/// Expired keys are pruned when the store holds this many, then at each doubling.
const PRUNE_AT: usize = 4096;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const WINDOW: Duration = Duration::from_secs(3600);

    fn stored(status: StatusCode, body: &'static str) -> Stored {
        Stored {
            status,
            content_type: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    /// A store in which `key`'s first request (fingerprint 1) has begun at `now`.
    fn begun() -> (IdempotencyStore, Uuid, OffsetDateTime) {
        let store = IdempotencyStore::default();
        let key = Uuid::new_v4();
        let now = OffsetDateTime::now_utc();
        assert!(matches!(begin(&store, key, 1, now), Begin::Proceed));
        (store, key, now)
    }

    /// `store.begin` for a request under `key` whose fingerprint is `[fingerprint; 32]`.
    fn begin(store: &IdempotencyStore, key: Uuid, fingerprint: u8, at: OffsetDateTime) -> Begin {
        store.begin(key, [fingerprint; 32], at, WINDOW)
    }

    #[test]
    fn same_key_in_flight_conflicts_then_replays() {
        let (store, key, now) = begun();
        // A second request with the key while the first is handled: 409.
        assert!(matches!(begin(&store, key, 1, now), Begin::InFlight));
        // Another request under the key, even in flight: 422.
        assert!(matches!(begin(&store, key, 2, now), Begin::Mismatch));
        store.finish(key, stored(StatusCode::CREATED, "{\"id\":1}"));
        match begin(&store, key, 1, now) {
            Begin::Replay(s) => {
                assert_eq!(s.status, StatusCode::CREATED);
                assert_eq!(s.body, Bytes::from_static(b"{\"id\":1}"));
            }
            other => panic!("expected a replay, got {other:?}"),
        }
        assert!(matches!(begin(&store, key, 2, now), Begin::Mismatch));
    }

    #[test]
    fn a_write_in_flight_longer_than_the_window_keeps_its_key() {
        let (store, key, now) = begun();
        assert!(matches!(
            begin(&store, key, 1, now + WINDOW * 2),
            Begin::InFlight
        ));
    }

    #[test]
    fn a_server_error_frees_the_key() {
        let (store, key, now) = begun();
        store.finish(key, stored(StatusCode::SERVICE_UNAVAILABLE, ""));
        assert!(matches!(begin(&store, key, 1, now), Begin::Proceed));
    }

    #[test]
    fn a_client_error_is_stored() {
        let (store, key, now) = begun();
        store.finish(key, stored(StatusCode::BAD_REQUEST, "{}"));
        assert!(matches!(begin(&store, key, 1, now), Begin::Replay(_)));
    }

    #[test]
    fn the_key_is_forgotten_after_the_window() {
        let (store, key, now) = begun();
        store.finish(key, stored(StatusCode::CREATED, "{}"));
        let later = now + WINDOW + Duration::from_secs(1);
        assert!(matches!(begin(&store, key, 2, later), Begin::Proceed));
    }

    #[test]
    fn an_abandoned_request_frees_the_key() {
        let (store, key, now) = begun();
        drop(InFlightGuard {
            store: &store,
            key,
            armed: true,
        });
        assert!(matches!(begin(&store, key, 1, now), Begin::Proceed));
    }

    #[test]
    fn the_fingerprint_covers_method_path_and_body() {
        let uri: axum::http::Uri = "/v1/customers".parse().unwrap_or_default();
        let other: axum::http::Uri = "/v1/accounts".parse().unwrap_or_default();
        let base = fingerprint(&Method::POST, &uri, b"{}");
        assert_eq!(base, fingerprint(&Method::POST, &uri, b"{}"));
        assert_ne!(base, fingerprint(&Method::PUT, &uri, b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, &other, b"{}"));
        assert_ne!(base, fingerprint(&Method::POST, &uri, b"{ }"));
    }
}
