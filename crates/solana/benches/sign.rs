//! `LocalSolanaSigner::sign_challenge` against raw `ed25519_dalek::SigningKey::sign` over the same
//! bytes. Goal: at most 1.05x raw.
//!
//! The signer is called through `ChallengeSignerSync`, the code path its async `sign_challenge`
//! also takes, so what is measured is the signer (guard, `ChallengeSignature` allocation) and
//! nothing else; `LocalSolanaSigner::sign_challenge (async)` adds the `async_trait` future,
//! polled once in place (`chainsig_benchkit::ready`).
//!
//! The machine this runs on is shared with other builds, so the two contenders are measured
//! *interleaved*: each sample alternates chunks of 16 timed calls of one with 16 untimed calls of
//! the other, so both see the same load and the ratio stays meaningful even when the absolute
//! figures drift. `guard` measures the transaction-shape check alone.
//!
//! After criterion, `min-of-batches` prints a second, load-robust estimate: 400 alternating
//! batches of 64 calls of each contender, keeping each one's fastest batch (interference only
//! ever adds time, so the minimum approaches the undisturbed cost), and their ratio.

use std::hint::black_box;

use chainsig_benchkit::{MinOfBatches, interleaved, ready};
use chainsig_core::{Challenge, ChallengeSigner, ChallengeSignerSync};
use chainsig_solana::{LocalSolanaSigner, check_transaction_shape};
use criterion::{Criterion, criterion_group};
use ed25519_dalek::{Signer as _, SigningKey};

fn bench(c: &mut Criterion) {
    let seed = [0x42u8; 32];
    let signer = LocalSolanaSigner::from_seed(&seed);
    let raw = SigningKey::from_bytes(&seed);

    for (name, len) in [("32B", 32usize), ("1KiB", 1024)] {
        // Text-like bytes, as challenges are (and not transaction-shaped).
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).expect("valid challenge");
        assert_eq!(
            signer
                .sign_challenge_sync(&challenge)
                .expect("signs")
                .as_bytes(),
            raw.sign(&bytes).to_bytes(),
            "the signer and raw dalek must produce the same signature"
        );

        let mut group = c.benchmark_group(format!("sign/{name}"));
        let raw_sign = || {
            black_box(raw.sign(black_box(&bytes)));
        };
        let signer_sign = || {
            black_box(signer.sign_challenge_sync(black_box(&challenge))).ok();
        };
        let signer_async = || {
            black_box(ready(signer.sign_challenge(black_box(&challenge)))).ok();
        };
        group.bench_function("raw ed25519-dalek SigningKey::sign", |b| {
            b.iter_custom(|iters| interleaved(iters, raw_sign, signer_sign))
        });
        group.bench_function("LocalSolanaSigner::sign_challenge_sync", |b| {
            b.iter_custom(|iters| interleaved(iters, signer_sign, raw_sign))
        });
        group.bench_function("LocalSolanaSigner::sign_challenge (async)", |b| {
            b.iter_custom(|iters| interleaved(iters, signer_async, raw_sign))
        });
        group.bench_function("guard (check_transaction_shape)", |b| {
            b.iter(|| black_box(check_transaction_shape(black_box(&bytes))))
        });
        group.finish();
    }
}

fn min_of_batches_report() {
    let seed = [0x42u8; 32];
    let signer = LocalSolanaSigner::from_seed(&seed);
    let raw = SigningKey::from_bytes(&seed);
    for (name, len) in [("32B", 32usize), ("1KiB", 1024)] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).expect("valid challenge");
        MinOfBatches::new(400, 64).report(
            &format!("sign/{name} LocalSolanaSigner vs raw ed25519-dalek"),
            || {
                black_box(signer.sign_challenge_sync(black_box(&challenge))).ok();
            },
            || {
                black_box(raw.sign(black_box(&bytes)));
            },
        );
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    min_of_batches_report();
}
