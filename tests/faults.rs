//! With the sandbox failing 20% of requests (500, 503, answers lost after the change was applied,
//! delays), every flow still ends `active`, nothing is created twice, and the sandbox's replay
//! counter proves that retries reused their idempotency keys.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::collections::HashSet;
use std::time::Duration;

use chainsig::api::{AccountStatus, CustomerStatus};
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig_sandbox::FaultConfig;

use support::{fast_retry, onboard_and_open, options};

const FLOWS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_onboardings_survive_twenty_percent_faults_without_duplicates() {
    let config = chainsig_sandbox::SandboxConfig {
        faults: FaultConfig {
            rate: 0.2,
            seed: 0x0ff_b10c,
            delay: Duration::from_millis(20),
            ..FaultConfig::default()
        },
        ..support::config()
    };
    let env = support::start_with(config, fast_retry()).await;
    let options = options();
    let mut tasks = Vec::new();
    for i in 0..FLOWS {
        let client = env.client.clone();
        let options = options.clone();
        tasks.push(tokio::spawn(async move {
            let result = if i % 2 == 0 {
                let signer = LocalEvmSigner::random();
                onboard_and_open(&client, &signer, &format!("faulty-{i}"), &options).await
            } else {
                let signer = LocalSolanaSigner::random();
                onboard_and_open(&client, &signer, &format!("faulty-{i}"), &options).await
            };
            result.unwrap_or_else(|e| panic!("flow {i}: {e}"))
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let (customer, account) = task.await.unwrap();
        assert_eq!(account.status, AccountStatus::Active);
        ids.push((customer.id, account.id));
    }

    let client = &env.client;
    let customers = client.list_customers().await.unwrap();
    let accounts = client.list_accounts().await.unwrap();
    let customer_ids: HashSet<&str> = customers.iter().map(|c| c.id.as_str()).collect();
    let account_ids: HashSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    // No duplicate: as many as there were flows, each named once, each the one its flow saw.
    assert_eq!(customers.len(), FLOWS);
    assert_eq!(customer_ids.len(), FLOWS);
    assert_eq!(accounts.len(), FLOWS);
    assert_eq!(account_ids.len(), FLOWS);
    for (customer, account) in &ids {
        assert!(customer_ids.contains(customer.as_str()));
        assert!(account_ids.contains(account.as_str()));
    }
    assert!(customers.iter().all(|c| c.status == CustomerStatus::Active));
    assert!(accounts.iter().all(|a| a.status == AccountStatus::Active));

    let counters = env.sandbox.counters();
    assert_eq!(counters.customers, FLOWS as u64, "{counters:?}");
    assert_eq!(counters.accounts, FLOWS as u64, "{counters:?}");
    assert_eq!(
        counters.challenges_verified,
        2 * FLOWS as u64,
        "{counters:?}"
    );
    assert_eq!(counters.challenges_rejected, 0, "{counters:?}");
    assert!(counters.faults_injected > 0, "{counters:?}");
    // A write whose answer was lost after it was applied was retried with its key and answered
    // from the idempotency store instead of being applied again.
    assert!(counters.replays > 0, "{counters:?}");
}
