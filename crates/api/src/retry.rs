//! When to try a request again, and how long to wait.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};

/// Retries with exponential backoff and jitter (via `backon`), bounded in attempts and in total
/// time. Retried: connection errors, timeouts, 429 and 5xx (honouring `Retry-After`, seconds or
/// HTTP-date, when longer than the backoff; one that would end past `deadline` ends the
/// retries), and 409 "idempotency key still in flight"; never another 4xx.
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

/// The delay a `Retry-After` value asks for (RFC 9110 §10.2.3), in either form:
/// delta-seconds (`120`) or an HTTP-date (`Fri, 31 Dec 1999 23:59:59 GMT`, and the two obsolete
/// date forms, as `httpdate` reads them). A date is measured against the answer's own `Date`
/// when it has one (`server_now`; the server's clock against the server's clock, so a skewed
/// local clock does not matter), against `now` otherwise; a date already past is no delay.
/// Anything else is `None` (ignored, as the RFC's grammar leaves no other reading).
pub(crate) fn retry_after(
    value: &str,
    server_now: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: delta-seconds, saturating (a larger number than u64 still means "later").
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let reference = server_now
        .and_then(|date| httpdate::parse_http_date(date.trim()).ok())
        .unwrap_or(now);
    Some(at.duration_since(reference).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// 1994-11-06T08:49:37Z, RFC 9110's example date.
    const EXAMPLE: u64 = 784_111_777;

    #[test]
    fn none_is_one_attempt_without_delays() {
        let none = RetryPolicy::none();
        assert_eq!(none.max_attempts, 1);
        assert_eq!(none.delays().count(), 0);
        assert_eq!(RetryPolicy::default().delays().count(), 5);
    }

    #[test]
    fn delta_seconds() {
        let now = at(EXAMPLE);
        assert_eq!(
            retry_after("120", None, now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after(" 0 ", None, now), Some(Duration::ZERO));
        assert_eq!(
            retry_after("99999999999999999999999", None, now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn http_dates_in_every_form() {
        let now = at(EXAMPLE - 6);
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                retry_after(date, None, now),
                Some(Duration::from_secs(6)),
                "{date}"
            );
        }
    }

    #[test]
    fn a_date_is_measured_against_the_answers_date() {
        // The local clock is an hour behind the server: the server's own Date decides.
        let local = at(EXAMPLE - 3600);
        let retry = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(
            retry_after(retry, Some("Sun, 06 Nov 1994 08:49:35 GMT"), local),
            Some(Duration::from_secs(2))
        );
        // An unreadable Date: the local clock.
        assert_eq!(
            retry_after(retry, Some("yesterday"), at(EXAMPLE - 4)),
            Some(Duration::from_secs(4))
        );
    }

    #[test]
    fn a_past_date_is_no_delay_and_nonsense_is_ignored() {
        let now = at(EXAMPLE + 10);
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None, now),
            Some(Duration::ZERO)
        );
        for nonsense in [
            "",
            "soon",
            "-5",
            "1.5",
            "+3",
            "Sun, 32 Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(retry_after(nonsense, None, now), None, "{nonsense}");
        }
    }
}
