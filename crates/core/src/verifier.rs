//! Verification of challenge signatures, behind one trait so that tools can check any chain.

use std::fmt::Debug;

use crate::{AccountId, Chain, ChallengeSignature, VerifyError};

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

/// A registry entry verifies with its [`ChainInfo::verify`](crate::ChainInfo::verify), so a
/// chain (`&EvmChain`, `&dyn Chain`) is a verifier without an impl of its own.
impl<T: Chain + ?Sized> ChallengeVerifier for T {
    fn verify(
        &self,
        account: &AccountId,
        message: &[u8],
        signature: &ChallengeSignature,
    ) -> Result<(), VerifyError> {
        (self.info().verify)(account, message, signature)
    }
}
