//! Digest-only backends (cloud KMS, HSMs) signing for Tron accounts, through the same
//! [`DigestSigner`] trait as EVM: one backend key serves both chains.

use std::fmt;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, CaipError, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};
use chainsig_evm::{DigestSigner, KmsSignatureError, to_recoverable_signature};

use crate::address::TronAddress;
use crate::network::TronNetwork;
use crate::tip191::tip191_hash;

/// A [`ChallengeSigner`] over a [`DigestSigner`] whose Tron address is known.
///
/// The backend signs the TIP-191 digest and returns plain ECDSA `(r, s)` (DER or scalars); s is
/// normalized to the lower half of the order and v (27/28) found by trial recovery against the
/// address, so a signature by another key or over another digest never leaves the process.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner, SignerError};
/// use chainsig_tron::{DigestSigner, RawEcdsaSignature, TronKmsSigner};
/// use k256::ecdsa::SigningKey;
///
/// #[derive(Debug)]
/// struct InMemoryHsm(SigningKey);
///
/// #[chainsig_core::async_trait]
/// impl DigestSigner for InMemoryHsm {
///     async fn sign_digest(&self, digest: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError> {
///         let (sig, _) = self.0.sign_prehash_recoverable(digest).map_err(SignerError::backend)?;
///         Ok(RawEcdsaSignature::Der(sig.to_der().as_bytes().to_vec()))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let key = SigningKey::from_slice(&[7u8; 32])?;
/// let account = chainsig_tron::LocalTronSigner::from_bytes(&[7u8; 32])?.account().clone();
/// let signer = TronKmsSigner::new(InMemoryHsm(key), account)?;
/// let challenge = Challenge::from_bytes(b"session key".to_vec())?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// chainsig_tron::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// ```
pub struct TronKmsSigner<B> {
    backend: B,
    account: AccountId,
    address: TronAddress,
}

impl<B: DigestSigner> TronKmsSigner<B> {
    /// Wraps `backend`, whose key has the address of `account` (a `tron` account on a known
    /// network).
    pub fn new(backend: B, account: AccountId) -> Result<Self, CaipError> {
        TronNetwork::from_chain(account.chain())?;
        let address = TronAddress::parse(account.address())?;
        Ok(Self {
            backend,
            account,
            address,
        })
    }

    /// The wrapped backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

#[async_trait]
impl<B: DigestSigner> ChallengeSigner for TronKmsSigner<B> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Tip191Secp256k1
    }

    #[tracing::instrument(name = "tron_kms_sign_challenge", skip_all, fields(account = %self.account, len = challenge.len()), err(Display))]
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let digest = tip191_hash(challenge.bytes());
        let raw = self.backend.sign_digest(&digest).await?;
        let bytes =
            to_recoverable_signature(&raw, &digest, self.address.hash()).map_err(|e| match e {
                KmsSignatureError::NoRecoveryId { .. } => SignerError::InvalidSignature(format!(
                    "neither recovery id recovers {}: the backend signed with another key or another digest",
                    self.address
                )),
                other => SignerError::InvalidSignature(other.to_string()),
            })?;
        ChallengeSignature::new(SignatureScheme::Tip191Secp256k1, bytes)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<B: fmt::Debug> fmt::Debug for TronKmsSigner<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TronKmsSigner")
            .field("account", &self.account.to_string())
            .field("backend", &self.backend)
            .finish()
    }
}
