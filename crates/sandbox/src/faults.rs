//! Fault injection settings and the seeded draw: a chosen fraction of requests fail the way real
//! networks fail (the layer that applies them is `middleware/faults.rs`).

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `500 Internal Server Error` before the request is handled.
    InternalError,
    /// `503 Service Unavailable` with `Retry-After: 1` before the request is handled.
    Unavailable,
    /// The request is handled (its state change applied and stored for idempotent replay), then
    /// the connection is closed without an answer.
    DropAfterApply,
    /// The answer is delayed, then the request is handled normally.
    Delay(Duration),
}

/// Which requests get a fault: each request draws once from a generator seeded with `seed`, so
/// the same sequence of requests meets the same sequence of faults.
///
/// ```
/// use chainsig_sandbox::{FaultConfig, FaultKind};
///
/// // Every request gets a 503 or a dropped connection, in an order fixed by the seed.
/// let faults = FaultConfig {
///     rate: 1.0,
///     seed: 7,
///     kinds: vec![FaultKind::Unavailable, FaultKind::DropAfterApply],
///     ..FaultConfig::default()
/// };
/// assert_eq!(faults.sequence(8), faults.sequence(8));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Fraction of requests that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// Seed of the generator.
    pub seed: u64,
    /// The delay of [`FaultKind::Delay`] when `kinds` is empty (default 300 ms).
    pub delay: Duration,
    /// The kinds drawn from, with equal chances; empty (the default) means all four, with
    /// [`delay`](Self::delay) as the delay.
    pub kinds: Vec<FaultKind>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 0,
            delay: Duration::from_millis(300),
            kinds: Vec::new(),
        }
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Faults of every kind on `rate` of the requests, drawn from `seed`.
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            seed,
            ..Self::default()
        }
    }

    /// The faults the first `n` requests meet (`None`: no fault), as a sandbox started with this
    /// configuration draws them.
    pub fn sequence(&self, n: usize) -> Vec<Option<FaultKind>> {
        let injector = FaultInjector::new(self.clone());
        (0..n).map(|_| injector.draw()).collect()
    }

    fn kinds(&self) -> Vec<FaultKind> {
        if self.kinds.is_empty() {
            vec![
                FaultKind::InternalError,
                FaultKind::Unavailable,
                FaultKind::DropAfterApply,
                FaultKind::Delay(self.delay),
            ]
        } else {
            self.kinds.clone()
        }
    }
}

/// Draws faults.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    state: Mutex<(FaultConfig, Vec<FaultKind>, StdRng)>,
}

impl FaultInjector {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Self {
            state: Mutex::new(Self::state(config)),
        }
    }

    fn state(config: FaultConfig) -> (FaultConfig, Vec<FaultKind>, StdRng) {
        let rng = StdRng::seed_from_u64(config.seed);
        let kinds = config.kinds();
        (config, kinds, rng)
    }

    /// Replaces the configuration and restarts the generator from its seed.
    pub(crate) fn reset(&self, config: FaultConfig) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Self::state(config);
    }

    /// The fault for the next request, if any.
    pub(crate) fn draw(&self) -> Option<FaultKind> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (config, kinds, rng) = &mut *state;
        if config.rate.is_nan() || config.rate <= 0.0 || kinds.is_empty() {
            return None;
        }
        if !rng.random_bool(config.rate.min(1.0)) {
            return None;
        }
        Some(kinds[rng.random_range(0..kinds.len())])
    }
}
