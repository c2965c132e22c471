//! Local EVM signing against the raw primitives it is built on and against alloy.
//!
//! `cargo bench -p chainsig-evm --bench sign`
#![allow(missing_docs, clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_evm::{LocalEvmSigner, eip191_hash};
use std::time::{Duration, Instant};

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

fn sign(c: &mut Criterion) {
    let key = [0x42u8; 32];
    let signer = LocalEvmSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();
    let alloy = PrivateKeySigner::from_slice(&key).unwrap();

    let mut group = c.benchmark_group("evm_sign");
    for len in [32usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        let hash = eip191_hash(&bytes);

        group.bench_with_input(
            BenchmarkId::new("chainsig_sign_challenge", len),
            &challenge,
            |b, ch| b.iter(|| ready(signer.sign_challenge(black_box(ch))).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("k256_sign_prehash_recoverable", len),
            &hash,
            |b, h| b.iter(|| raw.sign_prehash_recoverable(black_box(h)).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("k256_eip191_hash_and_sign", len),
            &bytes,
            |b, m| {
                b.iter(|| {
                    raw.sign_prehash_recoverable(&eip191_hash(black_box(m)))
                        .unwrap()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("alloy_sign_message_sync", len),
            &bytes,
            |b, m| b.iter(|| alloy.sign_message_sync(black_box(m)).unwrap()),
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
    let signer = LocalEvmSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();
    let alloy = PrivateKeySigner::from_slice(&key).unwrap();
    for len in [32usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        let hash = eip191_hash(&bytes);
        let sign = || {
            black_box(ready(signer.sign_challenge(black_box(&challenge))).unwrap());
        };
        min_of_batches(
            &format!("{len}B chainsig vs k256 sign_prehash_recoverable"),
            sign,
            || {
                black_box(raw.sign_prehash_recoverable(black_box(&hash)).unwrap());
            },
        );
        min_of_batches(
            &format!("{len}B chainsig vs k256 eip191 hash + sign"),
            sign,
            || {
                black_box(
                    raw.sign_prehash_recoverable(&eip191_hash(black_box(&bytes)))
                        .unwrap(),
                );
            },
        );
        min_of_batches(
            &format!("{len}B chainsig vs alloy sign_message_sync"),
            sign,
            || {
                black_box(alloy.sign_message_sync(black_box(&bytes)).unwrap());
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
