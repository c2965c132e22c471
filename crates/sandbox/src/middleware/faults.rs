//! The outermost layer: the request's span and count, and the injected fault it draws, if any.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use tracing::Instrument as _;

use crate::counters::Counters;
use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::state::App;

/// `Retry-After` of an injected 503, in seconds.
const RETRY_AFTER_SECS: &str = "1";

/// The outermost middleware: counts the request, opens its span (method, path, status; never a
/// header, so no token or signature is logged), then maybe injects a fault.
pub(crate) async fn inject(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    Counters::bump(&app.counters.requests);
    let span = tracing::info_span!(
        "sandbox.request",
        method = %request.method(),
        path = %request.uri().path(),
        status = tracing::field::Empty,
        fault = tracing::field::Empty,
    );
    let recorder = span.clone();
    async move {
        let fault = app.faults.draw();
        let response = match fault {
            None => next.run(request).await,
            Some(fault) => {
                Counters::bump(&app.counters.faults_injected);
                Counters::bump(match fault {
                    FaultKind::InternalError => &app.counters.faults_internal_error,
                    FaultKind::Unavailable => &app.counters.faults_unavailable,
                    FaultKind::DropAfterApply => &app.counters.faults_dropped,
                    FaultKind::Delay(_) => &app.counters.faults_delayed,
                });
                recorder.record("fault", tracing::field::debug(fault));
                apply(fault, request, next).await
            }
        };
        recorder.record("status", response.status().as_u16());
        tracing::debug!("answered");
        response
    }
    .instrument(span)
    .await
}

async fn apply(fault: FaultKind, request: Request, next: Next) -> Response {
    match fault {
        FaultKind::InternalError => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "injected fault: internal error",
        )
        .into_response(),
        FaultKind::Unavailable => {
            let mut response = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "injected fault: service unavailable",
            )
            .into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
            response
        }
        FaultKind::DropAfterApply => {
            // Let the request change the state (and the idempotency store keep its answer), then
            // break the connection instead of answering: the client cannot know it succeeded.
            let _applied = next.run(request).await;
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "injected fault: connection dropped",
                ))
            });
            Response::new(Body::from_stream(failing))
        }
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
    }
}
