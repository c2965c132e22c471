//! A signature through chainsig's PKCS#11 signers against a bare `cryptoki` `C_Sign` of the same
//! digest with the same key, signatures per second against the pool size, and onboarding with
//! every key in the token. SoftHSM2 is the token (a token directory of the bench's own, made as
//! the tests make theirs).
//!
//! `cargo bench -p chainsig-pkcs11 --bench sign`
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    unreachable_pub
)]

#[path = "../tests/softhsm/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chainsig_api::{Client, CreateAccount, FlowOptions, IdempotencyKey};
use chainsig_benchkit::MinOfBatches;
use chainsig_core::{ChainId, Challenge, ChallengeSigner};
use chainsig_pkcs11::cryptoki::mechanism::Mechanism;
use chainsig_pkcs11::cryptoki::object::{Attribute, ObjectClass};
use chainsig_pkcs11::{Pkcs11P384Key, Pkcs11Secp256k1Key};
use chainsig_sandbox::{Sandbox, SandboxConfig};
use criterion::Criterion;
use tokio::runtime::Runtime;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// 100 alternating batches of 16 calls: a token's signature costs about a millisecond.
fn min_of_batches(name: &str, ours: impl FnMut(), reference: impl FnMut()) {
    MinOfBatches::new(100, 16).report(name, ours, reference);
}

fn overhead(c: &mut Criterion, rt: &Runtime) {
    let token = rt.block_on(fixture::open("pool", 1));
    let key = rt
        .block_on(Pkcs11Secp256k1Key::generate(
            &token,
            &fixture::uri("pool", "bench-k1"),
        ))
        .unwrap();
    let signer = key.clone().evm_signer(ChainId::eip155(1)).unwrap();
    let raw = fixture::raw_session("pool");
    let handle = raw
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"bench-k1".to_vec()),
        ])
        .unwrap()[0];
    let digest = [0x5au8; 32];
    let challenge = Challenge::from_bytes(b"Sign in to OffBlocks: 5df359f0".to_vec()).unwrap();

    let mut group = c.benchmark_group("pkcs11_secp256k1");
    group.bench_function("bare_cryptoki_c_sign", |b| {
        b.iter(|| {
            raw.sign(&Mechanism::Ecdsa, handle, black_box(&digest))
                .unwrap()
        })
    });
    group.bench_function("chainsig_sign_prehash", |b| {
        b.iter(|| rt.block_on(key.sign_prehash(black_box(&digest))).unwrap())
    });
    group.bench_function("chainsig_evm_sign_challenge", |b| {
        b.iter(|| {
            rt.block_on(signer.sign_challenge(black_box(&challenge)))
                .unwrap()
        })
    });
    group.finish();

    let bare = || {
        black_box(
            raw.sign(&Mechanism::Ecdsa, handle, black_box(&digest))
                .unwrap(),
        );
    };
    min_of_batches(
        "secp256k1 chainsig sign_prehash (pool, spawn_blocking) vs bare cryptoki C_Sign",
        || {
            black_box(rt.block_on(key.sign_prehash(black_box(&digest))).unwrap());
        },
        bare,
    );
    min_of_batches(
        "secp256k1 chainsig EVM sign_challenge (EIP-191 + C_Sign + recovery id) vs bare C_Sign",
        || {
            black_box(
                rt.block_on(signer.sign_challenge(black_box(&challenge)))
                    .unwrap(),
            );
        },
        bare,
    );

    let p384 = rt
        .block_on(Pkcs11P384Key::generate(
            &token,
            &fixture::uri("pool", "bench-p384"),
        ))
        .unwrap();
    let p384_handle = raw
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"bench-p384".to_vec()),
        ])
        .unwrap()[0];
    let base = vec![b'b'; 400];
    let digest384 = {
        use sha2::Digest as _;
        sha2::Sha384::digest(&base)
    };
    min_of_batches(
        "P-384 chainsig request signature (SHA-384 + C_Sign) vs bare C_Sign of the digest",
        || {
            black_box(rt.block_on(p384.sign_message(black_box(&base))).unwrap());
        },
        || {
            black_box(
                raw.sign(&Mechanism::Ecdsa, p384_handle, black_box(&digest384))
                    .unwrap(),
            );
        },
    );
}

/// Signatures per second with `tasks` concurrent signers on a pool of `size` sessions.
fn throughput(rt: &Runtime) {
    const SIGNATURES: usize = 4000;
    let raw = fixture::raw_session("pool");
    let handle = raw
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"bench-k1".to_vec()),
        ])
        .unwrap()[0];
    let start = Instant::now();
    for i in 0..SIGNATURES {
        black_box(raw.sign(&Mechanism::Ecdsa, handle, &[i as u8; 32]).unwrap());
    }
    let bare = SIGNATURES as f64 / start.elapsed().as_secs_f64();
    println!("throughput bare cryptoki, one thread: {bare:.0} signatures/s");
    for size in [1usize, 2, 4, 8] {
        let token = rt.block_on(fixture::open("pool", size));
        let key = rt
            .block_on(Pkcs11Secp256k1Key::open(
                &token,
                &fixture::uri("pool", "bench-k1"),
            ))
            .unwrap();
        let elapsed = rt.block_on(async {
            let start = Instant::now();
            let mut tasks = Vec::with_capacity(64);
            for t in 0..64usize {
                let key = key.clone();
                tasks.push(tokio::spawn(async move {
                    for i in 0..SIGNATURES / 64 {
                        key.sign_prehash(&[(t * 64 + i) as u8; 32]).await.unwrap();
                    }
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
            start.elapsed()
        });
        println!(
            "throughput pool size {size}, 64 tasks: {:.0} signatures/s ({:.2}x bare one-thread)",
            SIGNATURES as f64 / elapsed.as_secs_f64(),
            SIGNATURES as f64 / elapsed.as_secs_f64() / bare
        );
    }
}

/// Onboardings (customer, KYC, account with its session-key challenge) with the wallet keys
/// and the request-signing key in the token, against the same with in-memory keys.
fn onboarding(rt: &Runtime) {
    const FLOWS: usize = 200;
    const CONCURRENCY: usize = 32;
    for hsm in [false, true] {
        let (flows_per_s, p50) = rt.block_on(async {
            let sandbox = Sandbox::start(SandboxConfig {
                deployment_delay: Duration::ZERO,
                ..SandboxConfig::default()
            })
            .await
            .unwrap();
            let token = fixture::open("onboard", 8).await;
            let builder = Client::builder()
                .base_url(sandbox.base_url())
                .credentials(sandbox.api_key(), sandbox.api_secret().to_owned());
            let (builder, pem) = if hsm {
                let label = format!("bench-request-{}", std::process::id());
                let key = Pkcs11P384Key::generate(&token, &fixture::uri("onboard", &label))
                    .await
                    .unwrap();
                let pem = key.public_key_pem();
                (builder.signing_key(key), pem)
            } else {
                let key = chainsig_httpsig::P384SigningKey::generate().unwrap();
                let pem = key.public_key_pem();
                (builder.signing_key(key), pem)
            };
            let client = builder.build().unwrap();
            client.register_signing_key(&pem).await.unwrap();
            let mut signers: Vec<Arc<dyn ChallengeSigner>> = Vec::with_capacity(FLOWS);
            for i in 0..FLOWS {
                if hsm {
                    let uri = fixture::uri("onboard", &format!("bench-wallet-{i}"));
                    let key = match Pkcs11Secp256k1Key::open(&token, &uri).await {
                        Ok(key) => key,
                        Err(_) => Pkcs11Secp256k1Key::generate(&token, &uri).await.unwrap(),
                    };
                    signers.push(Arc::new(key.evm_signer(ChainId::eip155(1)).unwrap()));
                } else {
                    signers.push(Arc::new(chainsig_evm::LocalEvmSigner::random()));
                }
            }
            let mut options = FlowOptions::default();
            options.poll_interval = Duration::from_millis(1);
            let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
            let start = Instant::now();
            let mut tasks = Vec::with_capacity(FLOWS);
            for (i, signer) in signers.into_iter().enumerate() {
                let (client, options) = (client.clone(), options.clone());
                let permit = semaphore.clone().acquire_owned().await.unwrap();
                tasks.push(tokio::spawn(async move {
                    let _permit = permit;
                    let began = Instant::now();
                    let customer = client
                        .onboard_customer(signer.as_ref(), &format!("bench-{hsm}-{i}"), &options)
                        .await
                        .unwrap();
                    client
                        .simulator_verify(&customer.id, IdempotencyKey::new())
                        .await
                        .unwrap();
                    client
                        .open_account(
                            &customer.id,
                            signer.as_ref(),
                            &CreateAccount::card("EUR"),
                            &options,
                        )
                        .await
                        .unwrap();
                    began.elapsed()
                }));
            }
            let mut latencies = Vec::with_capacity(FLOWS);
            for task in tasks {
                latencies.push(task.await.unwrap());
            }
            let elapsed = start.elapsed();
            latencies.sort();
            sandbox.shutdown().await;
            (FLOWS as f64 / elapsed.as_secs_f64(), latencies[FLOWS / 2])
        });
        println!(
            "onboarding {FLOWS} EVM flows, concurrency {CONCURRENCY}, {} keys: {flows_per_s:.0} flows/s, p50 {:.1} ms",
            if hsm {
                "SoftHSM (wallet + request key, pool 8)"
            } else {
                "in-memory"
            },
            p50.as_secs_f64() * 1e3
        );
    }
}

fn main() -> ExitCode {
    if std::env::var_os(fixture::FIXTURE_ENV).is_none() {
        return fixture::prepare_and_rerun();
    }
    let rt = runtime();
    let mut criterion = Criterion::default().configure_from_args();
    overhead(&mut criterion, &rt);
    throughput(&rt);
    onboarding(&rt);
    criterion.final_summary();
    ExitCode::SUCCESS
}
