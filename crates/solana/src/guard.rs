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
    use proptest::prelude::*;

    fn compact(mut value: u16) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut byte = (value & 0x7f) as u8;
            value >>= 7;
            if value != 0 {
                byte |= 0x80;
            }
            out.push(byte);
            if value == 0 {
                return out;
            }
        }
    }

    /// A legacy message body with `keys` keys and the given instructions.
    fn body(keys: u16, instructions: &[(u8, Vec<u8>, Vec<u8>)]) -> Vec<u8> {
        let mut out = vec![1, 0, 1];
        out.extend(compact(keys));
        for i in 0..keys {
            out.extend([i as u8; 32]);
        }
        out.extend([0xbb; 32]);
        out.extend(compact(instructions.len() as u16));
        for (program, accounts, data) in instructions {
            out.push(*program);
            out.extend(compact(accounts.len() as u16));
            out.extend(accounts);
            out.extend(compact(data.len() as u16));
            out.extend(data);
        }
        out
    }

    #[test]
    fn legacy_messages_and_their_bounds() {
        let ok = body(2, &[(1, vec![0, 1], vec![1, 2, 3])]);
        assert_eq!(
            check_transaction_shape(&ok),
            Err(TransactionShapeError::LegacyMessage)
        );
        // Trailing or missing bytes: not a message.
        let mut longer = ok.clone();
        longer.push(0);
        assert_eq!(check_transaction_shape(&longer), Ok(()));
        assert_eq!(check_transaction_shape(&ok[..ok.len() - 1]), Ok(()));
        // Program-id or account index out of bounds.
        assert_eq!(
            check_transaction_shape(&body(2, &[(2, vec![0], vec![])])),
            Ok(())
        );
        assert_eq!(
            check_transaction_shape(&body(2, &[(1, vec![0, 2], vec![])])),
            Ok(())
        );
        // No signer, or more signers than keys.
        let mut unsigned = body(1, &[]);
        unsigned[0] = 0;
        assert_eq!(check_transaction_shape(&unsigned), Ok(()));
        let mut too_many = body(1, &[]);
        too_many[0] = 2;
        assert_eq!(check_transaction_shape(&too_many), Ok(()));
    }

    #[test]
    fn v0_messages_count_looked_up_addresses() {
        let mut message = vec![0x80];
        message.extend(body(1, &[(1, vec![0, 2], vec![])]));
        // Without lookups, index 2 is out of bounds: not a message.
        let mut no_lookups = message.clone();
        no_lookups.push(0);
        assert_eq!(check_transaction_shape(&no_lookups), Ok(()));
        // One lookup adding two addresses (one writable, one readonly) makes it valid.
        message.push(1);
        message.extend([0xcc; 32]);
        message.extend([1, 5, 1, 6]);
        assert_eq!(
            check_transaction_shape(&message),
            Err(TransactionShapeError::V0Message)
        );
        // Other versions are not parsed (0x81..=0xfe).
        message[0] = 0x81;
        assert_eq!(check_transaction_shape(&message), Ok(()));
    }

    #[test]
    fn transactions() {
        let message = body(1, &[(0, vec![], b"memo".to_vec())]);
        let mut tx = vec![1];
        tx.extend([0x11; 64]);
        tx.extend(&message);
        assert_eq!(
            check_transaction_shape(&tx),
            Err(TransactionShapeError::Transaction {
                signatures: 1,
                message: MessageVersion::Legacy
            })
        );
        let mut unsigned = vec![0];
        unsigned.extend(&message);
        // Zero signatures, then a message: neither a transaction nor (with the leading 0) a message.
        assert_eq!(check_transaction_shape(&unsigned), Ok(()));
    }

    #[test]
    fn text_and_empty_pass() {
        for text in [
            &b""[..],
            b"5df359f0-d299-40a1-8023-17c77a50144c",
            b"app.example.com wants you to sign in with your Solana account:\n3n2QxqnYLnzzekk49drawz4pY7HmW1DPLQNrqVBHJCzD\n\nURI: https://app.example.com\nVersion: 1\nChain ID: mainnet\nNonce: xVBrpyk4nKUe3oCP\nIssued At: 2025-05-06T05:33:37Z",
            b"\x00\xff\xfe",
            b"\x01",
        ] {
            assert_eq!(check_transaction_shape(text), Ok(()));
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = check_transaction_shape(&bytes);
        }

        #[test]
        fn never_panics_on_message_like_input(
            head in proptest::collection::vec(0u8..4, 0..8),
            tail in proptest::collection::vec(any::<u8>(), 0..300),
            prefix in prop_oneof![Just(vec![]), Just(vec![0x80]), Just(vec![1u8; 65])],
        ) {
            let mut bytes = prefix;
            bytes.extend(head);
            bytes.extend(tail);
            let _ = check_transaction_shape(&bytes);
        }

        #[test]
        fn well_formed_messages_are_refused(
            keys in 1u16..6,
            instructions in proptest::collection::vec(
                (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..4),
                 proptest::collection::vec(any::<u8>(), 0..200)),
                0..4,
            ),
        ) {
            let instructions: Vec<_> = instructions
                .into_iter()
                .map(|(p, a, d)| {
                    let k = keys as u8;
                    (p % k, a.into_iter().map(|i| i % k).collect(), d)
                })
                .collect();
            let message = body(keys, &instructions);
            prop_assert_eq!(
                check_transaction_shape(&message),
                Err(TransactionShapeError::LegacyMessage)
            );
            let mut tx = vec![1];
            tx.extend([0u8; 64]);
            tx.extend(&message);
            prop_assert!(
                matches!(
                    check_transaction_shape(&tx),
                    Err(TransactionShapeError::Transaction { .. })
                ),
                "transaction not refused"
            );
        }
    }
}
