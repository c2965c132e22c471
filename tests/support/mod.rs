//! Shared by the end-to-end tests: a sandbox on loopback and a client registered with it.
#![allow(dead_code, unreachable_pub)] // each test file uses a part of it
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

pub mod hostile;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chainsig::api::{Account, Client, CreateAccount, Customer, FlowOptions, IdempotencyKey};
use chainsig::httpsig::{P384SigningKey, RequestSigningKey};
use chainsig::{AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme};
use chainsig::{SignerError, core::async_trait};
use chainsig_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

pub use chainsig::api::RetryPolicy;

/// A sandbox and a client whose request-signing key is registered with it.
pub struct Env {
    pub sandbox: SandboxHandle,
    pub client: Client,
    /// The request-signing key, for more clients of the same sandbox (the sandbox keeps one
    /// registered key: registering another would replace it).
    pub request_key: Arc<dyn RequestSigningKey>,
    pub key_id: String,
}

/// The sandbox's defaults, with a short deployment delay so flows finish fast.
pub fn config() -> SandboxConfig {
    SandboxConfig {
        deployment_delay: Duration::from_millis(20),
        ..SandboxConfig::default()
    }
}

/// Retries that give up late but wait little (faults are frequent in these tests).
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        initial_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        deadline: Duration::from_secs(30),
    }
}

/// Flow options that poll often; the deadline is generous (a slow CI machine is not a failure).
pub fn options() -> FlowOptions {
    let mut options = FlowOptions::default();
    options.poll_interval = Duration::from_millis(10);
    options.poll_deadline = Duration::from_secs(30);
    options
}

pub async fn start() -> Env {
    start_with(config(), RetryPolicy::default()).await
}

pub async fn start_with(config: SandboxConfig, retry: RetryPolicy) -> Env {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let key = P384SigningKey::generate().expect("P-384 key");
    let public_key = key.public_key_pem();
    let request_key: Arc<dyn RequestSigningKey> = Arc::new(key);
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), sandbox.api_secret().to_owned())
        .shared_signing_key(request_key.clone())
        .retry(retry)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds");
    let key_id = client
        .register_signing_key(&public_key)
        .await
        .expect("key registers");
    Env {
        sandbox,
        client,
        request_key,
        key_id,
    }
}

impl Env {
    /// Another client of the same sandbox at `base_url`, with the registered key.
    pub fn client_at(&self, base_url: &str) -> Client {
        Client::builder()
            .base_url(base_url)
            .credentials(self.sandbox.api_key(), self.sandbox.api_secret().to_owned())
            .shared_signing_key(self.request_key.clone())
            .key_id(self.key_id.clone())
            .build()
            .expect("client builds")
    }
}

/// Onboards `signer`, approves KYC in the simulator and opens a EUR card account.
pub async fn onboard_and_open<S: ChallengeSigner + ?Sized>(
    client: &Client,
    signer: &S,
    external_id: &str,
    options: &FlowOptions,
) -> Result<(Customer, Account), chainsig::api::Error> {
    let customer = client
        .onboard_customer(signer, external_id, options)
        .await?;
    client
        .simulator_verify(
            &customer.id,
            IdempotencyKey::derive(options.seed, &format!("test/kyc/{}", customer.id)),
        )
        .await?;
    let account = client
        .open_account(&customer.id, signer, &CreateAccount::card("EUR"), options)
        .await?;
    Ok((customer, account))
}

/// Wraps a signer and counts the calls to `sign_challenge`.
#[derive(Debug)]
pub struct Counting<S> {
    pub inner: S,
    pub calls: AtomicU32,
}

impl<S> Counting<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            calls: AtomicU32::new(0),
        }
    }

    pub fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl<S: ChallengeSigner> ChallengeSigner for Counting<S> {
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
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.sign_challenge(challenge).await
    }
}
