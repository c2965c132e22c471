//! Any `alloy_signer::Signer` (local key, AWS/GCP KMS) as a Tron `ChallengeSigner`.

use std::fmt;

use alloy_primitives::B256;
use alloy_signer::Signer;
use async_trait::async_trait;
use chainsig_core::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme, SignerError,
};

use crate::address::TronAddress;
use crate::local::account_on;
use crate::network::TronNetwork;
use crate::tip191::tip191_hash;

/// Adapts an alloy [`Signer`] to [`ChallengeSigner`] for a Tron account (same key, Tron address).
///
/// TIP-191 is not EIP-191, so this adapter calls [`Signer::sign_hash`] with the TIP-191 digest
/// (hardware wallets that refuse raw hashes cannot sign Tron challenges this way). The result is
/// normalized to low s with v = 27/28 and recovered against the signer's address before it is
/// returned.
///
/// ```
/// use alloy_signer_local::PrivateKeySigner;
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_tron::{AlloyTronSigner, TronNetwork};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let signer = AlloyTronSigner::new(PrivateKeySigner::random(), TronNetwork::Nile);
/// assert!(signer.account().to_string().starts_with("tron:6FhfKq:T"));
/// let challenge = Challenge::from_bytes(b"session key".to_vec())?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// chainsig_tron::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// ```
pub struct AlloyTronSigner<S> {
    inner: S,
    address: TronAddress,
    account: AccountId,
}

impl<S: Signer + Send + Sync> AlloyTronSigner<S> {
    /// Wraps `signer`, naming its key's account on `network`.
    pub fn new(signer: S, network: TronNetwork) -> Self {
        let address = TronAddress::from_hash(signer.address().into_array());
        Self {
            account: account_on(network, &address),
            address,
            inner: signer,
        }
    }

    /// The wrapped alloy signer.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

#[async_trait]
impl<S: Signer + Send + Sync> ChallengeSigner for AlloyTronSigner<S> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Tip191Secp256k1
    }

    #[tracing::instrument(name = "alloy_tron_sign_challenge", skip_all, fields(account = %self.account, len = challenge.len()), err(Display))]
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let digest = B256::from(tip191_hash(challenge.bytes()));
        let signature = self
            .inner
            .sign_hash(&digest)
            .await
            .map_err(|e| SignerError::Backend(Box::new(e)))?
            .normalized_s();
        let recovered = signature
            .recover_address_from_prehash(&digest)
            .map_err(|_| {
                SignerError::InvalidSignature(
                    "no public key recovers from the backend's signature".into(),
                )
            })?;
        let recovered = TronAddress::from_hash(recovered.into_array());
        if recovered != self.address {
            return Err(SignerError::AccountMismatch {
                expected: self.account.to_string(),
                actual: recovered.to_base58(),
            });
        }
        ChallengeSignature::new(SignatureScheme::Tip191Secp256k1, signature.as_bytes())
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<S> fmt::Debug for AlloyTronSigner<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlloyTronSigner")
            .field("account", &self.account.to_string())
            .field("signer", &std::any::type_name::<S>())
            .finish()
    }
}
