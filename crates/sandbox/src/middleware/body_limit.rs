//! The layer that collects every request body once, within the configured limit, into the
//! request's [`CollectedBody`] extension; an oversized body gets the JSON error shape.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use chainsig_offblocks::codes;

use crate::body::CollectedBody;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::state::App;

/// Reads the body once, within the limit, and hands it on in the request's extensions (the
/// stream left empty), so every later layer and handler reads the same bytes.
pub(crate) async fn limit_body(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    match axum::body::to_bytes(body, app.config.body_limit).await {
        Ok(bytes) => {
            parts.extensions.insert(CollectedBody(bytes));
            next.run(Request::from_parts(parts, Body::empty())).await
        }
        Err(_) => {
            Counters::bump(&app.counters.rejected_requests);
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::BODY_TOO_LARGE,
                format!(
                    "the request body is over the {}-byte limit",
                    app.config.body_limit
                ),
            )
            .into_response()
        }
    }
}
