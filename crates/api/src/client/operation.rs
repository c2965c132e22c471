//! One logical request ([`Operation`]): method, path, the exact body every retry sends, its
//! idempotency key, and how it is authenticated ([`Auth`]).

use bytes::Bytes;
use http::Method;

use crate::idempotency::IdempotencyKey;
use crate::token::CachedToken;

/// How a request is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// `POST /auth/token`.
    None,
    /// `PUT /auth/signing`: bearer token only (the key is not registered yet).
    Bearer,
    /// Every business request: bearer token + RFC 9421 signature + digest.
    Signed,
}

/// One logical request: retries send exactly these bytes, with this idempotency key.
///
/// No derived `Debug`: the token request's body holds the API secret.
pub(crate) struct Operation {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<Bytes>,
    pub(crate) idempotency_key: Option<IdempotencyKey>,
    pub(crate) auth: Auth,
    /// The bearer token to send, instead of the cache's: for a request made while the token
    /// cache is locked (a rotation, a revocation). A 401 is then final, not a refresh.
    pub(crate) bearer: Option<CachedToken>,
}

impl Operation {
    pub(crate) fn get(path: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            path: path.into(),
            body: None,
            idempotency_key: None,
            auth: Auth::Signed,
            bearer: None,
        }
    }

    pub(crate) fn write(
        method: Method,
        path: impl Into<String>,
        body: Option<Bytes>,
        key: IdempotencyKey,
    ) -> Self {
        Self {
            method,
            path: path.into(),
            body,
            idempotency_key: Some(key),
            auth: Auth::Signed,
            bearer: None,
        }
    }
}
