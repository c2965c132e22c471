//! The client: the [`Client`] handle (one connection pool, one token cache, one request signer
//! shared by every clone) and its accessors. Building it, fetching tokens, sending requests and
//! reading answers are each a module here.

mod answer;
mod attempt;
mod bearer;
mod builder;
mod operation;
mod send;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chainsig_httpsig::{RequestSigner, RequestSigningKey};

pub(crate) use answer::{Answer, api_error, decode};
pub use builder::ClientBuilder;
pub(crate) use operation::{Auth, Operation};

use crate::retry::RetryPolicy;
use crate::token::TokenCache;

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

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
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
}
