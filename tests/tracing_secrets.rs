//! The log of a full onboarding at TRACE level, every crate included (the client, reqwest,
//! hyper, the sandbox in the same process), names the HTTP attempts and the flow steps and holds
//! no secret in any encoding: not the API secret (nor the one it is rotated to), not a bearer
//! token, not the customer's key, not the request-signing key.
//!
//! Its own test binary: it installs the process-wide subscriber.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chainsig::api::{Client, CreateAccount, IdempotencyKey};
use chainsig::core::testkit::find_secret;
use chainsig::evm::LocalEvmSigner;
use chainsig::httpsig::P384SigningKey;
use chainsig::solana::LocalSolanaSigner;
use chainsig_sandbox::Sandbox;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Collects everything written into one buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const EVM_KEY: [u8; 32] = [0x4d; 32];
const ROTATED_KEY: &str = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
const ROTATED_SECRET: &str = "rotated-secret-that-must-stay-out-of-logs-42";
const SOLANA_SEED: [u8; 32] = [0x5a; 32];
/// A valid P-384 scalar (below the group order).
const REQUEST_KEY: [u8; 48] = [0x3c; 48];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_onboarding_logs_its_steps_and_no_secret() {
    let capture = Capture::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .init();

    let sandbox = Sandbox::start(support::config()).await.unwrap();
    let api_secret = sandbox.api_secret().to_owned();

    let request_key = P384SigningKey::from_bytes(&REQUEST_KEY).unwrap();
    let request_key_pem = request_key.to_pkcs8_pem().unwrap();
    let request_key_sec1 = request_key.to_sec1_pem().unwrap();
    let public_key = request_key.public_key_pem();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), api_secret.clone())
        .signing_key(request_key)
        .build()
        .unwrap();
    client.register_signing_key(&public_key).await.unwrap();
    tracing::debug!(client = ?client, "client ready");

    let evm = LocalEvmSigner::from_bytes(&EVM_KEY).unwrap();
    let solana = LocalSolanaSigner::from_seed(&SOLANA_SEED);
    let options = support::options();
    for (i, signer) in [
        &evm as &dyn chainsig::ChallengeSigner,
        &solana as &dyn chainsig::ChallengeSigner,
    ]
    .into_iter()
    .enumerate()
    {
        let customer = client
            .onboard_customer(signer, &format!("traced-{i}"), &options)
            .await
            .unwrap();
        client
            .simulator_verify(&customer.id, IdempotencyKey::new())
            .await
            .unwrap();
        let account = client
            .open_account(&customer.id, signer, &CreateAccount::card("EUR"), &options)
            .await
            .unwrap();
        client
            .close_account(&account.id, signer, &options)
            .await
            .unwrap();
    }
    // A token as the sandbox issues them, to know what one looks like.
    let token = fetch_token(sandbox.base_url(), sandbox.api_key(), &api_secret).await;
    // A rotation, and requests with the rotated secret: it is no more in the log than the first.
    client
        .rotate_credentials(
            ROTATED_KEY,
            ROTATED_SECRET.to_owned(),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    client.list_customers().await.unwrap();
    tracing::debug!(client = ?client, "client after the rotation");
    let refused = client
        .rotate_credentials(
            "not-a-uuid",
            ROTATED_SECRET.to_owned(),
            IdempotencyKey::new(),
        )
        .await
        .unwrap_err();
    tracing::debug!(error = %refused, debug = ?refused, "a refused rotation");
    sandbox.shutdown().await;
    // Spans close on other threads as the last connections wind down.
    tokio::time::sleep(Duration::from_millis(50)).await;

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();

    // The steps are there.
    for needle in [
        "offblocks_request",
        "method=POST",
        "path=/customers",
        "attempt=1",
        "status=201",
        "status=204",
        "idempotency_key=",
        "onboard_customer",
        "open_account",
        "close_account",
        "sign_challenge",
    ] {
        assert!(log.contains(needle), "the log lacks `{needle}`");
    }

    // The API secret.
    assert!(!log.contains(&api_secret), "the API secret is in the log");
    assert_eq!(find_secret(&log, api_secret.as_bytes()), None);
    if let Ok(raw) = hex_decode(&api_secret) {
        assert_eq!(find_secret(&log, &raw), None, "the API secret's bytes");
    }

    // The rotated secret.
    assert!(log.contains("rotate_credentials"), "the rotation's span");
    assert!(
        !log.contains(ROTATED_SECRET),
        "the rotated secret is in the log"
    );
    assert_eq!(find_secret(&log, ROTATED_SECRET.as_bytes()), None);

    // Bearer tokens: the sandbox's are JWTs, whose first segment is the same for all of them.
    assert!(token.starts_with("eyJ"), "sandbox tokens are JWTs");
    let header_segment = token.split('.').next().unwrap();
    assert!(
        !log.contains(header_segment),
        "a bearer token is in the log"
    );
    assert!(!log.contains("eyJ"), "something JWT-shaped is in the log");
    assert!(
        !log.contains("Bearer ey"),
        "an Authorization header is in the log"
    );
    assert!(!log.contains(&token));

    // The customers' keys.
    assert_eq!(find_secret(&log, &EVM_KEY), None, "the EVM key");
    assert_eq!(find_secret(&log, &SOLANA_SEED), None, "the Solana seed");
    assert_eq!(
        find_secret(&log, &solana_keypair_bytes(&solana)),
        None,
        "the Solana keypair"
    );

    // The request-signing key: its scalar in any encoding, and its PEM forms.
    assert_eq!(find_secret(&log, &REQUEST_KEY), None, "the P-384 scalar");
    for pem in [request_key_pem.as_str(), request_key_sec1.as_str()] {
        for line in pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(
                !log.contains(line),
                "a line of the P-384 key's PEM is in the log"
            );
        }
    }
}

async fn fetch_token(base_url: &str, api_key: &str, api_secret: &str) -> String {
    let body = serde_json::json!({ "apiKey": api_key, "apiSecret": api_secret }).to_string();
    let answer = reqwest::Client::new()
        .post(format!("{base_url}/auth/token"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    json["token"].as_str().unwrap().to_owned()
}

fn solana_keypair_bytes(signer: &LocalSolanaSigner) -> Vec<u8> {
    serde_json::from_str(signer.to_keypair_json().as_str()).unwrap()
}

fn hex_decode(text: &str) -> Result<Vec<u8>, ()> {
    if !text.len().is_multiple_of(2) {
        return Err(());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| ()))
        .collect()
}
