//! The request-signing key in the token (checked by RustCrypto `p384`), then whole onboardings
//! against the sandbox with every key in the token: 32 flows at once through one session pool.

use std::sync::Arc;
use std::time::Duration;

use chainsig_api::{AccountStatus, Client, CreateAccount, FlowOptions, IdempotencyKey};
use chainsig_core::{ChainId, ChallengeSigner};
use chainsig_httpsig::RequestSigningKey;
use chainsig_pkcs11::{Pkcs11Ed25519Key, Pkcs11P384Key, Pkcs11Secp256k1Key};
use chainsig_sandbox::{Sandbox, SandboxConfig};
use libtest_mimic::Trial;
use p384::ecdsa::signature::Verifier as _;
use p384::pkcs8::DecodePublicKey as _;

use crate::fixture::{open, run, uri};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "onboarding::the_p384_request_key_signs_what_rustcrypto_verifies",
            || run(request_key_verifies()),
        ),
        Trial::test(
            "onboarding::thirty_two_customers_onboarded_concurrently_with_every_key_in_one_token",
            || run(thirty_two_flows()),
        ),
    ]
}

async fn request_key_verifies() {
    let token = open("p384", 2).await;
    let key = Pkcs11P384Key::generate(&token, &uri("p384", "request-key"))
        .await
        .unwrap();
    let pem = key.public_key_pem();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    let independent = p384::ecdsa::VerifyingKey::from_public_key_pem(&pem).unwrap();
    for base in [
        b"\"@method\": POST".to_vec(),
        vec![0u8; 1],
        vec![b'b'; 10_000],
    ] {
        let signature = RequestSigningKey::sign(&key, &base).await.unwrap();
        let parsed = p384::ecdsa::Signature::from_slice(&signature).unwrap();
        independent.verify(&base, &parsed).unwrap();
        let mut other = base.clone();
        other.push(b'!');
        assert!(independent.verify(&other, &parsed).is_err());
    }
}

const FLOWS: usize = 32;

async fn thirty_two_flows() {
    let sandbox = Sandbox::start(SandboxConfig {
        deployment_delay: Duration::from_millis(20),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    // One token, one pool, every key in it.
    let token = open("onboard", 4).await;
    let request_key = Pkcs11P384Key::generate(&token, &uri("onboard", "offblocks-request"))
        .await
        .unwrap();
    let public_key = request_key.public_key_pem();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), sandbox.api_secret().to_owned())
        .signing_key(request_key)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    client.register_signing_key(&public_key).await.unwrap();

    let mut signers: Vec<Arc<dyn ChallengeSigner>> = Vec::with_capacity(FLOWS);
    for i in 0..FLOWS {
        let label = format!("customer-{i}");
        if i % 2 == 0 {
            let key = Pkcs11Secp256k1Key::generate(&token, &uri("onboard", &label))
                .await
                .unwrap();
            signers.push(Arc::new(key.evm_signer(ChainId::eip155(1)).unwrap()));
        } else {
            let key = Pkcs11Ed25519Key::generate(&token, &uri("onboard", &label))
                .await
                .unwrap();
            signers.push(Arc::new(key.solana_signer().unwrap()));
        }
    }

    let mut options = FlowOptions::default();
    options.poll_interval = Duration::from_millis(10);
    options.poll_deadline = Duration::from_secs(60);
    let mut tasks = Vec::with_capacity(FLOWS);
    for (i, signer) in signers.into_iter().enumerate() {
        let (client, options) = (client.clone(), options.clone());
        tasks.push(tokio::spawn(async move {
            let customer = client
                .onboard_customer(signer.as_ref(), &format!("hsm-{i}"), &options)
                .await
                .unwrap_or_else(|e| panic!("customer {i}: {e}"));
            assert_eq!(customer.chain_id, signer.account().to_string());
            client
                .simulator_verify(
                    &customer.id,
                    IdempotencyKey::derive(options.seed, &format!("hsm/kyc/{}", customer.id)),
                )
                .await
                .unwrap();
            // The account's session-key challenge, signed in the token too.
            client
                .open_account(
                    &customer.id,
                    signer.as_ref(),
                    &CreateAccount::card("EUR"),
                    &options,
                )
                .await
                .unwrap_or_else(|e| panic!("account {i}: {e}"))
        }));
    }
    for task in tasks {
        let account = task.await.unwrap();
        assert_eq!(account.status, AccountStatus::Active);
    }
    let counters = sandbox.counters();
    assert_eq!(counters.customers, FLOWS as u64);
    assert_eq!(counters.accounts, FLOWS as u64);
    assert_eq!(counters.challenges_verified, 2 * FLOWS as u64);
    assert_eq!(counters.challenges_rejected, 0);
    assert_eq!(counters.rejected_requests, 0);
    sandbox.shutdown().await;
}
