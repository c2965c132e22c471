//! What chainsig's benches share, written once: load-robust ratios (min-of-batches, interleaved
//! timing) and a poller for futures that never wait.
//!
//! The machine the figures of `BENCHMARKS.md` come from has two cores shared with other builds,
//! so a ratio is measured with both contenders in the same run, alternating, and each one's
//! fastest batch kept: load from other processes only ever adds time, so the minimum approaches
//! the undisturbed cost of each.
//!
//! Local signers have a synchronous twin (`ChallengeSignerSync`), which benches call directly;
//! [`ready`] remains for the async paths that complete without waiting (request signing with an
//! in-memory key, the policy in front of a local signer).

use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Polls `future` once with a no-op waker and returns its output: the cost of the future itself,
/// with no executor in the way.
///
/// # Panics
///
/// When the future is not ready on its first poll (it waits on something: use a runtime).
pub fn ready<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the future waits: `ready` is for futures that never wait"),
    }
}

/// The fastest per-call time of each contender over a run of [`MinOfBatches`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// Ours, per call.
    pub ours: Duration,
    /// The reference, per call.
    pub reference: Duration,
}

impl Ratio {
    /// `ours / reference`.
    pub fn value(&self) -> f64 {
        self.ours.as_secs_f64() / self.reference.as_secs_f64()
    }
}

/// Alternating batches of two contenders, each one's fastest batch kept.
#[derive(Debug, Clone, Copy)]
pub struct MinOfBatches {
    /// Batches of each contender.
    pub batches: usize,
    /// Calls per batch.
    pub calls: u32,
}

impl Default for MinOfBatches {
    /// 300 batches of 32 calls: a few seconds for operations of some tens of microseconds.
    fn default() -> Self {
        Self {
            batches: 300,
            calls: 32,
        }
    }
}

impl MinOfBatches {
    /// `batches` batches of `calls` calls.
    pub fn new(batches: usize, calls: u32) -> Self {
        Self { batches, calls }
    }

    /// Measures `ours` against `reference`, alternating batches.
    pub fn measure(&self, mut ours: impl FnMut(), mut reference: impl FnMut()) -> Ratio {
        let calls = self.calls.max(1);
        let (mut best_ours, mut best_reference) = (Duration::MAX, Duration::MAX);
        for _ in 0..self.batches.max(1) {
            let start = Instant::now();
            for _ in 0..calls {
                ours();
            }
            best_ours = best_ours.min(start.elapsed());
            let start = Instant::now();
            for _ in 0..calls {
                reference();
            }
            best_reference = best_reference.min(start.elapsed());
        }
        Ratio {
            ours: best_ours / calls,
            reference: best_reference / calls,
        }
    }

    /// Measures, then prints `min-of-batches {name}: X us vs Y us, ratio Z` (the line
    /// `BENCHMARKS.md` quotes).
    pub fn report(&self, name: &str, ours: impl FnMut(), reference: impl FnMut()) -> Ratio {
        let ratio = self.measure(ours, reference);
        println!(
            "min-of-batches {name}: {:.2} us vs {:.2} us, ratio {:.3}",
            ratio.ours.as_secs_f64() * 1e6,
            ratio.reference.as_secs_f64() * 1e6,
            ratio.value()
        );
        ratio
    }
}

/// `iters` calls of `timed`, interleaved in chunks of 16 with as many calls of `other`; only
/// `timed` is counted. For criterion's `iter_custom`, so that both contenders of a comparison
/// see the same load.
pub fn interleaved(iters: u64, mut timed: impl FnMut(), mut other: impl FnMut()) -> Duration {
    const CHUNK: u64 = 16;
    let mut total = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = CHUNK.min(iters - done);
        let start = Instant::now();
        for _ in 0..n {
            timed();
        }
        total += start.elapsed();
        for _ in 0..n {
            other();
        }
        done += n;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_returns_the_output_of_a_future_that_never_waits() {
        assert_eq!(ready(async { 7 }), 7);
    }

    #[test]
    #[should_panic(expected = "the future waits")]
    fn ready_refuses_a_future_that_waits() {
        ready(std::future::pending::<()>());
    }

    #[test]
    fn min_of_batches_tells_the_slower_contender() {
        let spin = |n: u32| {
            let mut x = 0u64;
            for i in 0..n {
                x = std::hint::black_box(x.wrapping_add(u64::from(i)));
            }
        };
        let ratio = MinOfBatches::new(20, 4).measure(|| spin(20_000), || spin(200));
        assert!(ratio.ours > ratio.reference, "{ratio:?}");
        assert!(ratio.value() > 1.0);
    }

    #[test]
    fn interleaved_runs_both_but_counts_one() {
        let (mut timed, mut other) = (0u64, 0u64);
        interleaved(40, || timed += 1, || other += 1);
        assert_eq!((timed, other), (40, 40));
    }
}
