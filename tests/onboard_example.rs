//! `examples/onboard.rs`, tested in process: its `run` takes the variable lookup as a closure, so
//! this test includes the example's own source and runs it against a sandbox on a loopback port,
//! with key files in a temporary directory. No process environment is touched (tests run in
//! parallel), and no example binary has to be built or found (`cargo test --test onboard_example`
//! builds none; a stale one could be run instead of the current code).
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

#[allow(dead_code)] // `main`, used by the example binary only
#[path = "../examples/onboard.rs"]
mod onboard;

use std::collections::HashMap;
use std::path::Path;

use chainsig::ChallengeSigner;
use chainsig::api::{AccountStatus, Client, CustomerStatus};
use chainsig::core::SOLANA_DEVNET;
use chainsig::evm::LocalEvmSigner;
use chainsig::httpsig::P384SigningKey;
use chainsig::solana::LocalSolanaSigner;
use chainsig_sandbox::{Sandbox, SandboxHandle};

struct Setup {
    sandbox: SandboxHandle,
    dir: tempfile::TempDir,
    vars: HashMap<&'static str, String>,
}

impl Setup {
    /// A sandbox, a P-384 request key written as PEM, and the variables every run needs.
    async fn new() -> Self {
        let sandbox = Sandbox::start(support::config()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pem = P384SigningKey::generate().unwrap().to_pkcs8_pem().unwrap();
        let pem_path = write(dir.path(), "request-key.pem", pem.as_str());
        let vars = HashMap::from([
            ("OFFBLOCKS_BASE_URL", sandbox.base_url().to_owned()),
            ("OFFBLOCKS_API_KEY", sandbox.api_key().to_owned()),
            ("OFFBLOCKS_API_SECRET", sandbox.api_secret().to_owned()),
            ("OFFBLOCKS_SIGNING_KEY_FILE", pem_path),
            ("OFFBLOCKS_SIMULATE_KYC", "1".to_owned()),
        ]);
        Self { sandbox, dir, vars }
    }

    fn set(&mut self, name: &'static str, value: impl Into<String>) -> &mut Self {
        self.vars.insert(name, value.into());
        self
    }

    fn key_file(&mut self, name: &str, contents: &str) -> &mut Self {
        let path = write(self.dir.path(), name, contents);
        self.set("CHAINSIG_KEY_FILE", path)
    }

    async fn run(&self) -> Result<chainsig::api::Account, String> {
        let vars = self.vars.clone();
        onboard::run(move |name| vars.get(name).cloned())
            .await
            .map_err(|e| e.to_string())
    }
}

fn write(dir: &Path, name: &str, contents: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evm_from_a_hex_key_file_registering_the_request_key() {
    let mut setup = Setup::new().await;
    let wallet = LocalEvmSigner::random();
    setup
        .set("CHAINSIG_CHAIN", "evm")
        .key_file("wallet.key", &format!("{}\n", wallet.to_hex().as_str()));

    let account = setup.run().await.unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    assert_eq!(account.currencies, ["EUR"]);
    let json = serde_json::to_value(&account).unwrap();
    assert_eq!(json["status"], "active");
    assert!(json["chainId"].as_str().unwrap().starts_with("eip155:1:0x"));

    let counters = setup.sandbox.counters();
    assert_eq!((counters.customers, counters.accounts), (1, 1));

    // A second run ends with the same account and creates nothing.
    let again = setup.run().await.unwrap();
    assert_eq!(again.id, account.id);
    let counters = setup.sandbox.counters();
    assert_eq!((counters.customers, counters.accounts), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solana_on_a_caip2_chain_with_a_known_key_id() {
    let mut setup = Setup::new().await;
    // Register the key the way an operator would have, earlier.
    let pem = std::fs::read_to_string(&setup.vars["OFFBLOCKS_SIGNING_KEY_FILE"]).unwrap();
    let key = P384SigningKey::from_pem(&pem).unwrap();
    let public_key = key.public_key_pem();
    let registrar = Client::builder()
        .base_url(setup.sandbox.base_url())
        .credentials(
            setup.sandbox.api_key(),
            setup.sandbox.api_secret().to_owned(),
        )
        .signing_key(key)
        .build()
        .unwrap();
    let key_id = registrar.register_signing_key(&public_key).await.unwrap();

    let wallet = LocalSolanaSigner::random();
    let chain = format!("solana:{SOLANA_DEVNET}");
    setup
        .set("OFFBLOCKS_KEY_ID", key_id)
        .set("CHAINSIG_CHAIN", chain.clone())
        .set("CHAINSIG_EXTERNAL_ID", "user-42")
        .set("CHAINSIG_CURRENCY", "USD")
        .key_file("id.json", wallet.to_keypair_json().as_str());

    let account = setup.run().await.unwrap();
    assert_eq!(account.status, AccountStatus::Active);
    assert_eq!(account.currencies, ["USD"]);
    let customers = registrar.list_customers().await.unwrap();
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0].external_id, "user-42");
    let owner = wallet.with_chain(chain.parse().unwrap()).unwrap();
    assert_eq!(customers[0].chain_id, owner.account().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_say_what_is_wrong() {
    let mut setup = Setup::new().await;
    let wallet = LocalEvmSigner::random();
    setup
        .set("CHAINSIG_CHAIN", "evm")
        .key_file("wallet.key", wallet.to_hex().as_str());

    for name in [
        "OFFBLOCKS_BASE_URL",
        "OFFBLOCKS_API_KEY",
        "OFFBLOCKS_API_SECRET",
        "OFFBLOCKS_SIGNING_KEY_FILE",
        "CHAINSIG_CHAIN",
        "CHAINSIG_KEY_FILE",
    ] {
        let mut missing = Setup {
            sandbox: Sandbox::start(support::config()).await.unwrap(),
            dir: tempfile::tempdir().unwrap(),
            vars: setup.vars.clone(),
        };
        missing.vars.remove(name);
        let error = missing.run().await.unwrap_err();
        assert_eq!(error, format!("{name} is not set"));
        missing.set(name, "  ");
        assert_eq!(
            missing.run().await.unwrap_err(),
            format!("{name} is not set")
        );
    }

    // A key of the wrong chain: named by variable, and the key is not quoted.
    let solana = LocalSolanaSigner::random();
    let mut wrong = Setup::new().await;
    wrong
        .set("CHAINSIG_CHAIN", "evm")
        .key_file("wallet.key", solana.to_keypair_json().as_str());
    let error = wrong.run().await.unwrap_err();
    assert!(error.starts_with("CHAINSIG_KEY_FILE"), "{error}");
    assert!(!error.contains(solana.to_keypair_json().as_str()));

    // An unknown chain.
    wrong.set("CHAINSIG_CHAIN", "bitcoin");
    let error = wrong.run().await.unwrap_err();
    assert!(error.starts_with("CHAINSIG_CHAIN"), "{error}");

    // Wrong credentials.
    let mut denied = Setup::new().await;
    denied
        .set("CHAINSIG_CHAIN", "evm")
        .set("OFFBLOCKS_API_SECRET", "not-the-secret")
        .key_file("wallet.key", wallet.to_hex().as_str());
    let error = denied.run().await.unwrap_err();
    assert!(error.contains("401"), "{error}");
    assert!(!error.contains("not-the-secret"));

    // Without the simulator, KYC is not approved: the customer is proven but no account opens.
    setup.vars.remove("OFFBLOCKS_SIMULATE_KYC");
    let error = setup.run().await.unwrap_err();
    assert!(error.contains("OFFBLOCKS_SIMULATE_KYC"), "{error}");
    assert!(
        error.contains(CustomerStatus::Verifying.as_str()),
        "{error}"
    );
    assert_eq!(setup.sandbox.counters().accounts, 0);
}
