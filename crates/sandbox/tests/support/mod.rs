//! Test support: a sandbox on loopback, a token, a registered P-384 key, and hand-built signed
//! requests that each test may tamper with before sending.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::{P384SigningKey, RequestSigner, SigningProfile};
use chainsig_offblocks::fields::sign_body;
use chainsig_offblocks::headers::IDEMPOTENCY_KEY as IDEMPOTENCY_KEY_HEADER;
use chainsig_offblocks::paths;
use chainsig_sandbox::{
    Clock, CounterSnapshot, OffsetClock, Sandbox, SandboxConfig, SandboxHandle,
};
use chainsig_solana::LocalSolanaSigner;
use http::{HeaderValue, Method};
use serde_json::{Value, json};
use uuid::Uuid;

/// The EVM chain the tests' customers live on (zkSync Sepolia, as in OffBlocks' examples).
pub const EVM_CHAIN: u64 = 300;

/// An answer: status, headers and body (parsed as JSON when it is JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub bytes: Vec<u8>,
    pub json: Value,
}

impl Resp {
    /// Asserts the status and returns the JSON body.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.bytes)
        );
        &self.json
    }

    /// Asserts the stock Go middleware's refusal of a request signature: `400`, `text/plain`,
    /// the body `invalid required signature` and nothing else; the sandbox's reason only in its
    /// own header. Returns that reason.
    #[track_caller]
    pub fn expect_signature_refused(&self) -> String {
        self.expect(400);
        let content_type = self.headers["content-type"].to_str().unwrap();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        assert_eq!(
            String::from_utf8_lossy(&self.bytes).trim_end(),
            chainsig_offblocks::SIGNATURE_REFUSED_BODY
        );
        let reason = self.headers[chainsig_offblocks::headers::SANDBOX_REASON]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!reason.is_empty());
        reason
    }

    /// Asserts a 4xx/5xx with the JSON error shape `{"error", "message"}` and the given code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) {
        self.expect(status);
        assert_error_shape(&self.json);
        assert_eq!(self.json["error"], code, "error body: {}", self.json);
    }
}

/// `{"error": "<code>", "message": "<text>"}` and nothing else.
#[track_caller]
pub fn assert_error_shape(body: &Value) {
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {body}"));
    assert_eq!(object.len(), 2, "error body: {body}");
    assert!(
        object["error"].as_str().is_some_and(|s| !s.is_empty()),
        "error body: {body}"
    );
    assert!(
        object["message"].as_str().is_some_and(|s| !s.is_empty()),
        "error body: {body}"
    );
}

/// A running sandbox with a token and a registered request-signing key.
pub struct Env {
    pub sandbox: SandboxHandle,
    pub clock: Arc<OffsetClock>,
    pub http: reqwest::Client,
    pub token: String,
    pub key: P384SigningKey,
    pub key_id: String,
}

impl Env {
    /// A sandbox with an injectable clock and a deployment delay of 1 s (of that clock).
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A sandbox whose config `tweak` adjusts (the clock is always an `OffsetClock`).
    pub async fn start_with(tweak: impl FnOnce(&mut SandboxConfig)) -> Self {
        let clock = Arc::new(OffsetClock::default());
        let mut config = SandboxConfig {
            clock: clock.clone(),
            deployment_delay: Duration::from_secs(1),
            ..SandboxConfig::default()
        };
        tweak(&mut config);
        let sandbox = Sandbox::start(config).await.unwrap();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let token = fetch_token(&http, &sandbox).await;
        let key = P384SigningKey::generate().unwrap();
        let key_id = register_key(&http, &sandbox, &token, &key).await;
        Self {
            sandbox,
            clock,
            http,
            token,
            key,
            key_id,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    pub fn now(&self) -> u64 {
        self.clock.unix()
    }

    pub fn clock_now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Moves the sandbox's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Gets a new token (after the clock moved past the old one's expiry).
    pub async fn refresh_token(&mut self) {
        self.token = fetch_token(&self.http, &self.sandbox).await;
    }

    /// A request to build: `method` on `path` (relative to the base URL) with an optional JSON
    /// body; writes get a fresh idempotency key.
    pub fn req(&self, method: Method, path: &str, body: Option<Value>) -> ReqBuilder<'_> {
        let idempotency_key = (method != Method::GET).then(|| Uuid::new_v4().to_string());
        ReqBuilder {
            env: self,
            method,
            path: path.to_owned(),
            body: body.map(|b| serde_json::to_vec(&b).unwrap()),
            token: Some(self.token.clone()),
            content_type: Some("application/json".to_owned()),
            idempotency_key,
            created: None,
            validity: Some(300),
            key: None,
            keyid: None,
            unsigned: false,
        }
    }

    /// Sends a built request.
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Resp {
        let request = reqwest::Request::try_from(request).unwrap();
        let response = self.http.execute(request).await.unwrap();
        read(response).await
    }

    /// Like `send`, but the transport error (if any) instead of a panic.
    pub async fn try_send(&self, request: http::Request<Vec<u8>>) -> Result<Resp, reqwest::Error> {
        let request = reqwest::Request::try_from(request).unwrap();
        let response = self.http.execute(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?.to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Resp {
            status,
            headers,
            bytes,
            json,
        })
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.req(Method::GET, path, None).send().await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.req(Method::POST, path, Some(body)).send().await
    }
    pub async fn patch(&self, path: &str) -> Resp {
        self.req(Method::PATCH, path, None).send().await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.req(Method::DELETE, path, None).send().await
    }

    /// Everything a client can see of the state: both lists and the counters that record
    /// changes (not `requests`, `rejected_requests` or the fault counters, which every request moves).
    pub async fn state(&self) -> State {
        let customers = self.get(paths::CUSTOMERS).await.expect(200).clone();
        let accounts = self.get(paths::ACCOUNTS).await.expect(200).clone();
        let c = self.sandbox.counters();
        State {
            customers,
            accounts,
            counters: CounterSnapshot {
                requests: 0,
                rejected_requests: 0,
                faults_injected: 0,
                faults_internal_error: 0,
                faults_unavailable: 0,
                faults_dropped: 0,
                faults_delayed: 0,
                ..c
            },
        }
    }

    // ---- flows ----

    /// `POST /customers` for `signer`'s account: the customer id and its challenge.
    pub async fn create_customer(&self, account: &str) -> (String, String) {
        let body = self
            .post(
                paths::CUSTOMERS,
                json!({ "chainId": account, "externalId": Uuid::new_v4().to_string() }),
            )
            .await;
        let json = body.expect(201);
        (
            json["id"].as_str().unwrap().to_owned(),
            json["challenge"].as_str().unwrap().to_owned(),
        )
    }

    /// A customer in `active` state for a fresh EVM key.
    pub async fn active_evm_customer(&self) -> (LocalEvmSigner, String) {
        let signer = evm_signer();
        let id = self.active_customer(&signer).await;
        (signer, id)
    }

    /// A customer in `active` state for a fresh Solana key.
    pub async fn active_solana_customer(&self) -> (LocalSolanaSigner, String) {
        let signer = LocalSolanaSigner::random();
        let id = self.active_customer(&signer).await;
        (signer, id)
    }

    /// Creates a customer for `signer`, proves ownership and passes KYC.
    pub async fn active_customer(&self, signer: &dyn ChallengeSigner) -> String {
        let (id, challenge) = self.create_customer(&signer.account().to_string()).await;
        self.post(
            &paths::customer_challenge_sign(&id),
            sign_request(signer, &challenge).await,
        )
        .await
        .expect(204);
        self.patch(&paths::simulator_verify(&id)).await.expect(202);
        id
    }

    /// Creates an account for an active customer and signs its challenge: the account is
    /// `pending`.
    pub async fn pending_account(&self, signer: &dyn ChallengeSigner, customer: &str) -> String {
        let created = self
            .post(
                &paths::customer_accounts(customer),
                json!({ "type": "card_account", "currencies": ["EUR"] }),
            )
            .await;
        let json = created.expect(201).clone();
        let id = json["id"].as_str().unwrap().to_owned();
        self.post(
            &paths::account_challenge_sign(&id),
            sign_request(signer, json["challenge"].as_str().unwrap()).await,
        )
        .await
        .expect(204);
        id
    }

    /// An `active` account (the clock moves past the deployment delay).
    pub async fn active_account(&self, signer: &dyn ChallengeSigner, customer: &str) -> String {
        let id = self.pending_account(signer, customer).await;
        self.advance(Duration::from_secs(2));
        let account = self.get(&paths::account(&id)).await;
        assert_eq!(account.expect(200)["status"], "active");
        id
    }
}

/// A snapshot of what a client can see.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub customers: Value,
    pub accounts: Value,
    pub counters: CounterSnapshot,
}

/// A request being built; every field can be changed before it is signed.
pub struct ReqBuilder<'a> {
    env: &'a Env,
    pub method: Method,
    pub path: String,
    pub body: Option<Vec<u8>>,
    pub token: Option<String>,
    pub content_type: Option<String>,
    pub idempotency_key: Option<String>,
    /// `created` of the signature (default: the sandbox's clock now).
    pub created: Option<u64>,
    /// `expires - created` (default 300 s).
    pub validity: Option<u64>,
    /// Another signing key than the registered one.
    pub key: Option<&'a P384SigningKey>,
    /// Another `keyid` than the registered one.
    pub keyid: Option<String>,
    /// Send without `Signature` / `Signature-Input` / `Content-Digest`.
    pub unsigned: bool,
}

impl<'a> ReqBuilder<'a> {
    pub fn token(mut self, token: Option<&str>) -> Self {
        self.token = token.map(str::to_owned);
        self
    }
    pub fn idempotency_key(mut self, key: Option<&str>) -> Self {
        self.idempotency_key = key.map(str::to_owned);
        self
    }
    pub fn raw_body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }
    pub fn created(mut self, created: u64) -> Self {
        self.created = Some(created);
        self
    }
    pub fn key(mut self, key: &'a P384SigningKey) -> Self {
        self.key = Some(key);
        self
    }
    pub fn keyid(mut self, keyid: &str) -> Self {
        self.keyid = Some(keyid.to_owned());
        self
    }
    pub fn validity(mut self, validity: Option<u64>) -> Self {
        self.validity = validity;
        self
    }
    pub fn unsigned(mut self) -> Self {
        self.unsigned = true;
        self
    }

    /// The signed `http::Request`, ready to send or to tamper with.
    pub async fn build(self) -> http::Request<Vec<u8>> {
        let env = self.env;
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(env.url(&self.path));
        if let Some(token) = &self.token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        if self.body.is_some()
            && let Some(ct) = &self.content_type
        {
            builder = builder.header("content-type", ct.as_str());
        }
        if let Some(key) = &self.idempotency_key {
            builder = builder.header(IDEMPOTENCY_KEY_HEADER, key.as_str());
        }
        let body = self.body.clone().unwrap_or_default();
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        if !self.unsigned {
            let created = self.created.unwrap_or_else(|| env.now());
            let profile = SigningProfile::OFFBLOCKS.with_validity(self.validity);
            let key = self.key.unwrap_or(&env.key);
            let keyid = self.keyid.as_deref().unwrap_or(&env.key_id);
            RequestSigner::new(key, keyid)
                .with_profile(profile)
                .sign(&mut parts, &body, created)
                .await
                .unwrap();
        }
        http::Request::from_parts(parts, body)
    }

    pub async fn send(self) -> Resp {
        let env = self.env;
        let request = self.build().await;
        env.send(request).await
    }
}

async fn read(response: reqwest::Response) -> Resp {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        bytes,
        json,
    }
}

/// `POST /auth/token` with the sandbox's credentials.
pub async fn fetch_token(http: &reqwest::Client, sandbox: &SandboxHandle) -> String {
    let response = http
        .post(format!("{}{}", sandbox.base_url(), paths::TOKEN))
        .json(&json!({ "apiKey": sandbox.api_key(), "apiSecret": sandbox.api_secret() }))
        .send()
        .await
        .unwrap();
    let resp = read(response).await;
    resp.expect(200)["token"].as_str().unwrap().to_owned()
}

/// `PUT /auth/signing` with base64 of the SPKI PEM: the key id.
pub async fn register_key(
    http: &reqwest::Client,
    sandbox: &SandboxHandle,
    token: &str,
    key: &P384SigningKey,
) -> String {
    let resp = register_key_raw(http, sandbox, token, key).await;
    resp.expect(200)["keyId"].as_str().unwrap().to_owned()
}

pub async fn register_key_raw(
    http: &reqwest::Client,
    sandbox: &SandboxHandle,
    token: &str,
    key: &P384SigningKey,
) -> Resp {
    let response = http
        .put(format!("{}{}", sandbox.base_url(), paths::SIGNING_KEY))
        .bearer_auth(token)
        .json(&json!({ "publicKey": STANDARD.encode(key.public_key_pem()) }))
        .send()
        .await
        .unwrap();
    read(response).await
}

/// A fresh EVM key on the tests' chain.
pub fn evm_signer() -> LocalEvmSigner {
    LocalEvmSigner::random()
        .with_chain(chainsig_core::ChainId::eip155(EVM_CHAIN))
        .unwrap()
}

/// The body of `POST …/challenge/sign`: `signer` signs the decoded challenge.
pub async fn sign_request(signer: &dyn ChallengeSigner, challenge_b64: &str) -> Value {
    let challenge = Challenge::from_base64(challenge_b64).unwrap();
    let signature = signer.sign_challenge(&challenge).await.unwrap();
    json!({
        sign_body::CHAIN_ID: signer.account().to_string(),
        sign_body::CHALLENGE: challenge_b64,
        sign_body::SIGNATURE: signature.to_base64(),
    })
}

/// The decoded text of a base64 challenge.
pub fn decode(challenge_b64: &str) -> String {
    String::from_utf8(STANDARD.decode(challenge_b64).unwrap()).unwrap()
}

/// Replaces a header of a built request.
pub fn set_header(request: &mut http::Request<Vec<u8>>, name: &'static str, value: &str) {
    request
        .headers_mut()
        .insert(name, HeaderValue::from_str(value).unwrap());
}
