//! Fault soak: many complete onboardings while the sandbox injects every kind of fault it knows
//! (500, 503 with Retry-After, connection dropped after the write was applied, slow answers).
//! Exactly one active account per flow, no duplicate customer or account, nothing lost.
//!
//! CI runs 100 flows. The full soak of the issue (1 000 flows at concurrency 32):
//!
//! ```sh
//! CHAINSIG_SOAK_FLOWS=1000 cargo test --release --test soak -- --nocapture
//! ```
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chainsig::ChallengeSigner;
use chainsig::api::{AccountStatus, CreateAccount, CustomerStatus};
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig_sandbox::FaultConfig;
use tokio::sync::Semaphore;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboardings_survive_faults_of_every_kind_exactly_once() {
    let flows: usize = std::env::var("CHAINSIG_SOAK_FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let concurrency = 32;
    let env = support::start_with(support::config(), support::fast_retry()).await;
    // Faults start once the client holds a token and a registered key.
    env.sandbox.set_faults(FaultConfig {
        rate: 0.2,
        seed: 0x50a4,
        delay: Duration::from_millis(20),
        ..FaultConfig::default()
    });

    let semaphore = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..flows {
        let (client, semaphore) = (env.client.clone(), semaphore.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await.unwrap();
            // One Solana wallet in eight, so that both chains' challenge checks meet the faults.
            let signer: Box<dyn ChallengeSigner> = if i % 8 == 7 {
                Box::new(LocalSolanaSigner::random())
            } else {
                Box::new(LocalEvmSigner::random())
            };
            let options = support::options();
            let customer = client
                .onboard_customer(signer.as_ref(), &format!("soak-{i}"), &options)
                .await?;
            client
                .simulator_verify(&customer.id, options.key(&format!("kyc/{}", customer.id)))
                .await?;
            client
                .wait_for_customer(&customer.id, CustomerStatus::Active, &options)
                .await?;
            let account = client
                .open_account(
                    &customer.id,
                    signer.as_ref(),
                    &CreateAccount::card("EUR"),
                    &options,
                )
                .await?;
            Ok::<_, chainsig::api::Error>((customer.id, account))
        });
    }
    let mut lost = Vec::new();
    let mut finished = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(done) => finished.push(done),
            Err(e) => lost.push(e.to_string()),
        }
    }

    env.sandbox.set_faults(FaultConfig::none());
    let customers = env.client.list_customers().await.unwrap();
    let accounts = env.client.list_accounts().await.unwrap();
    let counters = env.sandbox.counters();
    let active = accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active)
        .count();
    let distinct_customers = customers
        .iter()
        .map(|c| c.id.as_str())
        .collect::<HashSet<_>>()
        .len();
    let accounts_per_customer = accounts
        .iter()
        .map(|a| a.customer_id.as_str())
        .collect::<HashSet<_>>()
        .len();
    println!(
        "soak: {flows} flows, {} finished, {} lost; {} customers ({distinct_customers} distinct), {} accounts \
         ({active} active, {accounts_per_customer} customers with one); {} requests, {} faults injected \
         ({} 500, {} 503, {} dropped after apply, {} delayed), {} replays",
        finished.len(),
        lost.len(),
        customers.len(),
        accounts.len(),
        counters.requests,
        counters.faults_injected,
        counters.faults_internal_error,
        counters.faults_unavailable,
        counters.faults_dropped,
        counters.faults_delayed,
        counters.replays,
    );
    assert!(lost.is_empty(), "lost flows: {lost:?}");
    assert_eq!(finished.len(), flows);
    assert_eq!(customers.len(), flows, "one customer per flow");
    assert_eq!(distinct_customers, flows);
    assert_eq!(accounts.len(), flows, "one account per flow, no duplicates");
    assert_eq!(accounts_per_customer, flows);
    assert_eq!(active, flows, "every account active");
    assert_eq!(
        counters.customers as usize, flows,
        "the sandbox created each customer once"
    );
    assert_eq!(
        counters.accounts as usize, flows,
        "the sandbox created each account once"
    );
    for (kind, count) in [
        ("500", counters.faults_internal_error),
        ("503", counters.faults_unavailable),
        ("dropped after apply", counters.faults_dropped),
        ("delayed", counters.faults_delayed),
    ] {
        assert!(count > 0, "no {kind} fault was injected");
    }
    assert!(
        counters.replays > 0,
        "dropped connections were answered from the idempotency store"
    );
}
