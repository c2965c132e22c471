//! The request body, collected once: the extension the body-limit layer leaves it in, and the
//! extractors that read it (raw bytes, or JSON answered in the API's error shape when it is bad).
//!
//! Past the body-limit layer (`middleware/body_limit.rs`) a request's body stream is empty and its
//! bytes are in its [`CollectedBody`] extension: the signature check, the idempotency store and
//! the handler share one buffer instead of each collecting the stream again.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use chainsig_offblocks::codes;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The bytes of a request's body, collected within the limit by the outermost body layer.
#[derive(Debug, Clone, Default)]
pub(crate) struct CollectedBody(pub(crate) Bytes);

impl CollectedBody {
    /// The collected body of `request` (empty when there is none).
    pub(crate) fn of<B>(request: &axum::http::Request<B>) -> Bytes {
        request
            .extensions()
            .get::<Self>()
            .map(|body| body.0.clone())
            .unwrap_or_default()
    }
}

/// The request body as bytes: the collected one, or (on a router without the body layer) the
/// stream read to its end.
#[derive(Debug)]
pub(crate) struct RawBody(pub(crate) Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if let Some(CollectedBody(bytes)) = request.extensions().get::<CollectedBody>() {
            return Ok(Self(bytes.clone()));
        }
        Bytes::from_request(request, state)
            .await
            .map(Self)
            .map_err(|e| ApiError::new(e.status(), "invalid_body", e.body_text()))
    }
}

/// A JSON body of `T`. Unlike axum's `Json`, bad JSON is answered in the API's error shape
/// (`400 {"error": "invalid_json", "message": …}`, serde's message naming the field that is
/// missing, unknown or of the wrong type), never as plain text; and no `Content-Type` is
/// demanded, as OffBlocks demands none.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<T: DeserializeOwned> ApiJson<T> {
    /// Parses `bytes` as JSON of `T`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        serde_json::from_slice(bytes).map(Self).map_err(|e| {
            ApiError::bad_request(codes::INVALID_JSON, format!("malformed JSON body: {e}"))
        })
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let RawBody(bytes) = RawBody::from_request(request, state).await?;
        Self::parse(&bytes)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse as _;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Named {
        name: String,
    }

    /// A request whose collected body is `collected` and whose stream is `stream`.
    fn request(collected: Option<&'static [u8]>, stream: &'static [u8]) -> Request {
        let mut request = Request::new(Body::from(stream));
        if let Some(bytes) = collected {
            request
                .extensions_mut()
                .insert(CollectedBody(Bytes::from_static(bytes)));
        }
        request
    }

    async fn extract(request: Request) -> Result<Named, ApiError> {
        ApiJson::<Named>::from_request(request, &())
            .await
            .map(|ApiJson(n)| n)
    }

    #[tokio::test]
    async fn reads_the_collected_body_not_the_stream() {
        let named = extract(request(Some(br#"{"name":"a"}"#), br#"{"name":"b"}"#)).await;
        assert_eq!(named.unwrap(), Named { name: "a".into() });
    }

    #[tokio::test]
    async fn reads_the_stream_without_a_collected_body() {
        let named = extract(request(None, br#"{"name":"b"}"#)).await;
        assert_eq!(named.unwrap(), Named { name: "b".into() });
    }

    #[tokio::test]
    async fn bad_json_is_answered_in_the_error_shape() {
        for (body, names) in [
            (&b"{not json"[..], "key must be a string"),
            (b"{}", "missing field `name`"),
            (br#"{"name": 5}"#, "invalid type: integer `5`"),
            (br#"{"name": "a", "x": 1}"#, "unknown field `x`"),
            (b"", "EOF"),
        ] {
            let error = extract(request(Some(body), b"")).await.unwrap_err();
            assert_eq!(error.status, StatusCode::BAD_REQUEST);
            assert_eq!(error.code, "invalid_json");
            assert!(error.message.contains(names), "{}", error.message);
            let response = error.into_response();
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "application/json",
                "{body:?}"
            );
            let bytes = axum::body::to_bytes(response.into_body(), 4096)
                .await
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(json["error"], "invalid_json");
            assert!(
                json["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("malformed JSON body: ")
            );
        }
    }
}
