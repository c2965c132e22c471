//! Errors of the EVM crate, and the secp256k1 key errors it shares with chainsig-tron. None of
//! them carries key material, passwords or mnemonic words.

/// A secp256k1 private key that could not be loaded, by [`LocalEvmSigner`](crate::LocalEvmSigner)
/// or any other [`Secp256k1LocalSigner`](crate::Secp256k1LocalSigner) (`chainsig_tron` re-exports
/// it as its `KeyError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not 64 hex digits (optionally `0x`-prefixed).
    #[error(
        "invalid {chain} private key: expected 64 hex digits (optionally 0x-prefixed), {found}"
    )]
    InvalidHex {
        /// The chain whose key was expected (`EVM`, `Tron`).
        chain: &'static str,
        /// What was found instead (a length or a character class, never the key).
        found: String,
    },
    /// Zero, or not below the secp256k1 group order.
    #[error("invalid secp256k1 private key: the scalar is zero or not below the group order")]
    OutOfRange,
    /// The keystore JSON is malformed or uses an unsupported cipher or KDF.
    #[error("invalid keystore v3 file: {0}")]
    Keystore(String),
    /// The keystore asks for more key-derivation work than any wallet writes (a hostile file
    /// can ask for minutes of CPU and gigabytes of memory before the password is even checked);
    /// refused before any derivation.
    #[error(
        "keystore {kdf} parameters {found} ask for more work than wallets write; \
         expected {allowed}"
    )]
    KdfTooCostly {
        /// `scrypt` or `pbkdf2`.
        kdf: &'static str,
        /// The file's parameters.
        found: String,
        /// What is accepted.
        allowed: &'static str,
    },
    /// The keystore's MAC does not match: wrong password or a corrupted file.
    #[error("keystore MAC mismatch: wrong password, or the file is corrupted")]
    WrongPassword,
    /// A keystore needs a password and none was given.
    #[error("this is an encrypted keystore v3 file: a password is required")]
    PasswordRequired,
    /// The mnemonic or its derivation path is invalid.
    #[error("invalid mnemonic: {0}")]
    Mnemonic(&'static str),
    /// The input is another chain's key.
    #[error("this looks like {looks_like}; expected {expected}")]
    WrongChain {
        /// What the input looks like.
        looks_like: &'static str,
        /// The signer's key-file form, naming its chain ("an EVM key (0x-hex private key or
        /// keystore v3 JSON)", "a Tron key (64 hex digits or keystore v3 JSON)").
        expected: &'static str,
    },
    /// The chain given is not one of the signer's chain (an EVM chain, a Tron network).
    #[error(transparent)]
    Caip(#[from] chainsig_core::CaipError),
}

/// A digest-only backend's signature that cannot be turned into an EIP-191 signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KmsSignatureError {
    /// The DER encoding is malformed.
    #[error("the backend returned a malformed DER ECDSA signature")]
    Der,
    /// r or s is zero or out of range.
    #[error("the backend returned an ECDSA signature with r or s out of range")]
    Scalar,
    /// Neither recovery id recovers the expected address.
    #[error(
        "neither recovery id recovers {expected}: the backend signed with another key or another digest"
    )]
    NoRecoveryId {
        /// The address the backend claims.
        expected: String,
    },
}
