//! Settings of a flow run.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::events::{EventSink, FlowEvent};
use crate::idempotency::IdempotencyKey;

/// Settings of a flow run. `Default` is a fresh random seed, 3 signature attempts, polling every
/// 250 ms for at most 2 minutes.
#[derive(Clone)]
pub struct FlowOptions {
    /// Seed of the flow's idempotency keys: every write of the flow uses
    /// `IdempotencyKey::derive(seed, step)`, where the step names the write and its subject (the
    /// wallet and external id, the customer id, the account id), so running the flow again with
    /// the same seed (after a crash, from a journal) repeats the same requests and creates nothing
    /// twice, while one `FlowOptions` can serve many customers.
    pub seed: Uuid,
    /// Signatures submitted before giving up on a challenge that keeps being rejected.
    pub max_sign_attempts: u32,
    /// Interval between status polls.
    pub poll_interval: Duration,
    /// How long to wait for a status before [`Error::Timeout`](crate::Error::Timeout).
    pub poll_deadline: Duration,
    /// How long after its `Issued At` a SIWE challenge without an expiration is accepted (1 hour,
    /// the API's challenge lifetime).
    pub siwe_max_age: Duration,
    /// Clock tolerance for the SIWE time checks.
    pub clock_skew: Duration,
    events: Option<EventSink>,
}

impl Default for FlowOptions {
    fn default() -> Self {
        Self {
            seed: Uuid::new_v4(),
            max_sign_attempts: 3,
            poll_interval: Duration::from_millis(250),
            poll_deadline: Duration::from_secs(120),
            siwe_max_age: Duration::from_secs(chainsig_core::offblocks::CHALLENGE_TTL_SECS),
            clock_skew: Duration::from_secs(60),
            events: None,
        }
    }
}

impl fmt::Debug for FlowOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlowOptions")
            .field("seed", &self.seed)
            .field("max_sign_attempts", &self.max_sign_attempts)
            .field("poll_interval", &self.poll_interval)
            .field("poll_deadline", &self.poll_deadline)
            .field("events", &self.events.is_some())
            .finish_non_exhaustive()
    }
}

impl FlowOptions {
    /// The same options with another seed.
    pub fn with_seed(mut self, seed: Uuid) -> Self {
        self.seed = seed;
        self
    }

    /// Calls `sink` with every [`FlowEvent`] (progress bars, logs).
    pub fn on_event(mut self, sink: impl Fn(&FlowEvent) + Send + Sync + 'static) -> Self {
        self.events = Some(Arc::new(sink));
        self
    }

    pub(crate) fn emit(&self, event: FlowEvent) {
        tracing::debug!(?event, "flow event");
        if let Some(sink) = &self.events {
            sink(&event);
        }
    }

    /// The idempotency key of a flow step: `IdempotencyKey::derive(seed, step)`.
    pub fn key(&self, step: &str) -> IdempotencyKey {
        IdempotencyKey::derive(self.seed, step)
    }
}
