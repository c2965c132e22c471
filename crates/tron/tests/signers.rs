//! The conformance kit against every Tron signer: the local key, the digest-signer (KMS/HSM)
//! adapter over a simulated backend with low- and high-s answers, and the alloy adapter.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::sync::Arc;
use std::time::Duration;

use alloy_signer_local::PrivateKeySigner;
use chainsig_core::testkit::{ConformanceOptions, check_sync_matches_async, run_conformance};
use chainsig_core::{AccountId, Challenge, ChallengeSigner, SignerError, async_trait};
use chainsig_tron::{
    AlloyTronSigner, DigestSigner, LocalTronSigner, RawEcdsaSignature, TronKmsSigner, TronNetwork,
    TronVerifier,
};
use k256::ecdsa::SigningKey;

const KEY: [u8; 32] = [0x42; 32];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_signer_conforms() {
    let signer = Arc::new(LocalTronSigner::from_bytes(&KEY).unwrap());
    let report = run_conformance(
        signer,
        &TronVerifier,
        &ConformanceOptions::default().secret(KEY),
    )
    .await
    .unwrap();
    assert_eq!(report.passed.len(), 8, "{report}");
}

#[tokio::test]
async fn local_signer_signs_the_same_sync_and_async() {
    let signer = LocalTronSigner::from_bytes(&KEY).unwrap();
    assert_eq!(check_sync_matches_async(&signer).await.unwrap(), 4);
}

/// A simulated KMS/HSM: signs digests, answers in DER or scalars, sometimes with high s.
#[derive(Debug)]
struct SimulatedHsm {
    key: SigningKey,
    high_s: bool,
    der: bool,
}

#[async_trait]
impl DigestSigner for SimulatedHsm {
    async fn sign_digest(&self, digest: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError> {
        tokio::time::sleep(Duration::from_millis(1)).await;
        let (sig, _) = self
            .key
            .sign_prehash_recoverable(digest)
            .map_err(SignerError::backend)?;
        let (r, s) = sig.split_scalars();
        let s = if self.high_s { -*s } else { *s };
        let sig = k256::ecdsa::Signature::from_scalars(r.to_bytes(), s.to_bytes()).unwrap();
        Ok(if self.der {
            RawEcdsaSignature::Der(sig.to_der().as_bytes().to_vec())
        } else {
            let (r, s) = sig.split_bytes();
            RawEcdsaSignature::Scalars {
                r: r.into(),
                s: s.into(),
            }
        })
    }
}

fn hsm(key: [u8; 32], claimed: [u8; 32], high_s: bool, der: bool) -> TronKmsSigner<SimulatedHsm> {
    let account = LocalTronSigner::from_bytes(&claimed)
        .unwrap()
        .with_network(TronNetwork::Nile)
        .account()
        .clone();
    TronKmsSigner::new(
        SimulatedHsm {
            key: SigningKey::from_slice(&key).unwrap(),
            high_s,
            der,
        },
        account,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_signer_adapter_conforms_with_every_backend_shape() {
    for (high_s, der) in [(false, true), (true, true), (true, false)] {
        let signer = Arc::new(hsm(KEY, KEY, high_s, der));
        run_conformance(
            signer,
            &TronVerifier,
            &ConformanceOptions::default().secret(KEY),
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn every_backend_gives_the_local_signature() {
    let local = LocalTronSigner::from_bytes(&KEY).unwrap();
    let challenge = Challenge::from_bytes(b"same bytes, same signature".to_vec()).unwrap();
    let expected = local.sign_challenge(&challenge).await.unwrap();
    for (high_s, der) in [(false, true), (true, false)] {
        let signer = hsm(KEY, KEY, high_s, der);
        assert_eq!(signer.sign_challenge(&challenge).await.unwrap(), expected);
    }
    let alloy = AlloyTronSigner::new(
        PrivateKeySigner::from_slice(&KEY).unwrap(),
        TronNetwork::Mainnet,
    );
    assert_eq!(alloy.account(), local.account());
    assert_eq!(alloy.sign_challenge(&challenge).await.unwrap(), expected);
}

#[tokio::test]
async fn a_backend_with_another_key_is_a_typed_error_and_returns_nothing() {
    let signer = hsm([0x43; 32], KEY, false, true);
    assert!(format!("{signer:?}").contains(&signer.account().to_string()));
    assert!(format!("{signer:?}").contains("SimulatedHsm"));
    let err = signer
        .sign_challenge(&Challenge::from_bytes(b"x".to_vec()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, SignerError::InvalidSignature(_)), "{err:?}");
    let claimed = LocalTronSigner::from_bytes(&KEY)
        .unwrap()
        .address()
        .to_base58();
    assert!(err.to_string().contains(&claimed), "{err}");
}

#[test]
fn the_digest_adapter_refuses_accounts_that_are_not_tron() {
    let backend = || SimulatedHsm {
        key: SigningKey::from_slice(&KEY).unwrap(),
        high_s: false,
        der: true,
    };
    let evm: AccountId = "eip155:1:0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025"
        .parse()
        .unwrap();
    assert!(TronKmsSigner::new(backend(), evm).is_err());
    let unknown_network: AccountId = "tron:abcdef:TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4"
        .parse()
        .unwrap();
    assert!(TronKmsSigner::new(backend(), unknown_network).is_err());
    let bad_checksum: AccountId = "tron:27Lqcw:TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje5"
        .parse()
        .unwrap();
    assert!(TronKmsSigner::new(backend(), bad_checksum).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alloy_adapter_conforms() {
    let signer = Arc::new(AlloyTronSigner::new(
        PrivateKeySigner::from_slice(&KEY).unwrap(),
        TronNetwork::Shasta,
    ));
    assert_eq!(signer.account().chain().to_string(), "tron:4oPwXB");
    run_conformance(
        signer,
        &TronVerifier,
        &ConformanceOptions::default().secret(KEY),
    )
    .await
    .unwrap();
}

/// An alloy signer that lies: it signs with one key but reports another address.
#[derive(Debug)]
struct Lying {
    signing: PrivateKeySigner,
    claimed: alloy_primitives::Address,
}

#[async_trait]
impl alloy_signer::Signer for Lying {
    async fn sign_hash(
        &self,
        hash: &alloy_primitives::B256,
    ) -> alloy_signer::Result<alloy_primitives::Signature> {
        self.signing.sign_hash(hash).await
    }
    fn address(&self) -> alloy_primitives::Address {
        self.claimed
    }
    fn chain_id(&self) -> Option<u64> {
        None
    }
    fn set_chain_id(&mut self, _: Option<u64>) {}
}

#[tokio::test]
async fn alloy_adapter_refuses_a_signature_from_another_key() {
    let claimed = PrivateKeySigner::from_slice(&KEY).unwrap().address();
    let signer = AlloyTronSigner::new(
        Lying {
            signing: PrivateKeySigner::random(),
            claimed,
        },
        TronNetwork::Mainnet,
    );
    let err = signer
        .sign_challenge(&Challenge::from_bytes(b"x".to_vec()).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SignerError::AccountMismatch { .. }),
        "{err:?}"
    );
}

/// A backend that answers with bytes that are not a DER signature.
#[derive(Debug)]
struct Garbage;

#[async_trait]
impl DigestSigner for Garbage {
    async fn sign_digest(&self, _: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError> {
        Ok(RawEcdsaSignature::Der(vec![0x30, 0x01]))
    }
}

#[tokio::test]
async fn a_backend_answering_garbage_is_a_typed_error() {
    let account = LocalTronSigner::from_bytes(&KEY).unwrap().account().clone();
    let signer = TronKmsSigner::new(Garbage, account).unwrap();
    let err = signer
        .sign_challenge(&Challenge::from_bytes(b"x".to_vec()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, SignerError::InvalidSignature(_)), "{err:?}");
    assert!(err.to_string().contains("DER"), "{err}");
}
