//! Digest-only backends (cloud KMS, HSMs): they sign a 32-byte digest and return plain ECDSA
//! `(r, s)`, usually DER-encoded, with no recovery id and no promise of low s.

use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, CaipError, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::eip191::Eip191;
use crate::error::KmsSignatureError;
use crate::message::Secp256k1Message;
use crate::secp256k1::keccak_address;

/// What a digest-only backend returns.
#[derive(Clone, PartialEq, Eq)]
pub enum RawEcdsaSignature {
    /// ASN.1 DER `SEQUENCE { r INTEGER, s INTEGER }` (AWS KMS, GCP KMS, PKCS#11 wrappers).
    Der(Vec<u8>),
    /// Big-endian 32-byte scalars.
    Scalars {
        /// r.
        r: [u8; 32],
        /// s.
        s: [u8; 32],
    },
}

impl fmt::Debug for RawEcdsaSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawEcdsaSignature::Der(der) => write!(f, "Der({} bytes)", der.len()),
            RawEcdsaSignature::Scalars { .. } => f.write_str("Scalars"),
        }
    }
}

/// A backend that signs a 32-byte digest with secp256k1 and returns `(r, s)` only.
#[async_trait]
pub trait DigestSigner: Send + Sync + fmt::Debug {
    /// Signs `digest` (already hashed; do not hash again).
    async fn sign_digest(&self, digest: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError>;
}

/// Turns a digest-only backend's output into a 65-byte EIP-191 signature r‖s‖v: s is normalized
/// to the lower half of the order (EIP-2), and v (27/28) is found by trial recovery against the
/// address the backend's key is known to have.
///
/// ```
/// use chainsig_evm::{RawEcdsaSignature, to_recoverable_signature};
/// use k256::ecdsa::SigningKey;
///
/// let key = SigningKey::from_slice(&[7u8; 32])?;
/// let address = chainsig_evm::LocalEvmSigner::from_bytes(&[7u8; 32])?.address();
/// let digest = chainsig_evm::eip191_hash(b"hi");
/// let (sig, _) = key.sign_prehash_recoverable(&digest)?;
/// let der = RawEcdsaSignature::Der(sig.to_der().as_bytes().to_vec());
/// let recoverable = to_recoverable_signature(&der, &digest, &address)?;
/// assert!(recoverable[64] == 27 || recoverable[64] == 28);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_recoverable_signature(
    raw: &RawEcdsaSignature,
    digest: &[u8; 32],
    address: &[u8; 20],
) -> Result<[u8; 65], KmsSignatureError> {
    let signature = match raw {
        RawEcdsaSignature::Der(der) => {
            Signature::from_der(der).map_err(|_| KmsSignatureError::Der)?
        }
        RawEcdsaSignature::Scalars { r, s } => {
            Signature::from_scalars(*r, *s).map_err(|_| KmsSignatureError::Scalar)?
        }
    };
    let signature = signature.normalize_s().unwrap_or(signature);
    for y_odd in [false, true] {
        let recid = RecoveryId::new(y_odd, false);
        if let Ok(key) = VerifyingKey::recover_from_prehash(digest, &signature, recid)
            && &keccak_address(&key) == address
        {
            let mut out = [0u8; 65];
            out[..64].copy_from_slice(&signature.to_bytes());
            out[64] = 27 + y_odd as u8;
            return Ok(out);
        }
    }
    Err(KmsSignatureError::NoRecoveryId {
        expected: chainsig_core::to_eip55(address),
    })
}

/// The EVM [`ChallengeSigner`] over a [`DigestSigner`]: EIP-191 digests, `eip155` accounts.
pub type KmsSigner<B> = Secp256k1KmsSigner<B, Eip191>;

/// A [`ChallengeSigner`] over a [`DigestSigner`] whose address is known, for any secp256k1 chain
/// `M`: [`KmsSigner`] for EVM, `chainsig_tron::TronKmsSigner` for Tron.
///
/// The address is fetched once when the signer is built (from the backend's public key, as
/// alloy's KMS signers do); each signature is then checked by recovery against it, so nothing a
/// misbehaving backend returns leaves the process unverified.
pub struct Secp256k1KmsSigner<B, M> {
    backend: B,
    account: AccountId,
    key_hash: [u8; 20],
    message: PhantomData<fn() -> M>,
}

impl<B: DigestSigner, M: Secp256k1Message> Secp256k1KmsSigner<B, M> {
    /// Wraps `backend`, whose key has the address of `account` (an account of chain `M`).
    ///
    /// # Errors
    /// An account of another chain.
    pub fn new(backend: B, account: AccountId) -> Result<Self, CaipError> {
        let key_hash = M::key_hash(&account)?;
        Ok(Self {
            backend,
            account,
            key_hash,
            message: PhantomData,
        })
    }

    /// The wrapped backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

#[async_trait]
impl<B: DigestSigner, M: Secp256k1Message> ChallengeSigner for Secp256k1KmsSigner<B, M> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        M::SCHEME
    }

    #[tracing::instrument(name = "kms_sign_challenge", skip_all, fields(account = %self.account, scheme = M::SCHEME.as_str(), len = challenge.len()), err(Display))]
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let digest = M::digest(challenge.bytes());
        let raw = self.backend.sign_digest(&digest).await?;
        let bytes =
            to_recoverable_signature(&raw, &digest, &self.key_hash).map_err(|e| match e {
                KmsSignatureError::NoRecoveryId { .. } => SignerError::InvalidSignature(format!(
                    "neither recovery id recovers {}: the backend signed with another key or another digest",
                    self.account
                )),
                other => SignerError::InvalidSignature(other.to_string()),
            })?;
        ChallengeSignature::new(M::SCHEME, bytes)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<B: fmt::Debug, M> fmt::Debug for Secp256k1KmsSigner<B, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KmsSigner")
            .field("account", &self.account.to_string())
            .field("backend", &self.backend)
            .finish()
    }
}
