//! The conformance kit against every EVM signer: the local key, the alloy adapter over
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report
//! `PrivateKeySigner`, and the KMS helper over a simulated digest-only backend.

use std::sync::Arc;
use std::time::Duration;

use alloy_signer_local::PrivateKeySigner;
use chainsig_core::testkit::{ConformanceOptions, check_sync_matches_async, run_conformance};
use chainsig_core::{AccountId, ChainId, Challenge, ChallengeSigner, SignerError, async_trait};
use chainsig_evm::{
    AlloyChallengeSigner, DigestSigner, EvmVerifier, KmsSigner, LocalEvmSigner, RawEcdsaSignature,
};
use k256::ecdsa::SigningKey;

const KEY: [u8; 32] = [0x42; 32];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_signer_conforms() {
    let signer = Arc::new(LocalEvmSigner::from_bytes(&KEY).unwrap());
    let report = run_conformance(
        signer,
        &EvmVerifier,
        &ConformanceOptions::default().secret(KEY),
    )
    .await
    .unwrap();
    assert_eq!(report.passed.len(), 8, "{report}");
}

#[tokio::test]
async fn local_signer_signs_the_same_sync_and_async() {
    let signer = LocalEvmSigner::from_bytes(&KEY).unwrap();
    assert_eq!(check_sync_matches_async(&signer).await.unwrap(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alloy_adapter_conforms() {
    let alloy = PrivateKeySigner::from_slice(&KEY).unwrap();
    let signer = Arc::new(
        AlloyChallengeSigner::new(alloy)
            .with_chain(ChainId::eip155(324))
            .unwrap(),
    );
    assert_eq!(signer.account().chain().to_string(), "eip155:324");
    run_conformance(
        signer,
        &EvmVerifier,
        &ConformanceOptions::default().secret(KEY),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn alloy_adapter_matches_the_local_signer() {
    let local = LocalEvmSigner::from_bytes(&KEY).unwrap();
    let adapter = AlloyChallengeSigner::new(PrivateKeySigner::from_slice(&KEY).unwrap());
    let challenge = Challenge::from_bytes(b"same bytes, same signature".to_vec()).unwrap();
    assert_eq!(
        local.sign_challenge(&challenge).await.unwrap(),
        adapter.sign_challenge(&challenge).await.unwrap()
    );
    assert_eq!(local.account(), adapter.account());
}

/// A simulated KMS: signs digests, answers in DER, sometimes with high s, after some latency.
#[derive(Debug)]
struct SimulatedKms {
    key: SigningKey,
    high_s: bool,
}

#[async_trait]
impl DigestSigner for SimulatedKms {
    async fn sign_digest(&self, digest: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError> {
        tokio::time::sleep(Duration::from_millis(1)).await;
        let (sig, _) = self
            .key
            .sign_prehash_recoverable(digest)
            .map_err(SignerError::backend)?;
        // k256 signs low-s; a real KMS returns either half, so flip it when asked.
        let sig = if self.high_s {
            let (r, s) = sig.split_scalars();
            k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap()
        } else {
            sig
        };
        Ok(RawEcdsaSignature::Der(sig.to_der().as_bytes().to_vec()))
    }
}

fn kms(high_s: bool, key: [u8; 32], claimed: [u8; 32]) -> KmsSigner<SimulatedKms> {
    let account = LocalEvmSigner::from_bytes(&claimed)
        .unwrap()
        .account()
        .clone();
    KmsSigner::new(
        SimulatedKms {
            key: SigningKey::from_slice(&key).unwrap(),
            high_s,
        },
        account,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kms_helper_conforms_with_low_and_high_s_backends() {
    for high_s in [false, true] {
        let signer = Arc::new(kms(high_s, KEY, KEY));
        run_conformance(
            signer,
            &EvmVerifier,
            &ConformanceOptions::default().secret(KEY),
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn kms_with_the_wrong_key_is_a_typed_error_and_returns_nothing() {
    let signer = kms(false, [0x43; 32], KEY);
    let challenge = Challenge::from_bytes(b"x".to_vec()).unwrap();
    let err = signer.sign_challenge(&challenge).await.unwrap_err();
    assert!(matches!(err, SignerError::InvalidSignature(_)), "{err:?}");
    assert!(err.to_string().contains("neither recovery id"), "{err}");
    assert!(!err.is_retryable());
}

#[test]
fn kms_refuses_a_non_evm_account() {
    let account: AccountId =
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv"
            .parse()
            .unwrap();
    let backend = SimulatedKms {
        key: SigningKey::from_slice(&KEY).unwrap(),
        high_s: false,
    };
    assert!(KmsSigner::new(backend, account).is_err());
}

#[test]
fn malformed_kms_output_is_a_typed_error() {
    use chainsig_evm::{KmsSignatureError, to_recoverable_signature};
    let digest = [1u8; 32];
    let address = [2u8; 20];
    assert_eq!(
        to_recoverable_signature(&RawEcdsaSignature::Der(vec![0x30, 0x01]), &digest, &address),
        Err(KmsSignatureError::Der)
    );
    assert_eq!(
        to_recoverable_signature(
            &RawEcdsaSignature::Scalars {
                r: [0; 32],
                s: [1; 32]
            },
            &digest,
            &address
        ),
        Err(KmsSignatureError::Scalar)
    );
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
    let lying = Lying {
        signing: PrivateKeySigner::random(),
        claimed,
    };
    let signer = AlloyChallengeSigner::new(lying);
    let err = signer
        .sign_challenge(&Challenge::from_bytes(b"x".to_vec()).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, SignerError::AccountMismatch { .. }),
        "{err:?}"
    );
}
