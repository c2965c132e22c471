//! The credentials' and keys' life cycle against the real sandbox over loopback: rotation
//! (`PUT /auth/credentials`), revocation (`DELETE /auth/credentials`), removal of the request-
//! signing key (`DELETE /auth/signing`), and customer deactivation
//! (`PATCH /customers/{id}/deactivate`).
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::sync::Arc;
use std::time::Duration;

use chainsig_api::{
    AccountStatus, Client, CreateAccount, CustomerStatus, Error, FlowOptions, IdempotencyKey,
};
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::{P384SigningKey, RequestSigningKey};
use chainsig_sandbox::{Sandbox, SandboxConfig, SandboxHandle};

const NEW_API_KEY: &str = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
const NEW_SECRET: &str = "the-rotated-secret-0123456789abcdef";

struct Env {
    sandbox: SandboxHandle,
    client: Client,
    key: Arc<dyn RequestSigningKey>,
    key_id: String,
}

impl Env {
    async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig {
            deployment_delay: Duration::from_millis(20),
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let key = P384SigningKey::generate().unwrap();
        let public = key.public_key_pem();
        let key: Arc<dyn RequestSigningKey> = Arc::new(key);
        let client = Self::client_of(&sandbox, &key, None, sandbox.api_secret());
        let key_id = client.register_signing_key(&public).await.unwrap();
        Self {
            sandbox,
            client,
            key,
            key_id,
        }
    }

    fn client_of(
        sandbox: &SandboxHandle,
        key: &Arc<dyn RequestSigningKey>,
        key_id: Option<&str>,
        secret: &str,
    ) -> Client {
        let mut builder = Client::builder()
            .base_url(sandbox.base_url())
            .credentials(sandbox.api_key(), secret.to_owned())
            .shared_signing_key(key.clone())
            .timeout(Duration::from_secs(10));
        if let Some(id) = key_id {
            builder = builder.key_id(id);
        }
        builder.build().unwrap()
    }

    /// Another client with the sandbox's original credentials and the registered key.
    fn other_client(&self) -> Client {
        Self::client_of(
            &self.sandbox,
            &self.key,
            Some(&self.key_id),
            self.sandbox.api_secret(),
        )
    }

    /// `POST /auth/token` by hand: the status, and the token on success.
    async fn raw_token(&self, api_key: &str, api_secret: &str) -> (u16, Option<String>) {
        let answer = reqwest::Client::new()
            .post(format!("{}/auth/token", self.sandbox.base_url()))
            .header("content-type", "application/json")
            .body(serde_json::json!({ "apiKey": api_key, "apiSecret": api_secret }).to_string())
            .send()
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        (status, body["token"].as_str().map(str::to_owned))
    }

    /// Whether the sandbox accepts `token`, asked on a bearer-only route with a body it cannot
    /// parse: 400 when the token passes, 401 when it does not. Nothing changes either way.
    async fn token_status(&self, token: &str) -> u16 {
        reqwest::Client::new()
            .put(format!("{}/auth/signing", self.sandbox.base_url()))
            .header("authorization", format!("Bearer {token}"))
            .body("not json")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_invalidates_old_tokens_and_the_client_goes_on_with_the_new_secret() {
    let env = Env::start().await;
    let client = &env.client;
    let (status, old_token) = env
        .raw_token(env.sandbox.api_key(), env.sandbox.api_secret())
        .await;
    assert_eq!(status, 200);
    let old_token = old_token.unwrap();
    assert_eq!(env.token_status(&old_token).await, 400, "accepted before");
    // A second client holding the old secret, with a token cached.
    let stale = env.other_client();
    stale.list_customers().await.unwrap();
    let fetches = client.token_fetches();

    client
        .rotate_credentials(NEW_API_KEY, NEW_SECRET.to_owned(), IdempotencyKey::new())
        .await
        .unwrap();

    // Every token issued before is refused, and the old secret gets no new one.
    assert_eq!(env.token_status(&old_token).await, 401);
    let (status, _) = env
        .raw_token(env.sandbox.api_key(), env.sandbox.api_secret())
        .await;
    assert_eq!(status, 401);
    let (status, new_token) = env.raw_token(NEW_API_KEY, NEW_SECRET).await;
    assert_eq!(status, 200);
    assert_eq!(env.token_status(&new_token.unwrap()).await, 400);

    // The rotating client goes on, with one new token fetched with the new secret.
    client.list_customers().await.unwrap();
    assert_eq!(client.token_fetches(), fetches + 1);
    assert!(format!("{client:?}").contains(NEW_API_KEY));

    // The other client meets a 401, fetches once with the old secret, and stops with the
    // typed error: no loop.
    let rejected = env.sandbox.counters().rejected_requests;
    let error = stale.list_customers().await.unwrap_err();
    assert!(
        matches!(&error, Error::CredentialsRefused { answer } if answer.status == 401),
        "{error:?}"
    );
    assert_eq!(
        env.sandbox.counters().rejected_requests,
        rejected + 1,
        "one 401 for the stale token (the token endpoint's refusal is counted apart)"
    );
    let text = format!("{error} {error:?}");
    assert!(text.contains("rotated or revoked"), "{text}");
    assert!(!text.contains(NEW_SECRET) && !text.contains(env.sandbox.api_secret()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_running_during_a_rotation_all_succeed() {
    let env = Env::start().await;
    let client = env.client.clone();
    client.list_customers().await.unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        let stop = stop.clone();
        workers.push(tokio::spawn(async move {
            let mut done = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || done < 5 {
                client.list_customers().await?;
                done += 1;
            }
            Ok::<u32, Error>(done)
        }));
    }
    // Several rotations, each while the workers run: each has its moment where the API has
    // rotated and the client has not yet swapped.
    for round in 0..6 {
        tokio::time::sleep(Duration::from_millis(15)).await;
        client
            .rotate_credentials(
                NEW_API_KEY,
                format!("{NEW_SECRET}-{round}"),
                IdempotencyKey::new(),
            )
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(15)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for worker in workers {
        // No request fails: none fetched a token with the old secret after the rotation.
        assert!(worker.await.unwrap().unwrap() >= 5);
    }
    let (status, _) = env
        .raw_token(env.sandbox.api_key(), env.sandbox.api_secret())
        .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_rotation_leaves_the_old_credentials_in_force() {
    let env = Env::start().await;
    let client = &env.client;
    client.list_customers().await.unwrap();
    let fetches = client.token_fetches();
    for (api_key, secret) in [("not-a-uuid", NEW_SECRET), (NEW_API_KEY, "short")] {
        let requests = env.sandbox.counters().requests;
        let error = client
            .rotate_credentials(api_key, secret.to_owned(), IdempotencyKey::new())
            .await
            .unwrap_err();
        // One request: a refusal is final (no probe of the new credentials, no retry).
        assert_eq!(env.sandbox.counters().requests, requests + 1);
        assert!(
            matches!(&error, Error::Api(answer) if answer.status == 400),
            "{error:?}"
        );
        assert!(!format!("{error} {error:?}").contains(secret));
    }
    // Same credentials, same token: nothing was swapped.
    client.list_customers().await.unwrap();
    assert_eq!(client.token_fetches(), fetches);
    let (status, _) = env
        .raw_token(env.sandbox.api_key(), env.sandbox.api_secret())
        .await;
    assert_eq!(status, 200);
    assert!(!format!("{client:?}").contains(NEW_API_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_ends_access_for_good() {
    let env = Env::start().await;
    let client = &env.client;
    let other = env.other_client();
    other.list_customers().await.unwrap();

    client
        .revoke_credentials(IdempotencyKey::new())
        .await
        .unwrap();

    // This client sends nothing any more.
    let requests = env.sandbox.counters().requests;
    for _ in 0..3 {
        let error = client.list_customers().await.unwrap_err();
        assert!(matches!(error, Error::CredentialsRevoked), "{error:?}");
    }
    let error = client
        .revoke_credentials(IdempotencyKey::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::CredentialsRevoked), "{error:?}");
    assert_eq!(env.sandbox.counters().requests, requests);

    // Any other holder: its token is refused, the credentials get no new one.
    let error = other.list_customers().await.unwrap_err();
    assert!(
        matches!(&error, Error::CredentialsRefused { answer } if answer.status == 401),
        "{error:?}"
    );
    let (status, _) = env
        .raw_token(env.sandbox.api_key(), env.sandbox.api_secret())
        .await;
    assert_eq!(status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_signing_key_is_removed_signed_requests_are_refused_once_each() {
    let env = Env::start().await;
    let client = &env.client;
    let other = env.other_client();
    other.list_customers().await.unwrap();

    client
        .remove_signing_key(IdempotencyKey::new())
        .await
        .unwrap();
    assert_eq!(client.key_id(), None);

    // This client knows: it fails before sending anything.
    let requests = env.sandbox.counters().requests;
    let error = client.list_customers().await.unwrap_err();
    assert!(
        matches!(&error, Error::Config(m) if m.contains("register_signing_key")),
        "{error:?}"
    );
    assert_eq!(env.sandbox.counters().requests, requests);

    // A client still signing under the removed key id gets the middleware's 400, typed, and
    // nothing is retried or re-fetched.
    let rejected = env.sandbox.counters().rejected_requests;
    let error = other.list_customers().await.unwrap_err();
    match &error {
        Error::RequestAuthentication { key_id, answer } => {
            assert_eq!(key_id.as_deref(), Some(env.key_id.as_str()));
            assert!(answer.is_request_authentication());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(env.sandbox.counters().requests, requests + 1, "one attempt");
    assert_eq!(env.sandbox.counters().rejected_requests, rejected + 1);

    // Removing again is no error (a retried removal succeeds); registering again works, under
    // a new key id.
    client
        .remove_signing_key(IdempotencyKey::new())
        .await
        .unwrap();
    let public = P384SigningKey::generate().unwrap();
    let public_pem = public.public_key_pem();
    let fresh = Client::builder()
        .base_url(env.sandbox.base_url())
        .credentials(env.sandbox.api_key(), env.sandbox.api_secret().to_owned())
        .signing_key(public)
        .build()
        .unwrap();
    let new_id = fresh.register_signing_key(&public_pem).await.unwrap();
    assert_ne!(new_id, env.key_id);
    fresh.list_customers().await.unwrap();
    assert!(matches!(
        other.list_customers().await,
        Err(Error::RequestAuthentication { .. })
    ));
}

fn options() -> FlowOptions {
    let mut options = FlowOptions::default();
    options.poll_interval = Duration::from_millis(10);
    options.poll_deadline = Duration::from_secs(30);
    options
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_deactivation_moves_active_to_inactive_only() {
    let env = Env::start().await;
    let client = &env.client;
    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "to-deactivate", &options())
        .await
        .unwrap();
    let invalid_state = |error: Error| match error {
        Error::Api(answer) => {
            assert_eq!(answer.status, 409, "{answer}");
            assert_eq!(answer.code.as_deref(), Some("invalid_state"), "{answer}");
            answer.message
        }
        other => panic!("{other:?}"),
    };

    // Not active yet (screening or verifying): refused, and nothing changes.
    let before = client.get_customer(&customer.id).await.unwrap().status;
    let message = invalid_state(
        client
            .deactivate_customer(&customer.id, IdempotencyKey::new())
            .await
            .unwrap_err(),
    );
    assert!(message.contains(before.as_str()), "{message}");
    assert_eq!(
        client.get_customer(&customer.id).await.unwrap().status,
        before
    );

    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let deactivated = client
        .deactivate_customer(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    assert_eq!(deactivated.id, customer.id);
    assert_eq!(deactivated.status, CustomerStatus::Inactive);
    assert_eq!(deactivated.challenge, None);
    assert_eq!(
        client.get_customer(&customer.id).await.unwrap().status,
        CustomerStatus::Inactive
    );

    // Deactivating again is refused: the customer is inactive.
    let message = invalid_state(
        client
            .deactivate_customer(&customer.id, IdempotencyKey::new())
            .await
            .unwrap_err(),
    );
    assert!(message.contains("inactive"), "{message}");

    // An inactive customer gets no working account (1.10: the customer must be active) and no
    // KYC decision.
    let account = client
        .create_account(
            &customer.id,
            &CreateAccount::card("EUR"),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    assert_eq!(account.status, AccountStatus::Failed);
    assert_eq!(account.challenge, None);
    invalid_state(
        client
            .simulator_verify(&customer.id, IdempotencyKey::new())
            .await
            .unwrap_err(),
    );

    // A rejected customer cannot be deactivated either; an unknown one is 404.
    let rejected = client
        .onboard_customer(&LocalEvmSigner::random(), "rejected", &options())
        .await
        .unwrap();
    client
        .simulator_reject(&rejected.id, IdempotencyKey::new())
        .await
        .unwrap();
    let message = invalid_state(
        client
            .deactivate_customer(&rejected.id, IdempotencyKey::new())
            .await
            .unwrap_err(),
    );
    assert!(message.contains("rejected"), "{message}");
    let error = client
        .deactivate_customer(
            "00000000-0000-4000-8000-000000000000",
            IdempotencyKey::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(answer) if answer.status == 404),
        "{error:?}"
    );
}
