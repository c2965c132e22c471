//! Digest-only backends (cloud KMS, HSMs) signing for Tron accounts: evm's
//! [`Secp256k1KmsSigner`] with [`Tip191`], so one backend key and one adapter serve both chains.

use chainsig_evm::Secp256k1KmsSigner;

use crate::tip191::Tip191;

/// A [`ChallengeSigner`](chainsig_core::ChallengeSigner) over a [`DigestSigner`](chainsig_evm::DigestSigner) whose Tron address is known:
/// evm's [`Secp256k1KmsSigner`] with the TIP-191 digest.
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
pub type TronKmsSigner<B> = Secp256k1KmsSigner<B, Tip191>;
