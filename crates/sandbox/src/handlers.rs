//! The endpoints (`offblocks-api.md` 1.7 rows 1-22).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use chainsig_offblocks::fields::{
    CHALLENGE as CHALLENGE_FIELD, SIGNING_KEY_ID as SIGNING_KEY_ID_FIELD,
};
use serde_json::json;

use crate::auth::{Credentials, decode_public_key, parse_json};
use crate::counters::Counters;
use crate::error::ApiError;
use crate::models::{
    CreateAccount, CreateCustomer, RegisterSigningKey, SignChallenge, TokenRequest,
};
use crate::paging::{PageQuery, page};
use crate::server::App;
use crate::store::{SignOutcome, verify_submission};

type Result<T> = std::result::Result<T, ApiError>;

/// The `{id}` path segment. Axum's own `Path` rejection (e.g. a percent-encoded segment that is
/// not UTF-8) is plain text; this answers it with the JSON error shape (found by cargo fuzz).
pub(crate) struct Id(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<Self, ApiError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|e| ApiError::bad_request(codes::INVALID_PATH, e.body_text()))
    }
}

/// `POST /auth/token`.
pub(crate) async fn token(State(app): State<Arc<App>>, body: Bytes) -> Result<Response> {
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
    body: Bytes,
) -> Result<Response> {
    let request: RegisterSigningKey = parse_json(&body)?;
    let key = decode_public_key(&request.public_key)?;
    let key_id = app.signing_keys.register(key);
    Ok(Json(json!({ SIGNING_KEY_ID_FIELD: key_id })).into_response())
}

/// `PUT /auth/credentials` (bearer token only): replaces the API key and secret with the ones in
/// the body; every token issued before is refused from now on, and the old secret gets no new
/// one. `204`, no body (`offblocks-api.md` 1.3).
pub(crate) async fn rotate_credentials(
    State(app): State<Arc<App>>,
    body: Bytes,
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

/// `POST /customers`.
pub(crate) async fn create_customer(State(app): State<Arc<App>>, body: Bytes) -> Result<Response> {
    let request: CreateCustomer = parse_json(&body)?;
    let customer = app.store().create_customer(
        &request.chain_id,
        &request.external_id,
        &app.origin,
        app.clock.now(),
        &app.timings,
    )?;
    Counters::bump(&app.counters.customers);
    Counters::bump(&app.counters.challenges_issued);
    Ok((StatusCode::CREATED, Json(customer)).into_response())
}

/// `GET /customers`, a page at a time.
pub(crate) async fn list_customers(
    State(app): State<Arc<App>>,
    query: PageQuery,
) -> Result<Response> {
    let items = app.store().list_customers(app.clock.now());
    page(items, &query, app.config.list_page_size)
}

/// `GET /customers/{id}`.
pub(crate) async fn get_customer(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().get_customer(&id, app.clock.now())?).into_response())
}

/// `PATCH /customers/{id}/deactivate`: `active` -> `inactive`; answers the customer.
pub(crate) async fn deactivate_customer(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Response> {
    Ok(Json(app.store().deactivate_customer(&id, app.clock.now())?).into_response())
}

/// `GET /customers/{id}/challenge`.
pub(crate) async fn customer_challenge(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Response> {
    let challenge =
        app.store()
            .customer_challenge(&id, &app.origin, app.clock.now(), &app.timings)?;
    Counters::bump(&app.counters.challenges_issued);
    Ok(Json(json!({ CHALLENGE_FIELD: challenge })).into_response())
}

fn sign_outcome(app: &App, outcome: SignOutcome) -> Result<Response> {
    match outcome {
        SignOutcome::Verified => {
            Counters::bump(&app.counters.challenges_verified);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        SignOutcome::Rejected { error, reissued } => {
            Counters::bump(&app.counters.challenges_rejected);
            if reissued {
                Counters::bump(&app.counters.challenges_issued);
            }
            Err(error)
        }
    }
}

/// `POST /customers/{id}/challenge/sign`.
pub(crate) async fn sign_customer_challenge(
    State(app): State<Arc<App>>,
    Id(id): Id,
    body: Bytes,
) -> Result<Response> {
    let request: SignChallenge = parse_json(&body)?;
    // Before the store's lock: see `verify_submission`.
    let verdict = verify_submission(&request.chain_id, &request.challenge, &request.signature);
    let outcome = app.store().sign_customer_challenge(
        &id,
        &request.chain_id,
        &request.challenge,
        verdict,
        &app.origin,
        app.clock.now(),
        &app.timings,
    )?;
    sign_outcome(&app, outcome)
}

/// `POST /customers/{id}/accounts`.
pub(crate) async fn create_account(
    State(app): State<Arc<App>>,
    Id(id): Id,
    body: Bytes,
) -> Result<Response> {
    let request: CreateAccount = parse_json(&body)?;
    let account = app.store().create_account(
        &id,
        &request.kind,
        &request.currencies,
        app.clock.now(),
        &app.timings,
    )?;
    Counters::bump(&app.counters.accounts);
    if account.challenge.is_some() {
        Counters::bump(&app.counters.challenges_issued);
    }
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

/// `GET /customers/{id}/accounts`.
pub(crate) async fn list_customer_accounts(
    State(app): State<Arc<App>>,
    Id(id): Id,
    query: PageQuery,
) -> Result<Response> {
    let items = app.store().list_accounts(Some(&id), app.clock.now())?;
    page(items, &query, app.config.list_page_size)
}

/// `GET /accounts`, a page at a time.
pub(crate) async fn list_accounts(
    State(app): State<Arc<App>>,
    query: PageQuery,
) -> Result<Response> {
    let items = app.store().list_accounts(None, app.clock.now())?;
    page(items, &query, app.config.list_page_size)
}

/// `GET /accounts/{id}`.
pub(crate) async fn get_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().get_account(&id, app.clock.now())?).into_response())
}

/// `GET /accounts/{id}/challenge`.
pub(crate) async fn account_challenge(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    let challenge = app
        .store()
        .account_challenge(&id, app.clock.now(), &app.timings)?;
    Counters::bump(&app.counters.challenges_issued);
    Ok(Json(json!({ CHALLENGE_FIELD: challenge })).into_response())
}

/// `POST /accounts/{id}/challenge/sign`.
pub(crate) async fn sign_account_challenge(
    State(app): State<Arc<App>>,
    Id(id): Id,
    body: Bytes,
) -> Result<Response> {
    let request: SignChallenge = parse_json(&body)?;
    // Before the store's lock: see `verify_submission`.
    let verdict = verify_submission(&request.chain_id, &request.challenge, &request.signature);
    let outcome = app.store().sign_account_challenge(
        &id,
        &request.chain_id,
        &request.challenge,
        verdict,
        app.clock.now(),
        &app.timings,
    )?;
    sign_outcome(&app, outcome)
}

/// `PATCH /accounts/{id}/deactivate`.
pub(crate) async fn deactivate_account(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Response> {
    Ok(Json(
        app.store()
            .set_account_active(&id, false, app.clock.now())?,
    )
    .into_response())
}

/// `PATCH /accounts/{id}/activate`.
pub(crate) async fn activate_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().set_account_active(&id, true, app.clock.now())?).into_response())
}

/// `DELETE /accounts/{id}`: answers the account with its deletion challenge.
pub(crate) async fn close_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    let account = app
        .store()
        .close_account(&id, app.clock.now(), &app.timings)?;
    Counters::bump(&app.counters.challenges_issued);
    Ok(Json(account).into_response())
}

/// `PATCH /simulator/customers/{id}/verify`.
pub(crate) async fn simulator_verify(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    app.store().simulate_kyc(&id, true, app.clock.now())?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `PATCH /simulator/customers/{id}/reject`.
pub(crate) async fn simulator_reject(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    app.store().simulate_kyc(&id, false, app.clock.now())?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// Unknown paths.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, "no such endpoint")
}

/// Known paths with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method",
    )
}
