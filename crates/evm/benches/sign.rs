//! Local EVM signing against the raw primitives it is built on and against alloy.
//!
//! `cargo bench -p chainsig-evm --bench sign`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use chainsig_benchkit::{MinOfBatches, ready};
use chainsig_core::{Challenge, ChallengeSigner, ChallengeSignerSync};
use chainsig_evm::{LocalEvmSigner, eip191_hash};

use criterion::{BenchmarkId, Criterion, criterion_group};
use k256::ecdsa::SigningKey;

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
            BenchmarkId::new("chainsig_sign_challenge_sync", len),
            &challenge,
            |b, ch| b.iter(|| signer.sign_challenge_sync(black_box(ch)).unwrap()),
        );
        // The async trait over the same code path: its boxed future, polled once.
        group.bench_with_input(
            BenchmarkId::new("chainsig_sign_challenge_async", len),
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

fn robust_ratios() {
    let key = [0x42u8; 32];
    let signer = LocalEvmSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();
    let alloy = PrivateKeySigner::from_slice(&key).unwrap();
    for len in [32usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        let hash = eip191_hash(&bytes);
        let kit = MinOfBatches::default();
        let sign = || {
            black_box(signer.sign_challenge_sync(black_box(&challenge)).unwrap());
        };
        kit.report(
            &format!("{len}B chainsig async vs sync"),
            || {
                black_box(ready(signer.sign_challenge(black_box(&challenge))).unwrap());
            },
            sign,
        );
        kit.report(
            &format!("{len}B chainsig vs k256 sign_prehash_recoverable"),
            sign,
            || {
                black_box(raw.sign_prehash_recoverable(black_box(&hash)).unwrap());
            },
        );
        kit.report(
            &format!("{len}B chainsig vs k256 eip191 hash + sign"),
            sign,
            || {
                black_box(
                    raw.sign_prehash_recoverable(&eip191_hash(black_box(&bytes)))
                        .unwrap(),
                );
            },
        );
        kit.report(
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
