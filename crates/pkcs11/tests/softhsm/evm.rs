//! The secp256k1 key as an EVM signer: the conformance kit, recovery to the address computed
//! independently (alloy) from the token's `CKA_EC_POINT`, and generation inside the token.

use std::sync::Arc;

use alloy_primitives::{Address, Signature};
use chainsig_core::testkit::{ConformanceOptions, run_conformance};
use chainsig_core::{ChainId, Challenge, ChallengeSigner};
use chainsig_evm::EvmVerifier;
use chainsig_pkcs11::Pkcs11Secp256k1Key;
use chainsig_pkcs11::cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass};
use libtest_mimic::Trial;

use crate::fixture::{PIN, open, raw_session, run, uri};

pub fn trials() -> Vec<Trial> {
    vec![
        Trial::test("evm::conformance_kit_passes_for_a_token_key", || {
            run(conformance_kit())
        }),
        Trial::test(
            "evm::signatures_recover_to_the_address_of_the_tokens_ec_point",
            || run(recovers_to_ec_point_address()),
        ),
        Trial::test(
            "evm::generated_keys_are_sensitive_and_not_extractable",
            || run(generated_key_attributes()),
        ),
        Trial::test(
            "evm::a_current_thread_runtime_without_timers_signs_too",
            without_timers,
        ),
        Trial::test("evm::the_public_key_is_found_by_id_else_by_label", || {
            run(public_key_by_id_or_label())
        }),
    ]
}

async fn conformance_kit() {
    let token = open("evm", 4).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("evm", "conformance"))
        .await
        .unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(key.evm_signer(ChainId::eip155(1)).unwrap());
    let report = run_conformance(
        signer,
        &EvmVerifier,
        &ConformanceOptions::default().secret(PIN),
    )
    .await
    .unwrap_or_else(|f| panic!("{f}"));
    assert!(report.passed.len() >= 5, "{report}");
}

/// The address from `CKA_EC_POINT`, read through a raw session and hashed by alloy.
fn independent_address(label: &[u8]) -> Address {
    let session = raw_session("evm");
    let public = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Label(label.to_vec()),
        ])
        .unwrap();
    assert_eq!(public.len(), 1);
    let attributes = session
        .get_attributes(public[0], &[AttributeType::EcPoint])
        .unwrap();
    let Some(Attribute::EcPoint(der)) = attributes.into_iter().next() else {
        panic!("no CKA_EC_POINT");
    };
    // SoftHSM returns the DER OCTET STRING: 04 41 ‖ 04 ‖ x ‖ y.
    assert_eq!(&der[..3], &[0x04, 0x41, 0x04]);
    Address::from_raw_public_key(&der[3..])
}

async fn recovers_to_ec_point_address() {
    let token = open("evm", 4).await;
    let key = Pkcs11Secp256k1Key::generate(&token, &uri("evm", "recover"))
        .await
        .unwrap();
    let expected = independent_address(b"recover");
    assert_eq!(key.address(), expected.0.0);
    assert_eq!(
        Address::from_raw_public_key(&key.public_key()[1..]),
        expected
    );
    let signer = key.evm_signer(ChainId::eip155(137)).unwrap();
    assert_eq!(
        signer.account().to_string(),
        format!("eip155:137:{}", expected.to_checksum(None))
    );
    for message in [
        b"x".to_vec(),
        b"Sign in to OffBlocks".to_vec(),
        (0u8..=255).collect::<Vec<u8>>(),
        vec![0xa5; 4096],
    ] {
        let challenge = Challenge::from_bytes(message.clone()).unwrap();
        let signature = signer.sign_challenge(&challenge).await.unwrap();
        let bytes = signature.as_bytes();
        assert_eq!(bytes.len(), 65);
        assert!(bytes[64] == 27 || bytes[64] == 28);
        let parsed = Signature::from_raw(bytes).unwrap();
        // EIP-2: s in the lower half of the order.
        assert!(parsed.normalize_s().is_none(), "high s");
        let recovered = parsed.recover_address_from_msg(&message).unwrap();
        assert_eq!(recovered, expected);
    }
}

async fn generated_key_attributes() {
    let token = open("evm", 4).await;
    Pkcs11Secp256k1Key::generate(&token, &uri("evm", "attributes"))
        .await
        .unwrap();
    let session = raw_session("evm");
    let private = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"attributes".to_vec()),
        ])
        .unwrap();
    assert_eq!(private.len(), 1);
    let attributes = session
        .get_attributes(
            private[0],
            &[
                AttributeType::Sensitive,
                AttributeType::Extractable,
                AttributeType::Token,
                AttributeType::Private,
                AttributeType::Sign,
            ],
        )
        .unwrap();
    for attribute in &attributes {
        match attribute {
            Attribute::Sensitive(v) => assert!(*v),
            Attribute::Extractable(v) => assert!(!*v),
            Attribute::Token(v) | Attribute::Private(v) | Attribute::Sign(v) => assert!(*v),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(attributes.len(), 5);
    // The private scalar cannot be read out.
    let value = session.get_attributes(private[0], &[AttributeType::Value]);
    assert!(
        !matches!(value.as_deref(), Ok([Attribute::Value(v)]) if !v.is_empty()),
        "CKA_VALUE was readable"
    );
}

/// What the CLI does: a bare current-thread runtime (no timer, no I/O driver).
fn without_timers() -> Result<(), libtest_mimic::Failed> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let token = open("evm", 1).await;
        let key = Pkcs11Secp256k1Key::generate(&token, &uri("evm", "no-timers"))
            .await
            .unwrap();
        let signer = key.evm_signer(ChainId::eip155(1)).unwrap();
        let challenge = Challenge::from_bytes(b"bare runtime".to_vec()).unwrap();
        signer.sign_challenge(&challenge).await.unwrap();
    });
    Ok(())
}

/// Imports a secp256k1 key pair: the private key labelled `private_label`, the public key
/// `public_label`, both with `id` (none when empty). Returns the address k256 derives.
fn import_k1(scalar: [u8; 32], private_label: &str, public_label: &str, id: &[u8]) -> Address {
    let session = raw_session("evm");
    let secret = k256::ecdsa::SigningKey::from_slice(&scalar).unwrap();
    let point = secret.verifying_key().to_encoded_point(false);
    let params = vec![0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a];
    let mut private = vec![
        Attribute::Class(ObjectClass::PRIVATE_KEY),
        Attribute::KeyType(KeyType::EC),
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Sign(true),
        Attribute::EcParams(params.clone()),
        Attribute::Value(scalar.to_vec()),
        Attribute::Label(private_label.as_bytes().to_vec()),
    ];
    let mut public = vec![
        Attribute::Class(ObjectClass::PUBLIC_KEY),
        Attribute::KeyType(KeyType::EC),
        Attribute::Token(true),
        Attribute::Verify(true),
        Attribute::EcParams(params),
        Attribute::EcPoint([&[0x04, 0x41][..], point.as_bytes()].concat()),
        Attribute::Label(public_label.as_bytes().to_vec()),
    ];
    if !id.is_empty() {
        private.push(Attribute::Id(id.to_vec()));
        public.push(Attribute::Id(id.to_vec()));
    }
    session.create_object(&private).unwrap();
    session.create_object(&public).unwrap();
    Address::from_raw_public_key(&point.as_bytes()[1..])
}

async fn public_key_by_id_or_label() {
    let token = open("evm", 2).await;
    // Decoys: other public keys on the token, which a lookup by type alone could take.
    import_k1([0x51; 32], "decoy-1", "decoy-1", b"decoy-1");
    import_k1([0x52; 32], "decoy-2", "decoy-2", b"");
    // Same id, different labels (as some tools write them): matched by id.
    let by_id = import_k1([0x53; 32], "by-id", "by-id-public", b"shared-id");
    let key = Pkcs11Secp256k1Key::open(&token, &uri("evm", "by-id"))
        .await
        .unwrap();
    assert_eq!(Address::from(key.address()), by_id);
    // No id at all: matched by label.
    let by_label = import_k1([0x54; 32], "by-label", "by-label", b"");
    let key = Pkcs11Secp256k1Key::open(&token, &uri("evm", "by-label"))
        .await
        .unwrap();
    assert_eq!(Address::from(key.address()), by_label);
}
