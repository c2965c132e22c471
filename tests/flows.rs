//! The flows end to end against the sandbox over loopback: all three chains, closing, resuming an
//! account left `initiating`, re-running a flow with the same seed, and every way of holding a
//! signer (`Box<dyn>`, `Arc<dyn>`, `&dyn`).
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chainsig::api::{
    AccountStatus, CreateAccount, CustomerStatus, FlowEvent, FlowOptions, IdempotencyKey,
};
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig::tron::{LocalTronSigner, TronNetwork};
use chainsig::{ChainId, ChallengeSigner};
use uuid::Uuid;

use support::{Counting, onboard_and_open, options};

/// Onboards, approves KYC, opens an account and closes it, for one signer.
async fn full_lifecycle(signer: &dyn ChallengeSigner, external_id: &str) {
    let env = support::start().await;
    let client = &env.client;
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let options = options().on_event(move |e| sink.lock().unwrap().push(e.clone()));

    let customer = client
        .onboard_customer(signer, external_id, &options)
        .await
        .unwrap();
    assert_eq!(customer.external_id, external_id);
    assert_eq!(customer.chain_id, signer.account().to_string());
    assert!(
        matches!(
            customer.status,
            CustomerStatus::Screening | CustomerStatus::Verifying
        ),
        "after the ownership proof: {}",
        customer.status
    );

    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    assert_eq!(
        client.get_customer(&customer.id).await.unwrap().status,
        CustomerStatus::Active
    );

    let account = client
        .open_account(&customer.id, signer, &CreateAccount::card("EUR"), &options)
        .await
        .unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    assert_eq!(account.customer_id, customer.id);
    assert_eq!(account.currencies, ["EUR"]);
    let smart_account: chainsig::AccountId = account
        .chain_id
        .as_deref()
        .expect("an active account has its chainId")
        .parse()
        .unwrap();
    assert_eq!(
        smart_account.chain().namespace(),
        signer.account().chain().namespace()
    );

    let listed = client.list_customer_accounts(&customer.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, account.id);

    let closed = client
        .close_account(&account.id, signer, &options)
        .await
        .unwrap();
    assert_eq!(closed.status, AccountStatus::Closed);
    assert_eq!(
        client.get_account(&account.id).await.unwrap().status,
        AccountStatus::Closed
    );

    let counters = env.sandbox.counters();
    assert_eq!(counters.customers, 1);
    assert_eq!(counters.accounts, 1);
    // Ownership, session key, deletion.
    assert_eq!(counters.challenges_verified, 3);
    assert_eq!(counters.challenges_rejected, 0);

    let events = events.lock().unwrap();
    let completed: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            FlowEvent::Completed { flow } => Some(*flow),
            _ => None,
        })
        .collect();
    assert_eq!(
        completed,
        ["onboard_customer", "open_account", "close_account"]
    );
    let accepted = events
        .iter()
        .filter(|e| matches!(e, FlowEvent::SignatureAccepted { .. }))
        .count();
    assert_eq!(accepted, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evm_customer_end_to_end() {
    let signer = LocalEvmSigner::random()
        .with_chain(ChainId::eip155(324))
        .unwrap();
    full_lifecycle(&signer, "evm-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solana_customer_end_to_end() {
    let signer = LocalSolanaSigner::random();
    full_lifecycle(&signer, "solana-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tron_customer_end_to_end() {
    // The client checks the sandbox's CAIP-122 "Tron account" challenge (address, domain, URI,
    // chain reference, nonce, time) before signing it with TIP-191.
    let signer = LocalTronSigner::random().with_network(TronNetwork::Shasta);
    full_lifecycle(&signer, "tron-1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_left_initiating_is_finished_by_resume_account() {
    let env = support::start().await;
    let client = &env.client;
    let signer = Counting::new(LocalEvmSigner::random());
    let options = options();
    let customer = client
        .onboard_customer(&signer, "resume", &options)
        .await
        .unwrap();
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();

    // Created, never signed: a crash right after the create request.
    let created = client
        .create_account(
            &customer.id,
            &CreateAccount::card("EUR"),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    assert_eq!(created.status, AccountStatus::Initiating);
    assert_eq!(
        client.get_account(&created.id).await.unwrap().status,
        AccountStatus::Initiating
    );
    let signed_before = signer.calls();

    // A later process, with only the account id: fetches the challenge, signs, waits.
    let resumed = client
        .resume_account(&created.id, &signer, &options)
        .await
        .unwrap();
    assert_eq!(resumed.id, created.id);
    assert_eq!(resumed.status, AccountStatus::Active);
    assert_eq!(signer.calls(), signed_before + 1);

    // Resuming an active account changes nothing and signs nothing.
    let again = client
        .resume_account(&created.id, &signer, &options)
        .await
        .unwrap();
    assert_eq!(again.status, AccountStatus::Active);
    assert_eq!(signer.calls(), signed_before + 1);

    let counters = env.sandbox.counters();
    assert_eq!(counters.accounts, 1);
    assert_eq!(counters.challenges_verified, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_rerun_with_the_same_seed_creates_nothing_new() {
    let env = support::start().await;
    let client = &env.client;
    let signer = LocalSolanaSigner::random();
    let seed = Uuid::from_u128(0x5eed_0000_0000_0000_0000_0000_0000_0001);
    let options = options().with_seed(seed);

    let (customer, account) = onboard_and_open(client, &signer, "rerun", &options)
        .await
        .unwrap();
    let first = env.sandbox.counters();
    assert_eq!((first.customers, first.accounts), (1, 1));

    // The same run again, e.g. a batch job restarted from its journal: every write carries the
    // key it carried the first time, so the sandbox replays its stored answers.
    let (customer2, account2) = onboard_and_open(client, &signer, "rerun", &options)
        .await
        .unwrap();
    assert_eq!(customer2.id, customer.id);
    assert_eq!(account2.id, account.id);
    assert_eq!(customer2.status, CustomerStatus::Active);
    assert_eq!(account2.status, AccountStatus::Active);

    let second = env.sandbox.counters();
    assert_eq!((second.customers, second.accounts), (1, 1));
    assert_eq!(second.challenges_verified, first.challenges_verified);
    assert!(
        second.replays > first.replays,
        "the second run was answered from the idempotency store"
    );
    assert_eq!(client.list_customers().await.unwrap().len(), 1);
    assert_eq!(client.list_accounts().await.unwrap().len(), 1);

    // Another seed is another run: the customer exists, so the flow finds it instead of failing.
    let other = options.clone().with_seed(Uuid::from_u128(2));
    let found = client
        .onboard_customer(&signer, "rerun", &other)
        .await
        .unwrap();
    assert_eq!(found.id, customer.id);
    assert_eq!(env.sandbox.counters().customers, 1);
}

/// A sandbox whose lists come two items a page.
async fn two_a_page() -> support::Env {
    let config = chainsig_sandbox::SandboxConfig {
        list_page_size: 2,
        ..support::config()
    };
    support::start_with(config, support::fast_retry()).await
}

/// The "customer exists" recovery reads the list as the API pages it: with two customers a page,
/// the one it looks for is on the third.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_customer_is_found_on_a_later_page() {
    let env = two_a_page().await;
    let client = &env.client;
    for i in 0..4 {
        client
            .onboard_customer(&LocalEvmSigner::random(), &format!("other-{i}"), &options())
            .await
            .unwrap();
    }
    let signer = LocalSolanaSigner::random();
    let customer = client
        .onboard_customer(&signer, "late", &options())
        .await
        .unwrap();
    assert_eq!(client.list_customers().await.unwrap().len(), 5);

    // Another seed: the create is a 409, and the flow finds the customer on page 3.
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let other = options()
        .with_seed(Uuid::from_u128(7))
        .on_event(move |e| seen.lock().unwrap().push(e.clone()));
    let found = client
        .onboard_customer(&signer, "late", &other)
        .await
        .unwrap();
    assert_eq!(found.id, customer.id);
    assert!(
        events.lock().unwrap().iter().any(|e| matches!(
            e,
            FlowEvent::CustomerCreated { resumed: true, customer_id, .. } if *customer_id == customer.id
        )),
        "{events:?}"
    );
    assert_eq!(env.sandbox.counters().customers, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boxed_shared_and_borrowed_dyn_signers_run_the_flows() {
    let env = support::start().await;
    let client = &env.client;
    let options = options();

    let boxed: Box<dyn ChallengeSigner> = Box::new(LocalEvmSigner::random());
    let shared: Arc<dyn ChallengeSigner> = Arc::new(LocalSolanaSigner::random());
    let local = LocalEvmSigner::random();
    let borrowed: &dyn ChallengeSigner = &local;

    // S = Box<dyn ChallengeSigner>, S = dyn ChallengeSigner, S = Arc<dyn ChallengeSigner>,
    // S = &dyn ChallengeSigner.
    let (_, a) = onboard_and_open(client, &boxed, "boxed", &options)
        .await
        .unwrap();
    let (_, b) = onboard_and_open(client, shared.as_ref(), "arc", &options)
        .await
        .unwrap();
    let (_, c) = onboard_and_open(client, &shared, "arc-itself", &options)
        .await
        .unwrap();
    let (_, d) = onboard_and_open(client, &borrowed, "borrowed", &options)
        .await
        .unwrap();
    for account in [a, b, c, d] {
        assert_eq!(account.status, AccountStatus::Active);
    }
}

/// Compile-level: the flows accept every signer holder, and their futures are `Send` (they can be
/// spawned on a multi-threaded runtime).
#[allow(dead_code, clippy::borrowed_box)] // `&Box<dyn …>` is one of the holders under test
fn flows_take_any_signer_and_are_send(
    client: &chainsig::api::Client,
    options: &FlowOptions,
    boxed: &Box<dyn ChallengeSigner>,
    shared: &Arc<dyn ChallengeSigner>,
    borrowed: &dyn ChallengeSigner,
) {
    fn send<F: std::future::Future + Send>(_: F) {}
    send(client.onboard_customer(boxed, "x", options));
    send(client.onboard_customer(shared, "x", options));
    send(client.onboard_customer(&**shared, "x", options));
    send(client.onboard_customer(borrowed, "x", options));
    send(client.onboard_customer(&borrowed, "x", options));
    send(client.open_account("c", boxed, &CreateAccount::card("EUR"), options));
    send(client.resume_account("a", shared, options));
    send(client.close_account("a", borrowed, options));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_name_each_customer_and_account_once() {
    // Each list is read over two pages.
    let env = two_a_page().await;
    let client = &env.client;
    let options = options();
    let mut ids = HashSet::new();
    for i in 0..3 {
        let signer = LocalEvmSigner::random();
        let (customer, account) = onboard_and_open(client, &signer, &format!("list-{i}"), &options)
            .await
            .unwrap();
        ids.insert((customer.id, account.id));
    }
    let customers = client.list_customers().await.unwrap();
    let accounts = client.list_accounts().await.unwrap();
    assert_eq!(customers.len(), 3);
    assert_eq!(accounts.len(), 3);
    for (customer, account) in &ids {
        let of_customer = client.list_customer_accounts(customer).await.unwrap();
        assert_eq!(of_customer.len(), 1);
        assert_eq!(&of_customer[0].id, account);
        assert!(customers.iter().any(|c| &c.id == customer));
        assert!(
            accounts
                .iter()
                .any(|a| &a.id == account && &a.customer_id == customer)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_run_started_twice_at_once_creates_one_customer_and_one_account() {
    let env = support::start().await;
    let signer = Arc::new(LocalEvmSigner::random());
    let options = options().with_seed(Uuid::from_u128(0xd0_0b1e));
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let client = env.client.clone();
            let signer = signer.clone();
            let options = options.clone();
            tokio::spawn(async move {
                onboard_and_open(&client, signer.as_ref(), "twice", &options).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for run in runs {
        let (customer, account) = run.await.unwrap().unwrap();
        assert_eq!(account.status, AccountStatus::Active);
        ids.push((customer.id, account.id));
    }
    assert_eq!(ids[0], ids[1]);
    let counters = env.sandbox.counters();
    assert_eq!((counters.customers, counters.accounts), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_whose_kyc_was_rejected_gets_no_account() {
    let env = support::start().await;
    let client = &env.client;
    let signer = Counting::new(LocalSolanaSigner::random());
    let options = options();
    let customer = client
        .onboard_customer(&signer, "rejected", &options)
        .await
        .unwrap();
    client
        .simulator_reject(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let signed = signer.calls();
    let error = client
        .open_account(&customer.id, &signer, &CreateAccount::card("EUR"), &options)
        .await
        .unwrap_err();
    assert!(matches!(error, chainsig::api::Error::Flow(_)), "{error:?}");
    assert!(error.to_string().contains("rejected"), "{error}");
    assert_eq!(signer.calls(), signed);
    assert_eq!(env.sandbox.counters().accounts, 0);
}
