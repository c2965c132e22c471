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
mod tests;
