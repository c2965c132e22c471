//! Why a webhook delivery was refused.

/// Why a webhook delivery was refused. The axum handler answers [`WebhookError::status`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is over the receiver's limit.
    #[error("the webhook body is over the {limit}-byte limit")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body is not a JSON object with the event fields.
    #[error(
        "not a webhook event: {0}; expected a JSON object with string `eventId` and `webhookType`"
    )]
    Malformed(String),
    /// The [`WebhookVerifier`](super::WebhookVerifier) refused it.
    #[error("the webhook was not verified: {0}")]
    Unverified(String),
}

impl WebhookError {
    /// The HTTP status a receiver answers: 413, 400, or 401.
    pub fn status(&self) -> http::StatusCode {
        match self {
            WebhookError::TooLarge { .. } => http::StatusCode::PAYLOAD_TOO_LARGE,
            WebhookError::Malformed(_) => http::StatusCode::BAD_REQUEST,
            WebhookError::Unverified(_) => http::StatusCode::UNAUTHORIZED,
        }
    }
}
