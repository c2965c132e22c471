//! Key formats: every bad input gets its own error variant; mnemonics match other wallets.

use chainsig_core::ChallengeSigner;
use chainsig_solana::{KeyError, LocalSolanaSigner};
use proptest::prelude::*;

const ABANDON: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                       abandon abandon about";
const LEGAL: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

fn keypair_of(seed: [u8; 32]) -> [u8; 64] {
    ed25519_dalek::SigningKey::from_bytes(&seed).to_keypair_bytes()
}

fn json_of(bytes: &[u8]) -> String {
    serde_json::to_string(bytes).expect("serializable")
}

/// Addresses computed independently with Python bip_utils 2.12.3 (Bip39SeedGenerator +
/// Bip32Slip10Ed25519) and solders 0.29.0 (Keypair.from_seed_and_derivation_path), which agree.
/// HAgk14… is also the address Phantom shows for the "abandon … about" phrase.
#[test]
fn mnemonics_match_solana_wallets() {
    for (phrase, passphrase, path, address) in [
        (
            ABANDON,
            "",
            None,
            "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk",
        ),
        (
            ABANDON,
            "",
            Some("m/44'/501'/0'/0'"),
            "HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk",
        ),
        (
            ABANDON,
            "",
            Some("m/44'/501'/1'/0'"),
            "Hh8QwFUA6MtVu1qAoq12ucvFHNwCcVTV7hpWjeY1Hztb",
        ),
        (
            ABANDON,
            "",
            Some("m/44'/501'/0'"),
            "GjJyeC1r2RgkuoCWMyPYkCWSGSGLcz266EaAkLA27AhL",
        ),
        (
            ABANDON,
            "TREZOR",
            None,
            "7zSmbu6gKkb6HB7UDPtHYjwCWuBHU1D4TpNZFm4sndQe",
        ),
        (
            ABANDON,
            "TREZOR",
            Some("m/44h/501h/1h/0h"),
            "8CW93AFYFKj2rKZRq3YjLesb4XbgtAiq8k2FgfruVZL5",
        ),
        (
            LEGAL,
            "",
            None,
            "BLeUXTx9thHGT7VJUtF9vHEmfMDgW1nnKZ9UVer2CoLX",
        ),
        (
            LEGAL,
            "",
            Some("m/44'/501'/1'/0'"),
            "EdjcxP8MmXP4yRHguEVoH75kbXVfZNFXPgNfL9NqcXXK",
        ),
        // A non-ASCII passphrase given in NFC form ("café ñ"): BIP-39 uses its NFKD form.
        (
            ABANDON,
            "caf\u{e9} \u{f1}",
            None,
            "HZxua4cP9aega6aALuQ2H7R1XvaqFeeeGqYgaJqcJqvG",
        ),
        (
            ABANDON,
            "cafe\u{301} n\u{303}",
            None,
            "HZxua4cP9aega6aALuQ2H7R1XvaqFeeeGqYgaJqcJqvG",
        ),
    ] {
        let signer = LocalSolanaSigner::from_mnemonic(phrase, passphrase, path).unwrap();
        assert_eq!(
            signer.account().address(),
            address,
            "{path:?} {passphrase:?}"
        );
    }
}

#[test]
fn bad_mnemonics_and_paths() {
    let cases: [(&str, Option<&str>); 6] = [
        ("abandon abandon abandon", None),
        (&ABANDON.replace("about", "abou"), None),
        (&ABANDON.replace("about", "abandon"), None),
        ("", None),
        (ABANDON, Some("m/44'/501'/0'/0")),
        (ABANDON, Some("44'/501'")),
    ];
    for (i, (phrase, path)) in cases.into_iter().enumerate() {
        let err = LocalSolanaSigner::from_mnemonic(phrase, "", path).unwrap_err();
        match i {
            0..=3 => assert!(matches!(err, KeyError::BadMnemonic { .. }), "{i}: {err:?}"),
            _ => assert!(
                matches!(err, KeyError::BadDerivationPath { .. }),
                "{i}: {err:?}"
            ),
        }
    }
}

#[test]
fn every_bad_key_input_has_its_variant() {
    let good = keypair_of([4; 32]);
    let mut mismatched = good;
    mismatched[40] ^= 1;
    let mut out_of_range: Vec<u16> = good.iter().map(|&b| u16::from(b)).collect();
    out_of_range[7] = 300;

    type Check = fn(&KeyError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        ("".into(), |e| matches!(e, KeyError::Empty)),
        (" \n\t".into(), |e| matches!(e, KeyError::Empty)),
        ("[1,2,".into(), |e| matches!(e, KeyError::MalformedJson { .. })),
        ("[1,2]".into(), |e| matches!(e, KeyError::WrongLength { found: 2, expected: 64 })),
        (json_of(&good[..32]), |e| matches!(e, KeyError::WrongLength { found: 32, expected: 64 })),
        (
            serde_json::to_string(&out_of_range).unwrap(),
            |e| matches!(e, KeyError::ByteOutOfRange { index: 7 }),
        ),
        (json_of(&mismatched), |e| matches!(e, KeyError::PubkeyMismatch)),
        (bs58::encode(mismatched).into_string(), |e| matches!(e, KeyError::PubkeyMismatch)),
        (
            bs58::encode(&good[..32]).into_string(),
            |e| matches!(e, KeyError::WrongLength { found: 32, expected: 64 }),
        ),
        (
            format!("{}O", bs58::encode(good).into_string()),
            |e| matches!(e, KeyError::InvalidBase58 { .. }),
        ),
        (
            "0x4f9759151b8349f84e1cdbea801eaa5538d1037caf3450be938cd6ce6d483cdd".into(),
            |e| matches!(e, KeyError::LooksLikeOtherKey { looks_like } if looks_like.contains("EVM")),
        ),
        (
            r#"{"address":"0x1","crypto":{"cipher":"aes-128-ctr","kdf":"scrypt"},"id":"1","version":3}"#
                .into(),
            |e| matches!(e, KeyError::LooksLikeOtherKey { looks_like } if looks_like.contains("keystore")),
        ),
        (ABANDON.into(), |e| matches!(e, KeyError::LooksLikeOtherKey { .. })),
    ];
    for (input, check) in &cases {
        let err = LocalSolanaSigner::from_key_file_contents(input).unwrap_err();
        assert!(check(&err), "{input:?}: {err:?}");
        assert!(!err.to_string().is_empty());
    }

    // The dedicated constructors give the same answers for their own format.
    assert!(matches!(
        LocalSolanaSigner::from_keypair_json("not json"),
        Err(KeyError::MalformedJson { .. })
    ));
    assert!(matches!(
        LocalSolanaSigner::from_keypair_json(
            "0x4f9759151b8349f84e1cdbea801eaa5538d1037caf3450be938cd6ce6d483cdd"
        ),
        Err(KeyError::LooksLikeOtherKey { .. })
    ));
    assert!(matches!(
        LocalSolanaSigner::from_base58_secret(&json_of(&good)),
        Err(KeyError::InvalidBase58 { .. })
    ));
    assert_eq!(
        LocalSolanaSigner::from_keypair_bytes(&mismatched).unwrap_err(),
        KeyError::PubkeyMismatch
    );
    assert!(matches!(
        LocalSolanaSigner::from_seed(&[1; 32]).with_chain(chainsig_core::ChainId::eip155(1)),
        Err(KeyError::WrongChain { .. })
    ));
}

#[test]
fn the_evm_key_message_reads_well() {
    let err = LocalSolanaSigner::from_key_file_contents(
        "0x4f9759151b8349f84e1cdbea801eaa5538d1037caf3450be938cd6ce6d483cdd",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this looks like an EVM private key (0x + 64 hex digits); expected a solana-keygen JSON \
         array of 64 numbers (0..=255), or the base58 encoding of the 64-byte keypair (Phantom \
         export)"
    );
}

#[test]
fn random_keys_differ_and_load_back() {
    let a = LocalSolanaSigner::random();
    let b = LocalSolanaSigner::random();
    assert_ne!(a.pubkey(), b.pubkey());
    assert_eq!(
        a.account().chain(),
        &chainsig_core::ChainId::solana_mainnet()
    );
    let json = a.to_keypair_json();
    assert!(json.starts_with('[') && json.ends_with(']') && !json.contains(' '));
    assert_eq!(
        LocalSolanaSigner::from_key_file_contents(&json)
            .unwrap()
            .pubkey(),
        a.pubkey()
    );
}

proptest! {
    #[test]
    fn keypair_json_round_trip(seed in any::<[u8; 32]>()) {
        let signer = LocalSolanaSigner::from_seed(&seed);
        let json = signer.to_keypair_json();
        // Same text as solana-keygen (serde_json of the byte vector).
        prop_assert_eq!(&*json, &json_of(&keypair_of(seed)));
        let back = LocalSolanaSigner::from_keypair_json(&json).unwrap();
        prop_assert_eq!(back.pubkey(), signer.pubkey());
        let back = LocalSolanaSigner::from_key_file_contents(&format!("\n{}\n", &*json)).unwrap();
        prop_assert_eq!(back.pubkey(), signer.pubkey());
    }

    #[test]
    fn base58_round_trip(seed in any::<[u8; 32]>()) {
        let signer = LocalSolanaSigner::from_seed(&seed);
        let text = bs58::encode(keypair_of(seed)).into_string();
        prop_assert_eq!(LocalSolanaSigner::from_base58_secret(&text).unwrap().pubkey(), signer.pubkey());
        prop_assert_eq!(
            LocalSolanaSigner::from_key_file_contents(&format!(" {text} ")).unwrap().pubkey(),
            signer.pubkey()
        );
    }

    #[test]
    fn parsing_never_panics(text in "\\PC{0,300}") {
        let _ = LocalSolanaSigner::from_key_file_contents(&text);
        let _ = LocalSolanaSigner::from_keypair_json(&text);
        let _ = LocalSolanaSigner::from_base58_secret(&text);
        let _ = LocalSolanaSigner::from_mnemonic(&text, "", None);
        let _ = LocalSolanaSigner::from_mnemonic(ABANDON, "", Some(&text));
    }

    #[test]
    fn json_like_input_never_panics(items in proptest::collection::vec("-?[0-9]{0,4}(\\.[0-9])?", 0..80)) {
        let _ = LocalSolanaSigner::from_keypair_json(&format!("[{}]", items.join(",")));
    }
}
