//! Interop vectors made with PyNaCl (see `testdata/vectors/README.md`): every Solana entry must be
//! reproduced byte for byte from its seed and from its solana-keygen JSON, and verify.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{
    Challenge, ChallengeError, ChallengeSignature, ChallengeSigner, SignatureScheme,
};
use chainsig_solana::{
    Ed25519ChallengeSigner, Ed25519Signer, LocalSolanaSigner, check_transaction_shape, verify,
};
use serde::Deserialize;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/interop-vectors.json"
));

#[derive(Debug, Deserialize)]
struct Vectors {
    solana: Vec<Vector>,
}

#[derive(Debug, Deserialize)]
struct Vector {
    id: String,
    kind: String,
    secret_key_hex: String,
    keypair_json: Vec<u8>,
    public_key_base58: String,
    message_b64: String,
    signature_base58: String,
    signature_hex: String,
}

fn vectors() -> Vec<Vector> {
    let vectors: Vectors = serde_json::from_str(VECTORS).expect("vector file parses");
    assert!(vectors.solana.len() >= 18, "the vector file shrank");
    vectors.solana
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

fn signers(v: &Vector) -> [LocalSolanaSigner; 3] {
    let seed: [u8; 32] = hex::decode(&v.secret_key_hex)
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    let json = serde_json::to_string(&v.keypair_json).expect("serializable");
    let keypair: [u8; 64] = v.keypair_json.clone().try_into().expect("64 bytes");
    [
        LocalSolanaSigner::from_seed(&seed),
        LocalSolanaSigner::from_keypair_json(&json).expect("keypair JSON loads"),
        LocalSolanaSigner::from_base58_secret(&bs58::encode(keypair).into_string())
            .expect("base58 keypair loads"),
    ]
}

#[test]
fn every_vector_is_reproduced() {
    let mut signed = 0;
    for v in vectors() {
        let message = STANDARD.decode(&v.message_b64).unwrap();
        let expected_hex = hex::decode(&v.signature_hex).unwrap();
        let expected =
            ChallengeSignature::from_base58(SignatureScheme::Ed25519, &v.signature_base58).unwrap();
        assert_eq!(
            expected.as_bytes(),
            &expected_hex[..],
            "{}: hex and base58 disagree",
            v.id
        );

        for signer in signers(&v) {
            assert_eq!(signer.account().address(), v.public_key_base58, "{}", v.id);
            assert_eq!(
                bs58::encode(signer.pubkey()).into_string(),
                v.public_key_base58,
                "{}",
                v.id
            );
            // The raw primitive reproduces every vector, the empty message included.
            let raw = block_on(Ed25519Signer::sign_bytes(&signer, &message)).unwrap();
            assert_eq!(raw[..], expected_hex[..], "{}: sign_bytes", v.id);
            assert_eq!(
                verify(signer.account(), &message, &expected),
                Ok(()),
                "{}",
                v.id
            );

            if message.is_empty() {
                continue; // see empty_challenges_are_refused
            }
            // Through the challenge path: the challenge exactly as the API would send it.
            let challenge = Challenge::from_base64(v.message_b64.clone()).unwrap();
            assert_eq!(challenge.bytes(), &message[..]);
            let signature = block_on(signer.sign_challenge(&challenge)).unwrap();
            assert_eq!(signature, expected, "{}: sign_challenge", v.id);
            assert_eq!(signature.to_hex(), v.signature_hex);
            assert_eq!(signature.to_base58(), v.signature_base58);
            signed += 1;
        }

        if !message.is_empty() {
            // The custody adapter over the same key gives the same bytes.
            let [local, ..] = signers(&v);
            let adapter = Ed25519ChallengeSigner::new(local).unwrap();
            let challenge = Challenge::from_base64(v.message_b64.clone()).unwrap();
            assert_eq!(
                block_on(adapter.sign_challenge(&challenge)).unwrap(),
                expected
            );
        }
    }
    assert!(
        signed >= 3 * 14,
        "only {signed} challenge signatures checked"
    );
}

/// The `empty` kind (and the RFC 8032 test 1 KAT, also empty): the Challenge type refuses empty
/// input, so no challenge signer is ever asked to sign it.
#[test]
fn empty_challenges_are_refused() {
    let empty: Vec<_> = vectors()
        .into_iter()
        .filter(|v| v.message_b64.is_empty())
        .collect();
    assert!(empty.iter().any(|v| v.kind == "empty"));
    for v in empty {
        assert_eq!(
            Challenge::from_base64(v.message_b64.clone()),
            Err(ChallengeError::Empty)
        );
        assert_eq!(
            Challenge::from_bytes(Vec::new()),
            Err(ChallengeError::Empty)
        );
    }
}

/// No vector message is transaction-shaped: the `binary` ones start with `00 ff fe`. As a message,
/// a first byte of 0 means zero required signatures (a legacy message needs at least one); as a
/// transaction, a first byte of 0 is a signature count of 0 (a transaction needs at least one);
/// and the first byte is not 0xff. So the guard lets every one of them through, and they are
/// signed without the opt-out.
#[test]
fn no_vector_is_transaction_shaped() {
    for v in vectors() {
        let message = STANDARD.decode(&v.message_b64).unwrap();
        assert_eq!(
            check_transaction_shape(&message),
            Ok(()),
            "{} ({})",
            v.id,
            v.kind
        );
        if v.kind == "binary" {
            assert_eq!(&message[..3], &[0x00, 0xff, 0xfe]);
        }
    }
}
