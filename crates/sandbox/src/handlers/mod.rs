//! The endpoints (`offblocks-api.md` 1.7 rows 1-22): the extractors and answers they share, and
//! the unknown-route answers; one module per concept below.

mod access;
mod challenges;
mod records;
mod webhooks;

use axum::Json;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Serialize, Serializer};

use crate::error::ApiError;

pub(crate) use access::{
    register_signing_key, remove_signing_key, revoke_credentials, rotate_credentials, token,
};
pub(crate) use challenges::{fetch_challenge, sign_challenge};
pub(crate) use records::{
    activate_account, close_account, create_account, create_customer, deactivate_account,
    deactivate_customer, get_account, get_customer, list_accounts, list_customer_accounts,
    list_customers, simulator_reject, simulator_verify,
};
pub(crate) use webhooks::put_webhook;

/// A handler's answer.
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
            .map_err(|e| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// Unknown paths.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

/// Known paths with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method",
    )
}

/// A JSON object of one string field (`{"challenge": "…"}`, `{"keyId": "…"}`), serialized
/// straight from the borrowed text: no `serde_json::Value` is built.
struct OneField<'a>(&'static str, &'a str);

impl Serialize for OneField<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(std::iter::once((self.0, self.1)))
    }
}

/// `200` with `{name: value}`.
fn one_field(name: &'static str, value: &str) -> Response {
    Json(OneField(name, value)).into_response()
}
