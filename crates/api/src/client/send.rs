//! Sending an [`Operation`]: the retry loop (backoff, `Retry-After`, the deadline, one token
//! refresh after a 401) and the classification of each attempt's outcome.

use std::time::Instant;

use http::StatusCode;
use tracing::Instrument as _;

use super::attempt::{AttemptError, Target};
use super::{Answer, Auth, Client, Operation, api_error};
use crate::error::{Error, Result};
use crate::idempotency::IdempotencyKey;

impl Client {
    /// Sends `operation`, retrying per the policy with the same body and idempotency key and a
    /// fresh signature each attempt. Non-2xx answers are errors.
    pub(crate) async fn execute(&self, operation: Operation) -> Result<Answer> {
        let started = Instant::now();
        let retry = self.inner.retry;
        let mut delays = retry.delays();
        let mut attempt = 0u32;
        let mut refreshed_token = false;
        let url = format!("{}{}", self.inner.base_url, operation.path);
        // Parsed once for every attempt: reqwest's URL (IDNA and all) and the URI the signature
        // covers.
        let target = Target::parse(&url)?;
        let key = operation.idempotency_key.map(IdempotencyKey::uuid);
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "offblocks_request",
                method = %operation.method,
                path = %operation.path,
                attempt,
                idempotency_key = key.map(|k| k.to_string()),
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(&operation, &url, &target)
                .instrument(span.clone())
                .await;
            let failure = match outcome {
                Ok((answer, _)) if answer.status.is_success() => {
                    span.record("status", answer.status.as_u16());
                    return Ok(answer);
                }
                Ok((answer, used_token)) => {
                    span.record("status", answer.status.as_u16());
                    let error = api_error(&answer, key);
                    if error.is_request_authentication() {
                        // The middleware refused the request itself: the same key, key id and
                        // clock would be refused again.
                        tracing::warn!(parent: &span, key_id = ?self.key_id(), "the API refused the request signature");
                        return Err(Error::RequestAuthentication {
                            key_id: self.key_id(),
                            answer: error,
                        });
                    }
                    let refusable = answer.status == StatusCode::UNAUTHORIZED
                        && operation.auth != Auth::None
                        && operation.bearer.is_none();
                    // A token refused again may have been fetched with credentials that a
                    // rotation has replaced since: once any rotation in progress is done (it
                    // holds the refresh lock until its swap), such a request is sent once more.
                    // Each such retry needs another rotation: no loop.
                    let superseded = match &used_token {
                        Some(token) if refusable && refreshed_token => {
                            drop(self.inner.token.refresh.lock().await);
                            self.inner.token.superseded(token)
                        }
                        _ => false,
                    };
                    if refusable && (!refreshed_token || superseded) {
                        // The token expired or was revoked: drop it and try once more at once.
                        if let Some(token) = &used_token {
                            self.inner.token.invalidate(token.generation);
                        }
                        refreshed_token = true;
                        continue;
                    }
                    if !error.is_retryable() {
                        return Err(Error::Api(error));
                    }
                    Error::Api(error)
                }
                Err(AttemptError::Transport(reason)) => {
                    tracing::debug!(parent: &span, %reason, "no answer");
                    Error::Transport {
                        url: url.clone(),
                        reason,
                        attempts: attempt,
                        idempotency_key: key,
                    }
                }
                Err(AttemptError::Fatal(error)) => return Err(error),
            };
            let retry_after = match &failure {
                Error::Api(e) => e.retry_after,
                _ => None,
            };
            let Some(backoff) = delays.next() else {
                return Err(failure);
            };
            // The server's Retry-After wins over a shorter backoff.
            let delay = retry_after.map_or(backoff, |r| r.max(backoff));
            // Capped by the deadline: a wait that would end past it is not started (saturating:
            // Retry-After is the server's number, and may be absurd).
            if started.elapsed().saturating_add(delay) > retry.deadline {
                return Err(failure);
            }
            tracing::debug!(attempt, ?delay, "retrying");
            tokio::time::sleep(delay).await;
        }
    }
}
