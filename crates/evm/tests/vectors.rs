//! The interop vectors made with eth-account (testdata/vectors/README.md) must match byte for byte.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_core::{
    AccountId, Challenge, ChallengeError, ChallengeSignature, ChallengeSigner, SignatureScheme,
};
use chainsig_evm::{LocalEvmSigner, eip191_hash, recover, verify};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/interop-vectors.json"
    ));
    let all: Value = serde_json::from_str(text).unwrap();
    all["evm"].as_array().unwrap().clone()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

#[tokio::test]
async fn every_evm_vector_matches_byte_for_byte() {
    let vectors = vectors();
    assert!(vectors.len() >= 20);
    let mut signed = 0;
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let signer = LocalEvmSigner::from_hex(v["private_key_hex"].as_str().unwrap()).unwrap();
        assert_eq!(
            signer.account().address(),
            v["address"].as_str().unwrap(),
            "{id}: address"
        );

        let b64 = v["message_b64"].as_str().unwrap();
        if v["kind"] == "empty" {
            // The SDK refuses empty challenges; the vector still pins the hash of the empty message.
            assert_eq!(
                Challenge::from_base64(b64),
                Err(ChallengeError::Empty),
                "{id}"
            );
            assert_eq!(
                eip191_hash(b"").to_vec(),
                unhex(v["eip191_hash_hex"].as_str().unwrap())
            );
            let expected = unhex(v["signature_hex"].as_str().unwrap());
            assert_eq!(
                signer.sign_message_sync(b"").to_vec(),
                expected,
                "{id}: raw signature"
            );
            continue;
        }
        let challenge = Challenge::from_base64(b64).unwrap();
        assert_eq!(
            challenge.len() as u64,
            v["message_len"].as_u64().unwrap(),
            "{id}: length"
        );
        assert_eq!(
            eip191_hash(challenge.bytes()).to_vec(),
            unhex(v["eip191_hash_hex"].as_str().unwrap()),
            "{id}: EIP-191 hash"
        );

        let signature = signer.sign_challenge(&challenge).await.unwrap();
        assert_eq!(
            signature.to_hex(),
            v["signature_hex"].as_str().unwrap(),
            "{id}: signature"
        );
        assert_eq!(
            signature.as_bytes()[64] as u64,
            v["v"].as_u64().unwrap(),
            "{id}: v"
        );

        let account: AccountId = format!("eip155:1:{}", v["address_lower"].as_str().unwrap())
            .parse()
            .unwrap();
        verify(&account, challenge.bytes(), &signature).unwrap();
        assert_eq!(
            recover(challenge.bytes(), signature.as_bytes())
                .unwrap()
                .to_vec(),
            unhex(v["address_lower"].as_str().unwrap())
        );
        signed += 1;
    }
    assert_eq!(signed, vectors.len() - 2, "two vectors are empty messages");
}

#[tokio::test]
async fn hex_looking_text_is_signed_as_text() {
    let mut seen = 0;
    for v in vectors().iter().filter(|v| v["kind"] == "hex_looking_text") {
        let challenge = Challenge::from_base64(v["message_b64"].as_str().unwrap()).unwrap();
        let text = challenge.as_text().unwrap();
        let digits = text.trim_start_matches("0x");
        assert!(digits.bytes().all(|b| b.is_ascii_hexdigit()));
        // eth-account signed the text's bytes: so must we, not the bytes the hex would decode to.
        let signer = LocalEvmSigner::from_hex(v["private_key_hex"].as_str().unwrap()).unwrap();
        let signature = signer.sign_challenge(&challenge).await.unwrap();
        assert_eq!(signature.to_hex(), v["signature_hex"].as_str().unwrap());
        if let Ok(decoded) = hex::decode(digits) {
            assert_ne!(
                eip191_hash(&decoded).to_vec(),
                unhex(v["eip191_hash_hex"].as_str().unwrap()),
                "the vector must tell text from decoded hex"
            );
        }
        seen += 1;
    }
    assert!(seen > 0, "no hex-looking vector");
}

#[test]
fn verification_is_strict() {
    let v = &vectors()[2];
    let challenge = Challenge::from_base64(v["message_b64"].as_str().unwrap()).unwrap();
    let account: AccountId = format!("eip155:1:{}", v["address"].as_str().unwrap())
        .parse()
        .unwrap();
    let good = unhex(v["signature_hex"].as_str().unwrap());

    // v = 0/1 instead of 27/28.
    let mut raw_v = good.clone();
    raw_v[64] -= 27;
    let sig = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, raw_v).unwrap();
    assert!(matches!(
        verify(&account, challenge.bytes(), &sig),
        Err(chainsig_core::VerifyError::Malformed { .. })
    ));

    // High s (n - s) with the flipped parity recovers the same key but breaks EIP-2.
    let n =
        hex::decode("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").unwrap();
    let mut high = good.clone();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = n[i] as i16 - good[32 + i] as i16 - borrow;
        high[32 + i] = d.rem_euclid(256) as u8;
        borrow = (d < 0) as i16;
    }
    high[64] = if good[64] == 27 { 28 } else { 27 };
    let sig = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, high).unwrap();
    assert!(matches!(
        verify(&account, challenge.bytes(), &sig),
        Err(chainsig_core::VerifyError::Malformed { .. })
    ));

    // Another message, another account, another scheme.
    let sig = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, good.clone()).unwrap();
    assert!(matches!(
        verify(&account, b"other", &sig),
        Err(chainsig_core::VerifyError::Mismatch { .. })
    ));
    let other: AccountId = "eip155:1:0x0000000000000000000000000000000000000001"
        .parse()
        .unwrap();
    assert!(matches!(
        verify(&other, challenge.bytes(), &sig),
        Err(chainsig_core::VerifyError::Mismatch { .. })
    ));
    let solana: AccountId =
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv"
            .parse()
            .unwrap();
    // A wrong-namespace account: the same error every chain crate gives.
    assert_eq!(
        verify(&solana, challenge.bytes(), &sig),
        Err(chainsig_core::VerifyError::UnsupportedNamespace {
            namespace: "solana".into()
        })
    );
    let ed25519 = ChallengeSignature::new(SignatureScheme::Ed25519, vec![0u8; 64]).unwrap();
    assert!(matches!(
        verify(&other, challenge.bytes(), &ed25519),
        Err(chainsig_core::VerifyError::SchemeMismatch { .. })
    ));
}
