//! The access endpoints: tokens, API credentials (rotate, revoke) and the request-signing key.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::fields::SIGNING_KEY_ID as SIGNING_KEY_ID_FIELD;
use serde_json::json;

use super::shared::{Result, one_field};
use chainsig_offblocks::codes;

use crate::auth::{Credentials, decode_public_key};
use crate::body::{ApiJson, RawBody};
use crate::error::ApiError;
use crate::models::{RegisterSigningKey, TokenRequest};
use crate::state::App;

/// `POST /auth/token`.
pub(crate) async fn token(State(app): State<Arc<App>>, RawBody(body): RawBody) -> Result<Response> {
    // A generic message: serde's could quote the secret.
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiError::bad_request(
            codes::INVALID_JSON,
            "expected {\"apiKey\": \"<uuid>\", \"apiSecret\": \"<secret>\"}",
        )
    })?;
    let Some(generation) = app
        .access
        .authenticate(&request.api_key, &request.api_secret)
    else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::INVALID_CREDENTIALS,
            "Invalid credentials",
        ));
    };
    let (token, expires_at) = app.tokens.issue(
        &request.api_key,
        generation,
        app.clock.unix(),
        app.config.token_ttl.as_secs(),
    )?;
    Ok(
        Json(json!({ "token": token, "expiresAt": expires_at, "tokenType": "Bearer" }))
            .into_response(),
    )
}

/// `PUT /auth/signing`.
pub(crate) async fn register_signing_key(
    State(app): State<Arc<App>>,
    ApiJson(request): ApiJson<RegisterSigningKey>,
) -> Result<Response> {
    let key = decode_public_key(&request.public_key)?;
    let key_id = app.signing_keys.register(key);
    Ok(one_field(SIGNING_KEY_ID_FIELD, &key_id))
}

/// `PUT /auth/credentials` (bearer token only): replaces the API key and secret with the ones in
/// the body; every token issued before is refused from now on, and the old secret gets no new
/// one. `204`, no body (`offblocks-api.md` 1.3).
pub(crate) async fn rotate_credentials(
    State(app): State<Arc<App>>,
    RawBody(body): RawBody,
) -> Result<Response> {
    // A generic message: serde's could quote the new secret.
    let request: TokenRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiError::bad_request(
            codes::INVALID_JSON,
            "expected {\"apiKey\": \"<uuid>\", \"apiSecret\": \"<secret>\"} (the new values)",
        )
    })?;
    if uuid::Uuid::parse_str(&request.api_key).is_err() {
        return Err(ApiError::bad_request(
            codes::INVALID_API_KEY,
            "apiKey must be a UUID",
        ));
    }
    let length = request.api_secret.chars().count();
    if !(16..=256).contains(&length) || request.api_secret.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            codes::INVALID_API_SECRET,
            "apiSecret must be 16 to 256 characters, none of them control characters",
        ));
    }
    app.access.rotate(Credentials {
        api_key: request.api_key,
        api_secret: request.api_secret,
    });
    tracing::info!("API credentials rotated; every token issued before is refused");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /auth/credentials` (bearer token only): revokes API access for good: every token is
/// refused and the token endpoint refuses the credentials. `204`, no body (inferred: the docs
/// give no status, `offblocks-api.md` 1.3).
pub(crate) async fn revoke_credentials(State(app): State<Arc<App>>) -> Response {
    app.access.revoke();
    tracing::info!("API credentials revoked; no token is accepted or issued any more");
    StatusCode::NO_CONTENT.into_response()
}

/// `DELETE /auth/signing` (bearer token only): removes the registered request-signing key;
/// signed requests then get the middleware's `400 invalid required signature`. `204`, also when
/// no key was registered, so that a retried removal succeeds (inferred: the docs give no status).
pub(crate) async fn remove_signing_key(State(app): State<Arc<App>>) -> Response {
    let removed = app.signing_keys.remove();
    tracing::info!(removed, "request-signing key removed");
    StatusCode::NO_CONTENT.into_response()
}
