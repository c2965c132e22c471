//! Counters of webhook deliveries, for tests to assert on.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

#[derive(Debug, Default)]
pub(super) struct WebhookCounters {
    pub(super) events: AtomicU64,
    pub(super) attempts: AtomicU64,
    pub(super) delivered: AtomicU64,
    pub(super) failed_attempts: AtomicU64,
    pub(super) abandoned: AtomicU64,
}

/// What the sandbox's webhook deliveries did ([`crate::SandboxHandle::webhook_counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCounterSnapshot {
    /// Events queued: one per (status change, subscription for its type).
    pub events: u64,
    /// HTTP delivery attempts made (first tries and retries).
    pub attempts: u64,
    /// Events delivered (a 2xx answer).
    pub delivered: u64,
    /// Attempts that failed: a non-2xx answer, a refused connection or a timeout.
    pub failed_attempts: u64,
    /// Events given up after [`crate::WebhookConfig::retry_for`].
    pub abandoned: u64,
}

impl WebhookCounters {
    pub(super) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn snapshot(&self) -> WebhookCounterSnapshot {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        WebhookCounterSnapshot {
            events: r(&self.events),
            attempts: r(&self.attempts),
            delivered: r(&self.delivered),
            failed_attempts: r(&self.failed_attempts),
            abandoned: r(&self.abandoned),
        }
    }
}
