//! When to try a request again, and how long to wait.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

/// Retries with exponential backoff and jitter (via `backon`), bounded in attempts and in total
/// time. Retried: connection errors, timeouts, 429 (honouring `Retry-After`), 5xx, and 409
/// "idempotency key still in flight"; never another 4xx.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 6).
    pub max_attempts: u32,
    /// First backoff delay (default 100 ms).
    pub initial_delay: Duration,
    /// Largest backoff delay (default 5 s).
    pub max_delay: Duration,
    /// Give up once this much time has passed since the first attempt (default 60 s).
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The backoff delays between attempts.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build()
    }
}
