//! The adapter that turns any [`Ed25519Signer`] into a [`ChallengeSigner`].

use std::fmt;

use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError, async_trait,
};
use ed25519_dalek::{Signature, VerifyingKey};

use crate::guard::guard;
use crate::signer::solana_account;
use crate::{Ed25519Signer, KeyError};

/// A [`ChallengeSigner`] over any [`Ed25519Signer`] (a KMS, an HSM, an MPC or custody service).
///
/// For each challenge it
/// 1. refuses bytes [shaped like a transaction](crate::check_transaction_shape) (unless
///    [`allow_transaction_shaped(true)`](Self::allow_transaction_shaped)),
/// 2. calls [`Ed25519Signer::sign_bytes`] over the decoded challenge bytes, verbatim,
/// 3. verifies the signature with `verify_strict` against the public key read at construction,
///    and returns [`SignerError::InvalidSignature`] (or [`SignerError::AccountMismatch`] when the
///    backend's key changed) instead of a signature that does not verify: a bad signature
///    submitted to OffBlocks burns the challenge, so it never leaves the process.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_solana::{Ed25519ChallengeSigner, LocalSolanaSigner};
///
/// // Any Ed25519Signer; a local key stands in for a custody backend here.
/// let backend = LocalSolanaSigner::from_seed(&[1u8; 32]);
/// let signer = Ed25519ChallengeSigner::new(backend)?;
/// assert!(signer.account().to_string().starts_with("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:"));
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let challenge = Challenge::from_bytes(b"5df359f0-d299-40a1-8023-17c77a50144c".to_vec())?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// assert_eq!(signature.as_bytes().len(), 64);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Ed25519ChallengeSigner<S> {
    inner: S,
    verifying_key: VerifyingKey,
    account: AccountId,
    allow_transaction_shaped: bool,
}

impl<S: Ed25519Signer> Ed25519ChallengeSigner<S> {
    /// Wraps `signer`, reading and checking its public key once. The account is on Solana
    /// mainnet; see [`with_chain`](Self::with_chain).
    ///
    /// [`KeyError::InvalidPublicKey`] when the public key is not a valid ed25519 point, or is a
    /// small-order point (no signature by it can pass `verify_strict`).
    pub fn new(signer: S) -> Result<Self, KeyError> {
        let pubkey = signer.pubkey();
        let verifying_key =
            VerifyingKey::from_bytes(&pubkey).map_err(|_| KeyError::InvalidPublicKey {
                reason: "the 32 bytes are not the encoding of a point on edwards25519",
            })?;
        if verifying_key.is_weak() {
            return Err(KeyError::InvalidPublicKey {
                reason: "it is a small-order (weak) point, whose signatures do not verify strictly",
            });
        }
        let account = solana_account(ChainId::solana_mainnet(), pubkey)?;
        Ok(Self {
            inner: signer,
            verifying_key,
            account,
            allow_transaction_shaped: false,
        })
    }

    /// The same signer on another Solana cluster. [`KeyError::WrongChain`] unless `chain` is a
    /// `solana` chain.
    pub fn with_chain(mut self, chain: ChainId) -> Result<Self, KeyError> {
        self.account = solana_account(chain, self.verifying_key.to_bytes())?;
        Ok(self)
    }

    /// Whether to sign challenges that [look like a transaction](crate::check_transaction_shape)
    /// (default `false`: they are refused with [`SignerError::InvalidChallenge`]).
    ///
    /// # Security
    /// A signature over a transaction message authorizes that transaction. Only opt out when the
    /// challenge's origin is trusted and its bytes are known not to be a transaction.
    pub fn allow_transaction_shaped(mut self, allow: bool) -> Self {
        self.allow_transaction_shaped = allow;
        self
    }

    /// The 32-byte public key read at construction.
    pub fn pubkey(&self) -> [u8; 32] {
        self.verifying_key.to_bytes()
    }

    /// The wrapped signer.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Unwraps the signer.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for Ed25519ChallengeSigner<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519ChallengeSigner")
            .field("account", &format_args!("{}", self.account))
            .field("allow_transaction_shaped", &self.allow_transaction_shaped)
            .field("inner", &self.inner)
            .finish()
    }
}

#[async_trait]
impl<S: Ed25519Signer> ChallengeSigner for Ed25519ChallengeSigner<S> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Ed25519
    }

    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let message = challenge.bytes();
        guard(message, self.allow_transaction_shaped)?;
        let signature = self.inner.sign_bytes(message).await?;
        if self
            .verifying_key
            .verify_strict(message, &Signature::from_bytes(&signature))
            .is_err()
        {
            let current = self.inner.pubkey();
            if current != self.verifying_key.to_bytes() {
                return Err(SignerError::AccountMismatch {
                    expected: self.account.to_string(),
                    actual: solana_account(self.account.chain().clone(), current)
                        .map(|a| a.to_string())
                        .unwrap_or_else(|_| "another key".into()),
                });
            }
            return Err(SignerError::InvalidSignature(format!(
                "the ed25519 signature does not verify (strictly) for {} over the challenge; \
                 it was not returned",
                self.account
            )));
        }
        ChallengeSignature::new(SignatureScheme::Ed25519, signature).map_err(SignerError::backend)
    }

    async fn health_check(&self) -> Result<(), SignerError> {
        self.inner.health_check().await
    }
}
