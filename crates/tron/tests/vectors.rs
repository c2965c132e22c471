//! The TronWeb 6.5.1 vectors (testdata/vectors/tron-vectors.json) must match byte for byte:
//! every address in both spellings, every signature, and verification of each.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme, VerifyError,
};
use chainsig_tron::{LocalTronSigner, TronAddress, recover, tip191_hash, verify};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/tron-vectors.json"
    ));
    let all: Value = serde_json::from_str(text).unwrap();
    assert_eq!(all["library"], "tronweb 6.5.1");
    all["vectors"].as_array().unwrap().clone()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.trim_start_matches("0x")).unwrap()
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap()
}

#[tokio::test]
async fn every_tronweb_vector_reproduces_byte_for_byte() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 24);
    for v in &vectors {
        let id = field(v, "id");
        let signer = LocalTronSigner::from_hex(field(v, "private_key_hex")).unwrap();
        assert_eq!(
            signer.address().to_base58(),
            field(v, "address_base58"),
            "{id}: base58 address"
        );
        assert_eq!(
            signer.address().to_hex(),
            field(v, "address_hex"),
            "{id}: hex address"
        );
        assert_eq!(
            signer.account().to_string(),
            format!("tron:27Lqcw:{}", field(v, "address_base58")),
            "{id}: CAIP-10"
        );

        let challenge = Challenge::from_base64(field(v, "message_b64")).unwrap();
        assert_eq!(
            challenge.len() as u64,
            v["message_len"].as_u64().unwrap(),
            "{id}: length"
        );
        let signature = signer.sign_challenge(&challenge).await.unwrap();
        let expected = unhex(field(v, "signature_hex"));
        assert_eq!(signature.as_bytes(), expected.as_slice(), "{id}: signature");
        assert_eq!(
            signer.sign_message_sync(challenge.bytes()).as_slice(),
            expected.as_slice(),
            "{id}: sign_message_sync"
        );
        assert_eq!(
            signature.to_hex(),
            field(v, "signature_hex"),
            "{id}: hex form"
        );
        assert_eq!(u64::from(expected[64]), v["v"].as_u64().unwrap(), "{id}: v");
        assert_eq!(
            signature.to_base64(),
            STANDARD.encode(&expected),
            "{id}: the base64 OffBlocks receives"
        );

        // The vector's own signature verifies, and recovers the vector's address.
        let theirs = ChallengeSignature::from_hex(
            SignatureScheme::Tip191Secp256k1,
            field(v, "signature_hex"),
        )
        .unwrap();
        verify(signer.account(), challenge.bytes(), &theirs).unwrap();
        assert_eq!(
            recover(challenge.bytes(), &expected).unwrap().to_base58(),
            field(v, "address_base58"),
            "{id}: recovery"
        );
        // The account also parses from the hex form TronWeb's address.toHex prints.
        assert_eq!(
            TronAddress::parse(field(v, "address_hex")).unwrap(),
            signer.address()
        );
    }
}

#[test]
fn every_vector_refuses_tampering() {
    for v in &vectors() {
        let id = field(v, "id");
        let account: AccountId = format!("tron:27Lqcw:{}", field(v, "address_base58"))
            .parse()
            .unwrap();
        let message = STANDARD.decode(field(v, "message_b64")).unwrap();
        let good = unhex(field(v, "signature_hex"));
        let sig = |bytes: Vec<u8>| {
            ChallengeSignature::new(SignatureScheme::Tip191Secp256k1, bytes).unwrap()
        };

        // Another message.
        let mut other = message.clone();
        other.push(b'!');
        assert!(
            matches!(
                verify(&account, &other, &sig(good.clone())),
                Err(VerifyError::Mismatch { .. })
            ),
            "{id}: other message"
        );
        // A flipped bit in r or s.
        for at in [0usize, 40] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            assert!(
                verify(&account, &message, &sig(bad)).is_err(),
                "{id}: flipped bit {at}"
            );
        }
        // v as 0/1 (the raw recovery id) instead of 27/28.
        let mut raw_v = good.clone();
        raw_v[64] -= 27;
        assert!(
            matches!(
                verify(&account, &message, &sig(raw_v)),
                Err(VerifyError::Malformed { .. })
            ),
            "{id}: v 0/1"
        );
        // The high-s twin of a valid signature (same point, malleated).
        let signature = k256::ecdsa::Signature::from_slice(&good[..64]).unwrap();
        let (r, s) = signature.split_scalars();
        let high = k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
        let mut high_s = high.to_bytes().to_vec();
        high_s.push(if good[64] == 27 { 28 } else { 27 });
        assert!(
            matches!(
                verify(&account, &message, &sig(high_s)),
                Err(VerifyError::Malformed { .. })
            ),
            "{id}: high s"
        );
    }
}

#[test]
fn an_ethereum_prefixed_signature_by_the_right_key_is_refused() {
    for v in vectors().iter().take(4) {
        let evm = chainsig_evm::LocalEvmSigner::from_hex(field(v, "private_key_hex")).unwrap();
        let tron = LocalTronSigner::from_hex(field(v, "private_key_hex")).unwrap();
        let message = STANDARD.decode(field(v, "message_b64")).unwrap();
        let eip191 = ChallengeSignature::new(
            SignatureScheme::Tip191Secp256k1,
            evm.sign_message_sync(&message),
        )
        .unwrap();
        assert!(matches!(
            verify(tron.account(), &message, &eip191),
            Err(VerifyError::Mismatch { .. })
        ));
        // And the other way round: a TIP-191 signature is not an EIP-191 one.
        let tip191 = ChallengeSignature::new(
            SignatureScheme::Eip191Secp256k1,
            tron.sign_message_sync(&message),
        )
        .unwrap();
        assert!(
            chainsig_evm::verify(
                chainsig_core::ChallengeSigner::account(&evm),
                &message,
                &tip191
            )
            .is_err()
        );
    }
}

#[test]
fn wrong_namespaces_and_schemes_are_typed_errors() {
    let v = &vectors()[0];
    let message = STANDARD.decode(field(v, "message_b64")).unwrap();
    let good = unhex(field(v, "signature_hex"));
    let evm_account: AccountId = "eip155:1:0x22d41d615bfc78101d4ac3527f9647de693294a9"
        .parse()
        .unwrap();
    let sig = ChallengeSignature::new(SignatureScheme::Tip191Secp256k1, good.clone()).unwrap();
    assert_eq!(
        verify(&evm_account, &message, &sig),
        Err(VerifyError::UnsupportedNamespace {
            namespace: "eip155".into()
        })
    );
    // The same wrong-namespace error from the EVM and Solana crates for a Tron account.
    let tron_account: AccountId = format!("tron:27Lqcw:{}", field(v, "address_base58"))
        .parse()
        .unwrap();
    let as_evm = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, good.clone()).unwrap();
    assert_eq!(
        chainsig_evm::verify(&tron_account, &message, &as_evm),
        Err(VerifyError::UnsupportedNamespace {
            namespace: "tron".into()
        })
    );
    assert!(matches!(
        verify(&tron_account, &message, &as_evm),
        Err(VerifyError::SchemeMismatch { .. })
    ));
    // A `tron` account whose address is not a Tron address (the CAIP grammar lets it through).
    let not_tron: AccountId = "tron:27Lqcw:abc".parse().unwrap();
    assert!(matches!(
        verify(&not_tron, &message, &sig),
        Err(VerifyError::Malformed { .. })
    ));
    assert_eq!(
        recover(&message, &good).unwrap(),
        TronAddress::from_hash(
            chainsig_evm::secp256k1::recover_prehash(&tip191_hash(&message), &good).unwrap()
        )
    );
}
