//! Every Tron key format against TronWeb 6.5.1 (testdata/vectors/tron-key-vectors.json), every
//! bad key input, and proof that no key material leaks into text.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_core::testkit::find_secret;
use chainsig_core::{ChainId, ChallengeSigner};
use chainsig_tron::{DEFAULT_DERIVATION_PATH, KeyError, LocalTronSigner, TronNetwork};
use serde_json::Value;

const PASSWORD: &[u8] = b"correct horse battery staple";
// The EVM crate's keystores (made by eth-account) of the key 0x42…42: the format is the same.
const SCRYPT: &str = include_str!("../../../testdata/keystores/keystore-scrypt.json");
const PBKDF2: &str = include_str!("../../../testdata/keystores/keystore-pbkdf2.json");

fn key_vectors() -> Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/tron-key-vectors.json"
    )))
    .unwrap()
}

fn address_of_key_42() -> String {
    key_vectors()["keys"][0]["address_base58"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn hex_keys_with_or_without_prefix_and_whitespace() {
    let vectors = key_vectors();
    for key in vectors["keys"].as_array().unwrap() {
        let hex = key["private_key_hex"].as_str().unwrap();
        let expected = key["address_base58"].as_str().unwrap();
        for text in [hex.to_owned(), format!("0x{hex}"), format!("  {hex}\n")] {
            let signer = LocalTronSigner::from_hex(&text).unwrap();
            assert_eq!(signer.address().to_base58(), expected);
        }
        // The key file keygen writes is TronLink's bare hex.
        let signer = LocalTronSigner::from_hex(hex).unwrap();
        assert_eq!(signer.to_hex().as_str(), hex);
    }
}

#[test]
fn mnemonics_follow_tronlinks_path() {
    let vectors = key_vectors();
    let phrase = vectors["mnemonic"].as_str().unwrap();
    for account in vectors["mnemonic_accounts"].as_array().unwrap() {
        let index = account["index"].as_u64().unwrap() as u32;
        let signer = LocalTronSigner::from_mnemonic(phrase, None, index).unwrap();
        assert_eq!(
            signer.address().to_base58(),
            account["address_base58"].as_str().unwrap(),
            "index {index}"
        );
        assert_eq!(
            signer.to_hex().as_str(),
            account["private_key_hex"].as_str().unwrap()
        );
        let by_path =
            LocalTronSigner::from_mnemonic_path(phrase, None, account["path"].as_str().unwrap())
                .unwrap();
        assert_eq!(by_path.address(), signer.address());
    }
    assert_eq!(DEFAULT_DERIVATION_PATH, "m/44'/195'/0'/0/0");
    // A passphrase changes the seed.
    let with = LocalTronSigner::from_mnemonic(phrase, Some("chainsig"), 0).unwrap();
    let without = LocalTronSigner::from_mnemonic(phrase, None, 0).unwrap();
    assert_ne!(with.address(), without.address());
    assert!(matches!(
        LocalTronSigner::from_mnemonic("test test test", None, 0),
        Err(KeyError::Mnemonic(_))
    ));
}

#[test]
fn ethereum_keystores_load_for_tron() {
    for json in [SCRYPT, PBKDF2] {
        let signer = LocalTronSigner::from_keystore_json(json, PASSWORD).unwrap();
        assert_eq!(signer.address().to_base58(), address_of_key_42());
        let via_file = LocalTronSigner::from_key_file_contents(json, Some(PASSWORD)).unwrap();
        assert_eq!(via_file.account(), signer.account());
        assert_eq!(
            LocalTronSigner::from_key_file_contents(json, None).unwrap_err(),
            KeyError::PasswordRequired
        );
        assert_eq!(
            LocalTronSigner::from_keystore_json(json, b"wrong").unwrap_err(),
            KeyError::WrongPassword
        );
    }
}

#[test]
fn a_hostile_keystore_is_refused_as_too_costly_not_as_malformed() {
    // Parameters over what wallets write (1 GiB of scrypt): the shared loader refuses them
    // before deriving, and Tron keeps the typed reason instead of a keystore string.
    let mut file: Value = serde_json::from_str(SCRYPT).unwrap();
    file["crypto"]["kdfparams"]["n"] = Value::from(1u64 << 20);
    let err = LocalTronSigner::from_keystore_json(&file.to_string(), PASSWORD).unwrap_err();
    assert!(
        matches!(err, KeyError::KdfTooCostly { kdf: "scrypt", .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("expected n a power of two"),
        "{err}"
    );
}

#[test]
fn a_keystore_may_declare_the_tron_address_but_not_another() {
    let mut file: Value = serde_json::from_str(PBKDF2).unwrap();
    let tron = address_of_key_42();
    let hex = chainsig_tron::TronAddress::parse(&tron).unwrap().to_hex();
    for declared in [tron.as_str(), hex.as_str()] {
        file["address"] = Value::from(declared);
        let signer = LocalTronSigner::from_keystore_json(&file.to_string(), PASSWORD).unwrap();
        assert_eq!(signer.address().to_base58(), tron);
    }
    file["address"] = Value::from("TGkWdpawVNfeset3P6uTBbLaPY7nZVZvXY");
    assert!(matches!(
        LocalTronSigner::from_keystore_json(&file.to_string(), PASSWORD),
        Err(KeyError::Keystore(_))
    ));
}

#[test]
fn bad_and_foreign_keys_are_typed_errors() {
    let err = LocalTronSigner::from_hex("abc").unwrap_err();
    assert!(matches!(err, KeyError::InvalidHex { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("invalid Tron private key: expected 64 hex digits"),
        "{err}"
    );
    assert!(matches!(
        LocalTronSigner::from_hex(&"zz".repeat(32)),
        Err(KeyError::InvalidHex { .. })
    ));
    assert_eq!(
        LocalTronSigner::from_bytes(&[0u8; 32]).unwrap_err(),
        KeyError::OutOfRange
    );
    assert_eq!(
        LocalTronSigner::from_bytes(&[0xff; 32]).unwrap_err(),
        KeyError::OutOfRange
    );
    let solana_array = format!("[{}]", vec!["1"; 64].join(","));
    // Pretty-printed, the array has 64 words: still a keypair, not a mnemonic.
    let spaced_array = format!("[\n  {}\n]", vec!["1"; 64].join(",\n  "));
    for (text, looks_like) in [
        (solana_array.as_str(), "solana-keygen"),
        (spaced_array.as_str(), "solana-keygen"),
        (
            "test test test test test test test test test test test junk",
            "mnemonic",
        ),
    ] {
        let err = LocalTronSigner::from_key_file_contents(text, None).unwrap_err();
        assert!(matches!(err, KeyError::WrongChain { .. }), "{err:?}");
        assert!(err.to_string().contains(looks_like), "{err}");
        assert!(err.to_string().contains("expected a Tron key"), "{err}");
    }
}

#[test]
fn networks_are_chosen_and_others_refused() {
    let signer = LocalTronSigner::from_bytes(&[0x42; 32]).unwrap();
    let address = signer.address();
    let nile = signer.with_network(TronNetwork::Nile);
    assert_eq!(nile.account().chain().to_string(), "tron:6FhfKq");
    assert_eq!(nile.address(), address);
    let shasta = nile.with_chain("tron:4oPwXB".parse().unwrap()).unwrap();
    assert_eq!(shasta.account().chain().reference(), "4oPwXB");
    assert!(matches!(
        LocalTronSigner::random().with_chain(ChainId::eip155(1)),
        Err(KeyError::Caip(_))
    ));
    assert!(matches!(
        LocalTronSigner::random().with_chain("tron:2b6653dc".parse().unwrap()),
        Err(KeyError::Caip(_))
    ));
}

#[tokio::test]
async fn no_key_material_in_debug_display_or_errors() {
    let key = [0x42u8; 32];
    let signer = LocalTronSigner::from_bytes(&key).unwrap();
    let challenge = chainsig_core::Challenge::from_bytes(b"x".to_vec()).unwrap();
    let signature = signer.sign_challenge(&challenge).await.unwrap();
    for text in [
        format!("{signer:?}"),
        format!("{:?}", signer.account()),
        format!("{signature:?}"),
        format!(
            "{:?}",
            LocalTronSigner::from_keystore_json(PBKDF2, b"wrong")
        ),
        format!(
            "{}",
            LocalTronSigner::from_hex(&"4".repeat(63)).unwrap_err()
        ),
    ] {
        assert_eq!(find_secret(&text, &key), None, "{text}");
    }
    let err = LocalTronSigner::from_mnemonic(
        "secret words secret words secret words secret words secret words secret words",
        None,
        0,
    )
    .unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
}
