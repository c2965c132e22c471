#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_api::{Client, CreateAccount, FlowOptions, IdempotencyKey};
use chainsig_core::ChallengeSigner;
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::P384SigningKey;
use chainsig_sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let key = P384SigningKey::generate().unwrap();
    let pem = key.public_key_pem();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), sandbox.api_secret().to_owned())
        .signing_key(key)
        .build()
        .unwrap();
    client.register_signing_key(&pem).await.unwrap();
    let signer = LocalEvmSigner::random();
    let options = FlowOptions::default();
    let customer = client
        .onboard_customer(&signer, "cust-1", &options)
        .await
        .unwrap();
    println!("{customer:?}");
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let account = client
        .open_account(&customer.id, &signer, &CreateAccount::card("EUR"), &options)
        .await
        .unwrap();
    println!("{account:?} {}", signer.account());
    println!("{:?}", sandbox.counters());
}
