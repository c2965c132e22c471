//! The bearer token: fetched once, refreshed once when it expires mid-run, and refreshed once, not
//! once per request, when many concurrent requests meet an expired token.
//!
//! The sandbox's clock is moved forward instead of waiting: the sandbox then sees the token as
//! expired and answers 401, which is what a real expiry looks like to the client.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;
use std::time::Duration;

use chainsig::api::{AccountStatus, CreateAccount, FlowEvent, IdempotencyKey};
use chainsig::evm::LocalEvmSigner;
use chainsig_sandbox::{OffsetClock, SandboxConfig};

use support::options;

/// Long enough that no token expires on its own during a test, however slow the machine; the
/// tests move the sandbox's clock past it instead.
const TOKEN_TTL: Duration = Duration::from_secs(30);
/// Past a token's lifetime. Well within the sandbox's 300 s signature age and the client's 60 s
/// SIWE clock tolerance, so only the token is affected.
const PAST_EXPIRY: Duration = Duration::from_secs(31);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_run_is_refreshed_once() {
    let clock = Arc::new(OffsetClock::default());
    let config = SandboxConfig {
        token_ttl: TOKEN_TTL,
        clock: clock.clone(),
        ..support::config()
    };
    let env = support::start_with(config, support::RetryPolicy::default()).await;
    let client = &env.client;
    assert_eq!(
        client.token_fetches(),
        1,
        "registering the key took a token"
    );

    // The token expires right after the customer is created, in the middle of the flow.
    let expire = clock.clone();
    let options = options().on_event(move |event| {
        if matches!(event, FlowEvent::CustomerCreated { .. }) {
            expire.advance(PAST_EXPIRY);
        }
    });
    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "token", &options)
        .await
        .unwrap();
    assert_eq!(client.token_fetches(), 2);
    assert_eq!(env.sandbox.counters().rejected_requests, 1, "one 401");

    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let account = client
        .open_account(
            &customer.id,
            &signer,
            &CreateAccount::card("EUR"),
            &support::options(),
        )
        .await
        .unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    assert_eq!(client.token_fetches(), 2, "the new token served the rest");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_meeting_an_expired_token_cause_one_refresh() {
    let clock = Arc::new(OffsetClock::default());
    let config = SandboxConfig {
        token_ttl: TOKEN_TTL,
        clock: clock.clone(),
        ..support::config()
    };
    let env = support::start_with(config, support::RetryPolicy::default()).await;
    let client = &env.client;
    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "herd", &options())
        .await
        .unwrap();
    let fetched = client.token_fetches();
    assert_eq!(fetched, 1);

    clock.advance(PAST_EXPIRY);
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            let id = customer.id.clone();
            tokio::spawn(async move { client.get_customer(&id).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().id, customer.id);
    }
    assert_eq!(client.token_fetches(), fetched + 1);
    assert!(env.sandbox.counters().rejected_requests >= 1);
}
