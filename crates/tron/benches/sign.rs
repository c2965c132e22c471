//! Local Tron (TIP-191) signing against k256 doing the same work: the TIP-191 hash, written out
//! here over alloy's Keccak, then `sign_prehash_recoverable`.
//!
//! `cargo bench -p chainsig-tron --bench sign`
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use alloy_primitives::Keccak256;
use chainsig_benchkit::MinOfBatches;
use chainsig_core::{Challenge, ChallengeSignerSync};
use chainsig_tron::LocalTronSigner;
use criterion::{BenchmarkId, Criterion, criterion_group};
use k256::ecdsa::SigningKey;

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
            BenchmarkId::new("chainsig_sign_challenge_sync", len),
            &challenge,
            |b, ch| b.iter(|| signer.sign_challenge_sync(black_box(ch)).unwrap()),
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

fn robust_ratios() {
    let key = [0x42u8; 32];
    let signer = LocalTronSigner::from_bytes(&key).unwrap();
    let raw = SigningKey::from_slice(&key).unwrap();
    for len in [36usize, 1024] {
        let bytes: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        MinOfBatches::default().report(
            &format!("{len}B chainsig tron vs k256 tip191 hash + sign"),
            || {
                black_box(signer.sign_challenge_sync(black_box(&challenge)).unwrap());
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
