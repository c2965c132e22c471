//! Fault injection and counters.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use chainsig_core::ChallengeSigner;
use chainsig_offblocks::paths;
use chainsig_sandbox::{CounterSnapshot, FaultConfig, FaultKind};
use http::Method;
use serde_json::json;
use support::{Env, evm_signer, sign_request};
use uuid::Uuid;

const DELAY: Duration = Duration::from_millis(20);

/// What a client sees of one request under faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Status(u16),
    Dropped,
}

async fn observe(env: &Env, n: usize) -> Vec<Seen> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let request = env.req(Method::GET, paths::CUSTOMERS, None).build().await;
        seen.push(match env.try_send(request).await {
            Ok(resp) => {
                if resp.status >= 500 {
                    resp.expect_error(
                        resp.status,
                        if resp.status == 500 {
                            "internal"
                        } else {
                            "unavailable"
                        },
                    );
                }
                if resp.status == 503 {
                    assert_eq!(resp.headers["retry-after"], "1");
                }
                Seen::Status(resp.status)
            }
            Err(_) => Seen::Dropped,
        });
    }
    seen
}

fn expected(kind: Option<FaultKind>) -> Seen {
    match kind {
        None | Some(FaultKind::Delay(_)) => Seen::Status(200),
        Some(FaultKind::InternalError) => Seen::Status(500),
        Some(FaultKind::Unavailable) => Seen::Status(503),
        Some(FaultKind::DropAfterApply) => Seen::Dropped,
    }
}

#[tokio::test]
async fn every_kind_appears_and_the_same_seed_gives_the_same_sequence() {
    let faults = FaultConfig {
        rate: 1.0,
        seed: 42,
        delay: DELAY,
        ..FaultConfig::default()
    };
    let predicted = faults.sequence(32);
    for kind in [
        FaultKind::InternalError,
        FaultKind::Unavailable,
        FaultKind::DropAfterApply,
        FaultKind::Delay(DELAY),
    ] {
        assert!(
            predicted.contains(&Some(kind)),
            "{kind:?} never drawn: {predicted:?}"
        );
    }
    assert_eq!(faults.sequence(32), predicted);
    assert_ne!(
        FaultConfig {
            seed: 43,
            ..faults.clone()
        }
        .sequence(32),
        predicted,
        "another seed, another sequence"
    );

    let mut runs = Vec::new();
    for _ in 0..2 {
        let env = Env::start().await;
        env.sandbox.set_faults(faults.clone());
        runs.push(observe(&env, 32).await);
        let c = env.sandbox.counters();
        assert_eq!(c.faults_injected, 32);
        // Counted by kind, as drawn.
        let drawn = |wanted: fn(&FaultKind) -> bool| {
            predicted.iter().flatten().filter(|k| wanted(k)).count() as u64
        };
        assert_eq!(
            (
                c.faults_internal_error,
                c.faults_unavailable,
                c.faults_dropped,
                c.faults_delayed
            ),
            (
                drawn(|k| *k == FaultKind::InternalError),
                drawn(|k| *k == FaultKind::Unavailable),
                drawn(|k| *k == FaultKind::DropAfterApply),
                drawn(|k| matches!(k, FaultKind::Delay(_))),
            )
        );
    }
    assert_eq!(runs[0], runs[1]);
    let expected: Vec<Seen> = predicted.into_iter().map(expected).collect();
    assert_eq!(runs[0], expected);
}

#[tokio::test]
async fn a_fault_rate_faults_only_that_fraction() {
    let env = Env::start().await;
    let faults = FaultConfig {
        rate: 0.25,
        seed: 7,
        kinds: vec![FaultKind::Unavailable],
        ..FaultConfig::default()
    };
    env.sandbox.set_faults(faults.clone());
    let seen = observe(&env, 80).await;
    let predicted: Vec<Seen> = faults.sequence(80).into_iter().map(expected).collect();
    assert_eq!(seen, predicted);
    let faulted = seen.iter().filter(|s| **s == Seen::Status(503)).count();
    assert!((8..=32).contains(&faulted), "{faulted} of 80");
    assert_eq!(env.sandbox.counters().faults_injected, faulted as u64);
    // Rate 0: none.
    env.sandbox.set_faults(FaultConfig::none());
    assert!(
        observe(&env, 10)
            .await
            .iter()
            .all(|s| *s == Seen::Status(200))
    );
}

#[tokio::test]
async fn a_dropped_connection_after_the_write_keeps_the_write_and_its_answer() {
    let env = Env::start().await;
    let key = Uuid::new_v4().to_string();
    let body = json!({ "chainId": evm_signer().account().to_string(), "externalId": "dropped" });
    env.sandbox.set_faults(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::DropAfterApply],
        ..FaultConfig::default()
    });
    let request = env
        .req(Method::POST, paths::CUSTOMERS, Some(body.clone()))
        .idempotency_key(Some(&key))
        .build()
        .await;
    assert!(
        env.try_send(request).await.is_err(),
        "the connection was dropped"
    );
    env.sandbox.set_faults(FaultConfig::none());

    // The customer exists.
    let before = env.state().await;
    let items = before.customers["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(before.counters.customers, 1);

    // The retry (signed again, same key, same body) gets the stored answer, not a 409.
    let retry = env
        .req(Method::POST, paths::CUSTOMERS, Some(body))
        .idempotency_key(Some(&key))
        .send()
        .await;
    let created = retry.expect(201).clone();
    assert_eq!(created["id"], items[0]["id"]);
    assert!(created["challenge"].is_string());
    let after = env.state().await;
    assert_eq!(after.customers, before.customers);
    assert_eq!(after.counters.customers, 1);
    assert_eq!(after.counters.replays, before.counters.replays + 1);
}

#[tokio::test]
async fn a_dropped_connection_sends_not_even_a_status_line() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    let env = Env::start().await;
    env.sandbox.set_faults(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::DropAfterApply],
        ..FaultConfig::default()
    });
    let request = env.req(Method::GET, paths::CUSTOMERS, None).build().await;
    let mut raw = format!("GET {} HTTP/1.1\r\n", request.uri().path());
    raw.push_str(&format!("host: {}\r\n", env.sandbox.local_addr()));
    for (name, value) in request.headers() {
        raw.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    raw.push_str("\r\n");
    let mut stream = tokio::net::TcpStream::connect(env.sandbox.local_addr())
        .await
        .unwrap();
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    assert_eq!(env.sandbox.counters().faults_injected, 1);
}

#[tokio::test]
async fn a_500_or_503_changes_nothing_and_frees_the_key() {
    let env = Env::start().await;
    for (kind, status, code) in [
        (FaultKind::InternalError, 500, "internal"),
        (FaultKind::Unavailable, 503, "unavailable"),
    ] {
        let key = Uuid::new_v4().to_string();
        let body = json!({ "chainId": evm_signer().account().to_string(), "externalId": "x" });
        env.sandbox.set_faults(FaultConfig {
            rate: 1.0,
            kinds: vec![kind],
            ..FaultConfig::default()
        });
        let failed = env
            .req(Method::POST, paths::CUSTOMERS, Some(body.clone()))
            .idempotency_key(Some(&key))
            .send()
            .await;
        env.sandbox.set_faults(FaultConfig::none());
        failed.expect_error(status, code);
        if status == 503 {
            assert_eq!(failed.headers["retry-after"], "1");
        }
        let before = env.state().await;
        let retry = env
            .req(Method::POST, paths::CUSTOMERS, Some(body))
            .idempotency_key(Some(&key))
            .send()
            .await;
        retry.expect(201);
        let after = env.state().await;
        assert_eq!(after.counters.customers, before.counters.customers + 1);
        assert_eq!(
            after.counters.replays, before.counters.replays,
            "handled, not replayed"
        );
    }
}

#[tokio::test]
async fn a_delay_slows_the_answer_but_not_the_result() {
    let env = Env::start().await;
    env.sandbox.set_faults(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Delay(Duration::from_millis(250))],
        ..FaultConfig::default()
    });
    let (id, _) = env
        .create_customer(&evm_signer().account().to_string())
        .await;
    // Counted, not timed: tests hold no timings.
    assert!(env.sandbox.counters().faults_delayed >= 1);
    assert_eq!(
        env.sandbox.counters().faults_injected,
        env.sandbox.counters().faults_delayed
    );
    env.sandbox.set_faults(FaultConfig::none());
    env.get(&paths::customer(&id)).await.expect(200);
}

#[tokio::test]
async fn faults_hit_the_token_endpoint_too() {
    let env = Env::start().await;
    env.sandbox.set_faults(FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Unavailable],
        ..FaultConfig::default()
    });
    let response = env
        .http
        .post(env.url(paths::TOKEN))
        .json(&json!({ "apiKey": env.sandbox.api_key(), "apiSecret": env.sandbox.api_secret() }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn counters_reflect_what_happened() {
    let env = Env::start().await;
    // Start: one token, one key registration.
    let c = env.sandbox.counters();
    assert_eq!(
        c,
        CounterSnapshot {
            requests: 2,
            ..CounterSnapshot::default()
        }
    );

    let owner = evm_signer();
    let (customer, challenge) = env.create_customer(&owner.account().to_string()).await; // 1 issued
    let intruder = evm_signer();
    let mut bad = sign_request(&intruder, &challenge).await;
    bad["chainId"] = json!(owner.account().to_string());
    env.post(&paths::customer_challenge_sign(&customer), bad)
        .await
        .expect(400); // 1 rejected, 1 issued
    let fresh = env.get(&paths::customer_challenge(&customer)).await; // 1 issued
    let fresh = fresh.json["challenge"].as_str().unwrap().to_owned();
    env.post(
        &paths::customer_challenge_sign(&customer),
        sign_request(&owner, &fresh).await,
    )
    .await
    .expect(204); // 1 verified
    env.patch(&paths::simulator_verify(&customer))
        .await
        .expect(202);
    let key = Uuid::new_v4().to_string();
    let account_body = json!({ "type": "card_account", "currencies": ["USD"] });
    for _ in 0..2 {
        env.req(
            Method::POST,
            &paths::customer_accounts(&customer),
            Some(account_body.clone()),
        )
        .idempotency_key(Some(&key))
        .send()
        .await
        .expect(201); // 1 account, 1 issued; then 1 replay
    }
    env.req(Method::GET, paths::ACCOUNTS, None)
        .unsigned()
        .send()
        .await
        .expect(400); // rejected
    let c = env.sandbox.counters();
    assert_eq!(
        c,
        CounterSnapshot {
            requests: 2 + 8,
            replays: 1,
            customers: 1,
            accounts: 1,
            challenges_issued: 4,
            challenges_verified: 1,
            challenges_rejected: 1,
            rejected_requests: 1,
            ..CounterSnapshot::default()
        }
    );
    let _ = owner.account();
}
