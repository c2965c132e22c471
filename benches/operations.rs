//! Where the time of an onboarding goes, one operation at a time, each against the bare
//! primitive doing the same cryptography on the same bytes:
//!
//! - request signing as the client does it (`Content-Digest`, signature base, P-384, headers)
//!   against a bare aws-lc-rs P-384 signature of the same base;
//! - the sandbox's verification of a request: `Verifier::verify` configured as the sandbox's
//!   middleware configures it, and a whole signed `GET /v1/customers/{id}` through the sandbox's
//!   router in process (token, signature, digest, handler, JSON; no socket), against a bare
//!   aws-lc-rs P-384 verification of the same base;
//! - the SIWE check + EVM signature of an ownership challenge against k256 EIP-191 hash + sign,
//!   and against alloy's `sign_message_sync`;
//! - the Solana signature of a challenge (transaction-shape guard included) against
//!   ed25519-dalek;
//! - the challenge policy (classification, the strict rules, an audit line serialized and
//!   written, without its fsync) plus the EVM signature it guards, against the same signature
//!   alone and against k256; and the audit line's fsync on its own.
//!
//! ```sh
//! cargo bench --bench operations -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Criterion's medians first, then load-robust ratios (`min-of-batches`: alternating batches of
//! the two contenders, each one's fastest batch kept; load from other processes only adds time).

#![allow(missing_docs, clippy::unwrap_used)] // a bench: a panic is the report

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use alloy_signer::SignerSync as _;
use alloy_signer_local::PrivateKeySigner;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P384_SHA384_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, ParsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig::ChallengeSigner;
use chainsig::api::{Client, FlowOptions};
use chainsig::core::ChallengeSignerSync as _;
use chainsig::core::{
    AuditError, AuditEvent, AuditSink, Challenge, ChallengePurpose, JsonLinesAuditSink,
    SigningContext, SiwxMessage, StandardPolicy, format_siwx_time, sign_under_policy,
};
use chainsig::evm::{LocalEvmSigner, eip191_hash};
use chainsig::httpsig::{P384SigningKey, RequestSigner, Verifier};
use chainsig::solana::LocalSolanaSigner;
use chainsig_benchkit::{MinOfBatches, ready};
use chainsig_sandbox::{Sandbox, SandboxConfig};
use criterion::Criterion;
use ed25519_dalek::Signer as _;
use http_body_util::BodyExt as _;
use time::OffsetDateTime;
use tower::ServiceExt as _;

const AUTHORITY: &str = "127.0.0.1:8080";
const BODY: &[u8] =
    br#"{"chainId":"eip155:1:0xCc9a18e2719249E945F5AfB3B1734a53b42A7D8b","externalId":"cust-0001"}"#;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A request as the client sends one, before signing.
fn client_request(method: &str, path: &str, token: &str, body: &[u8]) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(format!("http://{AUTHORITY}/v1{path}"))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("idempotency-key", "d2b376dc-553a-4c7d-bffd-9bc4ea9a38bb")
        .body(body.to_vec())
        .unwrap()
}

fn copy(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The sandbox's router in process with a token, a registered request-signing key and one
/// customer, and a signed `GET /v1/customers/{id}` for that customer.
struct SandboxRequest {
    router: axum::Router,
    runtime: tokio::runtime::Runtime,
    get_customer: http::Request<Vec<u8>>,
}

impl SandboxRequest {
    fn send(&self, request: http::Request<Vec<u8>>) -> (http::StatusCode, Vec<u8>) {
        self.runtime.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request.map(axum::body::Body::from))
                .await
                .unwrap();
            let status = response.status();
            (
                status,
                response
                    .into_body()
                    .collect()
                    .await
                    .unwrap()
                    .to_bytes()
                    .to_vec(),
            )
        })
    }

    fn new(key: P384SigningKey) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let authority: SocketAddr = AUTHORITY.parse().unwrap();
        let (router, api_key, api_secret) =
            Sandbox::router_for_fuzzing(SandboxConfig::default(), authority);
        let mut this = Self {
            router,
            runtime,
            get_customer: http::Request::new(Vec::new()),
        };
        let json = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).unwrap();
        let credentials = serde_json::json!({"apiKey": api_key, "apiSecret": api_secret});
        let mut request = client_request("POST", "/auth/token", "-", &[]);
        request.headers_mut().remove("authorization");
        *request.body_mut() = serde_json::to_vec(&credentials).unwrap();
        let (status, body) = this.send(request);
        assert!(status.is_success(), "token: {status}");
        let token = json(&body)["token"].as_str().unwrap().to_owned();
        let public = serde_json::json!({"publicKey": STANDARD.encode(key.public_key_pem())});
        let request = client_request(
            "PUT",
            "/auth/signing",
            &token,
            &serde_json::to_vec(&public).unwrap(),
        );
        let (status, body) = this.send(request);
        assert!(status.is_success(), "register key: {status}");
        let signer = RequestSigner::new(key, json(&body)["keyId"].as_str().unwrap());
        let mut request = client_request("POST", "/customers", &token, BODY);
        ready(signer.sign_request(&mut request, now())).unwrap();
        let (status, body) = this.send(request);
        assert!(status.is_success(), "create customer: {status}");
        let id = json(&body)["id"].as_str().unwrap().to_owned();
        let mut request = client_request("GET", &format!("/customers/{id}"), &token, &[]);
        request.headers_mut().remove("idempotency-key");
        ready(signer.sign_request(&mut request, now())).unwrap();
        let (status, _) = this.send(copy(&request));
        assert!(status.is_success(), "get customer: {status}");
        this.get_customer = request;
        this
    }
}

/// An EIP-4361 ownership challenge for `signer`, as the sandbox issues them for `client`.
fn siwe_challenge(client: &Client, signer: &LocalEvmSigner) -> Challenge {
    let account = signer.account();
    let message = SiwxMessage {
        scheme: None,
        domain: client.domain().to_owned(),
        chain_name: "Ethereum".to_owned(),
        address: account.address().to_owned(),
        statement: Some("Sign in to OffBlocks to prove that you own this wallet.".to_owned()),
        uri: client.origin().to_owned(),
        version: "1".to_owned(),
        chain_id: account.chain().reference().to_owned(),
        nonce: "Vu6kq7ZSxNb3oTcQ".to_owned(),
        issued_at: format_siwx_time(OffsetDateTime::now_utc()),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    };
    Challenge::from_bytes(message.to_string().into_bytes()).unwrap()
}

/// An audit sink that does all the work of a line but the fsync: serialize, then write (to
/// nowhere). The fsync is measured apart.
#[derive(Debug)]
struct LineWithoutFsync;

impl AuditSink for LineWithoutFsync {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        use std::io::Write as _;
        let mut line = serde_json::to_vec(event).unwrap();
        line.push(b'\n');
        std::io::sink()
            .write_all(black_box(&line))
            .map_err(|e| AuditError::new("sink", e))
    }
}

/// The contenders of one comparison: ours and the bare primitive.
struct Pair<'a> {
    name: &'static str,
    ours: Box<dyn FnMut() + 'a>,
    reference: Box<dyn FnMut() + 'a>,
}

fn pair<'a>(name: &'static str, ours: impl FnMut() + 'a, reference: impl FnMut() + 'a) -> Pair<'a> {
    Pair {
        name,
        ours: Box::new(ours),
        reference: Box::new(reference),
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();

    // Request signing: one P-384 key, used by the client's signer and by bare aws-lc-rs.
    let key_bytes = [7u8; 48];
    let request_key = P384SigningKey::from_bytes(&key_bytes).unwrap();
    let public = request_key.verifying_key().clone();
    let signer = RequestSigner::new(request_key, "3ff1e847-f3c9-45ad-87b9-4cb325f5da07");
    let bare_key = EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P384_SHA384_FIXED_SIGNING,
        &key_bytes,
        &public.to_sec1_bytes(),
    )
    .unwrap();
    let bare_public =
        ParsedPublicKey::new(&ECDSA_P384_SHA384_FIXED, public.to_sec1_bytes()).unwrap();
    let rng = SystemRandom::new();
    let unsigned = client_request("POST", "/customers", "eyJhbGciOiJIUzI1NiJ9.e30.sig", BODY);
    let mut signed = copy(&unsigned);
    let out = ready(signer.sign_request(&mut signed, now())).unwrap();
    let base = out.signature_base.as_bytes().to_vec();
    let bare_signature = bare_key.sign(&rng, &base).unwrap();

    // The sandbox's verifier, configured as its middleware is (scheme, skew, max age).
    let keyid = signer.keyid().to_owned();
    let verifier = Verifier::new(move |id: &str| (id == keyid).then(|| public.clone()))
        .with_scheme("http")
        .with_clock_skew(30)
        .with_max_age(Some(300));
    let (signed_parts, signed_body) = copy(&signed).into_parts();
    let sandbox = SandboxRequest::new(P384SigningKey::from_bytes(&key_bytes).unwrap());

    // Challenges.
    let evm = LocalEvmSigner::from_bytes(&[0x42; 32]).unwrap();
    let alloy = PrivateKeySigner::from_slice(&[0x42; 32]).unwrap();
    let k256_key = k256::ecdsa::SigningKey::from_slice(&[0x42; 32]).unwrap();
    let client = Client::builder()
        .base_url("https://api.sandbox.offblocks.xyz")
        .credentials("key", "secret".to_owned())
        .signing_key(P384SigningKey::from_bytes(&key_bytes).unwrap())
        .build()
        .unwrap();
    let options = FlowOptions::default();
    let siwe = siwe_challenge(&client, &evm);
    let solana = LocalSolanaSigner::from_seed(&[9; 32]);
    let dalek = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let session = Challenge::from_bytes(b"0f8a3ad9-0a53-4d84-8e3c-2f7d2f4b6e11".to_vec()).unwrap();

    // The contenders. Each closure holds only shared references, so it is `Copy` and serves
    // both criterion and the min-of-batches pairs. Request copies are made inside (about 1 µs,
    // the same in both measurements).
    let client_sign = || {
        let mut request = copy(&unsigned);
        black_box(ready(signer.sign_request(&mut request, now())).unwrap());
    };
    let bare_sign = || {
        black_box(bare_key.sign(&rng, black_box(&base)).unwrap());
    };
    let sandbox_verify = || {
        black_box(verifier.verify(&signed_parts, &signed_body, now()).unwrap());
    };
    let sandbox_get_customer = || {
        let (status, body) = sandbox.send(copy(&sandbox.get_customer));
        assert!(status.is_success());
        black_box(body);
    };
    let bare_verify = || {
        bare_public
            .verify_sig(black_box(&base), bare_signature.as_ref())
            .unwrap();
    };
    let siwe_check_and_sign = || {
        client
            .check_ownership_challenge(evm.account(), &siwe, &options)
            .unwrap();
        black_box(evm.sign_challenge_sync(black_box(&siwe)).unwrap());
    };
    let k256_hash_and_sign = || {
        let hash = eip191_hash(black_box(siwe.bytes()));
        black_box(k256_key.sign_prehash_recoverable(&hash).unwrap());
    };
    let alloy_sign = || {
        black_box(alloy.sign_message_sync(black_box(siwe.bytes())).unwrap());
    };
    let solana_sign = || {
        black_box(solana.sign_challenge_sync(black_box(&session)).unwrap());
    };
    let dalek_sign = || {
        black_box(dalek.sign(black_box(session.bytes())));
    };

    // The policy in front of an EVM signature of a session-key challenge, as a flow runs it.
    let policy = StandardPolicy::strict();
    let session_context = SigningContext::new(ChallengePurpose::AccountSessionKey)
        .with_api(client.domain(), client.origin())
        .with_owner(evm.account().clone());
    let policy_and_sign = || {
        black_box(
            ready(sign_under_policy(
                &evm,
                black_box(&session),
                &session_context,
                &policy,
                Some(&LineWithoutFsync),
            ))
            .unwrap(),
        );
    };
    // Async, as `sign_under_policy` calls it: the pair below differs by the policy alone.
    let evm_sign = || {
        black_box(ready(evm.sign_challenge(black_box(&session))).unwrap());
    };
    let k256_session = || {
        let hash = eip191_hash(black_box(session.bytes()));
        black_box(k256_key.sign_prehash_recoverable(&hash).unwrap());
    };
    let audit_dir = tempfile::tempdir().unwrap();
    let audit_file = JsonLinesAuditSink::open(audit_dir.path().join("audit.jsonl")).unwrap();
    let audit_event = AuditEvent {
        time: format_siwx_time(OffsetDateTime::now_utc()),
        account: evm.account().to_string(),
        owner: Some(evm.account().to_string()),
        purpose: ChallengePurpose::AccountSessionKey,
        kind: chainsig::core::ChallengeKindName::Uuid,
        challenge_sha256: AuditEvent::digest(session.bytes()),
        challenge_len: session.len(),
        rule: "allow.session-key".into(),
        verdict: chainsig::core::Verdict::Allowed,
        reason: None,
        outcome: chainsig::core::Outcome::Signed,
        backend: evm.backend().to_owned(),
    };
    let audit_line_fsync = || {
        audit_file.record(black_box(&audit_event)).unwrap();
    };

    let mut group = criterion.benchmark_group("operations");
    for (name, op) in [
        ("client_request_signing", &client_sign as &dyn Fn()),
        ("bare_aws_lc_p384_sign", &bare_sign),
        ("sandbox_verifier_verify", &sandbox_verify),
        ("sandbox_whole_get_customer", &sandbox_get_customer),
        ("bare_aws_lc_p384_verify", &bare_verify),
        ("siwe_check_plus_evm_sign", &siwe_check_and_sign),
        ("k256_eip191_hash_plus_sign", &k256_hash_and_sign),
        ("alloy_sign_message_sync", &alloy_sign),
        ("solana_sign_challenge", &solana_sign),
        ("ed25519_dalek_sign", &dalek_sign),
        ("policy_audit_line_plus_evm_sign", &policy_and_sign),
        ("evm_sign_challenge", &evm_sign),
        ("k256_eip191_hash_plus_sign_session", &k256_session),
        ("audit_line_with_fsync", &audit_line_fsync),
    ] {
        group.bench_function(name, |b| b.iter(op));
    }
    group.finish();

    for mut pair in [
        pair(
            "client request signing (digest + base + P-384 + headers) vs bare aws-lc-rs P-384 sign",
            client_sign,
            bare_sign,
        ),
        pair(
            "sandbox Verifier::verify (parse + base + digest + P-384) vs bare aws-lc-rs P-384 verify",
            sandbox_verify,
            bare_verify,
        ),
        pair(
            "sandbox whole signed GET /v1/customers/{id} in process vs bare aws-lc-rs P-384 verify",
            sandbox_get_customer,
            bare_verify,
        ),
        pair(
            "SIWE check + EVM sign_challenge vs k256 EIP-191 hash + sign",
            siwe_check_and_sign,
            k256_hash_and_sign,
        ),
        pair(
            "SIWE check + EVM sign_challenge vs alloy sign_message_sync",
            siwe_check_and_sign,
            alloy_sign,
        ),
        pair(
            "Solana sign_challenge (guard included) vs ed25519-dalek sign",
            solana_sign,
            dalek_sign,
        ),
        pair(
            "strict policy + audit line (no fsync) + EVM sign vs EVM sign_challenge alone",
            policy_and_sign,
            evm_sign,
        ),
        pair(
            "strict policy + audit line (no fsync) + EVM sign vs k256 EIP-191 hash + sign",
            policy_and_sign,
            k256_session,
        ),
    ] {
        MinOfBatches::new(200, 16).report(pair.name, &mut pair.ours, &mut pair.reference);
    }
    criterion.final_summary();
}
