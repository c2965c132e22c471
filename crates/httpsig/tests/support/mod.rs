//! The OffBlocks RFC 9421 vectors (`testdata/vectors/rfc9421-vectors.json`), typed.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::panic
)]

use std::collections::HashMap;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_httpsig::{P384VerifyingKey, Verifier};
use serde::Deserialize;

pub const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/rfc9421-vectors.json"
));

#[derive(Debug, Deserialize)]
pub struct File {
    pub key: Key,
    pub other_key: OtherKey,
    pub fixtures: Fixtures,
    pub vectors: Vec<Vector>,
    pub content_digest_vectors: Vec<DigestVector>,
}

#[derive(Debug, Deserialize)]
pub struct Key {
    pub keyid: String,
    pub private_key_sec1_pem: String,
    pub private_key_pkcs8_pem: String,
    pub public_key_spki_pem: String,
    pub private_scalar_hex: String,
    pub public_key_uncompressed_hex: String,
}

#[derive(Debug, Deserialize)]
pub struct OtherKey {
    pub private_scalar_hex: String,
    pub public_key_spki_pem: String,
}

#[derive(Debug, Deserialize)]
pub struct Fixtures {
    pub bearer_token: String,
    pub unregistered_keyid: String,
}

#[derive(Debug, Deserialize)]
pub struct Vector {
    pub id: String,
    pub expect: String,
    pub reason: Option<String>,
    #[serde(default)]
    pub signer_vector: bool,
    pub method: String,
    pub url: String,
    pub scheme: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body_b64: String,
    pub content_digest: Option<String>,
    #[serde(default)]
    pub digest_algorithms: Vec<String>,
    pub verify_at: u64,
    pub keyid: String,
    pub created: u64,
    pub expires: u64,
    pub signature_input: String,
    pub signature_base: Option<String>,
    pub signature: String,
    pub signature_rfc6979: Option<String>,
}

impl Vector {
    pub fn body(&self) -> Vec<u8> {
        STANDARD.decode(&self.body_b64).unwrap()
    }
}

#[derive(Debug, Deserialize)]
pub struct DigestVector {
    pub id: String,
    pub body_b64: String,
    pub content_digest_sha256: String,
    pub content_digest_sha512: String,
    pub content_digest_both: String,
}

pub fn file() -> &'static File {
    static FILE: OnceLock<File> = OnceLock::new();
    FILE.get_or_init(|| serde_json::from_str(VECTORS).unwrap())
}

/// The verifier the vectors describe: one key, `key.public_key_spki_pem` under `key.keyid`.
pub fn verifier(scheme: &str) -> Verifier {
    let f = file();
    let key: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    Verifier::new(HashMap::from([(f.key.keyid.clone(), key)])).with_scheme(scheme)
}

/// The request as a server receives it: origin-form target, headers in order.
pub fn server_request(v: &Vector) -> (http::request::Parts, Vec<u8>) {
    let mut b = http::Request::builder()
        .method(v.method.as_str())
        .uri(v.target.as_str());
    for (name, value) in &v.headers {
        b = b.header(name.as_str(), value.as_str());
    }
    let (parts, ()) = b.body(()).unwrap().into_parts();
    (parts, v.body())
}

/// The request as a client builds it before signing: absolute URL, no signature headers and no
/// Content-Digest (the signer adds it).
pub fn client_request(v: &Vector) -> (http::request::Parts, Vec<u8>) {
    let mut b = http::Request::builder()
        .method(v.method.as_str())
        .uri(v.url.as_str());
    for (name, value) in &v.headers {
        let lower = name.to_ascii_lowercase();
        if ["signature-input", "signature", "content-digest"].contains(&lower.as_str()) {
            continue;
        }
        b = b.header(name.as_str(), value.as_str());
    }
    let (parts, ()) = b.body(()).unwrap().into_parts();
    (parts, v.body())
}

/// Polls a future that never waits (every future of this crate with an in-memory key): the
/// benches' poller, from the one kit.
#[allow(unused_imports)] // not every test binary of this crate polls a future
pub use chainsig_benchkit::ready as now_or_never;
