//! The guard against real transactions serialized by the Solana SDK (solders, see
//! `testdata/solana/tx-shapes.json`), and against the challenges it must let through.

use chainsig_core::{Challenge, ChallengeSigner, SignerError};
use chainsig_solana::{
    LocalSolanaSigner, MessageVersion, TransactionShapeError, check_transaction_shape,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    vectors: std::collections::BTreeMap<String, String>,
}

fn vectors() -> Vec<(String, Vec<u8>)> {
    let file: File = serde_json::from_str(include_str!("../../../testdata/solana/tx-shapes.json"))
        .expect("valid JSON");
    file.vectors
        .into_iter()
        .map(|(name, hex)| (name, hex::decode(hex).expect("hex")))
        .collect()
}

#[test]
fn every_sdk_transaction_and_message_is_refused() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 8);
    for (name, bytes) in vectors {
        let expected = match (name.starts_with("v0"), name.ends_with("_tx")) {
            (false, false) => TransactionShapeError::LegacyMessage,
            (true, false) => TransactionShapeError::V0Message,
            (false, true) => TransactionShapeError::Transaction {
                signatures: 1,
                message: MessageVersion::Legacy,
            },
            (true, true) => TransactionShapeError::Transaction {
                signatures: 1,
                message: MessageVersion::V0,
            },
        };
        assert_eq!(check_transaction_shape(&bytes), Err(expected), "{name}");
        // One byte more or less and it is no longer a transaction.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(check_transaction_shape(&longer), Ok(()), "{name} + 1 byte");
        assert_eq!(
            check_transaction_shape(&bytes[..bytes.len() - 1]),
            Ok(()),
            "{name} - 1 byte"
        );
    }
}

#[tokio::test]
async fn signers_refuse_them_with_a_typed_error() {
    let signer = LocalSolanaSigner::from_seed(&[7; 32]);
    for (name, bytes) in vectors() {
        let challenge = Challenge::from_bytes(bytes).unwrap();
        match signer.sign_challenge(&challenge).await {
            Err(SignerError::InvalidChallenge(reason)) => {
                assert!(
                    reason.contains("allow_transaction_shaped"),
                    "{name}: {reason}"
                );
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn challenges_pass() {
    let siws = "app.example.com wants you to sign in with your Solana account:\n\
                3n2QxqnYLnzzekk49drawz4pY7HmW1DPLQNrqVBHJCzD\n\nSign in to the Example API.\n\n\
                URI: https://app.example.com/login\nVersion: 1\nChain ID: mainnet\n\
                Nonce: xVBrpyk4nKUe3oCP\nIssued At: 2025-05-06T05:33:37Z";
    let uuid = "5df359f0-d299-40a1-8023-17c77a50144c";
    let pem =
        "-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE\n-----END PUBLIC KEY-----\n";
    for text in [siws, uuid, pem] {
        assert_eq!(check_transaction_shape(text.as_bytes()), Ok(()));
    }
    // The conformance kit's large challenge (a..z repeated, 64 KiB) and its binary one.
    let large: Vec<u8> = (0..Challenge::MAX_BYTES)
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    assert_eq!(check_transaction_shape(&large), Ok(()));
    let binary: Vec<u8> = (0u8..=255).chain((0u8..=255).rev()).collect();
    assert_eq!(check_transaction_shape(&binary), Ok(()));
}
