//! The custody adapter: bad signatures never leave it, transaction-shaped challenges are refused.

use std::sync::atomic::{AtomicUsize, Ordering};

use chainsig_core::ChallengeVerifier as _;
use chainsig_core::{Challenge, ChallengeSigner, SignerError, async_trait};
use chainsig_solana::{
    Ed25519ChallengeSigner, Ed25519Signer, KeyError, LocalSolanaSigner, SolanaVerifier, verify,
};
use ed25519_dalek::{Signer as _, SigningKey};

#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    OtherKey,
    FlippedBit,
    Zeros,
    SignsOtherMessage,
    Unavailable,
}

/// A backend with a configurable fault, counting its calls.
struct Backend {
    key: SigningKey,
    pubkey: [u8; 32],
    fault: Fault,
    calls: AtomicUsize,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("fault", &self.fault)
            .finish()
    }
}

impl Backend {
    fn new(fault: Fault) -> Self {
        let key = SigningKey::from_bytes(&[11; 32]);
        Self {
            pubkey: key.verifying_key().to_bytes(),
            key,
            fault,
            calls: AtomicUsize::new(0),
        }
    }
}

#[async_trait]
impl Ed25519Signer for Backend {
    fn pubkey(&self) -> [u8; 32] {
        self.pubkey
    }

    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok(match self.fault {
            Fault::None => self.key.sign(message).to_bytes(),
            Fault::OtherKey => SigningKey::from_bytes(&[12; 32]).sign(message).to_bytes(),
            Fault::FlippedBit => {
                let mut sig = self.key.sign(message).to_bytes();
                sig[10] ^= 0x01;
                sig
            }
            Fault::Zeros => [0; 64],
            Fault::SignsOtherMessage => self.key.sign(b"something else").to_bytes(),
            Fault::Unavailable => {
                return Err(SignerError::Unavailable {
                    reason: "timeout".into(),
                    retryable: true,
                });
            }
        })
    }
}

fn challenge() -> Challenge {
    Challenge::from_bytes(b"5df359f0-d299-40a1-8023-17c77a50144c".to_vec())
        .expect("valid challenge")
}

#[tokio::test]
async fn good_backend_signs() {
    let signer = Ed25519ChallengeSigner::new(Backend::new(Fault::None)).unwrap();
    let sig = signer.sign_challenge(&challenge()).await.unwrap();
    assert_eq!(verify(signer.account(), challenge().bytes(), &sig), Ok(()));
    assert_eq!(
        SolanaVerifier.verify(signer.account(), challenge().bytes(), &sig),
        Ok(())
    );
    signer.health_check().await.unwrap();
}

#[tokio::test]
async fn wrong_signatures_are_never_returned() {
    for fault in [
        Fault::OtherKey,
        Fault::FlippedBit,
        Fault::Zeros,
        Fault::SignsOtherMessage,
    ] {
        let signer = Ed25519ChallengeSigner::new(Backend::new(fault)).unwrap();
        match signer.sign_challenge(&challenge()).await {
            Err(SignerError::InvalidSignature(reason)) => {
                assert!(reason.contains(&signer.account().to_string()), "{reason}");
            }
            other => panic!("{fault:?}: expected InvalidSignature, got {other:?}"),
        }
        assert_eq!(signer.inner().calls.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn backend_errors_pass_through() {
    let signer = Ed25519ChallengeSigner::new(Backend::new(Fault::Unavailable)).unwrap();
    let err = signer.sign_challenge(&challenge()).await.unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
}

/// A backend whose key changed since the adapter was built: the account no longer matches.
#[tokio::test]
async fn a_rotated_key_is_an_account_mismatch() {
    #[derive(Debug)]
    struct Rotating {
        calls: AtomicUsize,
    }
    #[async_trait]
    impl Ed25519Signer for Rotating {
        fn pubkey(&self) -> [u8; 32] {
            let seed = if self.calls.load(Ordering::SeqCst) == 0 {
                1
            } else {
                2
            };
            SigningKey::from_bytes(&[seed; 32])
                .verifying_key()
                .to_bytes()
        }
        async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(SigningKey::from_bytes(&[2; 32]).sign(message).to_bytes())
        }
    }
    let signer = Ed25519ChallengeSigner::new(Rotating {
        calls: AtomicUsize::new(0),
    })
    .unwrap();
    assert!(matches!(
        signer.sign_challenge(&challenge()).await,
        Err(SignerError::AccountMismatch { .. })
    ));
}

#[test]
fn invalid_public_keys_are_refused_at_construction() {
    #[derive(Debug)]
    struct Fixed([u8; 32]);
    #[async_trait]
    impl Ed25519Signer for Fixed {
        fn pubkey(&self) -> [u8; 32] {
            self.0
        }
        async fn sign_bytes(&self, _: &[u8]) -> Result<[u8; 64], SignerError> {
            Ok([0; 64])
        }
    }
    let mut identity = [0u8; 32];
    identity[0] = 1; // the identity point: small order
    let mut off_curve = [0u8; 32];
    off_curve[0] = 2; // y = 2 is not on the curve
    for pubkey in [identity, off_curve] {
        assert!(matches!(
            Ed25519ChallengeSigner::new(Fixed(pubkey)),
            Err(KeyError::InvalidPublicKey { .. })
        ));
    }
}

/// A legacy transfer message, as a wallet would be asked to sign it.
fn transaction_message() -> Vec<u8> {
    let mut m = vec![1, 0, 1, 3];
    m.extend([1u8; 32]);
    m.extend([2u8; 32]);
    m.extend([0u8; 32]); // the system program
    m.extend([9u8; 32]); // blockhash
    m.extend([1, 2, 2, 0, 1, 12, 2, 0, 0, 0]);
    m.extend(1_000_000u64.to_le_bytes());
    m
}

#[tokio::test]
async fn transaction_shaped_challenges_are_refused_unless_allowed() {
    let message = transaction_message();
    let challenge = Challenge::from_bytes(message.clone()).unwrap();

    let backend = Backend::new(Fault::None);
    let adapter = Ed25519ChallengeSigner::new(backend).unwrap();
    match adapter.sign_challenge(&challenge).await {
        Err(SignerError::InvalidChallenge(reason)) => {
            assert!(
                reason.contains("legacy Solana transaction message"),
                "{reason}"
            );
            assert!(
                reason.contains("allow_transaction_shaped(true)"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The backend was never called.
    assert_eq!(adapter.inner().calls.load(Ordering::SeqCst), 0);
    let adapter = adapter.allow_transaction_shaped(true);
    let sig = adapter.sign_challenge(&challenge).await.unwrap();
    assert_eq!(verify(adapter.account(), &message, &sig), Ok(()));

    let local = LocalSolanaSigner::from_seed(&[3; 32]);
    assert!(matches!(
        local.sign_challenge(&challenge).await,
        Err(SignerError::InvalidChallenge(_))
    ));
    let offchain = Challenge::from_bytes(b"\xffsolana offchain\x00".to_vec()).unwrap();
    match local.sign_challenge(&offchain).await {
        Err(SignerError::InvalidChallenge(reason)) => assert!(reason.contains("0xff"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let local = local.allow_transaction_shaped(true);
    for opted_in in [&challenge, &offchain] {
        let sig = local.sign_challenge(opted_in).await.unwrap();
        assert_eq!(verify(local.account(), opted_in.bytes(), &sig), Ok(()));
    }
}

#[tokio::test]
async fn with_chain_changes_the_account_only() {
    let devnet = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".parse().unwrap();
    let signer = Ed25519ChallengeSigner::new(Backend::new(Fault::None))
        .unwrap()
        .with_chain(devnet)
        .unwrap();
    assert_eq!(
        signer.account().chain().reference(),
        "EtWTRABZaYq6iMfeYKouRu166VU2xqa1"
    );
    let sig = signer.sign_challenge(&challenge()).await.unwrap();
    assert_eq!(verify(signer.account(), challenge().bytes(), &sig), Ok(()));
    assert!(matches!(
        Ed25519ChallengeSigner::new(Backend::new(Fault::None))
            .unwrap()
            .with_chain(chainsig_core::ChainId::eip155(1)),
        Err(KeyError::WrongChain { .. })
    ));
}
