//! The P-384 request-signing key files (httpsig): private keys as SEC1 or PKCS#8 PEM or DER,
//! public keys as SPKI PEM or DER and SEC1 points, on arbitrary input.
#![no_main]

use chainsig_httpsig::{P384SigningKey, P384VerifyingKey};
use libfuzzer_sys::fuzz_target;

fn check_signing_key(key: &P384SigningKey) {
    // What loads survives both of its own exports, and its public key all three.
    let pkcs8 = key.to_pkcs8_pem().expect("a loaded key exports as PKCS#8");
    let sec1 = key.to_sec1_pem().expect("a loaded key exports as SEC1");
    for pem in [pkcs8.as_str(), sec1.as_str()] {
        let again = P384SigningKey::from_pem(pem).expect("own export loads");
        assert_eq!(again.verifying_key(), key.verifying_key());
    }
    check_verifying_key(key.verifying_key());
    // And its signatures verify.
    let signature = key.sign_randomized(b"base").expect("signs");
    key.verifying_key()
        .verify(b"base", &signature)
        .expect("own signature verifies");
}

fn check_verifying_key(key: &P384VerifyingKey) {
    let from_pem =
        P384VerifyingKey::from_public_key_pem(&key.to_public_key_pem()).expect("own PEM loads");
    let from_der =
        P384VerifyingKey::from_public_key_der(&key.to_public_key_der()).expect("own DER loads");
    let from_sec1 = P384VerifyingKey::from_sec1_bytes(&key.to_sec1_bytes()).expect("own point loads");
    assert!(from_pem == *key && from_der == *key && from_sec1 == *key);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(key) = P384SigningKey::from_pem(text) {
            check_signing_key(&key);
        }
        if let Ok(key) = P384VerifyingKey::from_public_key_pem(text) {
            check_verifying_key(&key);
        }
    }
    for key in [
        P384SigningKey::from_sec1_der(data),
        P384SigningKey::from_pkcs8_der(data),
        P384SigningKey::from_slice(data),
    ]
    .iter()
    .flatten()
    {
        check_signing_key(key);
    }
    for key in [
        P384VerifyingKey::from_public_key_der(data),
        P384VerifyingKey::from_sec1_bytes(data),
    ]
    .iter()
    .flatten()
    {
        check_verifying_key(key);
    }
});
