//! `chainsig challenge inspect`: what a challenge is and what each chain would sign.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;
use serde_json::Value;
use support::*;

const SIWE: &str = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\n\
\n\
OffBlocks wants to verify ownership of your wallet.\n\
\n\
URI: https://api.sandbox.offblocks.xyz\n\
Version: 1\n\
Chain ID: 300\n\
Nonce: 5ufoiEqDaFvmfo78\n\
Issued At: 2024-01-17T18:21:53Z";

fn inspect_json(bytes: &[u8]) -> Value {
    json(
        &chainsig()
            .args(["--json", "challenge", "inspect", &STANDARD.encode(bytes)])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
}

fn inspect_text(bytes: &[u8]) -> String {
    String::from_utf8(
        chainsig()
            .args(["challenge", "inspect", &STANDARD.encode(bytes)])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone(),
    )
    .unwrap()
}

fn digest(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(chainsig_evm::eip191_hash(bytes)))
}

#[test]
fn a_sign_in_with_ethereum_message_shows_its_fields() {
    let report = inspect_json(SIWE.as_bytes());
    assert_eq!(report["kind"], "sign-in-with-ethereum");
    let m = &report["signInWithX"];
    assert_eq!(m["domain"], "api.sandbox.offblocks.xyz");
    assert_eq!(m["address"], "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb");
    assert_eq!(m["chain"], "Ethereum");
    assert_eq!(m["chainId"], "300");
    assert_eq!(m["uri"], "https://api.sandbox.offblocks.xyz");
    assert_eq!(m["nonce"], "5ufoiEqDaFvmfo78");
    assert_eq!(m["issuedAt"], "2024-01-17T18:21:53Z");
    assert_eq!(
        m["statement"],
        "OffBlocks wants to verify ownership of your wallet."
    );
    assert_eq!(report["length"], SIWE.len());
    assert_eq!(
        report["wouldSign"]["evm"]["digest"],
        digest(SIWE.as_bytes())
    );
    assert_eq!(report["warning"], Value::Null);

    let text = inspect_text(SIWE.as_bytes());
    for expected in [
        "sign-in-with-ethereum",
        "EIP-4361",
        "domain     api.sandbox.offblocks.xyz",
        "nonce      5ufoiEqDaFvmfo78",
        "chain id   300",
        &digest(SIWE.as_bytes()),
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    // A message that starts like one but does not parse says so.
    let broken = SIWE.replace("Version: 1\n", "");
    let report = inspect_json(broken.as_bytes());
    assert_eq!(report["kind"], "text");
    assert!(report["signInWithXError"].is_string(), "{report}");
}

#[test]
fn a_session_key_challenge_is_a_uuid_as_text() {
    let uuid = b"5df359f0-d299-40a1-8023-17c77a50144c";
    let report = inspect_json(uuid);
    assert_eq!(report["kind"], "session-key");
    assert_eq!(report["text"], "5df359f0-d299-40a1-8023-17c77a50144c");
    assert_eq!(report["length"], 36);
    assert_eq!(report["wouldSign"]["evm"]["digest"], digest(uuid));
    assert_eq!(
        report["wouldSign"]["evm"]["digest"],
        "0xf2c8e8a48fd8c6dd674b3c24eee803d074faa2a7ae893d1bd696652763022079"
    );
    assert_eq!(report["wouldSign"]["solana"]["refusedByDefault"], false);
    let text = inspect_text(uuid);
    assert!(text.contains("session-key"), "{text}");
    assert!(
        text.contains("\"5df359f0-d299-40a1-8023-17c77a50144c\""),
        "{text}"
    );
    assert!(text.contains(&digest(uuid)), "{text}");
    // Other text is just text.
    assert_eq!(inspect_json(b"hello")["kind"], "text");
}

#[test]
fn binary_data_gets_a_hex_preview() {
    // Valid UTF-8 full of control bytes is binary too, not text.
    for bytes in [
        (0u8..80).collect::<Vec<u8>>(),
        vec![0x80, 0x81, 0xfe, 0x00, 0x01],
    ] {
        let report = inspect_json(&bytes);
        assert_eq!(report["kind"], "binary", "{report}");
        assert_eq!(report["text"], Value::Null);
        assert_eq!(report["length"], bytes.len());
        let preview = &bytes[..bytes.len().min(64)];
        assert_eq!(report["hexPreview"], hex::encode(preview));
        assert_eq!(report["hexPreviewTruncated"], bytes.len() > 64);
        assert_eq!(report["wouldSign"]["evm"]["digest"], digest(&bytes));
        let text = inspect_text(&bytes);
        assert!(
            text.contains(&format!("hex:     {}", hex::encode(preview))),
            "{text}"
        );
        assert!(
            text.contains(&format!("length:  {} bytes", bytes.len())),
            "{text}"
        );
    }
}

#[test]
fn bytes_shaped_like_a_solana_transaction_get_a_warning() {
    // A legacy message: 1 signer, 1 key, a blockhash, no instructions.
    let mut message = vec![1, 0, 0, 1];
    message.extend([7u8; 32]);
    message.extend([9u8; 32]);
    message.push(0);
    let report = inspect_json(&message);
    assert_eq!(report["kind"], "binary");
    assert!(
        report["solanaTransactionShape"]
            .as_str()
            .unwrap()
            .contains("legacy")
    );
    assert!(
        report["warning"]
            .as_str()
            .unwrap()
            .contains("Solana transaction")
    );
    assert_eq!(report["class"], "transaction");
    assert_eq!(
        report["transactionShape"],
        "a legacy Solana transaction message"
    );
    assert_eq!(report["wouldSign"]["solana"]["refusedByDefault"], true);
    assert_eq!(report["wouldSign"]["evm"]["digest"], digest(&message));
    let text = inspect_text(&message);
    assert!(
        text.contains("WARNING: these bytes look like a legacy Solana transaction message"),
        "{text}"
    );
    assert!(text.contains("refused by default"), "{text}");
    // The off-chain message domain too.
    let report = inspect_json(b"\xffsolana offchain");
    assert!(report["warning"].is_string(), "{report}");
}

#[test]
fn every_challenge_gets_its_policy_class() {
    let uuid = inspect_json(b"5df359f0-d299-40a1-8023-17c77a50144c");
    assert_eq!(uuid["class"], "uuid");
    assert!(uuid["warning"].is_null(), "{uuid}");
    assert_eq!(inspect_json(b"hello")["class"], "text");
    assert_eq!(inspect_json(&[0xfe, 0x00, 0x01])["class"], "binary");
    // An EIP-1559 transaction, and 32 raw bytes (a possible transaction hash).
    let tx = [
        0x02, 0xc9, 0x01, 0x80, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0xc0,
    ];
    let report = inspect_json(&tx);
    assert_eq!(report["class"], "transaction");
    assert!(
        report["warning"]
            .as_str()
            .unwrap()
            .contains("EVM transaction of type 0x02"),
        "{report}"
    );
    let report = inspect_json(&[0xab; 32]);
    assert_eq!(report["class"], "transaction");
    assert!(
        report["transactionShape"]
            .as_str()
            .unwrap()
            .contains("transaction hash"),
        "{report}"
    );
    let text = inspect_text(&[0xab; 32]);
    assert!(
        text.contains("class:   transaction (32 raw bytes"),
        "{text}"
    );
}

#[test]
fn inspect_refuses_what_is_not_a_challenge() {
    for (arg, reason) in [("not base64!", "base64"), ("", "empty")] {
        chainsig()
            .args(["challenge", "inspect", arg])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(reason));
    }
    // Too big: over 64 KiB decoded.
    let big = STANDARD.encode(vec![b'a'; 64 * 1024 + 1]);
    chainsig()
        .args(["challenge", "inspect", &big])
        .assert()
        .code(2);
}
