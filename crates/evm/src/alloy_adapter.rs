//! Any `alloy_signer::Signer` (local key, AWS/GCP KMS, Ledger, Trezor) as a `ChallengeSigner`.

use std::fmt;

use alloy_signer::Signer;
use async_trait::async_trait;
use chainsig_core::{
    AccountId, CaipError, ChainId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};

/// Adapts an alloy [`Signer`] to [`ChallengeSigner`].
///
/// It calls [`Signer::sign_message`] (never `sign_hash`: hardware wallets refuse raw hashes),
/// normalizes the result to low s with v = 27/28, and recovers the address before returning, so
/// a backend that signed with another key or over other bytes never reaches OffBlocks.
///
/// ```
/// use alloy_signer_local::PrivateKeySigner;
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_evm::AlloyChallengeSigner;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let signer = AlloyChallengeSigner::new(PrivateKeySigner::random());
/// let challenge = Challenge::from_bytes(b"session key".to_vec())?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// chainsig_evm::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// ```
pub struct AlloyChallengeSigner<S> {
    inner: S,
    account: AccountId,
}

impl<S: Signer + Send + Sync> AlloyChallengeSigner<S> {
    /// Wraps `signer`; the account's chain is the signer's chain id, or `eip155:1` if it has none.
    pub fn new(signer: S) -> Self {
        let chain = ChainId::eip155(signer.chain_id().unwrap_or(1));
        let account = AccountId::from_evm_address(chain, signer.address().into_array())
            .unwrap_or_else(|_| unreachable!("eip155 chains take EVM addresses"));
        Self {
            inner: signer,
            account,
        }
    }

    /// Names the account on another EVM chain.
    pub fn with_chain(mut self, chain: ChainId) -> Result<Self, CaipError> {
        self.account = AccountId::from_evm_address(chain, self.inner.address().into_array())?;
        Ok(self)
    }

    /// The wrapped alloy signer.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

#[async_trait]
impl<S: Signer + Send + Sync> ChallengeSigner for AlloyChallengeSigner<S> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Eip191Secp256k1
    }

    #[tracing::instrument(name = "alloy_sign_challenge", skip_all, fields(account = %self.account, len = challenge.len()), err(Display))]
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let signature = self
            .inner
            .sign_message(challenge.bytes())
            .await
            .map_err(|e| SignerError::Backend(Box::new(e)))?;
        let signature = signature.normalized_s();
        let recovered = signature
            .recover_address_from_msg(challenge.bytes())
            .map_err(|_| {
                SignerError::InvalidSignature(
                    "no public key recovers from the backend's signature".into(),
                )
            })?;
        if recovered != self.inner.address() {
            return Err(SignerError::AccountMismatch {
                expected: self.account.to_string(),
                actual: chainsig_core::to_eip55(&recovered.into_array()),
            });
        }
        ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, signature.as_bytes())
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<S> fmt::Debug for AlloyChallengeSigner<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlloyChallengeSigner")
            .field("account", &self.account.to_string())
            .field("signer", &std::any::type_name::<S>())
            .finish()
    }
}
