//! Errors shared by every chainsig crate.
//!
//! None of them carries key material or challenge payloads: they say what was wrong and what was
//! expected, never the bytes themselves.

use std::fmt;

use crate::signature::SignatureScheme;

/// A CAIP-2 / CAIP-10 id that could not be parsed. The message names the part that was wrong;
/// it never repeats the input, which may be a key pasted in the wrong place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CaipError {
    /// The id does not have the expected number of `:`-separated parts.
    #[error("malformed id: expected {expected}")]
    Malformed {
        /// What was expected.
        expected: &'static str,
    },
    /// The namespace is not a valid CAIP-2 namespace.
    #[error("invalid chain namespace: expected {expected}")]
    InvalidNamespace {
        /// What was expected.
        expected: &'static str,
    },
    /// The chain reference is not valid for its namespace.
    #[error("invalid {namespace} chain reference: expected {expected}")]
    InvalidReference {
        /// The namespace whose rules were applied.
        namespace: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// The address is not valid for its namespace.
    #[error("invalid {namespace} address: expected {expected}")]
    InvalidAddress {
        /// The namespace whose rules were applied.
        namespace: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// A mixed-case EVM address whose EIP-55 checksum does not match.
    #[error("EIP-55 checksum mismatch: the checksummed form of this address is {expected}")]
    BadChecksum {
        /// The correctly checksummed address.
        expected: String,
    },
    /// The chain belongs to another namespace than the one required.
    #[error("wrong chain namespace: expected a `{expected}` chain, found `{found}`")]
    WrongNamespace {
        /// The namespace required.
        expected: &'static str,
        /// The chain that was given.
        found: String,
    },
}

/// A challenge that could not be decoded from the API's base64 text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// The challenge text (or its decoded bytes) is empty.
    #[error("the challenge is empty: expected the non-empty base64 text the API sent")]
    Empty,
    /// The challenge is over the size limit.
    #[error("the challenge is too large: {len} bytes, the limit is {max} bytes")]
    TooLarge {
        /// Size of the input (decoded bytes, or an estimate from the base64 length).
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The text is not standard, padded base64.
    #[error(
        "the challenge is not valid base64 ({reason}): expected the standard alphabet (A-Z a-z 0-9 + /) with `=` padding"
    )]
    InvalidBase64 {
        /// What the decoder found, e.g. an invalid byte at an offset.
        reason: String,
    },
}

/// A signature that could not be decoded or does not have its scheme's shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The text is not valid in the named encoding.
    #[error("the signature is not valid {encoding}")]
    Encoding {
        /// The encoding that was expected (`base64`, `hex`, `base58`).
        encoding: &'static str,
    },
    /// The signature has the wrong length for its scheme.
    #[error("a {scheme} signature is {expected} bytes, got {len}")]
    Length {
        /// The scheme.
        scheme: SignatureScheme,
        /// The length the scheme requires.
        expected: usize,
        /// The length that was given.
        len: usize,
    },
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature scheme does not belong to the account's chain.
    #[error("a {scheme} signature cannot be verified for a `{namespace}` account")]
    SchemeMismatch {
        /// The signature's scheme.
        scheme: SignatureScheme,
        /// The account's namespace.
        namespace: String,
    },
    /// The verifier does not handle this account's namespace.
    #[error("no verifier for `{namespace}` accounts")]
    UnsupportedNamespace {
        /// The account's namespace.
        namespace: String,
    },
    /// The signature is malformed for its scheme (length, recovery byte, high s, point encoding).
    #[error("malformed signature: {reason}")]
    Malformed {
        /// What was wrong.
        reason: String,
    },
    /// The signature is well formed but was not made by this account over this message.
    #[error("the signature was not made by {account} over this message")]
    Mismatch {
        /// The account that was expected to have signed.
        account: String,
    },
}

/// The error a [`ChallengeSigner`](crate::ChallengeSigner) returns.
///
/// Its `Debug` form is its message: it never prints payloads, keys or a backend's internals.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum SignerError {
    /// The signer does not support this operation (e.g. a scheme or chain it cannot sign for).
    #[error("unsupported operation: {0}")]
    Unsupported(String),
    /// The challenge may not be signed, e.g. it is shaped like a transaction.
    #[error("refused to sign the challenge: {0}")]
    InvalidChallenge(String),
    /// The key that signed is not the account the signer claims.
    #[error("account mismatch: expected {expected}, the backend signed as {actual}")]
    AccountMismatch {
        /// The account the signer claims.
        expected: String,
        /// The account the signature belongs to.
        actual: String,
    },
    /// A person or a policy engine declined to sign.
    #[error("signing was rejected by the approver: {0}")]
    Rejected(String),
    /// A [`ChallengePolicy`](crate::ChallengePolicy) refused the challenge before any signer saw
    /// it; the refusal names the rule.
    #[error(transparent)]
    PolicyRefused(crate::PolicyRefusal),
    /// The backend could not be reached or did not answer in time.
    #[error("the signing backend is unavailable: {reason}")]
    Unavailable {
        /// What happened.
        reason: String,
        /// Whether trying again later may succeed.
        retryable: bool,
    },
    /// The backend returned a signature that does not verify; it was not passed on.
    #[error("the signing backend returned an invalid signature: {0}")]
    InvalidSignature(String),
    /// Any other backend failure.
    #[error("signing backend error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl SignerError {
    /// Whether the same call may succeed if tried again (a backend that was briefly unavailable).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            SignerError::Unavailable {
                retryable: true,
                ..
            }
        )
    }

    /// A backend error from anything that implements `std::error::Error`.
    pub fn backend(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        SignerError::Backend(Box::new(err))
    }
}

impl fmt::Debug for SignerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let variant = match self {
            SignerError::Unsupported(_) => "Unsupported",
            SignerError::InvalidChallenge(_) => "InvalidChallenge",
            SignerError::AccountMismatch { .. } => "AccountMismatch",
            SignerError::Rejected(_) => "Rejected",
            SignerError::PolicyRefused(_) => "PolicyRefused",
            SignerError::Unavailable { .. } => "Unavailable",
            SignerError::InvalidSignature(_) => "InvalidSignature",
            SignerError::Backend(_) => "Backend",
        };
        write!(f, "SignerError::{variant}({self})")
    }
}

impl From<crate::ChallengeError> for SignerError {
    fn from(err: crate::ChallengeError) -> Self {
        SignerError::InvalidChallenge(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_retryable_unavailability_is_retryable() {
        assert!(
            SignerError::Unavailable {
                reason: "timeout".into(),
                retryable: true
            }
            .is_retryable()
        );
        assert!(
            !SignerError::Unavailable {
                reason: "gone".into(),
                retryable: false
            }
            .is_retryable()
        );
        assert!(!SignerError::Rejected("no".into()).is_retryable());
        assert!(!SignerError::backend(std::io::Error::other("x")).is_retryable());
    }

    #[derive(Debug, thiserror::Error)]
    #[error("remote refused")]
    struct Remote {
        #[allow(dead_code)]
        payload: Vec<u8>,
    }

    #[test]
    fn debug_does_not_show_backend_internals() {
        let err = SignerError::backend(Remote {
            payload: vec![0xde, 0xad, 0xbe, 0xef],
        });
        let debug = format!("{err:?}");
        assert_eq!(
            debug,
            "SignerError::Backend(signing backend error: remote refused)"
        );
        assert!(!debug.contains("222") && !debug.contains("payload"));
    }
}
