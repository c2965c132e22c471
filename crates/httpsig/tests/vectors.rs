//! Every vector of `testdata/vectors/rfc9421-vectors.json`.

mod support;

use chainsig_httpsig::{
    DigestAlgorithms, P384SigningKey, P384VerifyingKey, RequestSigner, SigningProfile,
    content_digest, verify_content_digest,
};
use support::{client_request, file, now_or_never, server_request, verifier};

#[test]
fn file_has_the_expected_counts() {
    let f = file();
    let valid = f.vectors.iter().filter(|v| v.expect == "valid").count();
    let invalid = f.vectors.iter().filter(|v| v.expect == "invalid").count();
    assert_eq!((valid, invalid), (14, 21));
    assert_eq!(f.content_digest_vectors.len(), 6);
}

#[test]
fn verifier_accepts_every_valid_vector() {
    for v in file().vectors.iter().filter(|v| v.expect == "valid") {
        let (parts, body) = server_request(v);
        let verified = verifier(&v.scheme)
            .verify(&parts, &body, v.verify_at)
            .unwrap_or_else(|e| panic!("{}: rejected: {e}", v.id));
        assert_eq!(verified.keyid, v.keyid, "{}", v.id);
        assert_eq!(verified.params.created(), Some(v.created), "{}", v.id);
    }
}

#[test]
fn verifier_rejects_every_invalid_vector_for_its_reason() {
    for v in file().vectors.iter().filter(|v| v.expect == "invalid") {
        let (parts, body) = server_request(v);
        let err = verifier(&v.scheme)
            .verify(&parts, &body, v.verify_at)
            .expect_err(&v.id);
        assert_eq!(Some(err.reason()), v.reason.as_deref(), "{}: {err}", v.id);
    }
}

#[test]
fn invalid_vectors_are_rejected_with_any_skew_up_to_60s() {
    for v in file().vectors.iter().filter(|v| v.expect == "invalid") {
        let (parts, body) = server_request(v);
        let err = verifier(&v.scheme)
            .with_clock_skew(60)
            .verify(&parts, &body, v.verify_at)
            .expect_err(&v.id);
        assert_eq!(Some(err.reason()), v.reason.as_deref(), "{}", v.id);
    }
}

fn profile_for(algorithms: &[String]) -> SigningProfile {
    let digest = match algorithms
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["sha-256", "sha-512"] => DigestAlgorithms::Sha256AndSha512,
        ["sha-512"] => DigestAlgorithms::Sha512,
        _ => DigestAlgorithms::Sha256,
    };
    SigningProfile::OFFBLOCKS.with_digest(digest)
}

#[test]
fn signer_reproduces_every_signer_vector() {
    let f = file();
    let public: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    let vectors: Vec<_> = f.vectors.iter().filter(|v| v.signer_vector).collect();
    assert_eq!(vectors.len(), 12);
    for v in vectors {
        assert_eq!(v.expires, v.created + 300);
        let key = P384SigningKey::from_pem(&f.key.private_key_sec1_pem).unwrap();
        let signer = RequestSigner::new(key, v.keyid.clone())
            .with_profile(profile_for(&v.digest_algorithms));
        let (mut parts, body) = client_request(v);
        let signed = now_or_never(signer.sign(&mut parts, &body, v.created)).unwrap();

        assert_eq!(signed.signature_input, v.signature_input, "{}", v.id);
        assert_eq!(
            signed.signature_base.as_str(),
            v.signature_base.as_deref(),
            "{}",
            v.id
        );
        assert_eq!(signed.content_digest, v.content_digest, "{}", v.id);
        assert_eq!(
            parts.headers["signature-input"],
            v.signature_input.as_str(),
            "{}",
            v.id
        );
        assert_eq!(
            parts.headers["signature"],
            signed.signature.as_str(),
            "{}",
            v.id
        );
        match &v.content_digest {
            Some(d) => assert_eq!(parts.headers["content-digest"], d.as_str(), "{}", v.id),
            None => assert!(!parts.headers.contains_key("content-digest"), "{}", v.id),
        }

        // The randomized signature verifies with the registered key, directly and as a request.
        public
            .verify(signed.signature_base.as_bytes(), &signed.signature_bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
        verifier(&v.scheme)
            .verify(&parts, &body, v.verify_at)
            .unwrap_or_else(|e| panic!("{}: {e}", v.id));
    }
}

#[test]
fn deterministic_mode_reproduces_signature_rfc6979() {
    let f = file();
    let mut checked = 0;
    for v in f.vectors.iter().filter(|v| v.signer_vector) {
        let expected = v.signature_rfc6979.as_deref().unwrap();
        for pem in [&f.key.private_key_sec1_pem, &f.key.private_key_pkcs8_pem] {
            let key = P384SigningKey::from_pem(pem).unwrap().with_rfc6979();
            let signer = RequestSigner::new(key, v.keyid.clone())
                .with_profile(profile_for(&v.digest_algorithms));
            let (mut parts, body) = client_request(v);
            let signed = now_or_never(signer.sign(&mut parts, &body, v.created)).unwrap();
            assert_eq!(signed.signature, expected, "{}", v.id);
            // And the same bytes through the key's own method.
            let direct = signer
                .key()
                .sign_deterministic(signed.signature_base.as_bytes())
                .unwrap();
            assert_eq!(direct, signed.signature_bytes, "{}", v.id);
            checked += 1;
        }
    }
    assert_eq!(checked, 24);
}

#[test]
fn content_digest_vectors_are_reproduced_and_verify() {
    use base64::Engine as _;
    for d in &file().content_digest_vectors {
        let body = base64::engine::general_purpose::STANDARD
            .decode(&d.body_b64)
            .unwrap();
        assert_eq!(
            content_digest(&body, DigestAlgorithms::Sha256),
            d.content_digest_sha256,
            "{}",
            d.id
        );
        assert_eq!(
            content_digest(&body, DigestAlgorithms::Sha512),
            d.content_digest_sha512,
            "{}",
            d.id
        );
        assert_eq!(
            content_digest(&body, DigestAlgorithms::Sha256AndSha512),
            d.content_digest_both,
            "{}",
            d.id
        );
        for header in [
            &d.content_digest_sha256,
            &d.content_digest_sha512,
            &d.content_digest_both,
        ] {
            verify_content_digest(header, &body).unwrap();
            let mut other = body.clone();
            other.push(b'!');
            assert!(verify_content_digest(header, &other).is_err(), "{}", d.id);
        }
    }
}

#[test]
fn vector_key_loads_in_both_pem_forms_and_matches_the_public_key() {
    let f = file();
    let public: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    for pem in [&f.key.private_key_sec1_pem, &f.key.private_key_pkcs8_pem] {
        let key = P384SigningKey::from_pem(pem).unwrap();
        assert_eq!(key.verifying_key(), &public);
        assert_eq!(key.public_key_pem(), f.key.public_key_spki_pem);
    }
    assert_eq!(
        hex::encode(public.to_sec1_bytes()),
        f.key.public_key_uncompressed_hex
    );
    let scalar = hex::decode(&f.key.private_scalar_hex).unwrap();
    let key = P384SigningKey::from_slice(&scalar).unwrap();
    assert_eq!(key.verifying_key(), &public);
}

#[test]
fn other_key_signatures_do_not_verify_with_the_registered_key() {
    let f = file();
    let other =
        P384SigningKey::from_slice(&hex::decode(&f.other_key.private_scalar_hex).unwrap()).unwrap();
    assert_eq!(other.public_key_pem(), f.other_key.public_key_spki_pem);
    let registered: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    let sig = other.sign_randomized(b"base").unwrap();
    assert!(registered.verify(b"base", &sig).is_err());
    assert!(other.verifying_key().verify(b"base", &sig).is_ok());
}
