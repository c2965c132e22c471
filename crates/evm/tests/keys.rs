//! Every key format, every bad key input, and proof that no key material leaks into text.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_core::testkit::find_secret;
use chainsig_core::{ChainId, ChallengeSigner};
use chainsig_evm::{KeyError, LocalEvmSigner};

const KEY_HEX: &str = "0x4242424242424242424242424242424242424242424242424242424242424242";
const KEY_ADDRESS: &str = "0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025";
const PASSWORD: &[u8] = b"correct horse battery staple";
const SCRYPT: &str = include_str!("../../../testdata/keystores/keystore-scrypt.json");
const PBKDF2: &str = include_str!("../../../testdata/keystores/keystore-pbkdf2.json");
const MNEMONIC: &str = "test test test test test test test test test test test junk";

#[test]
fn hex_keys_with_or_without_prefix_and_whitespace() {
    for text in [KEY_HEX, &KEY_HEX[2..], &format!("  {KEY_HEX}\n")] {
        assert_eq!(
            LocalEvmSigner::from_hex(text).unwrap().account().address(),
            KEY_ADDRESS
        );
    }
    let signer = LocalEvmSigner::from_bytes(&[0x42; 32]).unwrap();
    assert_eq!(signer.to_hex().as_str(), KEY_HEX);
    // The generic signer's key hash is the EVM address.
    assert_eq!(
        hex::encode(signer.key_hash()),
        KEY_ADDRESS[2..].to_lowercase()
    );
    assert_eq!(signer.key_hash(), signer.address());
}

#[test]
fn keystores_made_by_eth_account_decrypt() {
    for json in [SCRYPT, PBKDF2] {
        let signer = LocalEvmSigner::from_keystore_json(json, PASSWORD).unwrap();
        assert_eq!(signer.account().address(), KEY_ADDRESS);
        let via_file = LocalEvmSigner::from_key_file_contents(json, Some(PASSWORD)).unwrap();
        assert_eq!(via_file.account(), signer.account());
    }
}

#[test]
fn a_keystore_may_declare_its_address_but_not_another() {
    let mut file: serde_json::Value = serde_json::from_str(PBKDF2).unwrap();
    let bare = &KEY_ADDRESS[2..];
    // eth-account writes bare mixed-case hex; other tools lower case, with or without 0x.
    for declared in [
        bare.to_owned(),
        KEY_ADDRESS.to_owned(),
        bare.to_ascii_lowercase(),
        format!(" 0x{} ", bare.to_ascii_uppercase()),
    ] {
        file["address"] = declared.clone().into();
        let signer = LocalEvmSigner::from_keystore_json(&file.to_string(), PASSWORD)
            .unwrap_or_else(|e| panic!("{declared}: {e}"));
        assert_eq!(signer.account().address(), KEY_ADDRESS);
    }
    // Another key's address, a truncated one, and this key's Tron form (not an EVM address).
    for declared in [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        &KEY_ADDRESS[..40],
        "TC8tesV58nqq84cBLtVGT53e9QdT3KPd6v",
    ] {
        file["address"] = declared.into();
        let err = LocalEvmSigner::from_keystore_json(&file.to_string(), PASSWORD).unwrap_err();
        assert!(
            matches!(&err, KeyError::Keystore(m) if m.contains("does not match")),
            "{declared}: {err:?}"
        );
    }
}

#[test]
fn mnemonics_follow_bip39_and_bip44() {
    // Expected addresses computed with eth-account 0.13.7 (Account.from_mnemonic).
    let first = LocalEvmSigner::from_mnemonic(MNEMONIC, None, None).unwrap();
    assert_eq!(
        first.account().address(),
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    );
    let seventh = LocalEvmSigner::from_mnemonic(MNEMONIC, None, Some("m/44'/60'/0'/0/7")).unwrap();
    assert_eq!(
        seventh.account().address(),
        "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"
    );
    let with_passphrase = LocalEvmSigner::from_mnemonic(MNEMONIC, Some("chainsig"), None).unwrap();
    assert_eq!(
        with_passphrase.account().address(),
        "0x286902375726c54721E2bc8be4902c52591A7e78"
    );
}

#[test]
fn chains() {
    let signer = LocalEvmSigner::from_hex(KEY_HEX)
        .unwrap()
        .with_chain(ChainId::eip155(324))
        .unwrap();
    assert_eq!(
        signer.account().to_string(),
        format!("eip155:324:{KEY_ADDRESS}")
    );
    let err = LocalEvmSigner::from_hex(KEY_HEX)
        .unwrap()
        .with_chain(ChainId::solana_mainnet())
        .unwrap_err();
    assert!(matches!(err, KeyError::Caip(_)), "{err:?}");
}

fn tampered(json: &str, field: &str, value: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(json).unwrap();
    let crypto = doc["crypto"].as_object_mut().unwrap();
    match field {
        "iv" => crypto["cipherparams"]["iv"] = value,
        "n" | "dklen" => crypto["kdfparams"][field] = value,
        _ => {
            crypto.insert(field.into(), value);
        }
    }
    doc.to_string()
}

/// `tampered`, for any of the KDF parameters.
fn with_kdf(json: &str, kdf: &str, params: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(json).unwrap();
    let crypto = doc["crypto"].as_object_mut().unwrap();
    crypto.insert("kdf".into(), kdf.into());
    let salt = crypto["kdfparams"]["salt"].clone();
    let mut params = params;
    params["salt"] = salt;
    params["dklen"] = 32.into();
    crypto.insert("kdfparams".into(), params);
    doc.to_string()
}

#[test]
fn a_hostile_keystore_is_refused_before_any_key_derivation() {
    // What the red team sent (1 GiB, p = 16: about 45 s of scrypt before the MAC check), and
    // each parameter alone over what wallets write. Were any derived, the answer would be
    // WrongPassword (the MAC cannot match), after seconds to minutes.
    for params in [
        serde_json::json!({"n": 1u64 << 23, "r": 8, "p": 16}),
        serde_json::json!({"n": 1u64 << 20, "r": 8, "p": 1}),
        serde_json::json!({"n": 1u64 << 18, "r": 8, "p": 16}),
    ] {
        let hostile = with_kdf(SCRYPT, "scrypt", params.clone());
        let err = LocalEvmSigner::from_keystore_json(&hostile, PASSWORD).unwrap_err();
        assert!(
            matches!(err, KeyError::KdfTooCostly { kdf: "scrypt", .. }),
            "{params}: {err:?}"
        );
        assert!(
            err.to_string()
                .contains("expected n a power of two up to 262144"),
            "{err}"
        );
    }
    let hostile = with_kdf(
        PBKDF2,
        "pbkdf2",
        serde_json::json!({"c": 10_000_000u32, "prf": "hmac-sha256"}),
    );
    let err = LocalEvmSigner::from_keystore_json(&hostile, PASSWORD).unwrap_err();
    assert!(
        matches!(err, KeyError::KdfTooCostly { kdf: "pbkdf2", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("c=10000000"), "{err}");
}

#[test]
fn degenerate_scrypt_parameters_are_named() {
    for (params, says) in [
        (serde_json::json!({"n": 1, "r": 8, "p": 1}), "power of two"),
        (serde_json::json!({"n": 4096, "r": 8, "p": 0}), "at least 1"),
        (serde_json::json!({"n": 4096, "r": 0, "p": 1}), "at least 1"),
    ] {
        let file = with_kdf(SCRYPT, "scrypt", params.clone());
        let err = LocalEvmSigner::from_keystore_json(&file, PASSWORD).unwrap_err();
        assert!(
            matches!(&err, KeyError::Keystore(m) if m.contains(says)),
            "{params}: {err:?}"
        );
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    type Case = (String, Option<&'static [u8]>, fn(&KeyError) -> bool);
    let cases: Vec<Case> = vec![
        ("0x1234".into(), None, |e| {
            matches!(e, KeyError::InvalidHex { .. })
        }),
        (format!("{}zz", &KEY_HEX[..64]), None, |e| {
            matches!(e, KeyError::InvalidHex { .. })
        }),
        (format!("0x{}", "00".repeat(32)), None, |e| {
            matches!(e, KeyError::OutOfRange)
        }),
        (format!("0x{}", "ff".repeat(32)), None, |e| {
            matches!(e, KeyError::OutOfRange)
        }),
        (SCRYPT.into(), None, |e| {
            matches!(e, KeyError::PasswordRequired)
        }),
        (SCRYPT.into(), Some(b"wrong"), |e| {
            matches!(e, KeyError::WrongPassword)
        }),
        (tampered(SCRYPT, "iv", "00".into()), Some(PASSWORD), |e| {
            matches!(e, KeyError::Keystore(_))
        }),
        (tampered(SCRYPT, "dklen", 16.into()), Some(PASSWORD), |e| {
            matches!(e, KeyError::Keystore(_))
        }),
        (tampered(SCRYPT, "n", 4095.into()), Some(PASSWORD), |e| {
            matches!(e, KeyError::Keystore(_))
        }),
        (
            tampered(SCRYPT, "n", (1u64 << 40).into()),
            Some(PASSWORD),
            |e| matches!(e, KeyError::KdfTooCostly { .. }),
        ),
        (
            tampered(SCRYPT, "cipher", "aes-256-gcm".into()),
            Some(PASSWORD),
            |e| matches!(e, KeyError::Keystore(_)),
        ),
        (
            tampered(SCRYPT, "kdf", "argon2".into()),
            Some(PASSWORD),
            |e| matches!(e, KeyError::Keystore(_)),
        ),
        ("{\"crypto\": 1".into(), Some(PASSWORD), |e| {
            matches!(e, KeyError::Keystore(_))
        }),
        (format!("[{}]", vec!["7"; 64].join(",")), None, |e| {
            matches!(e, KeyError::WrongChain { .. })
        }),
        (bs58::encode([7u8; 64]).into_string(), None, |e| {
            matches!(e, KeyError::WrongChain { .. })
        }),
        (MNEMONIC.into(), None, |e| {
            matches!(e, KeyError::WrongChain { .. })
        }),
        (String::new(), None, |e| {
            matches!(e, KeyError::InvalidHex { .. })
        }),
        // Solana-secret length, but `0` is not a base58 digit: bad hex, not another chain's key.
        ("0".repeat(87), None, |e| {
            matches!(e, KeyError::InvalidHex { .. })
        }),
    ];
    for (input, password, check) in cases {
        let err = LocalEvmSigner::from_key_file_contents(&input, password).unwrap_err();
        assert!(check(&err), "unexpected {err:?}");
        assert!(!err.to_string().is_empty());
        // The messages that depend on the chain name it.
        let text = err.to_string();
        match err {
            KeyError::WrongChain { .. } => assert!(text.contains("expected an EVM key (0x-hex")),
            KeyError::InvalidHex { .. } => assert!(text.starts_with("invalid EVM private key")),
            _ => {}
        }
    }
    let err = LocalEvmSigner::from_mnemonic("test test test", None, None).unwrap_err();
    assert!(matches!(err, KeyError::Mnemonic(_)));
    let err = LocalEvmSigner::from_mnemonic(MNEMONIC, None, Some("m/44'/x")).unwrap_err();
    assert!(matches!(err, KeyError::Mnemonic(_)));
}

#[test]
fn no_key_material_in_debug_display_or_errors() {
    let secret = [0x42u8; 32];
    let signer = LocalEvmSigner::from_bytes(&secret).unwrap();
    assert_eq!(
        format!("{signer:?}"),
        format!("LocalEvmSigner {{ account: \"eip155:1:{KEY_ADDRESS}\" }}")
    );
    let mut texts = vec![
        format!("{signer:?}"),
        format!("{:?}", signer.account()),
        signer.account().to_string(),
    ];

    // Errors built from inputs that contain the key, or a near miss of it.
    let near_misses = [
        format!("{KEY_HEX}00"),
        format!("{}g", &KEY_HEX[..65]),
        tampered(SCRYPT, "iv", "00".into()),
        format!("eip155:1:{KEY_HEX}"),
    ];
    for input in &near_misses {
        if let Err(e) = LocalEvmSigner::from_key_file_contents(input, Some(b"wrong")) {
            texts.push(e.to_string());
            texts.push(format!("{e:?}"));
        }
        if let Err(e) = input.parse::<chainsig_core::AccountId>() {
            texts.push(e.to_string());
        }
    }
    let words_err = LocalEvmSigner::from_mnemonic(
        "legal winner thank year wave sausage worth useful legal winner thank yellow extra",
        None,
        None,
    )
    .unwrap_err();
    texts.push(words_err.to_string());
    assert!(!words_err.to_string().contains("sausage"));

    for text in &texts {
        assert_eq!(find_secret(text, &secret), None, "{text}");
        assert!(!text.contains(&"42".repeat(16)), "{text}");
    }
}
