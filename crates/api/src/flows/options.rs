//! Settings of a flow run.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chainsig_core::{AuditSink, ChallengePolicy, PolicyRules, StandardPolicy};
use uuid::Uuid;

use super::events::{EventSink, FlowEvent};
use crate::idempotency::IdempotencyKey;
use crate::webhooks::WebhookReceiver;

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
    policy: Option<Arc<dyn ChallengePolicy>>,
    audit: Option<Arc<dyn AuditSink>>,
    webhooks: Option<WebhookReceiver>,
    event_poll_interval: Duration,
}

impl Default for FlowOptions {
    fn default() -> Self {
        Self {
            seed: Uuid::new_v4(),
            max_sign_attempts: 3,
            poll_interval: Duration::from_millis(250),
            poll_deadline: Duration::from_secs(120),
            siwe_max_age: Duration::from_secs(chainsig_offblocks::rules::CHALLENGE_TTL_SECS),
            clock_skew: Duration::from_secs(60),
            events: None,
            policy: None,
            audit: None,
            webhooks: None,
            event_poll_interval: Duration::from_secs(2),
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
            .field("policy", &self.policy)
            .field("audited", &self.audit.is_some())
            .field("webhooks", &self.webhooks.is_some())
            .field("event_poll_interval", &self.event_poll_interval)
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

    /// Decides every challenge of the flow with `policy` instead of the strict default
    /// ([`PolicyRules::strict`] with this struct's SIWE times), e.g. a
    /// [`StandardPolicy`] read from a TOML file.
    pub fn with_policy(mut self, policy: impl ChallengePolicy + 'static) -> Self {
        self.policy = Some(Arc::new(policy));
        self
    }

    /// The same, with a policy shared by many flows (one rate limit for all of them).
    pub fn with_shared_policy(mut self, policy: Arc<dyn ChallengePolicy>) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Records every policy decision in `audit` (decisions always go to `tracing`).
    pub fn with_audit(mut self, audit: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Waits for statuses on webhook events from `receiver` (subscribed to `customer.updated` and
    /// `account.updated`), with polling as the fallback: a wait wakes at once on an event about
    /// its record and reads the record then, and otherwise still reads it every
    /// [`FlowOptions::with_event_poll_interval`] (2 s by default), so a lost webhook or a receiver
    /// that is down only slows a flow, never hangs it. Events are only hints: the status is
    /// always read from the API.
    ///
    /// ```
    /// use chainsig_api::{FlowOptions, WebhookReceiver};
    ///
    /// let receiver = WebhookReceiver::new(); // serve it with `axum_router` or `accept`
    /// let options = FlowOptions::default().with_webhooks(receiver.clone());
    /// ```
    pub fn with_webhooks(mut self, receiver: WebhookReceiver) -> Self {
        self.webhooks = Some(receiver);
        self
    }

    /// The polling interval while waiting on webhook events (default 2 s; without
    /// [`FlowOptions::with_webhooks`], [`FlowOptions::poll_interval`] applies).
    pub fn with_event_poll_interval(mut self, interval: Duration) -> Self {
        self.event_poll_interval = interval;
        self
    }

    pub(crate) fn webhooks(&self) -> Option<&WebhookReceiver> {
        self.webhooks.as_ref()
    }

    pub(crate) fn event_poll_interval(&self) -> Duration {
        self.event_poll_interval
    }

    /// The policy challenges are decided by: the configured one, or the strict default.
    pub(crate) fn policy(&self) -> Arc<dyn ChallengePolicy> {
        match &self.policy {
            Some(policy) => Arc::clone(policy),
            None => Arc::new(StandardPolicy::new(
                PolicyRules::strict().with_siwx_times(self.siwe_max_age, self.clock_skew),
            )),
        }
    }

    pub(crate) fn audit(&self) -> Option<&dyn AuditSink> {
        self.audit.as_deref()
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
