//! The middlewares that check who is calling: the bearer token alone, or on business requests the
//! token, the RFC 9421 signature and `Content-Digest`; and the answer to a refused signature.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use chainsig_offblocks::SIGNATURE_REFUSED_BODY;
use chainsig_offblocks::headers::SANDBOX_REASON as SANDBOX_REASON_HEADER;

use crate::body::CollectedBody;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::state::App;

/// The token of `Authorization: Bearer <token>`.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

/// Checks only the bearer token (for `/auth/signing`, which cannot be signed with a key that is
/// not registered yet, and `/auth/credentials`, which the docs show unsigned).
pub(crate) async fn require_token(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let generation = app.access.generation();
    match bearer(request.headers()).map(|t| app.tokens.check(t, app.clock.unix(), generation)) {
        Some(Ok(())) => next.run(request).await,
        Some(Err(e)) => reject(&app.counters, e),
        None => reject(
            &app.counters,
            ApiError::unauthorized("missing `Authorization: Bearer <token>`"),
        ),
    }
}

/// Checks a business request: bearer token, then the RFC 9421 signature made with the registered
/// key over the profile's components, then `Content-Digest` against the body.
pub(crate) async fn authenticate(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    let now = app.clock.unix();
    let generation = app.access.generation();
    match bearer(request.headers()).map(|t| app.tokens.check(t, now, generation)) {
        Some(Ok(())) => {}
        Some(Err(e)) => return reject(&app.counters, e),
        None => {
            return reject(
                &app.counters,
                ApiError::unauthorized("missing `Authorization: Bearer <token>`"),
            );
        }
    }
    // The outer layer collected the body within the limit: the digest is checked against those
    // bytes, without reading the body again.
    let body = CollectedBody::of(&request);
    let verified = app.verifier.verify_headers(
        request.method(),
        request.uri(),
        request.headers(),
        &body,
        now,
    );
    if let Err(e) = verified {
        // A request addressed to another authority (proxy, port mapping, or a signature made for
        // another server): say which one is verified.
        let host = request
            .headers()
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| chainsig_httpsig::normalize_authority("http", h).ok());
        let note = match host {
            Some(host) if host != app.authority => format!(
                " (@authority is verified as {}, the sandbox's own; this request's Host is {host})",
                app.authority
            ),
            _ => String::new(),
        };
        let reason = format!("{e}{note}");
        tracing::warn!(%reason, method = %request.method(), path = request.uri().path(), "request signature refused");
        Counters::bump(&app.counters.rejected_requests);
        return signature_refused(&reason);
    }
    next.run(request).await
}

/// The stock Go middleware's answer to a request it cannot authenticate: `400`, `text/plain`,
/// [`SIGNATURE_REFUSED_BODY`] and nothing else in the body, written as Go's `http.Error` writes
/// it (a final newline, `X-Content-Type-Options: nosniff`; inferred: the fact sheet gives the
/// status, type and text only). The sandbox's diagnosis goes to its log and to the
/// [`SANDBOX_REASON_HEADER`] header (made visible ASCII, cut to 512 bytes).
fn signature_refused(reason: &str) -> Response {
    let mut reason: String = reason
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    reason.truncate(512);
    let mut response = (
        StatusCode::BAD_REQUEST,
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            ),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        format!("{SIGNATURE_REFUSED_BODY}\n"),
    )
        .into_response();
    if let Ok(value) = axum::http::HeaderValue::from_str(&reason) {
        response.headers_mut().insert(SANDBOX_REASON_HEADER, value);
    }
    response
}

fn reject(counters: &Counters, error: ApiError) -> Response {
    Counters::bump(&counters.rejected_requests);
    axum::response::IntoResponse::into_response(error)
}
