//! The one abstraction every chain crate and every custody backend implements.

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::{
    AccountId, Challenge, ChallengePurpose, ChallengeSignature, SignatureScheme, SignerError,
};

/// What the caller knows about a challenge that its bytes do not say: why it is signed, whose
/// account it concerns, and which API sent it. Flows pass it to
/// [`ChallengeSigner::sign_challenge_in`]; a [`PolicySigner`](crate::PolicySigner) decides on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningContext {
    /// Why the signature is asked for.
    pub purpose: ChallengePurpose,
    /// The wallet the challenge is for (the customer's CAIP-10 id), when known.
    pub owner: Option<AccountId>,
    /// The API that sent the challenge, when known: its host\[:port\] (a Sign-In-with-X
    /// `domain`) and origin (`https://host[:port]`, the `URI`).
    pub api: Option<ApiIdentity>,
}

impl SigningContext {
    /// Nothing known: a signer called directly with bytes.
    pub fn unknown() -> Self {
        Self {
            purpose: ChallengePurpose::Unknown,
            owner: None,
            api: None,
        }
    }

    /// A challenge for `purpose`.
    pub fn new(purpose: ChallengePurpose) -> Self {
        Self {
            purpose,
            ..Self::unknown()
        }
    }

    /// The same, for the wallet `owner`.
    pub fn with_owner(mut self, owner: AccountId) -> Self {
        self.owner = Some(owner);
        self
    }

    /// The same, sent by the API at `domain` / `origin`.
    pub fn with_api(mut self, domain: impl Into<String>, origin: impl Into<String>) -> Self {
        self.api = Some(ApiIdentity {
            domain: domain.into(),
            origin: origin.into(),
        });
        self
    }
}

impl Default for SigningContext {
    fn default() -> Self {
        Self::unknown()
    }
}

/// The API a challenge came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiIdentity {
    /// host\[:port\], e.g. `api.offblocks.xyz`.
    pub domain: String,
    /// `https://host[:port]`.
    pub origin: String,
}

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

    /// Signs with what the caller knows about the challenge. Signers ignore it by default; a
    /// [`PolicySigner`](crate::PolicySigner) decides on it. Flows call this method.
    async fn sign_challenge_in(
        &self,
        challenge: &Challenge,
        context: &SigningContext,
    ) -> Result<ChallengeSignature, SignerError> {
        let _ = context;
        self.sign_challenge(challenge).await
    }

    /// Checks that the backend can sign now (reachable, unlocked). Local keys always can.
    async fn health_check(&self) -> Result<(), SignerError> {
        Ok(())
    }

    /// Which backend signs, for audit lines (default: the type's name).
    fn backend(&self) -> &str {
        std::any::type_name::<Self>()
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
            async fn sign_challenge_in(
                &self,
                challenge: &Challenge,
                context: &SigningContext,
            ) -> Result<ChallengeSignature, SignerError> {
                (**self).sign_challenge_in(challenge, context).await
            }
            async fn health_check(&self) -> Result<(), SignerError> {
                (**self).health_check().await
            }
            fn backend(&self) -> &str {
                (**self).backend()
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
