//! The bearer token: the cached one, or a new one from `POST /auth/token` (one fetch at a time,
//! however many callers wait).

use chainsig_offblocks::{TokenAnswer, paths};
use http::{Method, StatusCode};

use super::{Auth, Client, Operation, decode, unix_now};
use crate::error::{Error, Result};
use crate::token::{ApiCredentials, CachedToken};

impl Client {
    /// A valid bearer token: the cached one, or a new one from `POST /auth/token` (one fetch at
    /// a time, however many callers wait).
    pub(super) async fn token(&self) -> Result<CachedToken> {
        if let Some(token) = self.inner.token.fresh(unix_now()) {
            return Ok(token);
        }
        let _refreshing = self.inner.token.refresh.lock().await;
        self.token_locked().await
    }

    /// The same, for a caller that holds the cache's refresh lock.
    pub(crate) async fn token_locked(&self) -> Result<CachedToken> {
        if let Some(token) = self.inner.token.fresh(unix_now()) {
            return Ok(token);
        }
        let credentials = self
            .inner
            .token
            .credentials()
            .ok_or(Error::CredentialsRevoked)?;
        let token = self.exchange(&credentials).await?;
        Ok(self
            .inner
            .token
            .store(&credentials, token.token, token.expires_at, unix_now()))
    }

    /// `POST /auth/token` with `credentials`. A 401 is [`Error::CredentialsRefused`].
    pub(crate) async fn exchange(&self, credentials: &ApiCredentials) -> Result<TokenAnswer> {
        let operation = Operation {
            method: Method::POST,
            path: paths::TOKEN.to_owned(),
            body: Some(crate::credentials::credentials_body(credentials)?),
            idempotency_key: None,
            auth: Auth::None,
            bearer: None,
        };
        // Boxed: fetching a token is itself a request (which, unauthenticated, needs no token).
        let answer = match Box::pin(self.execute(operation)).await {
            Ok(answer) => answer,
            Err(Error::Api(answer)) if answer.status == StatusCode::UNAUTHORIZED => {
                return Err(Error::CredentialsRefused { answer });
            }
            Err(e) => return Err(e),
        };
        let token: TokenAnswer = decode(&answer)?;
        tracing::debug!(expires_at = token.expires_at, "fetched a bearer token");
        Ok(token)
    }
}
