//! The transaction-shape guard: refuse to sign challenge bytes that Solana would accept as a
//! transaction or an off-chain message.
//!
//! An ed25519 signature over the raw bytes of a Solana transaction message *is* a transaction
//! signature. A challenge signer that signs whatever bytes it is handed can therefore be tricked
//! into authorizing a transfer. Challenges are text (SIWS, a UUID) or opaque random bytes; they
//! never parse as a transaction, so signers refuse anything that does, unless the caller opts out
//! explicitly (`allow_transaction_shaped(true)`).
//!
//! The layouts are documented byte by byte on [`check_transaction_shape`].

use chainsig_core::txshape::{SolanaShape, solana_shape};

pub use chainsig_core::txshape::MessageVersion;

/// The transaction shape a challenge matched, and why signing it was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionShapeError {
    /// The bytes begin with `0xff`, the first byte of the Solana off-chain message signing
    /// domain `\xffsolana offchain`.
    #[error(
        "the bytes begin with 0xff, the first byte of the Solana off-chain message signing domain (`\\xffsolana offchain`)"
    )]
    OffchainMessageDomain,
    /// The bytes parse completely as a legacy transaction message.
    #[error("the bytes parse completely as a legacy Solana transaction message")]
    LegacyMessage,
    /// The bytes parse completely as a version 0 transaction message.
    #[error("the bytes parse completely as a version 0 Solana transaction message")]
    V0Message,
    /// The bytes parse completely as a serialized transaction (signatures, then a message).
    #[error(
        "the bytes parse completely as a serialized Solana transaction ({signatures} signature(s), {message} message)"
    )]
    Transaction {
        /// Number of signatures in the transaction.
        signatures: u16,
        /// The kind of message inside.
        message: MessageVersion,
    },
}

/// Checks that `bytes` are not shaped like a Solana transaction, a transaction message or an
/// off-chain message.
///
/// An ed25519 signature over the raw bytes of a Solana transaction message *is* a transaction
/// signature, so a challenge signer that signs whatever it is handed can be tricked into
/// authorizing a transfer. Challenges (SIWS text, a UUID, opaque random bytes) never have these
/// shapes; both signers of this crate run this check first and refuse with
/// [`SignerError::InvalidChallenge`](chainsig_core::SignerError::InvalidChallenge) unless built
/// with `allow_transaction_shaped(true)`.
///
/// It refuses four shapes.
///
/// **(a) The off-chain message domain.** Any input whose first byte is `0xff`. Solana's off-chain
/// message format starts with the signing domain `\xffsolana offchain` (`0xff` followed by the
/// ASCII text `solana offchain`), and no challenge this crate signs ever starts with `0xff`; the
/// whole first byte is reserved, so that wallets' off-chain message signing can never be replayed
/// through a challenge.
///
/// **(b) A legacy transaction message**, when *all* the bytes are consumed by this layout:
///
/// | bytes | field | rule |
/// |---|---|---|
/// | 1 | `num_required_signatures` | `1..=127` (a set top bit means a versioned message) |
/// | 1 | `num_readonly_signed_accounts` | any |
/// | 1 | `num_readonly_unsigned_accounts` | any |
/// | 1-3 | account-key count *N* (compact-u16) | `N >= num_required_signatures` |
/// | 32 × *N* | account keys | any |
/// | 32 | recent blockhash | any |
/// | 1-3 | instruction count *I* (compact-u16) | any |
/// | per instruction: 1 | program-id index | `< N` |
/// | per instruction: 1-3 + *K* | account-index count *K* (compact-u16), then *K* index bytes | each `< N` |
/// | per instruction: 1-3 + *D* | data length *D* (compact-u16), then *D* data bytes | any |
///
/// **(c) A version 0 message**: first byte `0x80` (`0x80 | version` with version 0), then the
/// legacy layout above, then
///
/// | bytes | field | rule |
/// |---|---|---|
/// | 1-3 | address-table-lookup count *L* (compact-u16) | any |
/// | per lookup: 32 | lookup-table account key | any |
/// | per lookup: 1-3 + *W* | writable-index count *W* (compact-u16), then *W* index bytes | any |
/// | per lookup: 1-3 + *R* | readonly-index count *R* (compact-u16), then *R* index bytes | any |
///
/// and again all bytes consumed. Index bounds then apply to the *N* static keys plus the
/// `ΣW + ΣR` looked-up addresses.
///
/// **(d) A serialized transaction**: a compact-u16 signature count *S* `>= 1`, then *S* × 64
/// signature bytes, then a message as in (b) or (c) that consumes the rest.
///
/// **compact-u16** is Solana's `short_vec` length: 7 bits per byte, least significant group first,
/// the top bit of a byte set when another byte follows, at most 3 bytes, at most `0xffff`, and no
/// redundant trailing zero byte (`0x80 0x00` is not a valid encoding of 0). Encodings Solana's
/// decoder rejects are rejected here too, since such bytes can never be a transaction.
///
/// The checks mirror the parts of Solana's own sanitization that make the layout self-consistent;
/// bytes that parse but break other runtime rules (e.g. a signature count different from
/// `num_required_signatures`) are still refused: refusing too much is the safe side. Parsing is
/// linear, allocation-free and never panics.
///
/// ```
/// use chainsig_solana::{check_transaction_shape, TransactionShapeError};
///
/// assert!(check_transaction_shape(b"5df359f0-d299-40a1-8023-17c77a50144c").is_ok());
/// assert_eq!(
///     check_transaction_shape(b"\xffsolana offchain"),
///     Err(TransactionShapeError::OffchainMessageDomain)
/// );
///
/// // A legacy message: 1 signer, 1 key, a blockhash, no instructions.
/// let mut message = vec![1, 0, 0, 1];
/// message.extend([7u8; 32]); // the key
/// message.extend([9u8; 32]); // the blockhash
/// message.push(0); // no instructions
/// assert_eq!(check_transaction_shape(&message), Err(TransactionShapeError::LegacyMessage));
/// ```
pub fn check_transaction_shape(bytes: &[u8]) -> Result<(), TransactionShapeError> {
    // The parser lives in core, so that challenge classification and this guard agree.
    match solana_shape(bytes) {
        None => Ok(()),
        Some(SolanaShape::OffchainMessageDomain) => {
            Err(TransactionShapeError::OffchainMessageDomain)
        }
        Some(SolanaShape::Message(MessageVersion::V0)) => Err(TransactionShapeError::V0Message),
        Some(SolanaShape::Message(_)) => Err(TransactionShapeError::LegacyMessage),
        Some(SolanaShape::Transaction {
            signatures,
            message,
        }) => Err(TransactionShapeError::Transaction {
            signatures,
            message,
        }),
    }
}

/// The guard as signers apply it: the refusal names the shape and the opt-out.
pub(crate) fn guard(bytes: &[u8], allow: bool) -> Result<(), chainsig_core::SignerError> {
    if allow {
        return Ok(());
    }
    check_transaction_shape(bytes).map_err(|shape| {
        chainsig_core::SignerError::InvalidChallenge(format!(
            "{shape}; a challenge shaped like a transaction could authorize one, so it is not \
             signed by default (opt out with `allow_transaction_shaped(true)` only if you know \
             what these bytes are)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_refused_with_its_own_error() {
        // A legacy message: 1 signer, 1 key, a blockhash, no instructions (the layouts
        // themselves are tested with the parser, in chainsig-core).
        let mut message = vec![1, 0, 0, 1];
        message.extend([7u8; 32]);
        message.extend([9u8; 32]);
        message.push(0);
        assert_eq!(
            check_transaction_shape(&message),
            Err(TransactionShapeError::LegacyMessage)
        );
        let mut v0 = vec![0x80];
        v0.extend(&message);
        v0.push(0);
        assert_eq!(
            check_transaction_shape(&v0),
            Err(TransactionShapeError::V0Message)
        );
        let mut tx = vec![1];
        tx.extend([0x11; 64]);
        tx.extend(&v0);
        assert_eq!(
            check_transaction_shape(&tx),
            Err(TransactionShapeError::Transaction {
                signatures: 1,
                message: MessageVersion::V0
            })
        );
        assert_eq!(
            check_transaction_shape(b"\xffsolana offchain"),
            Err(TransactionShapeError::OffchainMessageDomain)
        );
        assert_eq!(
            check_transaction_shape(b"5df359f0-d299-40a1-8023-17c77a50144c"),
            Ok(())
        );
    }
}
