//! Many flows at once through one `Client`: one connection pool, one token, no cross-talk.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::collections::HashSet;
use std::sync::Arc;

use chainsig::ChallengeSigner;
use chainsig::api::{AccountStatus, CustomerStatus};
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;

use support::{onboard_and_open, options};

const CUSTOMERS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_customers_onboarded_concurrently_through_one_client() {
    let env = support::start().await;
    // One FlowOptions for every flow: the idempotency keys name their subject.
    let options = options();
    let mut tasks = Vec::with_capacity(CUSTOMERS);
    for i in 0..CUSTOMERS {
        let client = env.client.clone();
        let options = options.clone();
        tasks.push(tokio::spawn(async move {
            // One in four on Solana: ed25519 verification is slow in unoptimized builds.
            let signer: Arc<dyn ChallengeSigner> = if i % 4 != 3 {
                Arc::new(LocalEvmSigner::random())
            } else {
                Arc::new(LocalSolanaSigner::random())
            };
            let (customer, account) =
                onboard_and_open(&client, signer.as_ref(), &format!("bulk-{i}"), &options)
                    .await
                    .unwrap_or_else(|e| panic!("customer {i}: {e}"));
            assert_eq!(customer.chain_id, signer.account().to_string());
            (customer.id, account)
        }));
    }
    let mut pairs = Vec::with_capacity(CUSTOMERS);
    for task in tasks {
        pairs.push(task.await.unwrap());
    }
    for (_, account) in &pairs {
        assert_eq!(account.status, AccountStatus::Active);
    }

    let client = &env.client;
    let customers = client.list_customers().await.unwrap();
    let accounts = client.list_accounts().await.unwrap();
    let customer_ids: HashSet<&str> = customers.iter().map(|c| c.id.as_str()).collect();
    let account_ids: HashSet<&str> = accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(customers.len(), CUSTOMERS);
    assert_eq!(customer_ids.len(), CUSTOMERS);
    assert_eq!(accounts.len(), CUSTOMERS);
    assert_eq!(account_ids.len(), CUSTOMERS);
    assert!(customers.iter().all(|c| c.status == CustomerStatus::Active));
    assert!(accounts.iter().all(|a| a.status == AccountStatus::Active));
    for (customer_id, account) in &pairs {
        assert!(customer_ids.contains(customer_id.as_str()));
        assert!(account_ids.contains(account.id.as_str()));
        assert_eq!(&account.customer_id, customer_id);
    }

    let counters = env.sandbox.counters();
    assert_eq!(counters.customers, CUSTOMERS as u64);
    assert_eq!(counters.accounts, CUSTOMERS as u64);
    assert_eq!(counters.challenges_verified, 2 * CUSTOMERS as u64);
    assert_eq!(counters.challenges_rejected, 0);
    assert_eq!(counters.rejected_requests, 0);
    // Every clone shares one token cache: 200 concurrent flows fetched one token.
    assert_eq!(client.token_fetches(), 1);
}
