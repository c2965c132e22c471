//! The one abstraction every chain crate and every custody backend implements.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::{AccountId, Challenge, ChallengeSignature, SignatureScheme, SignerError};

/// Signs OffBlocks challenges with one key.
///
/// All methods take `&self`, so `Box<dyn ChallengeSigner>`, `Arc<dyn ChallengeSigner>` and `&T`
/// are signers too, and one signer serves many concurrent flows.
///
/// # Implementing it
///
/// Sign [`Challenge::bytes`] verbatim with the scheme's rule. A backend that is not an in-process
/// key (KMS, HSM, MPC, a remote approval service) must verify its output before returning it: a
/// bad signature submitted to OffBlocks burns the challenge. Run
/// [`testkit::run_conformance`](crate::testkit) (feature `testkit`) against your implementation.
///
/// ```
/// use chainsig_core::{
///     async_trait, AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
///     SignerError,
/// };
///
/// #[derive(Debug)]
/// struct AlwaysBusy(AccountId);
///
/// #[async_trait]
/// impl ChallengeSigner for AlwaysBusy {
///     fn account(&self) -> &AccountId { &self.0 }
///     fn scheme(&self) -> SignatureScheme { SignatureScheme::Ed25519 }
///     async fn sign_challenge(&self, _: &Challenge) -> Result<ChallengeSignature, SignerError> {
///         Err(SignerError::Unavailable { reason: "approver offline".into(), retryable: true })
///     }
/// }
/// ```
#[async_trait]
pub trait ChallengeSigner: Send + Sync + Debug {
    /// The CAIP-10 account that signs, known before signing.
    fn account(&self) -> &AccountId;

    /// The signature scheme this signer produces.
    fn scheme(&self) -> SignatureScheme;

    /// Signs the challenge's decoded bytes.
    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError>;

    /// Checks that the backend can sign now (reachable, unlocked). Local keys always can.
    async fn health_check(&self) -> Result<(), SignerError> {
        Ok(())
    }
}

macro_rules! forward_signer {
    ($($ty:ty),*) => {$(
        #[async_trait]
        impl<T: ChallengeSigner + ?Sized> ChallengeSigner for $ty {
            fn account(&self) -> &AccountId {
                (**self).account()
            }
            fn scheme(&self) -> SignatureScheme {
                (**self).scheme()
            }
            async fn sign_challenge(
                &self,
                challenge: &Challenge,
            ) -> Result<ChallengeSignature, SignerError> {
                (**self).sign_challenge(challenge).await
            }
            async fn health_check(&self) -> Result<(), SignerError> {
                (**self).health_check().await
            }
        }
    )*};
}
forward_signer!(&T, Box<T>, Arc<T>);

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_signer<S: ChallengeSigner>() {}
    fn assert_send<F: std::future::Future + Send>(_: F) {}

    #[allow(dead_code)]
    fn object_safety_and_send_futures(signer: &dyn ChallengeSigner, challenge: &Challenge) {
        assert_signer::<Box<dyn ChallengeSigner>>();
        assert_signer::<Arc<dyn ChallengeSigner>>();
        assert_signer::<&dyn ChallengeSigner>();
        assert_signer::<&Box<dyn ChallengeSigner>>();
        assert_send(signer.sign_challenge(challenge));
        assert_send(signer.health_check());
    }
}
