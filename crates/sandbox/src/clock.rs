//! Time, injectable so that tests can expire challenges and tokens without waiting.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

/// Where the sandbox reads the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, UTC.
    fn now(&self) -> OffsetDateTime;

    /// The current time in whole Unix seconds.
    fn unix(&self) -> u64 {
        self.now().unix_timestamp().max(0) as u64
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that starts at the system time plus an offset that tests move forward.
///
/// ```
/// use chainsig_sandbox::{Clock, OffsetClock};
/// use std::time::Duration;
///
/// let clock = OffsetClock::default();
/// let before = clock.unix();
/// clock.advance(Duration::from_secs(7200));
/// assert!(clock.unix() >= before + 7200);
/// ```
#[derive(Debug, Default)]
pub struct OffsetClock {
    offset: Mutex<Duration>,
}

impl OffsetClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> OffsetDateTime {
        let offset = *self.offset.lock().unwrap_or_else(|e| e.into_inner());
        OffsetDateTime::now_utc() + offset
    }
}
