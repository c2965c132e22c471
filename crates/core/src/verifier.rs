//! Verification of challenge signatures, behind one trait so that tools can check any chain.

use std::fmt::Debug;

use crate::{AccountId, Chain, ChallengeSignature, VerifyError, VerifyFn};

/// Checks that `signature` was made by `account` over `message` (the decoded challenge bytes).
///
/// Each chain crate provides one; the sandbox and the conformance kit use them through this trait.
pub trait ChallengeVerifier: Send + Sync + Debug {
    /// `Ok(())` when the signature is valid for the account and message.
    fn verify(
        &self,
        account: &AccountId,
        message: &[u8],
        signature: &ChallengeSignature,
    ) -> Result<(), VerifyError>;
}

pub(crate) mod sealed {
    use crate::{AccountId, VerifyError, VerifyFn};

    /// Finds the verification of an account's chain: a registry entry has its own, the
    /// registry looks the account's namespace up. Sealed: other verifiers implement
    /// [`ChallengeVerifier`](super::ChallengeVerifier) directly.
    pub trait VerifyLookup {
        fn verify_fn(&self, account: &AccountId) -> Result<VerifyFn, VerifyError>;
    }
}

/// A registry entry verifies with its [`ChainInfo::verify`](crate::ChainInfo::verify).
impl<T: Chain + ?Sized> sealed::VerifyLookup for T {
    fn verify_fn(&self, _: &AccountId) -> Result<VerifyFn, VerifyError> {
        Ok(self.info().verify)
    }
}

/// A chain (`&EvmChain`, `&dyn Chain`) and the [`ChainRegistry`](crate::ChainRegistry) are
/// verifiers without an impl of their own.
impl<T: sealed::VerifyLookup + Send + Sync + Debug + ?Sized> ChallengeVerifier for T {
    fn verify(
        &self,
        account: &AccountId,
        message: &[u8],
        signature: &ChallengeSignature,
    ) -> Result<(), VerifyError> {
        (self.verify_fn(account)?)(account, message, signature)
    }
}
