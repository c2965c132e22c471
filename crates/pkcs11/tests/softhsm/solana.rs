//! The ed25519 key as a Solana signer: byte for byte like ed25519-dalek with an imported key
//! (both ways of naming the curve), the conformance kit, the transaction-shape guard.

use std::sync::Arc;

use chainsig_core::testkit::{ConformanceOptions, run_conformance};
use chainsig_core::{Challenge, ChallengeSigner, SignerError};
use chainsig_pkcs11::Pkcs11Ed25519Key;
use chainsig_pkcs11::cryptoki::object::{Attribute, KeyType, ObjectClass};
use chainsig_solana::SolanaVerifier;
use ed25519_dalek::{Signer as _, SigningKey};
use libtest_mimic::Trial;

use crate::fixture::{PIN, open, raw_session, run, uri};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test(
            "solana::an_imported_key_signs_byte_for_byte_like_ed25519_dalek",
            || run(imported_key_matches_dalek()),
        ),
        Trial::test("solana::conformance_kit_passes_for_token_keys", || {
            run(conformance_kit())
        }),
        Trial::test("solana::transaction_shaped_challenges_are_refused", || {
            run(transaction_shape_refused())
        }),
    ]
}

/// DER `PrintableString "edwards25519"`, as SoftHSM 2.6 names the curve.
const EDWARDS25519_NAME: &[u8] = b"\x13\x0cedwards25519";
/// DER of the OID 1.3.101.112 (RFC 8410).
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];

/// Imports `seed` as an ed25519 key pair labelled `label` (C_CreateObject on a raw session),
/// the curve named by `params`.
fn import(label: &str, seed: &[u8; 32], params: &[u8]) {
    let session = raw_session("solana");
    let public = SigningKey::from_bytes(seed).verifying_key().to_bytes();
    let common = |class| {
        vec![
            Attribute::Class(class),
            Attribute::KeyType(KeyType::EC_EDWARDS),
            Attribute::Token(true),
            Attribute::EcParams(params.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(label.as_bytes().to_vec()),
        ]
    };
    let mut private = common(ObjectClass::PRIVATE_KEY);
    private.extend([
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
        Attribute::Value(seed.to_vec()),
    ]);
    let mut public_template = common(ObjectClass::PUBLIC_KEY);
    public_template.extend([
        Attribute::Verify(true),
        Attribute::EcPoint([&[0x04, 0x20][..], &public].concat()),
    ]);
    session.create_object(&private).unwrap();
    session.create_object(&public_template).unwrap();
}

async fn imported_key_matches_dalek() {
    let token = open("solana", 2).await;
    for (label, seed, params) in [
        ("imported-name", [0x11u8; 32], EDWARDS25519_NAME),
        ("imported-oid", [0x22u8; 32], ED25519_OID),
    ] {
        // SoftHSM 2.6 takes both ways of naming the curve; the signer must read both.
        import(label, &seed, params);
        let dalek = SigningKey::from_bytes(&seed);
        let key = Pkcs11Ed25519Key::open(&token, &uri("solana", label))
            .await
            .unwrap();
        let signer = key.solana_signer().unwrap();
        assert_eq!(
            signer.pubkey(),
            dalek.verifying_key().to_bytes(),
            "{label}: public key"
        );
        for message in [
            b"x".to_vec(),
            b"5df359f0-d299-40a1-8023-17c77a50144c".to_vec(),
            (0u8..=255).collect(),
            vec![b'a'; 65536],
        ] {
            let challenge = Challenge::from_bytes(message.clone()).unwrap();
            let ours = signer.sign_challenge(&challenge).await.unwrap();
            let theirs = dalek.sign(&message).to_bytes();
            assert_eq!(
                ours.as_bytes(),
                &theirs[..],
                "{label}: {} bytes",
                message.len()
            );
        }
    }
}

async fn conformance_kit() {
    let token = open("solana", 4).await;
    let generated = Pkcs11Ed25519Key::generate(&token, &uri("solana", "generated"))
        .await
        .unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(generated.solana_signer().unwrap());
    run_conformance(
        signer,
        &SolanaVerifier,
        &ConformanceOptions::default().secret(PIN),
    )
    .await
    .unwrap_or_else(|f| panic!("generated key: {f}"));

    let seed = [0x33u8; 32];
    import("conformance-imported", &seed, EDWARDS25519_NAME);
    let imported = Pkcs11Ed25519Key::open(&token, &uri("solana", "conformance-imported"))
        .await
        .unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(imported.solana_signer().unwrap());
    run_conformance(
        signer,
        &SolanaVerifier,
        &ConformanceOptions::default().secret(PIN).secret(seed),
    )
    .await
    .unwrap_or_else(|f| panic!("imported key: {f}"));
}

async fn transaction_shape_refused() {
    let token = open("solana", 1).await;
    let key = Pkcs11Ed25519Key::generate(&token, &uri("solana", "guarded"))
        .await
        .unwrap();
    let signer = key.solana_signer().unwrap();
    // A legacy message header: 1 required signature, 0 read-only signed, 1 read-only unsigned,
    // then 2 account keys, a blockhash and no instructions.
    let mut tx = vec![1u8, 0, 1, 2];
    tx.extend([7u8; 64]);
    tx.extend([9u8; 32]);
    tx.push(0);
    let challenge = Challenge::from_bytes(tx).unwrap();
    let err = signer.sign_challenge(&challenge).await.unwrap_err();
    assert!(matches!(err, SignerError::InvalidChallenge(_)), "{err}");
}
