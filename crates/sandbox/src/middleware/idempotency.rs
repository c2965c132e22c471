//! The layer that answers each write once per `Idempotency-Key`: the same key with the same request
//! within the window gets the identical stored answer; the same key with another request gets 422;
//! the same key while the first is still being handled gets 409.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;

use crate::body::CollectedBody;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::idempotency::{Begin, InFlightGuard, Stored, fingerprint, key_of, replay};
use crate::state::App;

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
    let refuse = |error: ApiError| {
        Counters::bump(&app.counters.rejected_requests);
        error.into_response()
    };
    let key = match key_of(request.headers()) {
        Ok(key) => key,
        Err(e) => return refuse(e),
    };
    // The body-limit layer collected the body: fingerprint those bytes, without reading it again.
    let fp = fingerprint(
        request.method(),
        request.uri(),
        &CollectedBody::of(&request),
    );
    let store = &app.idempotency;
    match store.begin(key, fp, app.clock.now(), app.config.idempotency_window) {
        Begin::Proceed => {}
        Begin::Replay(stored) => {
            Counters::bump(&app.counters.replays);
            tracing::debug!("answered from the idempotency store");
            return replay(&stored);
        }
        Begin::InFlight => {
            return refuse(ApiError::conflict(
                codes::IDEMPOTENCY_CONFLICT,
                "Idempotency-Key Concurrency Conflict: a request with this key is still in flight; retry with the same key",
            ));
        }
        Begin::Mismatch => {
            return refuse(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                codes::IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used for a different request",
            ));
        }
    }
    let mut guard = InFlightGuard {
        store,
        key,
        armed: true,
    };
    let response = next.run(request).await;

    let (parts, body) = response.into_parts();
    // The handlers' answers are whole buffers: this takes them, it copies nothing.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    store.finish(
        key,
        Stored {
            status: parts.status,
            content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
            body: body.clone(),
        },
    );
    guard.armed = false;
    Response::from_parts(parts, Body::from(body))
}
