//! `--policy` and `--audit-log` on the commands that sign.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;
use support::{TestSandbox, chainsig, json, json_lines, path_str};

const UUID: &[u8] = b"5df359f0-d299-40a1-8023-17c77a50144c";

fn example_policy() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../policy.example.toml").to_owned()
}

#[test]
fn sign_checks_only_when_given_a_policy() {
    let sandbox = TestSandbox::start();
    let (key, _) = sandbox.evm_key("evm.key");
    let hash = STANDARD.encode([0xab; 32]);
    // Bytes a person hands over are signed as they are without a policy...
    chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            path_str(&key),
            "--challenge",
            &hash,
        ])
        .assert()
        .success();
    // ... and refused under one: exit 2, the rule named, nothing on stdout, one audit line.
    let audit = sandbox.path("audit.jsonl");
    chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            path_str(&key),
            "--challenge",
            &hash,
        ])
        .args([
            "--policy",
            &example_policy(),
            "--audit-log",
            path_str(&audit),
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "refused by policy rule `allow.unknown`",
        ))
        .stderr(predicate::str::contains(
            "add `\"transaction\"` to `allow.unknown`",
        ))
        .stderr(predicate::str::contains("nothing was signed"));
    chainsig()
        .args(["sign", "--chain", "evm", "--key-file", path_str(&key)])
        .args(["--challenge", &STANDARD.encode(UUID)])
        .args([
            "--policy",
            &example_policy(),
            "--audit-log",
            path_str(&audit),
        ])
        .assert()
        .success();
    let lines = json_lines(&std::fs::read(&audit).unwrap());
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["verdict"], "refused");
    assert_eq!(lines[0]["kind"], "transaction");
    assert_eq!(lines[0]["outcome"], "not-signed");
    assert_eq!(lines[1]["verdict"], "allowed");
    assert_eq!(lines[1]["outcome"], "signed");
    assert_eq!(lines[1]["purpose"], "unknown");
    // An audit log alone records without deciding.
    let only_audit = sandbox.path("only-audit.jsonl");
    chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            path_str(&key),
            "--challenge",
            &hash,
        ])
        .args(["--audit-log", path_str(&only_audit)])
        .assert()
        .success();
    let lines = json_lines(&std::fs::read(&only_audit).unwrap());
    assert_eq!(lines[0]["rule"], "allow-all");
}

#[test]
fn a_policy_file_with_a_typo_is_refused() {
    let sandbox = TestSandbox::start();
    let (key, _) = sandbox.evm_key("evm.key");
    let policy = sandbox.path("typo.toml");
    std::fs::write(&policy, "[allow]\nsession_key = [\"text\"]\n").unwrap();
    chainsig()
        .args(["sign", "--chain", "evm", "--key-file", path_str(&key)])
        .args([
            "--challenge",
            &STANDARD.encode(UUID),
            "--policy",
            path_str(&policy),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("session_key"))
        .stderr(predicate::str::contains("policy.example.toml"));
}

#[test]
fn onboard_runs_the_policy_on_every_challenge() {
    let sandbox = TestSandbox::start();
    let (key, _) = sandbox.evm_key("evm.key");
    let audit = sandbox.path("audit.jsonl");
    // The shipped policy onboards.
    let output = sandbox
        .cmd()
        .args([
            "--json",
            "onboard",
            "--chain",
            "evm",
            "--key-file",
            path_str(&key),
        ])
        .args(["--external-id", "c-1", "--simulate-kyc"])
        .args([
            "--policy",
            &example_policy(),
            "--audit-log",
            path_str(&audit),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&output)["status"], "active");
    let lines = json_lines(&std::fs::read(&audit).unwrap());
    let purposes: Vec<_> = lines
        .iter()
        .map(|l| l["purpose"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(purposes, ["ownership", "session-key"]);
    // An emergency stop refuses the first challenge: exit 2, the rule named, nothing verified.
    let stop = sandbox.path("stop.toml");
    std::fs::write(&stop, "refuse-all = true\n").unwrap();
    let (key, _) = sandbox.evm_key("evm2.key");
    let verified = sandbox.counters().challenges_verified;
    sandbox
        .cmd()
        .args(["onboard", "--chain", "evm", "--key-file", path_str(&key)])
        .args([
            "--external-id",
            "c-2",
            "--simulate-kyc",
            "--policy",
            path_str(&stop),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refuse-all"));
    assert_eq!(sandbox.counters().challenges_verified, verified);
}
