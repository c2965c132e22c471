//! How the sandbox delivers webhooks: retry bounds, timeouts and which hosts it may call.

use std::time::Duration;

/// Webhook delivery settings ([`crate::SandboxConfig::webhooks`]).
///
/// The sandbox is a test server: by default it only calls callback URLs on loopback
/// (`127.0.0.0/8`, `::1`, `localhost`), so a subscription cannot make it reach into a network;
/// [`WebhookConfig::allow_any_host`] lifts that.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Time allowed for one delivery attempt, connection included (default 2 s).
    pub attempt_timeout: Duration,
    /// Wait before the first retry of a failed delivery; it doubles with every retry (default
    /// 50 ms).
    pub first_retry_delay: Duration,
    /// Longest wait between two attempts (default 1 s).
    pub max_retry_delay: Duration,
    /// How long a delivery keeps being retried, from its first attempt, before it is abandoned
    /// (default 30 s).
    pub retry_for: Duration,
    /// How often time-driven transitions (`screening` → `verifying`, `pending` → `active`) are
    /// applied while at least one subscription exists, so their events go out even when nobody
    /// reads the record (default 25 ms).
    pub tick: Duration,
    /// Accept callback URLs on any host, not only loopback (default `false`).
    pub allow_any_host: bool,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            attempt_timeout: Duration::from_secs(2),
            first_retry_delay: Duration::from_millis(50),
            max_retry_delay: Duration::from_secs(1),
            retry_for: Duration::from_secs(30),
            tick: Duration::from_millis(25),
            allow_any_host: false,
        }
    }
}
