//! The client: configuration, and the one place every request is authenticated, signed, sent
//! and retried.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use chainsig_core::offblocks::{self, IDEMPOTENCY_KEY_HEADER, error_body};
use chainsig_httpsig::{RequestSigner, RequestSigningKey};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, DATE, HeaderValue, LOCATION, RETRY_AFTER};
use http::{HeaderMap, Method, StatusCode};
use reqwest::Url;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::error::{ApiError, Error, Result};
use crate::idempotency::IdempotencyKey;
use crate::models::TokenResponse;
use crate::retry::{self, RetryPolicy};
use crate::sanitize::sanitize_server_text;
use crate::token::{ApiCredentials, CachedToken, TokenCache};

/// Largest answer body read; anything longer is an error, not an allocation.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// The longest error message and code kept from an error answer, in bytes.
const MAX_ERROR_MESSAGE: usize = 512;
const MAX_ERROR_CODE: usize = 64;
/// The longest redirect `Location` kept for the error, in bytes.
const MAX_LOCATION: usize = 512;

type Signer = RequestSigner<Arc<dyn RequestSigningKey>>;

/// A client of the OffBlocks API. Cheap to clone (one connection pool, one token cache, shared
/// by every clone), `Send + Sync`.
///
/// ```no_run
/// use chainsig_api::Client;
/// use chainsig_httpsig::P384SigningKey;
///
/// # fn demo(secret: String) -> Result<(), chainsig_api::Error> {
/// let key = P384SigningKey::from_pem(&std::fs::read_to_string("signing-key.pem").unwrap()).unwrap();
/// let client = Client::builder()
///     .base_url(chainsig_api::SANDBOX_BASE_URL)
///     .credentials("0f8c1d2e-…", secret)
///     .signing_key(key)
///     .key_id("3ff1e847-f3c9-45ad-87b9-4cb325f5da07")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base_url: String,
    pub(crate) domain: String,
    pub(crate) origin: String,
    key: Arc<dyn RequestSigningKey>,
    signer: RwLock<Option<Arc<Signer>>>,
    pub(crate) token: TokenCache,
    retry: RetryPolicy,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &self.inner.token.api_key())
            .field("key_id", &self.key_id())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<String>,
    api_secret: Option<SecretString>,
    key: Option<Arc<dyn RequestSigningKey>>,
    key_id: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    proxy: ProxyChoice,
}

/// Which proxy the client goes through.
#[derive(Debug, Default)]
enum ProxyChoice {
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` from the environment, as reqwest
    /// reads them, for a base URL that is not loopback; none for a loopback one.
    #[default]
    Environment,
    /// This proxy, whatever the base URL and the environment.
    Explicit(Box<reqwest::Proxy>),
    /// None, whatever the environment.
    None,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API's base URL, including `/v1` (default [`offblocks::PRODUCTION_BASE_URL`]). Plain
    /// `http://` is accepted for loopback addresses only.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key and secret (`POST /auth/token`).
    pub fn credentials(
        mut self,
        api_key: impl Into<String>,
        api_secret: impl Into<SecretString>,
    ) -> Self {
        self.api_key = Some(api_key.into());
        self.api_secret = Some(api_secret.into());
        self
    }

    /// The P-384 key that signs every request (in memory, or any KMS behind the trait).
    pub fn signing_key(mut self, key: impl RequestSigningKey + 'static) -> Self {
        self.key = Some(Arc::new(key));
        self
    }

    /// The same, already shared.
    pub fn shared_signing_key(mut self, key: Arc<dyn RequestSigningKey>) -> Self {
        self.key = Some(key);
        self
    }

    /// The key id returned when the key was registered (`keyid` of every signature). Without
    /// it, call [`Client::register_signing_key`] before any business request.
    pub fn key_id(mut self, key_id: impl Into<String>) -> Self {
        self.key_id = Some(key_id.into());
        self
    }

    /// Timeout of each HTTP attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// `User-Agent` (default `chainsig/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends every request through `proxy`, whatever the environment says (and even for a
    /// loopback base URL: you asked for it).
    ///
    /// By default the client follows the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    /// `NO_PROXY`, as reqwest reads them) for an `https` base URL, and uses **no proxy at all**
    /// for a loopback base URL (`http://127.0.0.1…`, `http://localhost…`, `http://[::1]…`):
    /// there the API secret travels in clear text, and a proxy variable set for other programs
    /// must not receive it.
    ///
    /// ```no_run
    /// # fn demo(secret: String, key: chainsig_httpsig::P384SigningKey) -> Result<(), Box<dyn std::error::Error>> {
    /// let client = chainsig_api::Client::builder()
    ///     .base_url(chainsig_api::PRODUCTION_BASE_URL)
    ///     .proxy(chainsig_api::Proxy::https("http://proxy.internal:3128")?)
    ///     .credentials("0f8c1d2e-…", secret)
    ///     .signing_key(key)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = ProxyChoice::Explicit(Box::new(proxy));
        self
    }

    /// Uses no proxy, whatever the environment says (see [`proxy`](Self::proxy) for the default).
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::None;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let base = self
            .base_url
            .unwrap_or_else(|| offblocks::PRODUCTION_BASE_URL.to_owned());
        let url =
            Url::parse(&base).map_err(|e| Error::Config(format!("base URL `{base}`: {e}")))?;
        let host = url
            .host_str()
            .ok_or_else(|| Error::Config(format!("base URL `{base}` has no host")))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "base URL `{base}`: plain http is allowed for loopback addresses only; use https"
                )));
            }
            other => {
                return Err(Error::Config(format!(
                    "base URL `{base}`: unsupported scheme `{other}`"
                )));
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "base URL `{base}` must not have a query or fragment"
            )));
        }
        let domain = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let origin = format!("{}://{domain}", url.scheme());
        let api_key = self
            .api_key
            .ok_or_else(|| Error::Config("API key and secret are required".into()))?;
        let api_secret = self
            .api_secret
            .ok_or_else(|| Error::Config("API key and secret are required".into()))?;
        let key = self
            .key
            .ok_or_else(|| Error::Config("a request-signing key is required".into()))?;
        let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
        let http = reqwest::Client::builder()
            .user_agent(
                self.user_agent
                    .unwrap_or_else(|| format!("chainsig/{}", env!("CARGO_PKG_VERSION"))),
            )
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(60))
            // An OffBlocks API has no reason to redirect, and every request carries the secret,
            // a token or a signature: a 3xx is an error (`Error::Redirect`), never followed.
            .redirect(reqwest::redirect::Policy::none());
        let http = match self.proxy {
            ProxyChoice::Explicit(proxy) => http.proxy(*proxy),
            ProxyChoice::None => http.no_proxy(),
            ProxyChoice::Environment if is_loopback(host) => http.no_proxy(),
            ProxyChoice::Environment => http,
        };
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        let signer = self
            .key_id
            .map(|id| Arc::new(RequestSigner::new(key.clone(), id)));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base.trim_end_matches('/').to_owned(),
                domain,
                origin,
                key,
                signer: RwLock::new(signer),
                token: TokenCache::new(ApiCredentials {
                    api_key,
                    api_secret,
                }),
                retry: self.retry.unwrap_or_default(),
                timeout,
            }),
        })
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

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

enum AttemptError {
    /// Worth retrying: no answer, or an answer cut short.
    Transport(String),
    /// Not worth retrying.
    Fatal(Error),
}

impl Client {
    /// Starts a [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API's host\[:port\]: what a SIWE challenge's `domain` must be.
    pub fn domain(&self) -> &str {
        &self.inner.domain
    }

    /// The API's origin (`https://host[:port]`): what a SIWE challenge's `URI` must be.
    pub fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The `keyid` requests are signed under, once known.
    pub fn key_id(&self) -> Option<String> {
        let signer = self.inner.signer.read().unwrap_or_else(|e| e.into_inner());
        signer.as_ref().map(|s| s.keyid().to_owned())
    }

    /// Sets the `keyid` (e.g. after registering the key elsewhere).
    pub fn set_key_id(&self, key_id: impl Into<String>) {
        let signer = Arc::new(RequestSigner::new(self.inner.key.clone(), key_id));
        *self.inner.signer.write().unwrap_or_else(|e| e.into_inner()) = Some(signer);
    }

    /// Forgets the `keyid` (after the key was removed): signed requests fail at once.
    pub(crate) fn clear_key_id(&self) {
        *self.inner.signer.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// How many tokens this client (and its clones) fetched so far.
    pub fn token_fetches(&self) -> u64 {
        self.inner
            .token
            .fetches
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A valid bearer token: the cached one, or a new one from `POST /auth/token` (one fetch at
    /// a time, however many callers wait).
    async fn token(&self) -> Result<CachedToken> {
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
    pub(crate) async fn exchange(&self, credentials: &ApiCredentials) -> Result<TokenResponse> {
        let operation = Operation {
            method: Method::POST,
            path: offblocks::paths::TOKEN.to_owned(),
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
        let token: TokenResponse = decode(&answer)?;
        tracing::debug!(expires_at = token.expires_at, "fetched a bearer token");
        Ok(token)
    }

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

    async fn attempt(
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
            headers.insert(IDEMPOTENCY_KEY_HEADER, value);
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
struct Target {
    url: reqwest::Url,
    uri: http::Uri,
}

impl Target {
    fn parse(url: &str) -> Result<Self> {
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
fn cut(text: &str, max: usize) -> String {
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
