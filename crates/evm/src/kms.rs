//! Digest-only backends (cloud KMS, HSMs): they sign a 32-byte digest and return plain ECDSA
//! `(r, s)`, usually DER-encoded, with no recovery id and no promise of low s.

use std::fmt;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme, SignerError,
};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::eip191::eip191_hash;
use crate::error::KmsSignatureError;
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

/// A [`ChallengeSigner`] over a [`DigestSigner`] whose address is known.
///
/// The address is fetched once when the signer is built (from the backend's public key, as
/// alloy's KMS signers do); each signature is then checked by recovery against it, so nothing a
/// misbehaving backend returns leaves the process unverified.
pub struct KmsSigner<B> {
    backend: B,
    account: AccountId,
    address: [u8; 20],
}

impl<B: DigestSigner> KmsSigner<B> {
    /// Wraps `backend`, whose key has the address of `account` (an `eip155` account).
    pub fn new(backend: B, account: AccountId) -> Result<Self, chainsig_core::CaipError> {
        let address =
            account
                .evm_address()
                .ok_or_else(|| chainsig_core::CaipError::WrongNamespace {
                    expected: "eip155",
                    found: account.chain().to_string(),
                })?;
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
impl<B: DigestSigner> ChallengeSigner for KmsSigner<B> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Eip191Secp256k1
    }

    #[tracing::instrument(name = "kms_sign_challenge", skip_all, fields(account = %self.account, len = challenge.len()), err(Display))]
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let digest = eip191_hash(challenge.bytes());
        let raw = self.backend.sign_digest(&digest).await?;
        let bytes = to_recoverable_signature(&raw, &digest, &self.address)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))?;
        ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, bytes)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<B: fmt::Debug> fmt::Debug for KmsSigner<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KmsSigner")
            .field("account", &self.account.to_string())
            .field("backend", &self.backend)
            .finish()
    }
}
