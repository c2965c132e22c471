//! The bearer token: fetched once, shared by every request, refreshed shortly before it expires or
//! after a 401, with one refresh at a time however many requests are waiting.

use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use secrecy::{ExposeSecret, SecretString};

/// A token and when it expires.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub(crate) value: SecretString,
    refresh_at: u64,
    pub(crate) generation: u64,
}

impl CachedToken {
    pub(crate) fn header_value(&self) -> String {
        format!("Bearer {}", self.value.expose_secret())
    }
}

/// The cache. Reads are lock-free in practice (an uncontended `RwLock`); refreshes serialize on
/// an async mutex so that concurrent callers wait for one fetch instead of making their own.
#[derive(Default)]
pub(crate) struct TokenCache {
    current: RwLock<Option<CachedToken>>,
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
    /// The cached token, if it is not due for refresh at `now`.
    pub(crate) fn fresh(&self, now: u64) -> Option<CachedToken> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current.as_ref().filter(|t| now < t.refresh_at).cloned()
    }

    /// Stores a newly fetched token. It is refreshed when a quarter of its life (at most 60 s) is
    /// left, so short-lived tokens are not refreshed on every request.
    pub(crate) fn store(&self, value: String, expires_at: u64, now: u64) -> CachedToken {
        let lifetime = expires_at.saturating_sub(now);
        let margin = (lifetime / 4).min(60);
        let token = CachedToken {
            value: SecretString::from(value),
            refresh_at: expires_at.saturating_sub(margin),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(token.clone());
        self.fetches.fetch_add(1, Ordering::Relaxed);
        token
    }

    /// Drops the token of `generation` after the server refused it (401), unless a newer one has
    /// replaced it already: many requests failing with the same token cause one refresh.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|t| t.generation == generation) {
            *current = None;
        }
    }
}
