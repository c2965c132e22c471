//! core's conformance kit against both signers of this crate.

use std::sync::Arc;
use std::time::Duration;

use chainsig_core::testkit::{ConformanceOptions, check_sync_matches_async, run_conformance};
use chainsig_core::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, ChallengeSignerSync,
    SignatureScheme, SignerError, async_trait,
};
use chainsig_solana::{Ed25519ChallengeSigner, Ed25519Signer, LocalSolanaSigner, SolanaVerifier};
use ed25519_dalek::{Signer as _, SigningKey};

const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

fn options(seed: &[u8; 32]) -> ConformanceOptions {
    let key = SigningKey::from_bytes(seed);
    ConformanceOptions::default()
        .secret(seed)
        .secret(key.to_keypair_bytes())
}

/// A stand-in for a remote backend: signs with a dalek key after a short sleep.
struct SlowBackend {
    key: SigningKey,
}

impl std::fmt::Debug for SlowBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlowBackend")
            .field("key_id", &"test-key-1")
            .finish()
    }
}

#[async_trait]
impl Ed25519Signer for SlowBackend {
    fn pubkey(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        tokio::time::sleep(Duration::from_millis(1)).await;
        Ok(self.key.sign(message).to_bytes())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_signer_conforms() {
    let signer: Arc<dyn ChallengeSigner> = Arc::new(LocalSolanaSigner::from_seed(&SEED));
    let report = run_conformance(signer, &SolanaVerifier, &options(&SEED))
        .await
        .unwrap();
    assert!(report.passed.contains(&"debug-no-secret"), "{report}");
}

/// The guard refuses the transaction-shaped case both ways, and the other three sign alike.
#[tokio::test]
async fn local_signer_signs_the_same_sync_and_async() {
    let signer = LocalSolanaSigner::from_seed(&SEED);
    assert_eq!(check_sync_matches_async(&signer).await.unwrap(), 4);
    let shaped = Challenge::from_bytes(vec![0xff, 0x00, 0x01]).unwrap();
    assert!(signer.sign_challenge_sync(&shaped).is_err());
}

/// Two keys behind one account: the sync path signs with one, the async path with the other,
/// or the sync path skips the guard.
#[derive(Debug)]
struct TwoPaths {
    sync: LocalSolanaSigner,
    asynchronous: LocalSolanaSigner,
    sync_skips_guard: bool,
    /// The sync path refuses transaction-shaped bytes for another reason than the guard's.
    sync_refuses_otherwise: bool,
}

impl ChallengeSignerSync for TwoPaths {
    fn sign_challenge_sync(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        if self.sync_refuses_otherwise && challenge.bytes().first() == Some(&0xff) {
            return Err(SignerError::Unavailable {
                reason: "approver offline".into(),
                retryable: true,
            });
        }
        if self.sync_skips_guard {
            let raw = SigningKey::from_bytes(&SEED).sign(challenge.bytes());
            return ChallengeSignature::new(SignatureScheme::Ed25519, raw.to_bytes())
                .map_err(SignerError::backend);
        }
        self.sync.sign_challenge_sync(challenge)
    }
}

#[async_trait]
impl ChallengeSigner for TwoPaths {
    fn account(&self) -> &AccountId {
        self.asynchronous.account()
    }
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Ed25519
    }
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        self.asynchronous.sign_challenge(challenge).await
    }
}

/// The kit's sync check bites: another key on one path, or a guard on one path only, fails it.
#[tokio::test]
async fn the_sync_check_catches_two_code_paths() {
    let other_key = TwoPaths {
        sync: LocalSolanaSigner::from_seed(&[1; 32]),
        asynchronous: LocalSolanaSigner::from_seed(&SEED),
        sync_skips_guard: false,
        sync_refuses_otherwise: false,
    };
    let failure = check_sync_matches_async(&other_key).await.unwrap_err();
    assert_eq!(failure.check, "sync-matches-async");
    assert!(
        failure.reason.contains("two different signatures"),
        "{failure}"
    );

    let no_guard = TwoPaths {
        sync: LocalSolanaSigner::from_seed(&SEED),
        asynchronous: LocalSolanaSigner::from_seed(&SEED),
        sync_skips_guard: true,
        sync_refuses_otherwise: false,
    };
    let failure = check_sync_matches_async(&no_guard).await.unwrap_err();
    assert!(
        failure.reason.contains("sync signed, async refused"),
        "{failure}"
    );

    let other_refusal = TwoPaths {
        sync: LocalSolanaSigner::from_seed(&SEED),
        asynchronous: LocalSolanaSigner::from_seed(&SEED),
        sync_skips_guard: false,
        sync_refuses_otherwise: true,
    };
    let failure = check_sync_matches_async(&other_refusal).await.unwrap_err();
    assert!(failure.reason.contains("sync refused"), "{failure}");
    assert!(failure.reason.contains("async refused"), "{failure}");

    // The same key and guard on both paths passes.
    let same = TwoPaths {
        sync: LocalSolanaSigner::from_seed(&SEED),
        asynchronous: LocalSolanaSigner::from_seed(&SEED),
        sync_skips_guard: false,
        sync_refuses_otherwise: false,
    };
    assert_eq!(check_sync_matches_async(&same).await.unwrap(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_over_a_remote_backend_conforms() {
    let backend = SlowBackend {
        key: SigningKey::from_bytes(&SEED),
    };
    let signer = Ed25519ChallengeSigner::new(backend).unwrap();
    let signer: Arc<dyn ChallengeSigner> = Arc::new(signer);
    let report = run_conformance(signer, &SolanaVerifier, &options(&SEED))
        .await
        .unwrap();
    assert_eq!(report.passed.len(), 8, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_over_a_shared_local_key_conforms() {
    let shared: Arc<dyn Ed25519Signer> = Arc::new(LocalSolanaSigner::from_seed(&SEED));
    let signer: Arc<dyn ChallengeSigner> = Arc::new(Ed25519ChallengeSigner::new(shared).unwrap());
    run_conformance(signer, &SolanaVerifier, &options(&SEED))
        .await
        .unwrap();
}

/// The kit's Debug check bites: a signer whose Debug shows its seed fails it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaky_debug_fails_the_kit() {
    #[derive(Debug)]
    struct Leaky {
        #[allow(dead_code)]
        seed: [u8; 32],
        key: SigningKey,
    }
    #[async_trait]
    impl Ed25519Signer for Leaky {
        fn pubkey(&self) -> [u8; 32] {
            self.key.verifying_key().to_bytes()
        }
        async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
            Ok(self.key.sign(message).to_bytes())
        }
    }
    let leaky = Leaky {
        seed: SEED,
        key: SigningKey::from_bytes(&SEED),
    };
    let signer: Arc<dyn ChallengeSigner> = Arc::new(Ed25519ChallengeSigner::new(leaky).unwrap());
    let failure = run_conformance(signer, &SolanaVerifier, &options(&SEED))
        .await
        .unwrap_err();
    assert_eq!(failure.check, "debug-no-secret");
}

/// How a [`Misbehaving`] signer goes wrong.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Signs the base64 text instead of the decoded bytes.
    SignsBase64,
    /// Signs the text with its trailing whitespace trimmed.
    Trims,
    /// Refuses challenges over 1 KiB.
    SmallOnly,
    /// Reports an EVM account for its ed25519 key.
    EvmAccount,
}

/// A signer written the way custody integrations go wrong; each must fail the kit.
struct Misbehaving {
    key: SigningKey,
    account: chainsig_core::AccountId,
    fault: Fault,
}

impl std::fmt::Debug for Misbehaving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Misbehaving")
            .field("fault", &self.fault)
            .finish()
    }
}

#[async_trait]
impl ChallengeSigner for Misbehaving {
    fn account(&self) -> &chainsig_core::AccountId {
        &self.account
    }

    fn scheme(&self) -> chainsig_core::SignatureScheme {
        chainsig_core::SignatureScheme::Ed25519
    }

    async fn sign_challenge(
        &self,
        challenge: &chainsig_core::Challenge,
    ) -> Result<chainsig_core::ChallengeSignature, SignerError> {
        let signed: Vec<u8> = match self.fault {
            Fault::SignsBase64 => challenge.as_base64().as_bytes().to_vec(),
            Fault::Trims => match std::str::from_utf8(challenge.bytes()) {
                Ok(text) => text.trim_end().as_bytes().to_vec(),
                Err(_) => challenge.bytes().to_vec(),
            },
            Fault::SmallOnly if challenge.len() > 1024 => {
                return Err(SignerError::InvalidChallenge("too long for us".into()));
            }
            Fault::SmallOnly | Fault::EvmAccount => challenge.bytes().to_vec(),
        };
        let signature = self.key.sign(&signed).to_bytes();
        Ok(chainsig_core::ChallengeSignature::new(
            chainsig_core::SignatureScheme::Ed25519,
            signature.to_vec(),
        )
        .expect("64 bytes"))
    }
}

/// Each check of the kit bites: a signer with the matching fault fails that check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_misbehaving_signer_fails_its_check() {
    let local = LocalSolanaSigner::from_seed(&SEED);
    let evm: chainsig_core::AccountId = "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
        .parse()
        .expect("EVM account");
    for (fault, check) in [
        (Fault::SignsBase64, "round-trip"),
        (Fault::Trims, "verbatim"),
        (Fault::SmallOnly, "64-kib"),
        (Fault::EvmAccount, "account-stable"),
    ] {
        let account = match fault {
            Fault::EvmAccount => evm.clone(),
            _ => local.account().clone(),
        };
        let signer: Arc<dyn ChallengeSigner> = Arc::new(Misbehaving {
            key: SigningKey::from_bytes(&SEED),
            account,
            fault,
        });
        let failure = run_conformance(signer, &SolanaVerifier, &options(&SEED))
            .await
            .expect_err("a misbehaving signer must fail");
        assert_eq!(failure.check, check, "{fault:?}: {failure:?}");
    }
}
