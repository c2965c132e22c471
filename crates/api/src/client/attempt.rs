//! One attempt of a request: its headers (bearer token, idempotency key, RFC 9421 signature),
//! the exchange, and the answer read within bounds (no redirect followed, no body over 4 MiB).

use std::time::SystemTime;

use bytes::Bytes;
use chainsig_offblocks::headers::IDEMPOTENCY_KEY;
use http::HeaderMap;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderValue, LOCATION, RETRY_AFTER};

use super::answer::cut;
use super::{Answer, Auth, Client, Operation, unix_now};
use crate::error::{Error, Result};
use crate::retry;
use crate::token::CachedToken;

/// Largest answer body read; anything longer is an error, not an allocation.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The longest redirect `Location` kept for the error, in bytes.
const MAX_LOCATION: usize = 512;

/// Why an attempt got no usable answer.
pub(super) enum AttemptError {
    /// Worth retrying: no answer, or an answer cut short.
    Transport(String),
    /// Not worth retrying.
    Fatal(Error),
}

impl Client {
    pub(super) async fn attempt(
        &self,
        operation: &Operation,
        url: &str,
        target: &Target,
    ) -> Result<(Answer, Option<CachedToken>), AttemptError> {
        let mut headers = HeaderMap::new();
        let mut used_token = None;
        if operation.auth != Auth::None {
            let token = match &operation.bearer {
                Some(token) => token.clone(),
                None => self.token().await.map_err(AttemptError::Fatal)?,
            };
            let mut value = HeaderValue::from_str(&token.header_value()).map_err(|_| {
                AttemptError::Fatal(Error::Config(
                    "the bearer token is not a valid header".into(),
                ))
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
            used_token = Some(token);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if operation.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some(key) = operation.idempotency_key {
            let value = HeaderValue::from_str(&key.to_string())
                .map_err(|_| AttemptError::Fatal(Error::Config("idempotency key".into())))?;
            headers.insert(IDEMPOTENCY_KEY, value);
        }
        let body = operation.body.clone().unwrap_or_default();
        if operation.auth == Auth::Signed {
            let signer = self.inner.signer.read().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| {
                AttemptError::Fatal(Error::Config(
                    "no request-signing key id: set ClientBuilder::key_id or call Client::register_signing_key".into(),
                ))
            })?;
            signer
                .sign_headers(
                    &operation.method,
                    &target.uri,
                    &mut headers,
                    &body,
                    unix_now(),
                )
                .await
                .map_err(|e| AttemptError::Fatal(Error::RequestSigning(e.to_string())))?;
        }
        let request = self
            .inner
            .http
            .request(operation.method.clone(), target.url.clone())
            .headers(headers)
            .timeout(self.inner.timeout);
        let request = if operation.body.is_some() {
            request.body(body)
        } else {
            request
        };
        let mut response = request
            .send()
            .await
            .map_err(|e| AttemptError::Transport(describe(e)))?;
        let status = response.status();
        if status.is_redirection() {
            // Not followed, not retried: whatever it points at gets nothing from us.
            let location = response
                .headers()
                .get(LOCATION)
                .map(|v| cut(&String::from_utf8_lossy(v.as_bytes()), MAX_LOCATION));
            return Err(AttemptError::Fatal(Error::Redirect {
                url: url.to_owned(),
                status,
                location,
            }));
        }
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        let retry_after = header(RETRY_AFTER)
            .and_then(|v| retry::retry_after(v, header(DATE), SystemTime::now()));
        // Content-Length refuses a large answer before reading it; the count below also stops
        // a chunked or close-delimited one, which has none.
        let too_large = || {
            AttemptError::Fatal(Error::Decode {
                url: url.to_owned(),
                status,
                reason: format!("the answer is over {MAX_RESPONSE_BYTES} bytes"),
            })
        };
        let declared = response.content_length();
        if declared.is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            AttemptError::Transport(format!("the answer was cut short: {}", describe(e)))
        })? {
            if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = Bytes::from(body);
        Ok((
            Answer {
                status,
                body,
                url: url.to_owned(),
                retry_after,
            },
            used_token,
        ))
    }
}

/// A request's address, parsed once for all its attempts.
pub(super) struct Target {
    pub(super) url: reqwest::Url,
    pub(super) uri: http::Uri,
}

impl Target {
    pub(super) fn parse(url: &str) -> Result<Self> {
        let invalid = || Error::Config(format!("`{url}` is not a valid URL"));
        Ok(Self {
            url: reqwest::Url::parse(url).map_err(|_| invalid())?,
            uri: url.parse().map_err(|_| invalid())?,
        })
    }
}

/// reqwest's message plus its source chain (e.g. "connection refused"), never a header.
fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
