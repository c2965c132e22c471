//! How a sandbox is set up.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::faults::FaultConfig;
use crate::webhooks::WebhookConfig;

/// Settings of a sandbox. `Default` gives a loopback server on a free port with generated
/// credentials, the real API's lifetimes, and a short deployment delay.
#[derive(Clone)]
pub struct SandboxConfig {
    /// Address to listen on (default `127.0.0.1:0`: a free port).
    pub listen: SocketAddr,
    /// The `host[:port]` clients reach the sandbox by, when that is not the listening address
    /// (behind a port mapping or a plain-HTTP reverse proxy): every request signature's
    /// `@authority` is verified against it, Sign-In-with-X challenges name it as their domain
    /// (and `http://` it as their URI), and the base URL is built on it. Default: the listening
    /// address (`127.0.0.1:<port>` when listening on an unspecified address).
    ///
    /// Never the request's `Host` header: a signature made for another server must not verify
    /// here because the request says it is for us.
    pub authority: Option<String>,
    /// API key (a UUID); generated when `None`.
    pub api_key: Option<String>,
    /// API secret; generated when `None`.
    pub api_secret: Option<String>,
    /// Lifetime of bearer tokens (default 1 hour, like the real API).
    pub token_ttl: Duration,
    /// Lifetime of challenges (default 1 hour).
    pub challenge_ttl: Duration,
    /// How long an idempotency key is remembered (default 1 hour).
    pub idempotency_window: Duration,
    /// Time a customer spends in `screening` before `verifying` (default 0).
    pub screening_delay: Duration,
    /// Time an account spends in `pending` (on-chain deployment) before `active` (default 200 ms).
    pub deployment_delay: Duration,
    /// Largest request body accepted (default 64 KiB).
    pub body_limit: usize,
    /// Tolerance for a request signature's `created` in the future (default 5 s).
    pub clock_skew: Duration,
    /// Oldest request signature accepted, by `created` (default 300 s).
    pub max_signature_age: Duration,
    /// Items in a page of a list endpoint when the request gives no `?limit=` (default 50);
    /// `nextCursor` names the next page (see the README).
    pub list_page_size: usize,
    /// Injected faults (default none).
    pub faults: FaultConfig,
    /// Webhook delivery: retries, timeouts, allowed hosts (default: loopback only, retried for
    /// 30 s).
    pub webhooks: WebhookConfig,
    /// The clock (default the system clock).
    pub clock: Arc<dyn Clock>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            authority: None,
            api_key: None,
            api_secret: None,
            token_ttl: Duration::from_secs(3600),
            challenge_ttl: Duration::from_secs(chainsig_offblocks::rules::CHALLENGE_TTL_SECS),
            idempotency_window: Duration::from_secs(
                chainsig_offblocks::rules::IDEMPOTENCY_WINDOW_SECS,
            ),
            screening_delay: Duration::ZERO,
            deployment_delay: Duration::from_millis(200),
            body_limit: 64 * 1024,
            clock_skew: Duration::from_secs(5),
            max_signature_age: Duration::from_secs(300),
            list_page_size: 50,
            faults: FaultConfig::default(),
            webhooks: WebhookConfig::default(),
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("listen", &self.listen)
            .field("authority", &self.authority)
            .field("api_key", &self.api_key)
            .field(
                "api_secret",
                &self.api_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("token_ttl", &self.token_ttl)
            .field("challenge_ttl", &self.challenge_ttl)
            .field("deployment_delay", &self.deployment_delay)
            .field("list_page_size", &self.list_page_size)
            .field("faults", &self.faults)
            .field("webhooks", &self.webhooks)
            .finish_non_exhaustive()
    }
}
