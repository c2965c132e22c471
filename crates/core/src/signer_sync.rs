//! The synchronous twin of [`ChallengeSigner`](crate::ChallengeSigner), for keys held in this process.

use std::sync::Arc;

use crate::{Challenge, ChallengeSignature, SignerError};

/// Signs OffBlocks challenges without an executor: the synchronous twin of
/// [`ChallengeSigner`](crate::ChallengeSigner), as alloy's `SignerSync` is of its `Signer`.
///
/// Only signers that never wait implement it: keys held in this process (chainsig's
/// `LocalEvmSigner`, `LocalSolanaSigner`, `LocalTronSigner`). A signer behind a network or a
/// token (KMS, HSM, approval service) implements [`ChallengeSigner`](crate::ChallengeSigner)
/// alone. A type that implements both gives the same answer from both: the same signature (all
/// three schemes are deterministic), or the same refusal. chainsig's local signers sign on one
/// code path: their async `sign_challenge` calls `sign_challenge_sync`. The conformance kit checks
/// it with `testkit::check_sync_matches_async` (feature `testkit`).
///
/// Use it where there is no runtime (a plain thread, a benchmark, an FFI callback), or to sign
/// without the boxed future of the async trait.
///
/// ```
/// use chainsig_core::{
///     AccountId, Challenge, ChallengeSignature, ChallengeSignerSync, SignatureScheme, SignerError,
/// };
///
/// /// A toy scheme for the example: the "signature" is 64 copies of the challenge's length.
/// #[derive(Debug)]
/// struct LengthSigner;
///
/// impl ChallengeSignerSync for LengthSigner {
///     fn sign_challenge_sync(&self, challenge: &Challenge) -> Result<ChallengeSignature, SignerError> {
///         let byte = challenge.len() as u8;
///         ChallengeSignature::new(SignatureScheme::Ed25519, vec![byte; 64])
///             .map_err(|e| SignerError::InvalidSignature(e.to_string()))
///     }
/// }
///
/// let challenge = Challenge::from_base64("aGVsbG8=")?; // "hello"
/// let signature = LengthSigner.sign_challenge_sync(&challenge)?;
/// assert_eq!(signature.as_bytes(), [5u8; 64]);
///
/// // `&T`, `Box<T>` and `Arc<T>` sign too, and the trait is object safe.
/// let shared: std::sync::Arc<dyn ChallengeSignerSync> = std::sync::Arc::new(LengthSigner);
/// assert_eq!(shared.sign_challenge_sync(&challenge)?, signature);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ChallengeSignerSync {
    /// Signs the challenge's decoded bytes, on this thread.
    fn sign_challenge_sync(&self, challenge: &Challenge)
    -> Result<ChallengeSignature, SignerError>;
}

macro_rules! forward_signer_sync {
    ($($ty:ty),*) => {$(
        impl<T: ChallengeSignerSync + ?Sized> ChallengeSignerSync for $ty {
            fn sign_challenge_sync(
                &self,
                challenge: &Challenge,
            ) -> Result<ChallengeSignature, SignerError> {
                (**self).sign_challenge_sync(challenge)
            }
        }
    )*};
}
forward_signer_sync!(&T, Box<T>, Arc<T>);
