//! [`ClientBuilder`]: the client's settings, checked once (base URL, credentials, signing key,
//! timeouts, retries, proxy) into a [`Client`].

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chainsig_httpsig::{RequestSigner, RequestSigningKey};
use chainsig_offblocks::PRODUCTION_BASE_URL;
use reqwest::Url;
use secrecy::SecretString;

use super::{Client, Inner};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::token::{ApiCredentials, TokenCache};

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
    /// The API's base URL, including `/v1` (default [`PRODUCTION_BASE_URL`](crate::PRODUCTION_BASE_URL)). Plain
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
            .unwrap_or_else(|| PRODUCTION_BASE_URL.to_owned());
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
