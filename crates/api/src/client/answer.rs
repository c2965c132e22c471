//! Reading an answer: the [`Answer`] of an attempt, the [`ApiError`] of a non-2xx one (the JSON
//! error body, or its text), and JSON decoding; the server's text is cut and sanitized on the way.

use std::time::Duration;

use bytes::Bytes;
use chainsig_offblocks::fields::error_body;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error, Result};
use crate::sanitize::sanitize_server_text;

/// The longest error message and code kept from an error answer, in bytes.
const MAX_ERROR_MESSAGE: usize = 512;
const MAX_ERROR_CODE: usize = 64;

/// A successful answer.
///
/// No derived `Debug`: the token answer's body holds the bearer token.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) body: Bytes,
    pub(crate) url: String,
    /// The delay `Retry-After` asks for, in either of its forms (seconds or an HTTP-date).
    pub(crate) retry_after: Option<Duration>,
}

/// Builds an [`ApiError`] from a non-2xx answer: the JSON error shape when there is one, the text
/// otherwise.
pub(crate) fn api_error(answer: &Answer, key: Option<uuid::Uuid>) -> ApiError {
    let body = &answer.body[..];
    let (code, message) = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => (
            json.get(error_body::CODE)
                .and_then(|v| v.as_str())
                .map(|code| cut(code, MAX_ERROR_CODE)),
            cut(
                json.get(error_body::MESSAGE)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default(),
                MAX_ERROR_MESSAGE,
            ),
        ),
        Err(_) => (None, cut(&String::from_utf8_lossy(body), MAX_ERROR_MESSAGE)),
    };
    ApiError {
        status: answer.status,
        code,
        message,
        idempotency_key: key,
        retry_after: answer.retry_after,
    }
}

/// The server's text as it goes into errors, logs and journals: cut to `max` bytes (at a
/// character boundary) and [sanitized](sanitize_server_text), so that it reaches no terminal raw.
pub(super) fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    sanitize_server_text(&text[..end]).into_owned()
}

/// Decodes a JSON answer; a malformed or truncated one is [`Error::Decode`] (serde's message
/// may quote the answer: it is sanitized).
pub(crate) fn decode<T: DeserializeOwned>(answer: &Answer) -> Result<T> {
    serde_json::from_slice(&answer.body).map_err(|e| Error::Decode {
        url: answer.url.clone(),
        status: answer.status,
        reason: cut(&e.to_string(), MAX_ERROR_MESSAGE),
    })
}
