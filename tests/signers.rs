//! Signers that misbehave, and challenges that must not be signed.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::atomic::{AtomicU32, Ordering};

use chainsig::api::{CreateAccount, CustomerStatus, Error, FlowEvent, IdempotencyKey};
use chainsig::core::async_trait;
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};

use support::{Counting, onboard_and_open, options};

/// Signs with the right key, then flips a byte of the signature for its first `bad` calls.
#[derive(Debug)]
struct Tampering<S> {
    inner: S,
    bad: u32,
    calls: AtomicU32,
}

impl<S> Tampering<S> {
    fn new(inner: S, bad: u32) -> Self {
        Self {
            inner,
            bad,
            calls: AtomicU32::new(0),
        }
    }

    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl<S: ChallengeSigner> ChallengeSigner for Tampering<S> {
    fn account(&self) -> &AccountId {
        self.inner.account()
    }

    fn scheme(&self) -> SignatureScheme {
        self.inner.scheme()
    }

    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        let signature = self.inner.sign_challenge(challenge).await?;
        if call >= self.bad {
            return Ok(signature);
        }
        let mut bytes = signature.as_bytes().to_vec();
        bytes[10] ^= 0x01;
        Ok(ChallengeSignature::new(signature.scheme(), bytes).unwrap())
    }
}

/// A backend that is down.
#[derive(Debug)]
struct Offline {
    account: AccountId,
    calls: AtomicU32,
}

#[async_trait]
impl ChallengeSigner for Offline {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Eip191Secp256k1
    }

    async fn sign_challenge(&self, _: &Challenge) -> Result<ChallengeSignature, SignerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Err(SignerError::Unavailable {
            reason: "the HSM is unreachable".into(),
            retryable: true,
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signer_that_always_signs_wrong_gets_challenge_rejected_after_the_bounded_attempts() {
    let env = support::start().await;
    let signer = Tampering::new(LocalEvmSigner::random(), u32::MAX);
    let mut options = options();
    options.max_sign_attempts = 4;
    let error = env
        .client
        .onboard_customer(&signer, "wrong", &options)
        .await
        .unwrap_err();
    match &error {
        Error::ChallengeRejected { attempts, last } => {
            assert_eq!(*attempts, 4);
            assert_eq!(last.status, 400);
        }
        other => panic!("expected ChallengeRejected, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert_eq!(signer.calls(), 4);
    let counters = env.sandbox.counters();
    assert_eq!(counters.challenges_rejected, 4);
    assert_eq!(counters.challenges_verified, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_signatures_are_recovered_from_with_a_new_challenge() {
    let env = support::start().await;
    let client = &env.client;
    let rejections = std::sync::Arc::new(AtomicU32::new(0));
    let seen = rejections.clone();
    let options = options().on_event(move |e| {
        if matches!(e, FlowEvent::SignatureRejected { .. }) {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });

    // Ownership: two bad signatures, then a good one (3 attempts allowed).
    let signer = Tampering::new(LocalSolanaSigner::random(), 2);
    let customer = client
        .onboard_customer(&signer, "recover", &options)
        .await
        .unwrap();
    assert_ne!(customer.status, CustomerStatus::Initiating);
    assert_eq!(signer.calls(), 3);
    assert_eq!(rejections.load(Ordering::SeqCst), 2);

    // Session key: one bad signature, then a good one.
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let account_signer = Tampering::new(signer.inner, 1);
    let account = client
        .open_account(
            &customer.id,
            &account_signer,
            &CreateAccount::card("EUR"),
            &options,
        )
        .await
        .unwrap();
    assert_eq!(account.status.as_str(), "active");
    assert_eq!(account_signer.calls(), 2);

    let counters = env.sandbox.counters();
    assert_eq!(counters.challenges_rejected, 3);
    assert_eq!(counters.challenges_verified, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unavailable_signer_gets_a_retryable_error_and_nothing_is_submitted() {
    let env = support::start().await;
    let signer = Offline {
        account: chainsig::AccountId::from_evm_address(ChainId::eip155(1), [0x11; 20]).unwrap(),
        calls: AtomicU32::new(0),
    };
    let error = env
        .client
        .onboard_customer(&signer, "offline", &options())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Signer(SignerError::Unavailable {
                retryable: true,
                ..
            })
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(signer.calls.load(Ordering::SeqCst), 1);
    let counters = env.sandbox.counters();
    assert_eq!(counters.customers, 1, "the customer was created");
    assert_eq!(
        counters.challenges_verified + counters.challenges_rejected,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_for_another_domain_is_refused_unsigned() {
    let env = support::start().await;
    // A spoofed API relays the sandbox's answer to `POST /customers`: the SIWE challenge names
    // the sandbox (`127.0.0.1:PORT`), not the API this client talks to. (Reaching the sandbox
    // itself under another name no longer works: it verifies requests for its own authority.)
    let relay = {
        use axum::routing::post;
        let upstream = env.client.clone();
        axum::Router::new()
            .route(
                "/v1/auth/token",
                post(|| async {
                    axum::Json(serde_json::json!({"token": "t", "expiresAt": 4_000_000_000u64}))
                }),
            )
            .route(
                "/v1/customers",
                post(move |axum::Json(body): axum::Json<serde_json::Value>| {
                    let upstream = upstream.clone();
                    async move {
                        let request = chainsig::api::CreateCustomer {
                            chain_id: body["chainId"].as_str().unwrap().to_owned(),
                            external_id: body["externalId"].as_str().unwrap().to_owned(),
                        };
                        let customer = upstream
                            .create_customer(&request, IdempotencyKey::new())
                            .await
                            .unwrap();
                        (http::StatusCode::CREATED, axum::Json(customer))
                    }
                }),
            )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, relay).await.unwrap() });
    let client = env.client_at(&format!("http://{relay_addr}/v1"));
    assert_ne!(client.domain(), env.client.domain());

    let signer = Counting::new(LocalEvmSigner::random());
    let error = client
        .onboard_customer(&signer, "phished", &options())
        .await
        .unwrap_err();
    match &error {
        Error::PolicyRefused(refusal) => assert_eq!(refusal.rule, "siwx.domains", "{refusal}"),
        other => panic!("expected PolicyRefused, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert_eq!(signer.calls(), 0, "nothing was signed");

    let solana = Counting::new(LocalSolanaSigner::random());
    let error = client
        .onboard_customer(&solana, "phished-sol", &options())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::PolicyRefused(_)), "{error:?}");
    assert_eq!(solana.calls(), 0);

    let counters = env.sandbox.counters();
    assert_eq!(counters.customers, 2);
    assert_eq!(
        counters.challenges_verified + counters.challenges_rejected,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_for_another_address_or_chain_is_refused() {
    let env = support::start().await;
    let client = &env.client;
    let owner = LocalEvmSigner::random()
        .with_chain(ChainId::eip155(300))
        .unwrap();
    let created = client
        .create_customer(
            &chainsig::api::CreateCustomer {
                chain_id: owner.account().to_string(),
                external_id: "owner".into(),
            },
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    let challenge = Challenge::from_base64(created.challenge.unwrap()).unwrap();
    let options = options();

    // The owner's own challenge passes.
    let message = client
        .check_ownership_challenge(owner.account(), &challenge, &options)
        .unwrap();
    assert_eq!(message.address, owner.account().address());

    // Another wallet, the same address on another chain, another namespace: refused.
    let stranger = LocalEvmSigner::random()
        .with_chain(ChainId::eip155(300))
        .unwrap();
    let other_chain = AccountId::from_evm_address(ChainId::eip155(324), owner.address()).unwrap();
    let solana = LocalSolanaSigner::random();
    for account in [stranger.account(), &other_chain, solana.account()] {
        let error = client
            .check_ownership_challenge(account, &challenge, &options)
            .unwrap_err();
        assert!(
            matches!(error, Error::PolicyRefused(_)),
            "{account}: {error:?}"
        );
    }
}

/// A signer whose `account()` is not the wallet in the challenge it is handed: the flow asks for
/// the customer of one wallet, then is given a signer that claims another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signer_claiming_another_account_signs_nothing() {
    let env = support::start().await;
    let client = &env.client;
    let options = options();
    let owner = LocalEvmSigner::random();
    let (customer, _) = onboard_and_open(client, &owner, "owner", &options)
        .await
        .unwrap();

    // Opening an account for that customer with someone else's signer.
    let stranger = Counting::new(LocalEvmSigner::random());
    let error = client
        .open_account(
            &customer.id,
            &stranger,
            &CreateAccount::card("EUR"),
            &options,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Flow(_)), "{error:?}");
    assert_eq!(stranger.calls(), 0);
    assert_eq!(env.sandbox.counters().accounts, 1, "no account was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_deletion_signature_is_recovered_from() {
    let env = support::start().await;
    let client = &env.client;
    let options = options();
    let owner = LocalEvmSigner::random();
    let (_, account) = onboard_and_open(client, &owner, "close", &options)
        .await
        .unwrap();
    let before = env.sandbox.counters();

    let closing = Tampering::new(owner, 1);
    let closed = client
        .close_account(&account.id, &closing, &options)
        .await
        .unwrap();
    assert_eq!(closed.status.as_str(), "closed");
    assert_eq!(closing.calls(), 2);
    let after = env.sandbox.counters();
    assert_eq!(after.challenges_rejected - before.challenges_rejected, 1);
    assert_eq!(after.challenges_verified - before.challenges_verified, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rerun_signs_the_new_challenge_under_a_new_idempotency_key() {
    let env = support::start().await;
    let client = &env.client;
    // One attempt per run, the same seed for both runs.
    let mut options = options();
    options.max_sign_attempts = 1;
    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "rerun-key", &options)
        .await
        .unwrap();
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let created = client
        .create_account(
            &customer.id,
            &CreateAccount::card("EUR"),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();

    // The first run's only signature is refused, and the sandbox issues a new challenge.
    let signer = Tampering::new(signer, 1);
    let error = client
        .resume_account(&created.id, &signer, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ChallengeRejected { .. }),
        "{error:?}"
    );

    // The rerun signs that new challenge: a different body, so not the first run's key (which
    // the sandbox would refuse as reused, 422, and the flow would take for a rejection).
    let account = client
        .resume_account(&created.id, &signer, &options)
        .await
        .unwrap();
    assert_eq!(account.status.as_str(), "active");
    assert_eq!(signer.calls(), 2);
    let counters = env.sandbox.counters();
    assert_eq!(counters.challenges_rejected, 1);
    assert_eq!(counters.challenges_verified, 2);
}
