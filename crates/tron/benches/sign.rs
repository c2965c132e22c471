//! Local Tron (TIP-191) signing against k256 doing the same work: the TIP-191 hash, written out
//! here over alloy's Keccak, then `sign_prehash_recoverable`.
//!
//! `cargo bench -p chainsig-tron --bench sign`
#![allow(missing_docs, clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use alloy_primitives::Keccak256;
use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_tron::LocalTronSigner;
use criterion::{BenchmarkId, Criterion, criterion_group};
use k256::ecdsa::SigningKey;

/// Polls a future that completes without waiting (local signing never waits): the cost of the
/// async trait itself, with no executor in the way.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => unreachable!("local signing completes on first poll"),
    }
}

/// The reference's TIP-191 hash: the prefix and the decimal length formatted the plain way.
fn reference_hash(message: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(b"\x19TRON Signed Message:\n");
    hasher.update(message.len().to_string().as_bytes());
    hasher.update(message);
    hasher.finalize().0
}

fn sign(c: &mut Criterion) {
    let key = [0x42u8; 32];
    let signer = LocalTronSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();

    let mut group = c.benchmark_group("tron_sign");
    for len in [36usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        group.bench_with_input(
            BenchmarkId::new("chainsig_sign_challenge", len),
            &challenge,
            |b, ch| b.iter(|| ready(signer.sign_challenge(black_box(ch))).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("k256_tip191_hash_and_sign", len),
            &bytes,
            |b, m| {
                b.iter(|| {
                    raw.sign_prehash_recoverable(&reference_hash(black_box(m)))
                        .unwrap()
                })
            },
        );
    }
    group.finish();
}

/// A load-robust ratio: alternating batches of each contender, keeping each one's fastest batch
/// (interference from other processes only ever adds time).
fn min_of_batches(name: &str, mut ours: impl FnMut(), mut reference: impl FnMut()) {
    const BATCHES: usize = 300;
    const CALLS: u32 = 32;
    let (mut best_ours, mut best_reference) = (Duration::MAX, Duration::MAX);
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..CALLS {
            ours();
        }
        best_ours = best_ours.min(start.elapsed());
        let start = Instant::now();
        for _ in 0..CALLS {
            reference();
        }
        best_reference = best_reference.min(start.elapsed());
    }
    let (ours, reference) = (best_ours / CALLS, best_reference / CALLS);
    println!(
        "min-of-batches {name}: {:.2} us vs {:.2} us, ratio {:.3}",
        ours.as_secs_f64() * 1e6,
        reference.as_secs_f64() * 1e6,
        ours.as_secs_f64() / reference.as_secs_f64()
    );
}

fn robust_ratios() {
    let key = [0x42u8; 32];
    let signer = LocalTronSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();
    for len in [36usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        min_of_batches(
            &format!("{len}B chainsig tron vs k256 tip191 hash + sign"),
            || {
                black_box(ready(signer.sign_challenge(black_box(&challenge))).unwrap());
            },
            || {
                black_box(
                    raw.sign_prehash_recoverable(&reference_hash(black_box(&bytes)))
                        .unwrap(),
                );
            },
        );
    }
}

criterion_group!(benches, sign);

fn main() {
    benches();
    robust_ratios();
    Criterion::default().configure_from_args().final_summary();
}
