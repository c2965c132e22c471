//! Errors of the Tron crate. None of them carries key material, passwords or mnemonic words.

use chainsig_core::CaipError;

/// A private key that could not be loaded: the secp256k1 key errors of `chainsig-evm`, shared by
/// every local secp256k1 signer. Messages that depend on the chain name it
/// ([`KeyError::WrongChain`] says "expected a Tron key …").
pub use chainsig_evm::KeyError;

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
