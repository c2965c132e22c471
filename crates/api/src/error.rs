//! What can go wrong talking to OffBlocks. Errors carry the request's idempotency key so that an
//! operator can retry the very same operation, and never a token, secret or key.

use std::time::Duration;

use chainsig_core::{PolicyRefusal, SignerError, SiwxError};
use http::StatusCode;
use uuid::Uuid;

/// An error answer from the API (any non-2xx status but a redirect, which is
/// [`Error::Redirect`]).
///
/// `code` and `message` are the server's text, cut and [sanitized](crate::sanitize_server_text)
/// when the error is built: no control or bidirectional formatting character is left in them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable code (`error` field, cut to 64 bytes, sanitized), when the body had
    /// one.
    pub code: Option<String>,
    /// The human-readable message (`message` field, or the plain-text body), cut to 512 bytes,
    /// sanitized.
    pub message: String,
    /// The idempotency key the request carried (writes only).
    pub idempotency_key: Option<Uuid>,
    /// The `Retry-After` delay the server asked for, if any.
    pub retry_after: Option<Duration>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(key) = &self.idempotency_key {
            write!(f, " (Idempotency-Key {key})")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Whether the same request may succeed later: 429, 5xx, and 409 "still in flight".
    pub fn is_retryable(&self) -> bool {
        self.status == StatusCode::TOO_MANY_REQUESTS
            || self.status.is_server_error()
            || self.is_idempotency_in_flight()
    }

    /// A 409 saying another request with the same idempotency key is still being handled.
    ///
    /// OffBlocks documents it as "Idempotency-Key Concurrency Conflict"; a 409 about anything
    /// else (e.g. "Customer already exists") is final.
    pub fn is_idempotency_in_flight(&self) -> bool {
        self.status == StatusCode::CONFLICT
            && (self
                .code
                .as_deref()
                .is_some_and(|c| c.contains("idempotency"))
                || self.message.to_ascii_lowercase().contains("idempotency"))
    }

    /// Whether this is the signature middleware's refusal of the request itself (`400`, the plain
    /// text body `invalid required signature`, no JSON code): the request signature, its
    /// `Content-Digest`, its key id or its time window did not pass. It says nothing about a
    /// challenge, and trying again with the same key and key id cannot help.
    pub fn is_request_authentication(&self) -> bool {
        self.status == StatusCode::BAD_REQUEST
            && self.code.is_none()
            && self
                .message
                .trim()
                .eq_ignore_ascii_case(chainsig_offblocks::SIGNATURE_REFUSED_BODY)
    }

    /// Whether the error code is `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

/// Errors of the client and its flows.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (base URL, missing key id, …).
    #[error("client configuration: {0}")]
    Config(String),
    /// The API answered with an error status.
    #[error("OffBlocks answered {0}")]
    Api(ApiError),
    /// No answer: connection refused or closed, timeout. Retried until the policy gave up.
    #[error(
        "no answer from {url} after {attempts} attempt(s): {reason}{}",
        key_note(idempotency_key)
    )]
    Transport {
        /// The URL (no query secrets are ever in it).
        url: String,
        /// What happened last.
        reason: String,
        /// Attempts made.
        attempts: u32,
        /// The request's idempotency key (writes only).
        idempotency_key: Option<Uuid>,
    },
    /// The API answered with a redirect (3xx). It is never followed: an OffBlocks API has no
    /// reason to redirect, and following would hand the API secret, a token or a signed request
    /// to wherever it points (perhaps in clear text). Not retried.
    #[error(
        "the API answered {status} to {url}, redirecting to {}; redirects are never followed \
         (check the base URL: it must be the API's own address)",
        location.as_deref().unwrap_or("nowhere (no Location)")
    )]
    Redirect {
        /// The URL requested.
        url: String,
        /// The HTTP status (301, 302, 303, 307, 308, …).
        status: StatusCode,
        /// The `Location` header, cut to 512 bytes and sanitized, if there was one.
        location: Option<String>,
    },
    /// The answer could not be understood (malformed or truncated JSON, missing field).
    #[error("unexpected answer ({status}) from {url}: {reason}")]
    Decode {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: StatusCode,
        /// What was wrong.
        reason: String,
    },
    /// The request-signing key failed.
    #[error("request signing failed: {0}")]
    RequestSigning(String),
    /// The challenge signer failed or refused.
    #[error("challenge signer: {0}")]
    Signer(SignerError),
    /// The challenge is not what this client agreed to sign; nothing was signed.
    #[error("refused to sign the challenge: {0}")]
    ChallengeRefused(String),
    /// The challenge policy refused the challenge; nothing was signed. The refusal names the
    /// rule, what it saw, and the policy line that would allow it.
    #[error("refused to sign the challenge: {0}")]
    PolicyRefused(PolicyRefusal),
    /// The API refused the request's own authentication (its HTTP message signature, digest,
    /// key id or time window: [`ApiError::is_request_authentication`]). Not about a challenge,
    /// never retried, nothing re-fetched.
    #[error(
        "the API refused the request signature ({answer}) made under key id {}: check that \
         this key id is the one the API returned when this key was registered (PUT /auth/signing), \
         that the key registered there is still this signing key (it is replaced by every \
         registration and gone after DELETE /auth/signing), and that this machine's clock is right \
         (a signature is only accepted within a few seconds of its `created` time)",
        key_id.as_deref().unwrap_or("(none)")
    )]
    RequestAuthentication {
        /// The `keyid` the request was signed under.
        key_id: Option<String>,
        /// The answer.
        answer: ApiError,
    },
    /// `POST /auth/token` refused the API key and secret (401): they are wrong for this base
    /// URL, or were rotated or revoked since. Not retried.
    #[error(
        "the API refused the API key and secret ({answer}): they are not the ones in force for \
         this base URL (wrong, or rotated or revoked since)"
    )]
    CredentialsRefused {
        /// The answer.
        answer: ApiError,
    },
    /// This client revoked its own credentials ([`Client::revoke_credentials`]): it sends
    /// nothing any more.
    ///
    /// [`Client::revoke_credentials`]: crate::Client::revoke_credentials
    #[error(
        "the API credentials of this client were revoked (DELETE /auth/credentials); API access \
         ended for good: nothing was sent"
    )]
    CredentialsRevoked,
    /// The server rejected the signature every time, up to the attempt limit.
    #[error("the challenge signature was rejected {attempts} time(s); last answer: {last}")]
    ChallengeRejected {
        /// Signatures submitted.
        attempts: u32,
        /// The last rejection.
        last: ApiError,
    },
    /// The flow cannot go on: the entity is in a state that does not allow it.
    #[error("{0}")]
    Flow(String),
    /// Waiting for a state gave up at the deadline.
    #[error("timed out after {waited:?} waiting for {what} (last status: {last_status})")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        waited: Duration,
        /// The status seen last.
        last_status: String,
    },
}

fn key_note(key: &Option<Uuid>) -> String {
    key.map(|k| format!(" (Idempotency-Key {k})"))
        .unwrap_or_default()
}

impl From<SignerError> for Error {
    fn from(err: SignerError) -> Self {
        match err {
            SignerError::PolicyRefused(refusal) => Error::PolicyRefused(refusal),
            other => Error::Signer(other),
        }
    }
}

impl From<SiwxError> for Error {
    fn from(err: SiwxError) -> Self {
        Error::ChallengeRefused(err.to_string())
    }
}

impl Error {
    /// Whether trying the same operation again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.is_retryable(),
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Signer(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::ChallengeRejected { last, .. }
            | Error::RequestAuthentication { answer: last, .. }
            | Error::CredentialsRefused { answer: last } => Some(last),
            _ => None,
        }
    }

    /// The idempotency key of the request that failed, if it was a write.
    pub fn idempotency_key(&self) -> Option<Uuid> {
        match self {
            Error::Api(e)
            | Error::ChallengeRejected { last: e, .. }
            | Error::RequestAuthentication { answer: e, .. } => e.idempotency_key,
            Error::Transport {
                idempotency_key, ..
            } => *idempotency_key,
            _ => None,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
