//! Tests of `txshape`.

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
