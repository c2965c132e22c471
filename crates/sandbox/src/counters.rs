//! Counters that tests read to prove what the server saw.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// Live counters, updated by the server.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) replays: AtomicU64,
    pub(crate) customers: AtomicU64,
    pub(crate) accounts: AtomicU64,
    pub(crate) challenges_issued: AtomicU64,
    pub(crate) challenges_verified: AtomicU64,
    pub(crate) challenges_rejected: AtomicU64,
    pub(crate) faults_injected: AtomicU64,
    pub(crate) faults_internal_error: AtomicU64,
    pub(crate) faults_unavailable: AtomicU64,
    pub(crate) faults_dropped: AtomicU64,
    pub(crate) faults_delayed: AtomicU64,
    pub(crate) rejected_requests: AtomicU64,
}

/// A snapshot of the server's live counters ([`crate::SandboxHandle::counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CounterSnapshot {
    /// HTTP requests received.
    pub requests: u64,
    /// Writes answered from the idempotency store (a retry of a completed write).
    pub replays: u64,
    /// Customers created.
    pub customers: u64,
    /// Accounts created.
    pub accounts: u64,
    /// Challenges issued (creation, re-issue, deletion).
    pub challenges_issued: u64,
    /// Challenge signatures verified.
    pub challenges_verified: u64,
    /// Challenge signatures refused (bad signature, stale or expired challenge).
    pub challenges_rejected: u64,
    /// Requests that got an injected fault (the sum of the four kinds below).
    pub faults_injected: u64,
    /// Injected `500 Internal Server Error`s.
    pub faults_internal_error: u64,
    /// Injected `503 Service Unavailable`s (with `Retry-After`).
    pub faults_unavailable: u64,
    /// Requests applied, then their connection dropped without an answer.
    pub faults_dropped: u64,
    /// Requests answered late.
    pub faults_delayed: u64,
    /// Requests refused for authentication (token, signature, digest, idempotency key).
    pub rejected_requests: u64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads every counter.
    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        let r = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CounterSnapshot {
            requests: r(&self.requests),
            replays: r(&self.replays),
            customers: r(&self.customers),
            accounts: r(&self.accounts),
            challenges_issued: r(&self.challenges_issued),
            challenges_verified: r(&self.challenges_verified),
            challenges_rejected: r(&self.challenges_rejected),
            faults_injected: r(&self.faults_injected),
            faults_internal_error: r(&self.faults_internal_error),
            faults_unavailable: r(&self.faults_unavailable),
            faults_dropped: r(&self.faults_dropped),
            faults_delayed: r(&self.faults_delayed),
            rejected_requests: r(&self.rejected_requests),
        }
    }
}
