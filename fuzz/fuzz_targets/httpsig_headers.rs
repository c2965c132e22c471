//! `Signature-Input`, `Signature` and `Content-Digest` parsing on arbitrary header text.
//!
//! Input: `header NUL body`. What parses re-serializes and re-parses to itself; the digest of
//! any body verifies against that body.
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_httpsig::{
    DigestAlgorithms, SignatureParams, content_digest, parse_signature, verify_content_digest,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[..0]),
    };
    let Ok(header) = std::str::from_utf8(header) else {
        return;
    };

    if let Ok(params) = SignatureParams::from_signature_input(header, "sig") {
        let input = params
            .to_signature_input("sig")
            .expect("`sig` is a valid label");
        assert_eq!(input, format!("sig={}", params.serialized()));
        let again = SignatureParams::from_signature_input(&input, "sig").expect("re-parses");
        assert_eq!(again, params);
        assert_eq!(again.serialized(), params.serialized());
        for c in params.components() {
            assert!(params.covers(c));
        }
    }

    if let Ok(bytes) = parse_signature(header, "sig") {
        let again = parse_signature(&format!("sig=:{}:", STANDARD.encode(&bytes)), "sig")
            .expect("a re-encoded signature parses");
        assert_eq!(again, bytes);
    }

    let verdict = verify_content_digest(header, body);
    assert_eq!(verify_content_digest(header, body).is_ok(), verdict.is_ok());
    for algs in [
        DigestAlgorithms::Sha256,
        DigestAlgorithms::Sha512,
        DigestAlgorithms::Sha256AndSha512,
    ] {
        let digest = content_digest(body, algs);
        verify_content_digest(&digest, body).expect("a body's own digest verifies");
        if verdict.is_ok() {
            // Both `header` and `digest` accept the body; a different body fails the digest.
            let mut other = body.to_vec();
            other.push(0);
            assert!(verify_content_digest(&digest, &other).is_err());
        }
    }
});
