//! Errors of this crate: a key that could not be loaded.

/// What a key input was expected to be, repeated in the errors that reject one.
pub(crate) const EXPECTED_KEY: &str = "expected a solana-keygen JSON array of 64 numbers (0..=255), \
     or the base58 encoding of the 64-byte keypair (Phantom export)";

/// A Solana key that could not be loaded, or a signer that could not be built.
///
/// The messages say what was wrong and where (a length, an element index, a character position),
/// never the key material itself, not even partially: a key pasted in the wrong place must not
/// end up in a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input is empty (or only whitespace).
    #[error("the key input is empty; {}", EXPECTED_KEY)]
    Empty,
    /// The text is not a JSON array of numbers.
    #[error(
        "the key file is not a JSON array of numbers: at byte {offset}, expected {expected}; {}",
        EXPECTED_KEY
    )]
    MalformedJson {
        /// Byte offset (in the trimmed input) where parsing stopped.
        offset: usize,
        /// What the parser expected there.
        expected: &'static str,
    },
    /// The key has the wrong number of bytes.
    #[error("wrong key length: found {found} bytes, expected {expected}")]
    WrongLength {
        /// Number of bytes (or JSON array elements) found.
        found: usize,
        /// Number of bytes expected.
        expected: usize,
    },
    /// An element of the JSON array is not an integer in `0..=255`.
    #[error("element {index} of the key array is not an integer in 0..=255")]
    ByteOutOfRange {
        /// Zero-based index of the element.
        index: usize,
    },
    /// The text is not valid base58.
    #[error("the key is not valid base58 ({reason}); {}", EXPECTED_KEY)]
    InvalidBase58 {
        /// Where decoding failed (a character position, never the character).
        reason: String,
    },
    /// The public-key half of a 64-byte keypair is not the public key of its secret half.
    #[error(
        "the keypair's public-key half does not match its secret half (a corrupted or spliced key file)"
    )]
    PubkeyMismatch,
    /// A public key that is not a usable ed25519 point.
    #[error("invalid ed25519 public key: {reason}")]
    InvalidPublicKey {
        /// Why it cannot be used.
        reason: &'static str,
    },
    /// The BIP-39 mnemonic phrase is invalid.
    #[error("invalid BIP-39 mnemonic: {reason}")]
    BadMnemonic {
        /// What was wrong (a word count or a word position, never a word).
        reason: String,
    },
    /// The derivation path is invalid for SLIP-10 ed25519.
    #[error("invalid derivation path: {reason}")]
    BadDerivationPath {
        /// What was wrong.
        reason: String,
    },
    /// The chain is not a Solana cluster.
    #[error("wrong chain: expected a `solana:<genesis hash>` chain, found `{found}`")]
    WrongChain {
        /// The chain that was given.
        found: String,
    },
    /// The input looks like a key of another kind or chain.
    #[error("this looks like {looks_like}; {}", EXPECTED_KEY)]
    LooksLikeOtherKey {
        /// What the input looks like, e.g. "an EVM private key (0x + 64 hex digits)".
        looks_like: &'static str,
    },
}
