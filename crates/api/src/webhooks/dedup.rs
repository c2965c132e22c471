//! De-duplication of webhook events by `eventId`, in bounded memory.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Remembers the `eventId`s seen, so that a redelivered event (webhooks are delivered at least
/// once) is recognised.
///
/// Memory is bounded two ways: an id is forgotten `window` after it was first seen, and at most
/// `capacity` ids are kept (the oldest are forgotten first). A redelivery that comes after its
/// id was forgotten is accepted again, so pick a window longer than the sender's retries
/// (OffBlocks does not document them) and a capacity above the events expected in that window.
/// Defaults: 24 hours, 100 000 ids (at most a few tens of MB with 256-byte ids; UUIDs take far
/// less).
#[derive(Debug)]
pub struct Dedup {
    capacity: usize,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    seen: HashSet<String>,
    order: VecDeque<(Instant, String)>,
}

impl Default for Dedup {
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(24 * 3600))
    }
}

impl Dedup {
    /// Keeps at most `capacity` ids (at least 1), each for `window`.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            window,
            state: Mutex::new(State::default()),
        }
    }

    /// Whether `event_id` is seen for the first time (and remembers it).
    ///
    /// ```
    /// use chainsig_api::webhooks::Dedup;
    ///
    /// let dedup = Dedup::default();
    /// assert!(dedup.first_time("e1"));
    /// assert!(!dedup.first_time("e1"));
    /// assert!(dedup.first_time("e2"));
    /// ```
    pub fn first_time(&self, event_id: &str) -> bool {
        self.first_time_at(event_id, Instant::now())
    }

    fn first_time_at(&self, event_id: &str, now: Instant) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let State { seen, order } = &mut *state;
        while order
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) >= self.window)
        {
            if let Some((_, id)) = order.pop_front() {
                seen.remove(&id);
            }
        }
        if seen.contains(event_id) {
            return false;
        }
        while order.len() >= self.capacity {
            if let Some((_, id)) = order.pop_front() {
                seen.remove(&id);
            }
        }
        seen.insert(event_id.to_owned());
        order.push_back((now, event_id.to_owned()));
        true
    }

    /// Ids remembered now.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .seen
            .len()
    }

    /// Whether no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capacity_bounds_memory_oldest_first() {
        let dedup = Dedup::new(2, Duration::from_secs(3600));
        let now = Instant::now();
        assert!(dedup.first_time_at("a", now));
        assert!(dedup.first_time_at("b", now));
        assert!(!dedup.first_time_at("a", now));
        assert!(dedup.first_time_at("c", now));
        assert_eq!(dedup.len(), 2);
        // `a` was forgotten to make room for `c`; `b` and `c` are still known.
        assert!(!dedup.first_time_at("b", now));
        assert!(!dedup.first_time_at("c", now));
        assert!(dedup.first_time_at("a", now));
        assert!(!dedup.first_time_at("a", now));
        assert!(!dedup.first_time_at("c", now));
        assert!(dedup.first_time_at("b", now), "forgotten for `a`");
    }

    #[test]
    fn ids_are_forgotten_after_the_window() {
        let dedup = Dedup::new(100, Duration::from_secs(10));
        let start = Instant::now();
        assert!(dedup.first_time_at("a", start));
        assert!(!dedup.first_time_at("a", start + Duration::from_secs(9)));
        assert!(dedup.first_time_at("a", start + Duration::from_secs(10)));
        assert!(!dedup.is_empty());
    }
}
