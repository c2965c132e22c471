//! No input makes parsing or verification panic; signed requests always verify.

mod support;

use std::collections::HashMap;
use std::sync::OnceLock;

use chainsig_httpsig::{
    P384SigningKey, RequestSigner, SignatureParams, Verifier, parse_signature,
    verify_content_digest,
};
use http::HeaderValue;
use proptest::prelude::*;
use support::{file, now_or_never, server_request};

/// Strings built from the characters structured fields are made of, so the parser gets deep.
fn sf_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9@\"();=:, *+/?.\\-]{0,120}",
        "sig=\\(((\"[@a-z-]{0,12}\" ?){0,6})\\)(;[a-z]{1,8}=(\"[ -~]{0,10}\"|-?[0-9]{1,18}|:[A-Za-z0-9+/=]{0,20}:|\\?[01]))*",
        "(sha-256|sha-512|md5|[a-z]{1,5})=:[A-Za-z0-9+/=]{0,90}:(, [a-z-]{1,8}=:[A-Za-z0-9+/=]{0,20}:)?",
        "sig=:[A-Za-z0-9+/=]{0,140}:",
    ]
}

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let f = file();
        let key = f.key.public_key_spki_pem.parse().expect("vector key");
        Verifier::new(HashMap::from([(f.key.keyid.clone(), key)]))
    })
}

/// Loading a key derives its public point with RustCrypto, slow in debug builds: do it once.
fn signer() -> &'static RequestSigner<P384SigningKey> {
    static S: OnceLock<RequestSigner<P384SigningKey>> = OnceLock::new();
    S.get_or_init(|| {
        RequestSigner::new(
            P384SigningKey::from_pem(&file().key.private_key_sec1_pem).expect("vector key"),
            "k",
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(s in sf_text(), body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = SignatureParams::from_signature_input(&s, "sig");
        let _ = parse_signature(&s, "sig");
        let _ = verify_content_digest(&s, &body);
        let _ = chainsig_httpsig::normalize_authority("https", &s);
        let _ = P384SigningKey::from_pem(&s);
        let _ = chainsig_httpsig::P384VerifyingKey::from_public_key_pem(&s);
    }

    #[test]
    fn verifier_never_panics_on_arbitrary_signature_headers(
        input in sf_text(),
        signature in sf_text(),
        digest in sf_text(),
        raw in proptest::collection::vec(any::<u8>(), 0..80),
        which in 0usize..4,
    ) {
        let f = file();
        let vector = f.vectors.iter().find(|v| v.id == "post-json-sha256").unwrap();
        let (mut parts, body) = server_request(vector);
        let mut set = |name: &'static str, value: &str| {
            if let Ok(v) = HeaderValue::from_str(value) {
                parts.headers.insert(name, v);
            }
        };
        match which {
            0 => set("signature-input", &input),
            1 => set("signature", &signature),
            2 => set("content-digest", &digest),
            _ => {
                // Raw bytes (obs-text included) where the header allows them.
                if let Ok(v) = HeaderValue::from_bytes(&raw) {
                    parts.headers.insert("signature-input", v.clone());
                    parts.headers.insert("content-digest", v);
                }
            }
        }
        let _ = verifier().verify(&parts, &body, vector.verify_at);
    }

    #[test]
    fn every_signed_request_verifies(
        path in "(/[A-Za-z0-9%._~-]{0,12}){1,4}",
        query in proptest::option::of("[A-Za-z0-9%=&._~+-]{0,30}"),
        body in proptest::collection::vec(any::<u8>(), 0..200),
        idempotency in proptest::option::of("[a-f0-9-]{8,36}"),
        created in 1_600_000_000u64..2_000_000_000,
    ) {
        let signer = signer();
        let public = signer.key().verifying_key().clone();
        let uri = match &query {
            Some(q) => format!("https://api.offblocks.xyz:443{path}?{q}"),
            None => format!("https://api.offblocks.xyz:443{path}"),
        };
        let mut builder = http::Request::post(uri).header("authorization", "Bearer x");
        if let Some(k) = &idempotency {
            builder = builder.header("idempotency-key", k.as_str());
        }
        let mut req = builder.body(body.clone()).unwrap();
        now_or_never(signer.sign_request(&mut req, created)).unwrap();
        // As the server sees it: origin-form target, Host header without the default port.
        let (mut parts, body) = req.into_parts();
        parts.uri = parts.uri.path_and_query().unwrap().as_str().parse().unwrap();
        parts.headers.insert("host", HeaderValue::from_static("api.offblocks.xyz"));
        let v = Verifier::new(HashMap::from([("k".to_owned(), public)]));
        prop_assert!(v.verify(&parts, &body, created + 1).is_ok());
    }
}
