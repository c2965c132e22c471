//! Key loading: both OpenSSL PEM forms, typed errors for everything else, generation.

mod support;

use chainsig_httpsig::{KeyError, P384SigningKey, P384VerifyingKey};
use support::file;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../testdata/request-keys/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture key")
}

#[test]
fn sec1_and_pkcs8_and_ec_parameters_block_load() {
    let f = file();
    let a = P384SigningKey::from_pem(&f.key.private_key_sec1_pem).unwrap();
    let b: P384SigningKey = f.key.private_key_pkcs8_pem.parse().unwrap();
    assert_eq!(a.verifying_key(), b.verifying_key());
    // `openssl ecparam -genkey` without -noout writes an EC PARAMETERS block first.
    let c = P384SigningKey::from_pem(&fixture("p384_with_params.pem")).unwrap();
    assert_ne!(c.verifying_key(), a.verifying_key());
    // CRLF line endings.
    let crlf = f.key.private_key_sec1_pem.replace('\n', "\r\n");
    let d = P384SigningKey::from_pem(&crlf).unwrap();
    assert_eq!(d.verifying_key(), a.verifying_key());
}

#[test]
fn wrong_keys_are_typed_errors() {
    let wrong_curve = |name: &str, curve: &str| {
        let err = P384SigningKey::from_pem(&fixture(name)).unwrap_err();
        assert!(
            matches!(&err, KeyError::WrongCurve { curve: c } if c.contains(curve)),
            "{name}: {err:?}"
        );
    };
    wrong_curve("p256.pem", "P-256");
    wrong_curve("p256_pkcs8.pem", "P-256");
    wrong_curve("k1.pem", "secp256k1");
    wrong_curve("p521.pem", "P-521");

    for (name, algorithm) in [
        ("rsa.pem", "RSA"),
        ("rsa_trad.pem", "RSA"),
        ("ed.pem", "Ed25519"),
    ] {
        let err = P384SigningKey::from_pem(&fixture(name)).unwrap_err();
        assert_eq!(
            err,
            KeyError::NotEcKey {
                algorithm: algorithm.into()
            },
            "{name}"
        );
    }
    assert_eq!(
        P384SigningKey::from_pem(&fixture("p384_encrypted.pem")).unwrap_err(),
        KeyError::Encrypted
    );
    assert_eq!(
        P384SigningKey::from_pem(&file().key.public_key_spki_pem).unwrap_err(),
        KeyError::WrongKind {
            expected: "private",
            found: "public"
        }
    );
    assert_eq!(
        P384SigningKey::from_pem("garbage").unwrap_err(),
        KeyError::NotPem
    );
    assert_eq!(P384SigningKey::from_pem("").unwrap_err(), KeyError::NotPem);
    assert!(matches!(
        P384SigningKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        Err(KeyError::UnsupportedPem { .. })
    ));
    assert!(matches!(
        P384SigningKey::from_pem(
            "-----BEGIN EC PRIVATE KEY-----\n!!!!\n-----END EC PRIVATE KEY-----\n"
        ),
        Err(KeyError::Invalid { .. })
    ));
    assert!(matches!(
        P384SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        Err(KeyError::Invalid { .. })
    ));
    assert!(matches!(
        P384SigningKey::from_slice(&[0u8; 48]),
        Err(KeyError::Invalid { .. })
    ));
    assert!(matches!(
        P384SigningKey::from_slice(&[0xffu8; 48]),
        Err(KeyError::Invalid { .. })
    ));
    assert!(matches!(
        P384SigningKey::from_slice(&[1u8; 32]),
        Err(KeyError::Invalid { .. })
    ));
}

#[test]
fn verifying_key_errors() {
    for (name, curve) in [("p256_pub.pem", "P-256"), ("k1_pub.pem", "secp256k1")] {
        let err = P384VerifyingKey::from_public_key_pem(&fixture(name)).unwrap_err();
        assert!(
            matches!(&err, KeyError::WrongCurve { curve: c } if c.contains(curve)),
            "{err:?}"
        );
    }
    assert_eq!(
        P384VerifyingKey::from_public_key_pem(&file().key.private_key_sec1_pem).unwrap_err(),
        KeyError::WrongKind {
            expected: "public",
            found: "private"
        }
    );
    assert!(P384VerifyingKey::from_sec1_bytes(&[4; 97]).is_err());
    assert!(P384VerifyingKey::from_public_key_der(b"\x30\x00").is_err());
}

#[test]
fn verifying_key_encodings_round_trip() {
    let f = file();
    let key: P384VerifyingKey = f.key.public_key_spki_pem.parse().unwrap();
    assert_eq!(
        P384VerifyingKey::from_public_key_der(&key.to_public_key_der()).unwrap(),
        key
    );
    assert_eq!(
        P384VerifyingKey::from_sec1_bytes(&key.to_sec1_bytes()).unwrap(),
        key
    );
    assert_eq!(key.to_public_key_pem(), f.key.public_key_spki_pem);
}

#[test]
fn generated_keys_round_trip_and_sign() {
    let key = P384SigningKey::generate().unwrap();
    let other = P384SigningKey::generate().unwrap();
    assert_ne!(key.verifying_key(), other.verifying_key());
    for pem in [key.to_pkcs8_pem().unwrap(), key.to_sec1_pem().unwrap()] {
        let back = P384SigningKey::from_pem(&pem).unwrap();
        assert_eq!(back.verifying_key(), key.verifying_key());
    }
    let public: P384VerifyingKey = key.public_key_pem().parse().unwrap();
    let sig = key.sign_randomized(b"hello").unwrap();
    public.verify(b"hello", &sig).unwrap();
    assert!(public.verify(b"hellp", &sig).is_err());
    assert!(public.verify(b"hello", &sig[..95]).is_err());
    // Randomized signatures differ; deterministic ones do not; both verify.
    assert_ne!(sig, key.sign_randomized(b"hello").unwrap());
    let det = key.sign_deterministic(b"hello").unwrap();
    assert_eq!(det, key.sign_deterministic(b"hello").unwrap());
    public.verify(b"hello", &det).unwrap();
}

#[test]
fn signing_key_is_not_clone() {
    // Compiles only if `P384SigningKey: !Clone` (the ambiguity trick of `static_assertions`).
    trait AmbiguousIfClone<A> {
        fn some_item() {}
    }
    impl<T: ?Sized> AmbiguousIfClone<()> for T {}
    #[allow(dead_code)]
    struct IsClone;
    impl<T: Clone> AmbiguousIfClone<IsClone> for T {}
    <P384SigningKey as AmbiguousIfClone<_>>::some_item();
}

#[test]
fn trait_objects_work() {
    use chainsig_httpsig::{RequestSigner, RequestSigningKey};
    use std::sync::Arc;
    fn assert_key<K: RequestSigningKey>(_: &K) {}
    let key: Arc<dyn RequestSigningKey> = Arc::new(P384SigningKey::generate().unwrap());
    assert_key(&key);
    let boxed: Box<dyn RequestSigningKey> = Box::new(P384SigningKey::generate().unwrap());
    assert_key(&boxed);
    let signer = RequestSigner::new(key, "k");
    let _ = format!("{signer:?}");
}
