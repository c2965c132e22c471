//! The API credentials and the bearer token fetched with them: fetched once, shared by every
//! request, refreshed shortly before it expires or after a 401, with one refresh at a time however
//! many requests are waiting; credentials and token replaced together, in one step, by a rotation
//! or a revocation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use secrecy::{ExposeSecret, SecretString};

/// A token and when it expires.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub(crate) value: SecretString,
    refresh_at: u64,
    pub(crate) generation: u64,
    /// The credentials it was fetched with.
    fetched_with: Arc<ApiCredentials>,
}

impl CachedToken {
    pub(crate) fn header_value(&self) -> String {
        format!("Bearer {}", self.value.expose_secret())
    }
}

/// The API key and secret a token is fetched with. No `Debug` that could show the secret.
pub(crate) struct ApiCredentials {
    pub(crate) api_key: String,
    pub(crate) api_secret: SecretString,
}

/// What the cache holds: the credentials in force (`None` once this client revoked them) and
/// the token fetched with them. One lock over both, so that nobody ever sees new credentials
/// with an old token, or the reverse.
struct Slot {
    credentials: Option<Arc<ApiCredentials>>,
    token: Option<CachedToken>,
}

/// The cache. Reads are lock-free in practice (an uncontended `RwLock`); refreshes serialize on
/// an async mutex so that concurrent callers wait for one fetch instead of making their own. A
/// rotation or revocation holds that mutex from before its request until its new state is in
/// place, so no token is fetched in between with credentials on their way out.
pub(crate) struct TokenCache {
    current: RwLock<Slot>,
    pub(crate) refresh: tokio::sync::Mutex<()>,
    generation: AtomicU64,
    pub(crate) fetches: AtomicU64,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache with no token yet, for `credentials`.
    pub(crate) fn new(credentials: ApiCredentials) -> Self {
        Self {
            current: RwLock::new(Slot {
                credentials: Some(Arc::new(credentials)),
                token: None,
            }),
            refresh: tokio::sync::Mutex::new(()),
            generation: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
        }
    }

    /// The cached token, if it is not due for refresh at `now`.
    pub(crate) fn fresh(&self, now: u64) -> Option<CachedToken> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current
            .token
            .as_ref()
            .filter(|t| now < t.refresh_at)
            .cloned()
    }

    /// The credentials in force; `None` once revoked.
    pub(crate) fn credentials(&self) -> Option<Arc<ApiCredentials>> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.credentials.clone()
    }

    /// The API key in force, if any (for `Debug`).
    pub(crate) fn api_key(&self) -> Option<String> {
        self.credentials().map(|c| c.api_key.clone())
    }

    /// Stores a token fetched with `fetched_with`. It is refreshed when a quarter of its life (at
    /// most 60 s) is left, so short-lived tokens are not refreshed on every request. A token
    /// fetched with credentials that are no longer in force is returned but not kept.
    pub(crate) fn store(
        &self,
        fetched_with: &Arc<ApiCredentials>,
        value: String,
        expires_at: u64,
        now: u64,
    ) -> CachedToken {
        let lifetime = expires_at.saturating_sub(now);
        let margin = (lifetime / 4).min(60);
        let token = CachedToken {
            value: SecretString::from(value),
            refresh_at: expires_at.saturating_sub(margin),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
            fetched_with: fetched_with.clone(),
        };
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current
            .credentials
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, fetched_with))
        {
            current.token = Some(token.clone());
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        token
    }

    /// Drops the token of `generation` after the server refused it (401), unless a newer one has
    /// replaced it already: many requests failing with the same token cause one refresh.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current
            .token
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            current.token = None;
        }
    }

    /// Whether `token` was fetched with credentials that are no longer in force (replaced by a
    /// rotation since, or revoked).
    pub(crate) fn superseded(&self, token: &CachedToken) -> bool {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        !current
            .credentials
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, &token.fetched_with))
    }

    /// Puts `credentials` in force and drops the token, in one step (after a rotation).
    pub(crate) fn replace_credentials(&self, credentials: ApiCredentials) -> Arc<ApiCredentials> {
        let credentials = Arc::new(credentials);
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        current.credentials = Some(credentials.clone());
        current.token = None;
        credentials
    }

    /// Forgets the credentials and the token, in one step (after a revocation): no token is
    /// fetched any more.
    pub(crate) fn revoke(&self) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        current.credentials = None;
        current.token = None;
    }
}
