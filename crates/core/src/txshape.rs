//! Byte layouts a challenge must never have: Solana transactions and messages, EVM transactions.
//!
//! A signature over these bytes is not a proof of ownership but an authorization: an ed25519
//! signature over a Solana transaction message *is* the transaction's signature, and a
//! secp256k1 signature over an EVM transaction's signing payload signs it. The classifier
//! ([`classify`](crate::classify)) and Solana's signer guard both use these parsers, so that the
//! two never disagree on what a transaction looks like.

use std::fmt;

/// The version of a Solana transaction message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageVersion {
    /// The original (unversioned) format.
    Legacy,
    /// Version 0, with address-table lookups.
    V0,
}

impl fmt::Display for MessageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MessageVersion::Legacy => "legacy",
            MessageVersion::V0 => "version 0",
        })
    }
}

/// The Solana shape that bytes have, when they have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SolanaShape {
    /// The bytes begin with `0xff`, the first byte of the off-chain message signing domain
    /// `\xffsolana offchain`.
    OffchainMessageDomain,
    /// All the bytes parse as a transaction message.
    Message(MessageVersion),
    /// All the bytes parse as a serialized transaction (signatures, then a message).
    Transaction {
        /// Number of signatures.
        signatures: u16,
        /// The message inside.
        message: MessageVersion,
    },
}

impl fmt::Display for SolanaShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolanaShape::OffchainMessageDomain => f.write_str(
                "bytes beginning with 0xff, the Solana off-chain message signing domain",
            ),
            SolanaShape::Message(version) => write!(f, "a {version} Solana transaction message"),
            SolanaShape::Transaction {
                signatures,
                message,
            } => write!(
                f,
                "a serialized Solana transaction ({signatures} signature(s), {message} message)"
            ),
        }
    }
}

/// The Solana shape of `bytes`: see `chainsig_solana::check_transaction_shape` for the layouts,
/// byte by byte. Linear, allocation-free, never panics.
///
/// ```
/// use chainsig_core::txshape::{solana_shape, MessageVersion, SolanaShape};
///
/// assert_eq!(solana_shape(b"5df359f0-d299-40a1-8023-17c77a50144c"), None);
/// let mut message = vec![1, 0, 0, 1];
/// message.extend([7u8; 32]); // one account key
/// message.extend([9u8; 32]); // the blockhash
/// message.push(0); // no instructions
/// assert_eq!(solana_shape(&message), Some(SolanaShape::Message(MessageVersion::Legacy)));
/// ```
pub fn solana_shape(bytes: &[u8]) -> Option<SolanaShape> {
    if bytes.first() == Some(&0xff) {
        return Some(SolanaShape::OffchainMessageDomain);
    }
    if let Some(version) = message_version(bytes) {
        return Some(SolanaShape::Message(version));
    }
    transaction(bytes).map(|(signatures, message)| SolanaShape::Transaction {
        signatures,
        message,
    })
}

/// An EVM transaction's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EvmShape {
    /// One RLP list of at least 6 items that is all the bytes: a legacy transaction or its
    /// signing payload (6 items before EIP-155, 9 after).
    Legacy {
        /// Items in the list.
        items: usize,
    },
    /// An EIP-2718 typed transaction: a type byte `0x00..=0x7f`, then one RLP list of at least
    /// 6 items that is the rest of the bytes (EIP-2930, EIP-1559, EIP-4844, EIP-7702, ...).
    Typed {
        /// The transaction type.
        tx_type: u8,
        /// Items in the list.
        items: usize,
    },
}

impl fmt::Display for EvmShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvmShape::Legacy { items } => {
                write!(f, "an RLP-encoded legacy EVM transaction ({items} fields)")
            }
            EvmShape::Typed { tx_type, items } => write!(
                f,
                "an RLP-encoded EVM transaction of type {tx_type:#04x} ({items} fields)"
            ),
        }
    }
}

/// The fewest list items an EVM transaction (or its signing payload) has.
const MIN_EVM_TX_ITEMS: usize = 6;

/// The EVM transaction shape of `bytes`: a legacy RLP list, or a typed envelope.
///
/// Only the structure is checked (well-formed RLP that consumes every byte, enough items): the
/// fields are not decoded, since refusing a look-alike is the safe side.
///
/// ```
/// use chainsig_core::txshape::{evm_shape, EvmShape};
///
/// // EIP-1559 signing payload: 0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to, value, data, accessList])
/// let tx = [0x02, 0xc9, 0x01, 0x80, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0xc0];
/// assert_eq!(evm_shape(&tx), Some(EvmShape::Typed { tx_type: 2, items: 9 }));
/// assert_eq!(evm_shape(b"5df359f0-d299-40a1-8023-17c77a50144c"), None);
/// ```
pub fn evm_shape(bytes: &[u8]) -> Option<EvmShape> {
    let (&first, rest) = bytes.split_first()?;
    if first <= 0x7f {
        let items = rlp_list_items(rest)?;
        (items >= MIN_EVM_TX_ITEMS).then_some(EvmShape::Typed {
            tx_type: first,
            items,
        })
    } else {
        let items = rlp_list_items(bytes)?;
        (items >= MIN_EVM_TX_ITEMS).then_some(EvmShape::Legacy { items })
    }
}

/// The number of items of the RLP list that is exactly `bytes`, with every item well formed.
fn rlp_list_items(bytes: &[u8]) -> Option<usize> {
    let mut buf = bytes;
    let header = alloy_rlp::Header::decode(&mut buf).ok()?;
    if !header.list || header.payload_length != buf.len() {
        return None;
    }
    let mut items = 0;
    while !buf.is_empty() {
        let item = alloy_rlp::Header::decode(&mut buf).ok()?;
        let (_, rest) = buf.split_at_checked(item.payload_length)?;
        buf = rest;
        items += 1;
    }
    Some(items)
}

/// A cursor over the input that never reads out of bounds.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Option<u8> {
        let (&byte, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(byte)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.rest.split_at_checked(n)?;
        self.rest = rest;
        Some(head)
    }

    /// Solana's `short_vec` length, rejecting the encodings Solana's decoder rejects.
    fn compact_u16(&mut self) -> Option<u16> {
        let mut value: u32 = 0;
        for nth in 0..3 {
            let byte = self.u8()?;
            // The third byte carries the top 2 bits of a u16 and never a continuation bit.
            if nth == 2 && byte > 0x03 {
                return None;
            }
            value |= u32::from(byte & 0x7f) << (7 * nth);
            if byte & 0x80 == 0 {
                // A zero byte after the first one is a redundant (alias) encoding.
                if byte == 0 && nth > 0 {
                    return None;
                }
                return u16::try_from(value).ok();
            }
        }
        None
    }

    /// A compact-u16 length followed by that many bytes.
    fn short_vec(&mut self) -> Option<&'a [u8]> {
        let len = self.compact_u16()?;
        self.take(usize::from(len))
    }
}

/// The message version when *all* of `bytes` parse as a message.
fn message_version(bytes: &[u8]) -> Option<MessageVersion> {
    let (&first, rest) = bytes.split_first()?;
    let (version, mut reader) = if first == 0x80 {
        (MessageVersion::V0, Reader { rest })
    } else if first & 0x80 == 0 {
        (MessageVersion::Legacy, Reader { rest: bytes })
    } else {
        return None;
    };
    message_body(&mut reader, version)?;
    reader.rest.is_empty().then_some(version)
}

/// The header, keys, blockhash and instructions (and, for v0, the lookups) of a message.
fn message_body(reader: &mut Reader<'_>, version: MessageVersion) -> Option<()> {
    let required_signatures = reader.u8()?;
    if required_signatures == 0 || required_signatures & 0x80 != 0 {
        return None;
    }
    let _readonly_signed = reader.u8()?;
    let _readonly_unsigned = reader.u8()?;
    let keys = usize::from(reader.compact_u16()?);
    if keys < usize::from(required_signatures) {
        return None;
    }
    reader.take(keys.checked_mul(32)?)?;
    reader.take(32)?; // recent blockhash

    // The largest account index any instruction uses; checked once the lookups are known.
    let mut max_index: Option<u8> = None;
    let instructions = reader.compact_u16()?;
    for _ in 0..instructions {
        let program = reader.u8()?;
        let accounts = reader.short_vec()?;
        reader.short_vec()?; // data
        let local_max = accounts.iter().copied().fold(program, u8::max);
        max_index = max_index.max(Some(local_max));
    }

    let mut addressable = keys;
    if version == MessageVersion::V0 {
        let lookups = reader.compact_u16()?;
        for _ in 0..lookups {
            reader.take(32)?; // lookup-table account
            let writable = reader.short_vec()?;
            let readonly = reader.short_vec()?;
            addressable = addressable
                .checked_add(writable.len())?
                .checked_add(readonly.len())?;
        }
    }
    match max_index {
        Some(index) if usize::from(index) >= addressable => None,
        _ => Some(()),
    }
}

/// The signature count and message version when *all* of `bytes` parse as a transaction.
fn transaction(bytes: &[u8]) -> Option<(u16, MessageVersion)> {
    let mut reader = Reader { rest: bytes };
    let signatures = reader.compact_u16()?;
    if signatures == 0 {
        return None;
    }
    reader.take(usize::from(signatures).checked_mul(64)?)?;
    let version = message_version(reader.rest)?;
    Some((signatures, version))
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

    #[test]
    fn compact_u16_matches_solana() {
        for (bytes, expected) in [
            (&[0x00][..], Some(0)),
            (&[0x7f], Some(0x7f)),
            (&[0x80, 0x01], Some(0x80)),
            (&[0xff, 0x7f], Some(0x3fff)),
            (&[0x80, 0x80, 0x01], Some(0x4000)),
            (&[0xff, 0xff, 0x03], Some(0xffff)),
            (&[0x80, 0x00], None),       // alias of 0
            (&[0x80, 0x80, 0x00], None), // alias of 0
            (&[0xff, 0xff, 0x04], None), // overflow
            (&[0x80, 0x80, 0x80], None), // a third byte that continues
            (&[0x80], None),             // truncated
            (&[], None),
        ] {
            assert_eq!(
                Reader { rest: bytes }.compact_u16(),
                expected,
                "{bytes:02x?}"
            );
        }
        for value in [0u16, 1, 127, 128, 255, 16383, 16384, 65535] {
            assert_eq!(
                Reader {
                    rest: &compact(value)
                }
                .compact_u16(),
                Some(value)
            );
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
            solana_shape(&ok),
            Some(SolanaShape::Message(MessageVersion::Legacy))
        );
        // Trailing or missing bytes: not a message.
        let mut longer = ok.clone();
        longer.push(0);
        assert_eq!(solana_shape(&longer), None);
        assert_eq!(solana_shape(&ok[..ok.len() - 1]), None);
        // Program-id or account index out of bounds.
        assert_eq!(solana_shape(&body(2, &[(2, vec![0], vec![])])), None);
        assert_eq!(solana_shape(&body(2, &[(1, vec![0, 2], vec![])])), None);
        // No signer, or more signers than keys.
        let mut unsigned = body(1, &[]);
        unsigned[0] = 0;
        assert_eq!(solana_shape(&unsigned), None);
        let mut too_many = body(1, &[]);
        too_many[0] = 2;
        assert_eq!(solana_shape(&too_many), None);
    }

    #[test]
    fn v0_messages_count_looked_up_addresses() {
        let mut message = vec![0x80];
        message.extend(body(1, &[(1, vec![0, 2], vec![])]));
        // Without lookups, index 2 is out of bounds: not a message.
        let mut no_lookups = message.clone();
        no_lookups.push(0);
        assert_eq!(solana_shape(&no_lookups), None);
        // One lookup adding two addresses (one writable, one readonly) makes it valid.
        message.push(1);
        message.extend([0xcc; 32]);
        message.extend([1, 5, 1, 6]);
        assert_eq!(
            solana_shape(&message),
            Some(SolanaShape::Message(MessageVersion::V0))
        );
        // Other versions are not parsed (0x81..=0xfe).
        message[0] = 0x81;
        assert_eq!(solana_shape(&message), None);
    }

    #[test]
    fn transactions() {
        let message = body(1, &[(0, vec![], b"memo".to_vec())]);
        let mut tx = vec![1];
        tx.extend([0x11; 64]);
        tx.extend(&message);
        assert_eq!(
            solana_shape(&tx),
            Some(SolanaShape::Transaction {
                signatures: 1,
                message: MessageVersion::Legacy
            })
        );
        let mut unsigned = vec![0];
        unsigned.extend(&message);
        // Zero signatures, then a message: neither a transaction nor (with the leading 0) a message.
        assert_eq!(solana_shape(&unsigned), None);
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
            assert_eq!(solana_shape(text), None);
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = solana_shape(&bytes);
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
            let _ = solana_shape(&bytes);
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
                solana_shape(&message),
                Some(SolanaShape::Message(MessageVersion::Legacy))
            );
            let mut tx = vec![1];
            tx.extend([0u8; 64]);
            tx.extend(&message);
            prop_assert!(
                matches!(
                    solana_shape(&tx),
                    Some(SolanaShape::Transaction { .. })
                ),
                "transaction not refused"
            );
        }
    }

    #[test]
    fn evm_legacy_and_typed() {
        // EIP-155 signing payload of a transfer: [nonce, gasPrice, gas, to, value, data, 1, 0, 0].
        let mut legacy = vec![0xdf, 0x09, 0x01, 0x82, 0x52, 0x08, 0x94];
        legacy.extend([0x35; 20]);
        legacy.extend([0x01, 0x80, 0x01, 0x80, 0x80]);
        assert_eq!(legacy.len(), 0xdf - 0xc0 + 1);
        assert_eq!(evm_shape(&legacy), Some(EvmShape::Legacy { items: 9 }));
        // The same list typed 0x01 (EIP-2930 has more fields, but the structure is what counts).
        let mut typed = vec![0x01];
        typed.extend(&legacy);
        assert_eq!(
            evm_shape(&typed),
            Some(EvmShape::Typed {
                tx_type: 1,
                items: 9
            })
        );
        // Trailing or missing bytes, too few items, a string instead of a list: no shape.
        let mut longer = legacy.clone();
        longer.push(0);
        assert_eq!(evm_shape(&longer), None);
        assert_eq!(evm_shape(&legacy[..legacy.len() - 1]), None);
        assert_eq!(evm_shape(&[0xc5, 1, 2, 3, 4, 5]), None);
        assert_eq!(
            evm_shape(&[0xc6, 1, 2, 3, 4, 5, 6]),
            Some(EvmShape::Legacy { items: 6 })
        );
        assert_eq!(evm_shape(&[0x83, 1, 2, 3]), None);
        // An item whose length runs past the list.
        assert_eq!(evm_shape(&[0xc6, 1, 2, 3, 4, 5, 0x82]), None);
        assert_eq!(evm_shape(&[0x80]), None);
        assert_eq!(evm_shape(&[]), None);
    }

    #[test]
    fn shapes_say_what_they_are() {
        assert_eq!(
            SolanaShape::Message(MessageVersion::Legacy).to_string(),
            "a legacy Solana transaction message"
        );
        assert_eq!(
            SolanaShape::Transaction {
                signatures: 2,
                message: MessageVersion::V0
            }
            .to_string(),
            "a serialized Solana transaction (2 signature(s), version 0 message)"
        );
        assert!(
            SolanaShape::OffchainMessageDomain
                .to_string()
                .contains("off-chain message")
        );
        assert_eq!(
            EvmShape::Legacy { items: 9 }.to_string(),
            "an RLP-encoded legacy EVM transaction (9 fields)"
        );
    }

    #[test]
    fn solana_shapes() {
        assert_eq!(
            solana_shape(b"\xffsolana offchain"),
            Some(SolanaShape::OffchainMessageDomain)
        );
        assert_eq!(solana_shape(b"hello"), None);
    }
}
