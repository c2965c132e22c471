//! Inputs found by `cargo fuzz` (see `fuzz/README.md`), kept so that CI runs them.

use std::collections::HashMap;

use chainsig_httpsig::{P384SigningKey, RequestSigner, Verifier, VerifyError};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// `httpsig_verify`: with no body, the signer covers the caller's own `Content-Digest` but does
/// not rewrite it (it only writes one for a body). A stale, non-ASCII one must then be refused by
/// the verifier as a digest error, and nothing may panic on the way.
#[test]
fn signed_request_with_callers_non_ascii_content_digest_and_no_body() {
    let key = P384SigningKey::from_bytes(&[7u8; 48])
        .expect("valid scalar")
        .with_rfc6979();
    let keys = HashMap::from([("k1".to_owned(), key.verifying_key().clone())]);
    let verifier = Verifier::new(keys).with_clock_skew(5);
    let signer = RequestSigner::new(key, "k1");

    let mut request = http::Request::post("https://api.offbl")
        .header("host", "api.offblocks.xyz")
        .header("authorization", "Bearer t")
        .header(
            "content-digest",
            http::HeaderValue::from_bytes(
                b"sha-256=\xc0\xa748E9qOokqqrvdts8nOJRJN3ocks.OWDUoyWxBfx",
            )
            .expect("obs-text is a valid header value"),
        )
        .body(Vec::new())
        .expect("request");
    block_on(signer.sign_request(&mut request, 1_767_225_600)).expect("signs");
    let verified = verifier.verify_request(&request, 1_767_225_600);
    assert!(
        matches!(
            verified,
            Err(VerifyError::MalformedContentDigest { .. })
                | Err(VerifyError::UnsupportedContentDigest)
                | Err(VerifyError::ContentDigestMismatch { .. })
        ),
        "{verified:?}"
    );
}

/// A `Signature-Input` listing thousands of components is refused before they are compared with
/// each other (the duplicate check is quadratic).
#[test]
fn a_signature_input_with_too_many_components_is_refused() {
    use chainsig_httpsig::{MAX_COMPONENTS, ParamsError, SignatureParams};
    let list = |n: usize| {
        let components: Vec<String> = (0..n).map(|i| format!("\"x-h{i}\"")).collect();
        format!("sig1=({});created=1", components.join(" "))
    };
    assert_eq!(
        SignatureParams::from_signature_input(&list(MAX_COMPONENTS), "sig1")
            .expect("at the limit")
            .components()
            .len(),
        MAX_COMPONENTS
    );
    assert!(matches!(
        SignatureParams::from_signature_input(&list(50_000), "sig1"),
        Err(ParamsError::Malformed { .. })
    ));
}
