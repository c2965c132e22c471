//! What the endpoints share: the `{id}` path extractor, the answer type, one-field JSON answers.

use axum::Json;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use serde::{Serialize, Serializer};

use crate::error::ApiError;

/// A handler's answer.
pub(super) type Result<T> = std::result::Result<T, ApiError>;

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

/// A JSON object of one string field (`{"challenge": "…"}`, `{"keyId": "…"}`), serialized
/// straight from the borrowed text: no `serde_json::Value` is built.
struct OneField<'a>(&'static str, &'a str);

impl Serialize for OneField<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(std::iter::once((self.0, self.1)))
    }
}

/// `200` with `{name: value}`.
pub(super) fn one_field(name: &'static str, value: &str) -> Response {
    Json(OneField(name, value)).into_response()
}
