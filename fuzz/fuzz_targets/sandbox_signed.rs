//! The sandbox's business requests, authenticated: the target obtains a token and registers a
//! P-384 request-signing key in process once, creates one customer, then sends fuzzer-chosen
//! method, path and body, signed like the client signs them (token, content type, idempotency
//! key, `Content-Digest`, RFC 9421 signature), so the fuzzer reaches the handlers past the
//! authentication layer. Checks: no panic, no 5xx, every 4xx has the JSON error shape.
//!
//! Input: `selector path NUL body`. `selector % 5` picks GET, POST, PATCH, DELETE, PUT. The path
//! is appended to `/v1`; `$c` in path or body becomes the customer's id and `$e` its CAIP-10
//! account.
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use chainsig_httpsig::{P384SigningKey, RequestSigner};
use chainsig_sandbox::{Sandbox, SandboxConfig};
use libfuzzer_sys::fuzz_target;

include!("common_http.rs");

const AUTHORITY: &str = "127.0.0.1:8080";

struct Env {
    router: axum::Router,
    token: String,
    signer: RequestSigner<P384SigningKey>,
    customer: String,
    account: String,
}

fn json_request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("http://{AUTHORITY}/v1{path}"))
        .header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder
        .body(serde_json::to_vec(&body).expect("json"))
        .expect("request")
}

fn signed(
    env_token: &str,
    signer: &RequestSigner<P384SigningKey>,
    mut request: http::Request<Vec<u8>>,
    n: u64,
) -> http::Request<Vec<u8>> {
    let headers = request.headers_mut();
    headers.insert(
        "authorization",
        http::HeaderValue::from_str(&format!("Bearer {env_token}")).expect("token"),
    );
    headers.insert(
        "content-type",
        http::HeaderValue::from_static("application/json"),
    );
    if request.method() != http::Method::GET {
        let key = format!("00000000-0000-4000-8000-{n:012x}");
        request.headers_mut().insert(
            "idempotency-key",
            http::HeaderValue::from_str(&key).expect("uuid"),
        );
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    runtime()
        .block_on(signer.sign_request(&mut request, now))
        .expect("signs");
    request
}

fn env() -> &'static Env {
    static E: OnceLock<Env> = OnceLock::new();
    E.get_or_init(|| {
        let config = SandboxConfig {
            api_key: Some("fuzz-key".to_owned()),
            api_secret: Some("fuzz-secret".to_owned()),
            ..SandboxConfig::default()
        };
        let (router, key, secret) =
            Sandbox::router_for_fuzzing(config, AUTHORITY.parse().expect("addr"));
        let (status, body) = send(
            &router,
            json_request(
                "POST",
                "/auth/token",
                None,
                serde_json::json!({"apiKey": key, "apiSecret": secret}),
            ),
        );
        assert!(status.is_success(), "token: {status}");
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let token = json["token"].as_str().expect("token").to_owned();
        let key = P384SigningKey::from_bytes(&[7u8; 48]).expect("valid scalar");
        let pem = base64::engine::general_purpose::STANDARD.encode(key.public_key_pem());
        let (status, body) = send(
            &router,
            json_request(
                "PUT",
                "/auth/signing",
                Some(&token),
                serde_json::json!({"publicKey": pem}),
            ),
        );
        assert!(status.is_success(), "register key: {status}");
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let signer = RequestSigner::new(key, json["keyId"].as_str().expect("keyId"));
        let account = "eip155:300:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".to_owned();
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("http://{AUTHORITY}/v1/customers"))
            .body(
                serde_json::to_vec(&serde_json::json!({"chainId": account, "externalId": "fuzz"}))
                    .expect("json"),
            )
            .expect("request");
        let (status, body) = send(&router, signed(&token, &signer, request, 0));
        assert!(
            status.is_success(),
            "create customer: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let customer = json["id"].as_str().expect("id").to_owned();
        Env {
            router,
            token,
            signer,
            customer,
            account,
        }
    })
}

static COUNTER: AtomicU64 = AtomicU64::new(1);

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let env = env();
    let (path, body) = match rest.iter().position(|&b| b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &rest[..0]),
    };
    let Ok(path) = std::str::from_utf8(path) else {
        return;
    };
    let path = path
        .replace("$c", &env.customer)
        .replace("$e", &env.account);
    let body = match std::str::from_utf8(body) {
        Ok(text) => text
            .replace("$c", &env.customer)
            .replace("$e", &env.account)
            .into_bytes(),
        Err(_) => body.to_vec(),
    };
    let method = ["GET", "POST", "PATCH", "DELETE", "PUT"][usize::from(selector % 5)];
    let Ok(uri) = http::Uri::try_from(format!("http://{AUTHORITY}/v1{path}")) else {
        return;
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = http::Method::from_bytes(method.as_bytes()).expect("method");
    *request.uri_mut() = uri;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let request = signed(&env.token, &env.signer, request, n);
    let method = request.method().clone();
    let (status, body) = send(&env.router, request);
    check_response(&method, status, &body);
});
