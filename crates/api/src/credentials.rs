//! The API credentials' life cycle (`offblocks-api.md` 1.3): rotation (`PUT /auth/credentials`)
//! and revocation (`DELETE /auth/credentials`), each applied to the client's own credentials and
//! token cache in one step.

use bytes::Bytes;
use chainsig_offblocks::{Credentials, paths};
use http::Method;
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument as _;
use zeroize::Zeroizing;

use crate::client::{Auth, Client, Operation};
use crate::error::{Error, Result};
use crate::idempotency::IdempotencyKey;
use crate::token::ApiCredentials;

/// The JSON body carrying `credentials`, in a buffer that is zeroed when the last copy of the
/// body is dropped (the secret is in it). Allocated once, large enough for any escaping, so that
/// no reallocation leaves a copy behind.
pub(crate) fn credentials_body(credentials: &ApiCredentials) -> Result<Bytes> {
    let secret = credentials.api_secret.expose_secret();
    let capacity = body_capacity(&credentials.api_key, secret);
    let mut buffer = Zeroizing::new(Vec::with_capacity(capacity));
    serde_json::to_writer(
        &mut *buffer,
        &Credentials {
            api_key: credentials.api_key.as_str(),
            api_secret: secret,
        },
    )
    .map_err(|_| Error::Config("cannot encode the credentials".into()))?;
    Ok(Bytes::from_owner(buffer))
}

/// The most bytes the body of `api_key` and `secret` can take: JSON escapes a byte to at most 6
/// (`\u001f`), and the rest is `{"apiKey":"","apiSecret":""}` (28 bytes).
fn body_capacity(api_key: &str, secret: &str) -> usize {
    32 + 6 * (api_key.len() + secret.len())
}

/// Whether a failed rotation or revocation may still have happened on the server: no answer (it
/// may have been lost after the change), the bearer token refused (a retry after a lost answer
/// meets the invalidation it caused), or a server error.
fn may_have_happened(error: &Error) -> bool {
    match error {
        Error::Transport { .. } => true,
        Error::Api(answer) => {
            answer.status == http::StatusCode::UNAUTHORIZED || answer.is_retryable()
        }
        _ => false,
    }
}

impl Client {
    /// `PUT /auth/credentials`: replaces the API key and secret with new ones. The API answers
    /// `204` and refuses every token issued before (401) and the old secret from then on.
    ///
    /// On success the client puts the new credentials in force and drops its token in one step,
    /// under the lock every token fetch takes: no request of this client or its clones fetches a
    /// token with the old secret after the API rotated, nor keeps one fetched before. Requests
    /// in flight with the old token meet a 401 and are sent once more with a new token.
    ///
    /// On failure the old credentials stay in force. When the answer is lost (no answer, a 401
    /// on a retry, a 5xx), the client asks `POST /auth/token` whether the new credentials are in
    /// force: if they are, the rotation happened and this returns `Ok`.
    ///
    /// Store the new secret where this client's configuration comes from before dropping it:
    /// the old one no longer gets a token, and no other copy of the new one exists. The secret
    /// is never logged or shown in an error.
    ///
    /// ```no_run
    /// # async fn demo(client: &chainsig_api::Client) -> Result<(), chainsig_api::Error> {
    /// use chainsig_api::IdempotencyKey;
    ///
    /// let new_secret = std::fs::read_to_string("/run/secrets/offblocks-new-secret").unwrap();
    /// client
    ///     .rotate_credentials(
    ///         "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b",
    ///         new_secret.trim().to_owned(),
    ///         IdempotencyKey::new(),
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn rotate_credentials(
        &self,
        new_api_key: impl Into<String>,
        new_api_secret: impl Into<SecretString>,
        key: IdempotencyKey,
    ) -> Result<()> {
        let new = ApiCredentials {
            api_key: new_api_key.into(),
            api_secret: new_api_secret.into(),
        };
        let body = credentials_body(&new)?;
        let span = tracing::info_span!("rotate_credentials", idempotency_key = %key.uuid());
        async move {
            let cache = &self.inner.token;
            let _refreshing = cache.refresh.lock().await;
            let token = self.token_locked().await?;
            let operation = Operation {
                method: Method::PUT,
                path: paths::CREDENTIALS.to_owned(),
                body: Some(body),
                idempotency_key: Some(key),
                auth: Auth::Bearer,
                bearer: Some(token),
            };
            match self.execute(operation).await {
                Ok(_) => {
                    cache.replace_credentials(new);
                    tracing::info!("API credentials rotated");
                    Ok(())
                }
                Err(error) if may_have_happened(&error) => match self.exchange(&new).await {
                    Ok(token) => {
                        let credentials = cache.replace_credentials(new);
                        cache.store(
                            &credentials,
                            token.token,
                            token.expires_at,
                            crate::client::unix_now(),
                        );
                        tracing::info!("API credentials rotated (the answer was lost)");
                        Ok(())
                    }
                    Err(_) => Err(error),
                },
                Err(error) => Err(error),
            }
        }
        .instrument(span)
        .await
    }

    /// `DELETE /auth/credentials`: revokes this API key and secret for good. Every token is
    /// refused afterwards and no new one is issued; there is no undo.
    ///
    /// On success the client forgets its credentials and token in one step; every later call
    /// fails at once with [`Error::CredentialsRevoked`], sending nothing. When the answer is lost
    /// and `POST /auth/token` then refuses the credentials, they were revoked: this returns
    /// `Ok` too.
    ///
    /// ```no_run
    /// # async fn demo(client: &chainsig_api::Client) -> Result<(), chainsig_api::Error> {
    /// client.revoke_credentials(chainsig_api::IdempotencyKey::new()).await?;
    /// assert!(matches!(
    ///     client.list_customers().await,
    ///     Err(chainsig_api::Error::CredentialsRevoked)
    /// ));
    /// # Ok(()) }
    /// ```
    pub async fn revoke_credentials(&self, key: IdempotencyKey) -> Result<()> {
        let span = tracing::info_span!("revoke_credentials", idempotency_key = %key.uuid());
        async move {
            let cache = &self.inner.token;
            let _refreshing = cache.refresh.lock().await;
            let token = self.token_locked().await?;
            let operation = Operation {
                method: Method::DELETE,
                path: paths::CREDENTIALS.to_owned(),
                body: None,
                idempotency_key: Some(key),
                auth: Auth::Bearer,
                bearer: Some(token),
            };
            let outcome = match self.execute(operation).await {
                Ok(_) => Ok(()),
                Err(error) if may_have_happened(&error) => {
                    let credentials = cache.credentials().ok_or(Error::CredentialsRevoked)?;
                    match self.exchange(&credentials).await {
                        Err(Error::CredentialsRefused { .. }) => Ok(()),
                        _ => Err(error),
                    }
                }
                Err(error) => Err(error),
            };
            if outcome.is_ok() {
                cache.revoke();
                tracing::info!("API credentials revoked");
            }
            outcome
        }
        .instrument(span)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_never_outgrows_its_buffer() {
        // Control characters are escaped to 6 bytes each, the worst case; the buffer must not be
        // reallocated (which would leave a copy of the secret behind, unzeroed).
        for (key, secret) in [
            ("", ""),
            ("k", "\u{1}"),
            ("\u{1f}\u{1f}", "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}"),
            ("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b", "\"\\\u{0}"),
        ] {
            let credentials = ApiCredentials {
                api_key: key.to_owned(),
                api_secret: SecretString::from(secret.to_owned()),
            };
            let body = credentials_body(&credentials).unwrap();
            let capacity = body_capacity(key, secret);
            assert!(body.len() <= capacity, "{} > {capacity}", body.len());
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(value["apiSecret"], secret);
        }
        // Tight: the worst case fills it.
        let secret = "\u{1}".repeat(10);
        let credentials = ApiCredentials {
            api_key: String::new(),
            api_secret: SecretString::from(secret.clone()),
        };
        let body = credentials_body(&credentials).unwrap();
        assert_eq!(body.len(), 28 + 60);
        assert!(body_capacity("", &secret) - body.len() < 8);
    }
}
