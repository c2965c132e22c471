//! The secp256k1 key as a Tron signer: the conformance kit, and TIP-191 signatures that alloy
//! recovers to the address of the token's `CKA_EC_POINT`, written as Tron writes it.

use std::sync::Arc;

use alloy_primitives::{Address, Signature, keccak256};
use chainsig_core::testkit::{ConformanceOptions, run_conformance};
use chainsig_core::{ChainId, Challenge, ChallengeSigner};
use chainsig_pkcs11::Pkcs11Secp256k1Key;
use chainsig_tron::{TronAddress, TronVerifier};
use libtest_mimic::Trial;

use crate::fixture::{PIN, open, run, uri};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("tron::conformance_kit_passes_for_a_token_key", || {
            run(conformance_kit())
        }),
        Trial::test("tron::tip191_signatures_recover_to_the_tokens_key", || {
            run(recovers_to_the_tokens_key())
        }),
    ]
}

fn mainnet() -> ChainId {
    "tron:27Lqcw".parse().unwrap()
}

async fn conformance_kit() {
    let token = open("tron", 4).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("tron", "conformance"))
        .await
        .unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(key.tron_signer(mainnet()).unwrap());
    let report = run_conformance(
        signer,
        &TronVerifier,
        &ConformanceOptions::default().secret(PIN),
    )
    .await
    .unwrap_or_else(|f| panic!("{f}"));
    assert!(report.passed.len() >= 5, "{report}");
}

async fn recovers_to_the_tokens_key() {
    let token = open("tron", 4).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("tron", "recover"))
        .await
        .unwrap();
    // The key hash from the token's public point, hashed by alloy.
    let expected = Address::from_raw_public_key(&key.public_key()[1..]);
    let signer = key.tron_signer(mainnet()).unwrap();
    assert_eq!(
        signer.account().address(),
        TronAddress::from_hash(expected.0.0).to_base58()
    );
    assert!(signer.account().address().starts_with('T'));
    // Another network is refused: only the three Tron networks exist.
    let key = Pkcs11Secp256k1Key::open(&token, &uri("tron", "recover"))
        .await
        .unwrap();
    assert!(key.tron_signer("tron:2b6653dc".parse().unwrap()).is_err());
    for message in [b"x".to_vec(), (0u8..=255).collect::<Vec<u8>>()] {
        let challenge = Challenge::from_bytes(message.clone()).unwrap();
        let signature = signer.sign_challenge(&challenge).await.unwrap();
        let bytes = signature.as_bytes();
        assert!(bytes[64] == 27 || bytes[64] == 28);
        // TIP-191, hashed here by hand: keccak256("\x19TRON Signed Message:\n" ‖ len ‖ bytes).
        let mut prefixed = format!("\x19TRON Signed Message:\n{}", message.len()).into_bytes();
        prefixed.extend(&message);
        let parsed = Signature::from_raw(bytes).unwrap();
        assert!(parsed.normalize_s().is_none(), "high s");
        let recovered = parsed
            .recover_address_from_prehash(&keccak256(&prefixed))
            .unwrap();
        assert_eq!(recovered, expected);
    }
}
