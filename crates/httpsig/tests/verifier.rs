//! Verifier rules beyond the fixed vectors.

#![allow(clippy::unwrap_used)] // helpers of tests may unwrap

mod support;

use std::collections::HashMap;

use chainsig_httpsig::{
    DigestAlgorithms, P384SigningKey, P384VerifyingKey, ParamsError, RequestSigner, SigningProfile,
    Verifier, VerifyError,
};
use http::HeaderValue;
use support::{file, now_or_never, server_request};

const T0: u64 = 1_767_225_600;

fn signer() -> RequestSigner<P384SigningKey> {
    RequestSigner::new(P384SigningKey::generate().unwrap(), "k1")
}

fn verifier_for(s: &RequestSigner<P384SigningKey>) -> Verifier {
    Verifier::new(HashMap::from([(
        "k1".to_owned(),
        s.key().verifying_key().clone(),
    )]))
}

fn post(body: &[u8]) -> http::Request<Vec<u8>> {
    http::Request::post("https://api.offblocks.xyz/v1/customers?x=1")
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .header("idempotency-key", "6f1c1f8e-0000-4000-8000-000000000001")
        .body(body.to_vec())
        .unwrap()
}

fn signed_post(s: &RequestSigner<P384SigningKey>, body: &[u8]) -> http::Request<Vec<u8>> {
    let mut req = post(body);
    now_or_never(s.sign_request(&mut req, T0)).unwrap();
    req
}

fn reason(v: &Verifier, req: &http::Request<Vec<u8>>, now: u64) -> &'static str {
    v.verify_request(req, now).unwrap_err().reason()
}

#[test]
fn time_window_boundaries_and_skew() {
    let s = signer();
    // `expires` alone: the default max age (300 s, the same as the validity) is lifted.
    let v = verifier_for(&s).with_max_age(None);
    let req = signed_post(&s, b"{}");
    assert!(v.verify_request(&req, T0).is_ok());
    assert!(
        v.verify_request(&req, T0 + 300).is_ok(),
        "expires itself is still valid"
    );
    assert_eq!(reason(&v, &req, T0 + 301), "expired");
    assert_eq!(reason(&v, &req, T0 - 1), "created-in-future");
    let skewed = v.clone().with_clock_skew(5);
    assert!(skewed.verify_request(&req, T0 - 5).is_ok());
    assert!(skewed.verify_request(&req, T0 + 305).is_ok());
    assert_eq!(reason(&skewed, &req, T0 - 6), "created-in-future");
    assert_eq!(reason(&skewed, &req, T0 + 306), "expired");
    let aged = v.with_max_age(Some(60));
    assert!(aged.verify_request(&req, T0 + 60).is_ok());
    assert_eq!(reason(&aged, &req, T0 + 61), "too-old");
}

#[test]
fn without_expires_the_max_age_bounds_the_signature() {
    let s = signer().with_profile(SigningProfile::OFFBLOCKS.with_validity(None));
    let v = verifier_for(&s);
    let req = signed_post(&s, b"{}");
    assert!(
        !req.headers()["signature-input"]
            .to_str()
            .unwrap()
            .contains("expires")
    );
    // By default a signature is not valid forever: 300 s after `created`.
    assert!(v.verify_request(&req, T0 + 300).is_ok());
    assert_eq!(reason(&v, &req, T0 + 301), "too-old");
    // Only an explicit `None` lifts the limit.
    assert!(
        v.with_max_age(None)
            .verify_request(&req, T0 + 1_000_000)
            .is_ok()
    );
}

#[test]
fn tampering_is_detected() {
    let s = signer();
    let v = verifier_for(&s);
    let req = signed_post(&s, br#"{"a":1}"#);

    let mut r = req.clone();
    *r.method_mut() = http::Method::PUT;
    assert_eq!(reason(&v, &r, T0), "signature-mismatch");

    let mut r = req.clone();
    *r.uri_mut() = "https://api.offblocks.xyz/v1/customers?x=2"
        .parse()
        .unwrap();
    assert_eq!(reason(&v, &r, T0), "signature-mismatch");

    let mut r = req.clone();
    *r.uri_mut() = "https://api.offblocks.xyz/v1/customerz?x=1"
        .parse()
        .unwrap();
    assert_eq!(reason(&v, &r, T0), "signature-mismatch");

    let mut r = req.clone();
    r.headers_mut()
        .insert("idempotency-key", HeaderValue::from_static("other"));
    assert_eq!(reason(&v, &r, T0), "signature-mismatch");

    let mut r = req.clone();
    r.headers_mut()
        .insert("authorization", HeaderValue::from_static("Bearer u"));
    assert_eq!(reason(&v, &r, T0), "signature-mismatch");

    let mut r = req.clone();
    *r.body_mut() = br#"{"a":2}"#.to_vec();
    assert_eq!(reason(&v, &r, T0), "content-digest-mismatch");

    let mut r = req.clone();
    r.headers_mut().remove("content-type");
    assert_eq!(reason(&v, &r, T0), "missing-component");

    // A different server authority (pinned) changes @authority.
    let pinned = v
        .clone()
        .with_authority(Some("api.sandbox.offblocks.xyz".into()));
    assert_eq!(reason(&pinned, &req, T0), "signature-mismatch");
    let pinned = v.with_authority(Some("API.offblocks.xyz:443".into()));
    assert!(pinned.verify_request(&req, T0).is_ok());
}

#[test]
fn header_and_parameter_errors() {
    let s = signer();
    let v = verifier_for(&s);
    let req = signed_post(&s, b"{}");

    let mut r = req.clone();
    r.headers_mut().remove("signature");
    assert_eq!(reason(&v, &r, T0), "missing-signature");
    let mut r = req.clone();
    r.headers_mut().remove("signature-input");
    assert_eq!(reason(&v, &r, T0), "missing-signature");

    let mut r = req.clone();
    let latin1 = HeaderValue::from_bytes(b"sig=(\xff)").unwrap();
    r.headers_mut().insert("signature-input", latin1);
    assert_eq!(reason(&v, &r, T0), "malformed-signature-input");
    let mut r = req.clone();
    r.headers_mut()
        .insert("signature", HeaderValue::from_static("sig=(1 2)"));
    assert_eq!(reason(&v, &r, T0), "malformed-signature");
    let mut r = req.clone();
    r.headers_mut()
        .insert("signature", HeaderValue::from_static("other=:AAAA:"));
    assert_eq!(reason(&v, &r, T0), "label-not-found");
    let mut r = req.clone();
    r.headers_mut()
        .insert("signature", HeaderValue::from_static("sig=:AAAA:"));
    assert_eq!(reason(&v, &r, T0), "signature-length");
    let mut r = req.clone();
    r.headers_mut().insert(
        "signature-input",
        HeaderValue::from_static("sig=(\"@method\""),
    );
    assert_eq!(reason(&v, &r, T0), "malformed-signature-input");

    let input = req.headers()["signature-input"]
        .to_str()
        .unwrap()
        .to_owned();
    let with = |new: &str| {
        let mut r = req.clone();
        r.headers_mut()
            .insert("signature-input", new.parse().unwrap());
        r
    };
    assert_eq!(
        reason(&v, &with(&input.replace(";keyid=\"k1\"", "")), T0),
        "missing-parameter"
    );
    assert_eq!(
        reason(&v, &with(&input.replace("created=", "nonce=\"n\";x=")), T0),
        "unknown-parameter"
    );
    assert_eq!(
        reason(&v, &with(&input.replace(";created=1767225600", "")), T0),
        "missing-parameter"
    );
    assert_eq!(
        reason(&v, &with(&input.replace("\"k1\"", "\"k2\"")), T0),
        "unknown-keyid"
    );
    assert_eq!(
        reason(&v, &with(&input.replace("p384-sha384", "p256-sha256")), T0),
        "alg-mismatch"
    );
    assert_eq!(
        reason(
            &v,
            &with(&input.replace("\"@query\" ", "\"@query\" \"@status\" ")),
            T0
        ),
        "unsupported-component"
    );
    // Without alg the signature still verifies the profile (alg is optional).
    assert_eq!(
        reason(
            &v,
            &with(&input.replace(";alg=\"ecdsa-p384-sha384\"", "")),
            T0
        ),
        "signature-mismatch"
    );
    // Extra signatures under other labels, on separate header lines, are fine.
    let mut r = req.clone();
    r.headers_mut().append(
        "signature-input",
        HeaderValue::from_static("other=(\"@method\")"),
    );
    r.headers_mut()
        .append("signature", HeaderValue::from_static("other=:AAAA:"));
    assert!(v.verify_request(&r, T0).is_ok());
}

/// A `Signature-Input` that does not parse is rejected with the parameter list's own error
/// (`VerifyError::Params`), under the same codes the verifier always gave.
#[test]
fn signature_input_errors_keep_their_type_and_code() {
    let s = signer();
    let v = verifier_for(&s);
    let req = signed_post(&s, b"{}");
    let input = req.headers()["signature-input"]
        .to_str()
        .unwrap()
        .to_owned();
    let verify = |new: &str| {
        let mut r = req.clone();
        r.headers_mut()
            .insert("signature-input", new.parse().unwrap());
        v.verify_request(&r, T0).unwrap_err()
    };
    let cases: [(String, &str); 6] = [
        ("sig=1".to_owned(), "malformed-signature-input"),
        (input.replacen("sig=", "other=", 1), "label-not-found"),
        (
            input.replace("created=", "x=1;created="),
            "unknown-parameter",
        ),
        (
            input.replace("created=1767225600", "created=\"t\""),
            "invalid-parameter",
        ),
        (
            input.replace("\"@query\" ", "\"@query\";sf "),
            "unsupported-component",
        ),
        (
            input.replace("\"@query\" ", "\"@query\" \"@query\" "),
            "duplicate-component",
        ),
    ];
    for (header, code) in cases {
        let err = verify(&header);
        assert_eq!(err.reason(), code, "{header}: {err}");
        let VerifyError::Params(inner) = &err else {
            panic!("{header}: not a parameter-list error: {err:?}");
        };
        assert_eq!(inner.reason(), code);
        assert_eq!(err.to_string(), inner.to_string());
    }
    let not_utf8 = {
        let mut r = req.clone();
        r.headers_mut().insert(
            "signature-input",
            HeaderValue::from_bytes(b"sig=(\xff)").unwrap(),
        );
        v.verify_request(&r, T0).unwrap_err()
    };
    assert_eq!(
        not_utf8,
        VerifyError::Params(ParamsError::Malformed {
            reason: "not UTF-8"
        })
    );
    // `Signature` (not `Signature-Input`) without the label stays its own variant.
    let mut r = req.clone();
    r.headers_mut()
        .insert("signature", HeaderValue::from_static("other=:AAAA:"));
    assert_eq!(
        v.verify_request(&r, T0).unwrap_err(),
        VerifyError::LabelNotFound {
            label: "sig".into()
        }
    );
}

#[test]
fn coverage_rules() {
    let s = signer();
    let v = verifier_for(&s);
    // A Content-Digest on an empty body must still be covered and match.
    let mut req = post(b"");
    req.headers_mut().insert(
        "content-digest",
        HeaderValue::from_static("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"),
    );
    now_or_never(s.sign_request(&mut req, T0)).unwrap();
    assert!(
        req.headers()["signature-input"]
            .to_str()
            .unwrap()
            .contains("content-digest")
    );
    assert!(v.verify_request(&req, T0).is_ok());
    // Adding a header the profile covers when present, after signing.
    let mut r = signed_post(&s, b"");
    r.headers_mut().remove("idempotency-key");
    now_or_never(s.sign_request(&mut r, T0)).unwrap();
    r.headers_mut()
        .insert("idempotency-key", HeaderValue::from_static("late"));
    assert_eq!(reason(&v, &r, T0), "component-not-covered");
    // A body on a request signed without one.
    let mut r = signed_post(&s, b"");
    *r.body_mut() = b"x".to_vec();
    assert_eq!(reason(&v, &r, T0), "digest-missing");
    // Only an unknown digest algorithm.
    let mut r = post(b"x");
    r.headers_mut()
        .insert("content-digest", HeaderValue::from_static("md5=:AAAA:"));
    let signer_keep = signer();
    let mut parts_body = r.clone();
    now_or_never(signer_keep.sign_request(&mut parts_body, T0)).unwrap();
    // The signer replaced the digest with its own, so this verifies...
    assert!(
        verifier_for(&signer_keep)
            .verify_request(&parts_body, T0)
            .is_ok()
    );
    // ...and a received unknown-only digest is rejected.
    parts_body
        .headers_mut()
        .insert("content-digest", HeaderValue::from_static("md5=:AAAA:"));
    assert_eq!(
        reason(&verifier_for(&signer_keep), &parts_body, T0),
        "unsupported-content-digest"
    );
}

#[test]
fn both_digest_algorithms_and_sha512() {
    for digest in [DigestAlgorithms::Sha512, DigestAlgorithms::Sha256AndSha512] {
        let s = signer().with_profile(SigningProfile::OFFBLOCKS.with_digest(digest));
        let req = signed_post(&s, b"{\"x\":true}");
        assert!(verifier_for(&s).verify_request(&req, T0).is_ok());
    }
}

#[test]
fn closure_resolver_and_caller_resolved_key() {
    let f = file();
    let key: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    let keyid = f.key.keyid.clone();
    let k2 = key.clone();
    let v = Verifier::new(move |id: &str| (id == keyid).then(|| k2.clone()));
    let vector = f.vectors.iter().find(|v| v.id == "get-query").unwrap();
    let (parts, body) = server_request(vector);
    assert!(v.verify(&parts, &body, vector.verify_at).is_ok());

    // Resolve the key outside (as an async database lookup would), then verify with it.
    let input = parts.headers["signature-input"].to_str().unwrap();
    let params = chainsig_httpsig::SignatureParams::from_signature_input(input, "sig").unwrap();
    assert_eq!(params.keyid(), Some(f.key.keyid.as_str()));
    let nobody = Verifier::new(|_: &str| None);
    assert!(
        nobody
            .verify_with_key(&parts, &body, &key, vector.verify_at)
            .is_ok()
    );
    assert_eq!(
        nobody.verify(&parts, &body, vector.verify_at).unwrap_err(),
        VerifyError::UnknownKeyId {
            keyid: f.key.keyid.clone()
        }
    );
}

#[test]
fn errors_display_their_reason_and_are_stable() {
    let e = VerifyError::SignatureLength { len: 103 };
    assert_eq!(e.to_string(), "signature is 103 bytes, expected 96 (r ‖ s)");
    assert_eq!(e.reason(), "signature-length");
}

#[test]
fn debug_shows_the_settings_and_no_keys() {
    let s = signer();
    let verifier = verifier_for(&s)
        .with_scheme("http")
        .with_authority(Some("localhost:8411".to_owned()))
        .with_clock_skew(7)
        .with_max_age(None);
    let debug = format!("{verifier:?}");
    for expected in [
        "Verifier",
        "\"http\"",
        "localhost:8411",
        "clock_skew: 7",
        "max_age: None",
    ] {
        assert!(debug.contains(expected), "{expected} in {debug}");
    }
    assert!(!debug.contains("keys"), "{debug}");
}
