//! Every failure a custody deployment meets, against the real token: a missing module, a wrong
//! PIN, a missing token or key, a key of the wrong type or curve, a key without its public half,
//! a token removed mid-run. Each is a typed error that names the URI and never the PIN.

use std::sync::Arc;
use std::time::Duration;

use chainsig_core::{ChainId, Challenge, ChallengeSigner, SignerError};
use chainsig_pkcs11::cryptoki::object::{Attribute, KeyType, ObjectClass};
use chainsig_pkcs11::{
    KeyUri, PinSource, Pkcs11Ed25519Key, Pkcs11Error, Pkcs11P384Key, Pkcs11Secp256k1Key,
    Pkcs11Token,
};
use libtest_mimic::Trial;

use crate::fixture::{PIN, module, open, raw_session, run, token_dir, uri};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("errors::a_missing_module", || run(missing_module())),
        Trial::test("errors::a_wrong_pin_never_shown", || run(wrong_pin())),
        Trial::test("errors::a_missing_token_names_those_present", || {
            run(missing_token())
        }),
        Trial::test("errors::missing_ambiguous_and_existing_keys", || {
            run(missing_and_ambiguous_keys())
        }),
        Trial::test("errors::a_key_of_the_wrong_type_or_curve", || {
            run(wrong_type_or_curve())
        }),
        Trial::test("errors::a_private_key_without_its_public_half", || {
            run(no_public_key())
        }),
        Trial::test("errors::the_pin_is_in_no_debug_and_no_message", || {
            run(pin_never_shown())
        }),
        Trial::test(
            "errors::a_token_removed_mid_run_fails_fast_and_signs_nothing",
            || run(token_removed()),
        ),
        Trial::test(
            "errors::the_pool_never_opens_more_sessions_than_its_size",
            || run(pool_bound()),
        ),
    ]
}

fn assert_no_pin(text: &str) {
    assert!(!text.contains(PIN), "the PIN leaked: {text}");
    assert!(
        !text.contains("wrong-pin-0000"),
        "the wrong PIN leaked: {text}"
    );
}

async fn missing_module() {
    let err = Pkcs11Token::builder()
        .module_path("/nonexistent/libvendor-pkcs11.so")
        .open(&uri("errors", "k"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::ModuleLoad { .. }), "{err:?}");
    assert!(
        err.to_string().contains("/nonexistent/libvendor-pkcs11.so"),
        "{err}"
    );

    // No module anywhere (the fixture does not set CHAINSIG_PKCS11_MODULE).
    assert!(std::env::var_os(chainsig_pkcs11::MODULE_ENV).is_none());
    let bare: KeyUri = "pkcs11:token=errors;object=k?pin-value=1".parse().unwrap();
    let err = Pkcs11Token::open(&bare).await.unwrap_err();
    assert!(matches!(err, Pkcs11Error::NoModule { .. }), "{err:?}");
    assert!(err.to_string().contains("pkcs11:token=errors"), "{err}");

    // A file that is not a PKCS#11 module.
    let err = Pkcs11Token::builder()
        .module_path("/etc/hostname")
        .open(&uri("errors", "k"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::ModuleLoad { .. }), "{err:?}");
}

async fn wrong_pin() {
    let err = Pkcs11Token::builder()
        .pin(PinSource::Value("wrong-pin-0000".to_owned().into()))
        .open(&uri("errors", "k"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::WrongPin { .. }), "{err:?}");
    let text = format!("{err} / {err:?}");
    assert!(text.contains("pkcs11:token=errors"), "{text}");
    assert_no_pin(&text);
    // The right PIN still works afterwards (SoftHSM does not lock after one try).
    open("errors", 1).await;

    // No PIN at all.
    let no_pin = KeyUri::new()
        .with_token("errors")
        .with_module_path(module());
    let err = Pkcs11Token::open(&no_pin).await.unwrap_err();
    assert!(
        matches!(err, Pkcs11Error::Pin(chainsig_pkcs11::PinError::Missing)),
        "{err:?}"
    );
}

async fn missing_token() {
    let err = Pkcs11Token::open(&uri("no-such-token", "k"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::TokenNotFound { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("token=no-such-token"), "{text}");
    assert!(
        text.contains("errors"),
        "the tokens present are listed: {text}"
    );
    // A slot id that names no slot, with a token label that exists: no match either.
    let wrong_slot: KeyUri = format!(
        "pkcs11:token=errors;slot-id=987654321?module-path={}",
        module().display()
    )
    .parse()
    .unwrap();
    let err = Pkcs11Token::builder()
        .pin(PinSource::Value(PIN.to_owned().into()))
        .open(&wrong_slot)
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::TokenNotFound { .. }), "{err:?}");
}

async fn missing_and_ambiguous_keys() {
    let token = open("errors", 2).await;
    let err = Pkcs11Secp256k1Key::open(&token, &uri("errors", "absent"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::ObjectNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("object=absent"), "{err}");

    // Two keys with one label (different ids): the URI is ambiguous until it gives the id.
    for id in [b"twin-1", b"twin-2"] {
        let generated =
            Pkcs11Secp256k1Key::generate(&token, &uri("errors", "twin").with_id(id.to_vec())).await;
        generated.unwrap();
    }
    let err = Pkcs11Secp256k1Key::open(&token, &uri("errors", "twin"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Pkcs11Error::ObjectAmbiguous { count: 2, .. }),
        "{err:?}"
    );
    let one = Pkcs11Secp256k1Key::open(&token, &uri("errors", "twin").with_id(b"twin-2".to_vec()))
        .await
        .unwrap();
    assert!(one.uri().contains("id=%74%77%69%6E%2D%32"), "{}", one.uri());

    // Generating over an existing label is refused.
    let err = Pkcs11Secp256k1Key::generate(&token, &uri("errors", "twin"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::ObjectExists { .. }), "{err:?}");
    // And a URI without a label cannot name a new key.
    let err = Pkcs11Secp256k1Key::generate(&token, &KeyUri::new().with_token("errors"))
        .await
        .unwrap_err();
    assert!(matches!(err, Pkcs11Error::NoObject { .. }), "{err:?}");
}

async fn wrong_type_or_curve() {
    let token = open("errors", 2).await;
    Pkcs11Ed25519Key::generate(&token, &uri("errors", "an-ed25519-key"))
        .await
        .unwrap();
    Pkcs11P384Key::generate(&token, &uri("errors", "a-p384-key"))
        .await
        .unwrap();
    Pkcs11Secp256k1Key::generate(&token, &uri("errors", "a-k1-key"))
        .await
        .unwrap();

    let err = Pkcs11Secp256k1Key::open(&token, &uri("errors", "an-ed25519-key"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Pkcs11Error::WrongKeyType { found, .. } if found == "CKK_EC_EDWARDS"),
        "{err:?}"
    );
    let err = Pkcs11Ed25519Key::open(&token, &uri("errors", "a-k1-key"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Pkcs11Error::WrongKeyType { found, .. } if found == "CKK_EC (Weierstrass curve)"),
        "{err:?}"
    );
    let err = Pkcs11Secp256k1Key::open(&token, &uri("errors", "a-p384-key"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Pkcs11Error::WrongCurve { found, expected: "secp256k1", .. } if found.contains("P-384")),
        "{err:?}"
    );
    let err = Pkcs11P384Key::open(&token, &uri("errors", "a-k1-key"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Pkcs11Error::WrongCurve { found, .. } if found == "secp256k1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("object=a-k1-key"), "{err}");
}

async fn no_public_key() {
    let token = open("errors", 1).await;
    // A secp256k1 private key imported alone (no public key object, no CKA_EC_POINT).
    let session = raw_session("errors");
    session
        .create_object(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::KeyType(KeyType::EC),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Sign(true),
            Attribute::EcParams(vec![0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]),
            Attribute::Value(vec![0x42; 32]),
            Attribute::Label(b"lonely".to_vec()),
            Attribute::Id(b"lonely".to_vec()),
        ])
        .unwrap();
    let err = Pkcs11Secp256k1Key::open(&token, &uri("errors", "lonely"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Pkcs11Error::PublicKeyNotFound { .. }),
        "{err:?}"
    );
}

async fn pin_never_shown() {
    let token = open("errors", 2).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("errors", "debug-check"))
        .await
        .unwrap();
    let signer = key.clone().evm_signer(ChainId::eip155(1)).unwrap();
    let with_pin_value: KeyUri = format!(
        "pkcs11:token=errors;object=debug-check?module-path={}&pin-value={PIN}",
        module().display()
    )
    .parse()
    .unwrap();
    assert!(
        token.uri().starts_with("pkcs11:token=errors"),
        "{}",
        token.uri()
    );
    assert!(format!("{token:?}").contains("token=errors"), "{token:?}");
    assert!(
        format!("{key:?}").contains(&chainsig_core::to_eip55(&key.address())),
        "{key:?}"
    );
    for text in [
        format!("{token:?}"),
        format!("{key:?}"),
        format!("{signer:?}"),
        format!("{with_pin_value} {with_pin_value:?}"),
        format!("{:?}", PinSource::Value(PIN.to_owned().into())),
        format!(
            "{:?}",
            Pkcs11Token::builder().pin(PinSource::Value(PIN.to_owned().into()))
        ),
    ] {
        assert_no_pin(&text);
    }
    // An error on a URI that carried the PIN.
    let err = Pkcs11Secp256k1Key::open(&token, &with_pin_value.clone().with_object("nope"))
        .await
        .unwrap_err();
    assert_no_pin(&format!("{err} {err:?}"));
    let signer_error: SignerError = err.into();
    assert_no_pin(&format!("{signer_error} {signer_error:?}"));
    // The URI with the PIN opens the token like any other.
    Pkcs11Token::open(&with_pin_value).await.unwrap();
}

async fn token_removed() {
    let token = open("removed", 2).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("removed", "doomed"))
        .await
        .unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(key.evm_signer(ChainId::eip155(1)).unwrap());
    let challenge = Challenge::from_bytes(b"before removal".to_vec()).unwrap();
    signer.sign_challenge(&challenge).await.unwrap();

    std::fs::remove_dir_all(token_dir("removed")).unwrap();

    let challenge = Challenge::from_bytes(b"after removal".to_vec()).unwrap();
    for attempt in 0..3 {
        let result =
            tokio::time::timeout(Duration::from_secs(10), signer.sign_challenge(&challenge))
                .await
                .unwrap_or_else(|_| panic!("attempt {attempt}: the signer hung"));
        let err = result.expect_err("nothing is signed by a removed token");
        let text = err.to_string();
        assert!(
            text.contains("object=doomed") || text.contains("token=removed"),
            "{text}"
        );
        // SoftHSM keeps the slot and its sessions when the token's directory goes: the key is
        // what disappears. A hardware token answers CKR_TOKEN_NOT_PRESENT / CKR_DEVICE_REMOVED
        // instead, which is Pkcs11Error::TokenRemoved (retryable; see the unit tests of
        // error.rs).
        assert!(
            text.contains("no private key matches") || text.contains("not present"),
            "{text}"
        );
        assert_no_pin(&text);
    }
    // A fresh lookup of the key fails the same way, and does not hang either.
    let reopened = tokio::time::timeout(
        Duration::from_secs(10),
        Pkcs11Secp256k1Key::open(&token, &uri("removed", "doomed")),
    )
    .await
    .expect("the lookup does not hang");
    assert!(
        matches!(
            reopened,
            Err(Pkcs11Error::ObjectNotFound { .. } | Pkcs11Error::TokenRemoved { .. })
        ),
        "{reopened:?}"
    );
}

async fn pool_bound() {
    let token = open("pool", 2).await;
    assert_eq!(token.pool_size(), 2);
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("pool", "busy"))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..64u8 {
        let key = key.clone();
        tasks.push(tokio::spawn(
            async move { key.sign_prehash(&[i; 32]).await },
        ));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    // Opened on demand under load, never past the pool's size, and kept.
    assert_eq!(token.open_sessions(), 2);
    // One session serves one call at a time: a pool of one serializes, and still serves all.
    let single = open("pool", 1).await;
    let key = Pkcs11Secp256k1Key::open(&single, &uri("pool", "busy"))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..16u8 {
        let key = key.clone();
        tasks.push(tokio::spawn(
            async move { key.sign_prehash(&[i; 32]).await },
        ));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(single.open_sessions(), 1);
}
