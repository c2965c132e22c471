//! Errors of the Tron crate. None of them carries key material, passwords or mnemonic words.

use chainsig_core::CaipError;

/// A text that is not a Tron address; each case says what was expected instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// An EVM `0x` address.
    #[error(
        "this is an EVM `0x` address; expected a Tron address (base58check `T…`, 34 characters, or hex `41…`, 42 digits)"
    )]
    EvmAddress,
    /// The base58 of 32 bytes: a Solana address or key.
    #[error(
        "this looks like a Solana address (base58 of 32 bytes); expected a Tron address (base58check `T…`, 34 characters)"
    )]
    SolanaAddress,
    /// Base58 whose 4-byte checksum does not match.
    #[error(
        "the base58check checksum does not match: a mistyped Tron address (expected `T…`, 34 characters)"
    )]
    Checksum,
    /// A payload that is not `0x41` followed by 20 bytes.
    #[error("expected a Tron address: 21 bytes starting with 0x41 (`T…` in base58check)")]
    Prefix,
    /// Neither base58 nor hex of the right length.
    #[error(
        "expected a Tron address: base58check `T…` (34 characters) or hex `41…` (42 hex digits)"
    )]
    Malformed,
}

impl AddressError {
    /// What was expected, as a static text for [`CaipError::InvalidAddress`].
    pub(crate) fn expected(self) -> &'static str {
        match self {
            AddressError::EvmAddress => {
                "a Tron address, not an EVM `0x` address: base58check `T…` or hex `41…`"
            }
            AddressError::SolanaAddress => {
                "a Tron address, not a Solana address: base58check `T…` (34 characters)"
            }
            AddressError::Checksum => {
                "a base58check `T…` address with a valid checksum (this one is mistyped)"
            }
            AddressError::Prefix => "21 bytes starting with 0x41 (`T…` in base58check)",
            AddressError::Malformed => {
                "base58check `T…` (34 characters) or hex `41…` (42 hex digits)"
            }
        }
    }
}

impl From<AddressError> for CaipError {
    fn from(err: AddressError) -> Self {
        CaipError::InvalidAddress {
            namespace: crate::TRON_NAMESPACE,
            expected: err.expected(),
        }
    }
}

/// A private key that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not 64 hex digits.
    #[error(
        "invalid Tron private key: expected 64 hex digits (optionally 0x-prefixed, as TronLink exports them), {found}"
    )]
    InvalidHex {
        /// What was found instead (a length or a character class, never the key).
        found: String,
    },
    /// Zero, or not below the secp256k1 group order.
    #[error("invalid Tron private key: the scalar is zero or not below the secp256k1 group order")]
    OutOfRange,
    /// The keystore JSON is malformed or uses an unsupported cipher or KDF.
    #[error("invalid keystore v3 file: {0}")]
    Keystore(String),
    /// The keystore asks for more key-derivation work than any wallet writes; refused before
    /// any derivation (see `chainsig_evm::KeyError::KdfTooCostly`).
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
    #[error(
        "this looks like {looks_like}; expected a Tron key (64 hex digits or keystore v3 JSON)"
    )]
    WrongChain {
        /// What the input looks like.
        looks_like: &'static str,
    },
    /// The chain given is not a Tron network.
    #[error(transparent)]
    Caip(#[from] CaipError),
}

impl From<chainsig_evm::KeyError> for KeyError {
    fn from(err: chainsig_evm::KeyError) -> Self {
        use chainsig_evm::KeyError as E;
        match err {
            E::InvalidHex { found } => KeyError::InvalidHex { found },
            E::OutOfRange => KeyError::OutOfRange,
            E::Keystore(reason) => KeyError::Keystore(reason),
            E::KdfTooCostly {
                kdf,
                found,
                allowed,
            } => KeyError::KdfTooCostly {
                kdf,
                found,
                allowed,
            },
            E::WrongPassword => KeyError::WrongPassword,
            E::PasswordRequired => KeyError::PasswordRequired,
            E::Mnemonic(reason) => KeyError::Mnemonic(reason),
            E::WrongChain { looks_like } => KeyError::WrongChain { looks_like },
            E::Caip(err) => KeyError::Caip(err),
            // A variant added to the shared secp256k1 loader later: its message, which never
            // holds key material, as a keystore-level failure.
            other => KeyError::Keystore(other.to_string()),
        }
    }
}
