//! The `chainsig` contract, exercised through the real binary.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use assert_cmd::Command;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use predicates::prelude::*;
use serde_json::Value;

const EVM_KEY: &str = "0xa76a939a40391bec11bb627c135d249fb5f36ca49249fa2bf5c4928d206ca7e8";
const EVM_ADDRESS: &str = "0x8facB46919Ee73D84F1641E74C5fBB63647fCF3E";

fn chainsig() -> Command {
    Command::cargo_bin("chainsig").unwrap()
}

fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output).unwrap()
}

fn vectors() -> Value {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/interop-vectors.json"
    ));
    serde_json::from_str(text).unwrap()
}

struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn write(&self, name: &str, contents: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }
}

#[test]
fn sign_reproduces_the_eth_account_vectors() {
    let keys = Keys::new();
    for v in vectors()["evm"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["message_len"] != 0)
    {
        let key = keys.write("evm.key", v["private_key_hex"].as_str().unwrap());
        let out = chainsig()
            .args([
                "sign",
                "--chain",
                "evm",
                "--key-file",
                &key,
                "--challenge",
                v["message_b64"].as_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = json(&out.stdout);
        assert_eq!(
            out["account"],
            format!("eip155:1:{}", v["address"].as_str().unwrap())
        );
        assert_eq!(out["scheme"], "eip191-secp256k1");
        assert_eq!(out["signatureHex"], v["signature_hex"]);
        let raw = hex::decode(
            v["signature_hex"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x"),
        )
        .unwrap();
        assert_eq!(out["signature"], STANDARD.encode(raw));
    }
}

#[test]
fn sign_reproduces_the_pynacl_vectors() {
    let keys = Keys::new();
    for v in vectors()["solana"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["message_len"] != 0)
    {
        let key = keys.write("id.json", &v["keypair_json"].to_string());
        let out = chainsig()
            .args([
                "sign",
                "--chain",
                "solana",
                "--key-file",
                &key,
                "--allow-transaction-shaped",
            ])
            .args(["--challenge", v["message_b64"].as_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = json(&out.stdout);
        assert_eq!(
            out["account"],
            format!(
                "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:{}",
                v["public_key_base58"].as_str().unwrap()
            )
        );
        assert_eq!(out["scheme"], "ed25519");
        assert_eq!(out["signatureHex"], v["signature_hex"]);
    }
}

#[test]
fn keygen_address_sign_verify_round_trip_on_both_chains() {
    let keys = Keys::new();
    for (chain, name) in [
        ("evm", "evm.key"),
        ("solana", "id.json"),
        ("eip155:324", "zk.key"),
    ] {
        let path = keys.path(name);
        let out = chainsig()
            .args(["keygen", "--chain", chain, "--out", &path])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let generated = json(&out.stdout);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{chain}: key file mode");
        }

        let out = chainsig()
            .args(["address", "--chain", chain, "--key-file", &path])
            .output()
            .unwrap();
        let address = json(&out.stdout);
        assert_eq!(address["account"], generated["account"]);
        assert_eq!(address.as_object().unwrap().len(), 2, "{address}");

        let challenge = STANDARD.encode(b"session key challenge");
        let out = chainsig()
            .args([
                "sign",
                "--chain",
                chain,
                "--key-file",
                &path,
                "--challenge",
                &challenge,
            ])
            .output()
            .unwrap();
        let signed = json(&out.stdout);
        // base64, 0x-hex, bare hex, and base58 for ed25519.
        let hex = signed["signatureHex"].as_str().unwrap();
        let bytes = hex::decode(hex.trim_start_matches("0x")).unwrap();
        let mut encodings = vec![
            signed["signature"].clone(),
            signed["signatureHex"].clone(),
            serde_json::Value::from(hex.trim_start_matches("0x")),
        ];
        if chain == "solana" {
            encodings.push(serde_json::Value::from(bs58::encode(&bytes).into_string()));
        }
        for signature in &encodings {
            chainsig()
                .args([
                    "verify",
                    "--chain",
                    chain,
                    "--account",
                    signed["account"].as_str().unwrap(),
                ])
                .args([
                    "--challenge",
                    &challenge,
                    "--signature",
                    signature.as_str().unwrap(),
                ])
                .assert()
                .code(0)
                .stdout("{\"valid\":true}\n");
        }
        // The bare address works as --account too.
        chainsig()
            .args([
                "verify",
                "--chain",
                chain,
                "--account",
                address["address"].as_str().unwrap(),
            ])
            .args([
                "--challenge",
                &challenge,
                "--signature",
                signed["signature"].as_str().unwrap(),
            ])
            .assert()
            .code(0);
        // Another challenge: not valid, exit 1.
        chainsig()
            .args([
                "verify",
                "--chain",
                chain,
                "--account",
                address["address"].as_str().unwrap(),
            ])
            .args([
                "--challenge",
                &STANDARD.encode(b"other"),
                "--signature",
                signed["signature"].as_str().unwrap(),
            ])
            .assert()
            .code(1)
            .stdout("{\"valid\":false}\n");

        // keygen never overwrites.
        chainsig()
            .args(["keygen", "--chain", chain, "--out", &path])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to overwrite"));
    }
}

#[test]
fn keys_from_the_environment_and_keystores() {
    let keystore = include_str!("../../../testdata/keystores/keystore-scrypt.json");
    let keys = Keys::new();
    let path = keys.write("keystore.json", keystore);
    chainsig()
        .args([
            "address",
            "--chain",
            "evm",
            "--key-file",
            &path,
            "--password-env",
            "KS_PASSWORD",
        ])
        .env("KS_PASSWORD", "correct horse battery staple")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025",
        ));
    chainsig()
        .args(["address", "--chain", "evm", "--key-file", &path])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("password is required")
                .and(predicate::str::contains("--password-env")),
        );
    chainsig()
        .args(["address", "--chain", "evm", "--key-env", "MY_KEY"])
        .env("MY_KEY", EVM_KEY)
        .assert()
        .success()
        .stdout(predicate::str::contains(EVM_ADDRESS));
    chainsig()
        .args([
            "address",
            "--chain",
            "evm",
            "--key-env",
            "UNSET_VARIABLE_FOR_TEST",
        ])
        .env_remove("UNSET_VARIABLE_FOR_TEST")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("UNSET_VARIABLE_FOR_TEST"));
}

#[test]
fn challenge_from_file_and_stdin() {
    let keys = Keys::new();
    let key = keys.write("evm.key", EVM_KEY);
    let file = keys.write("challenge.b64", "aGVsbG8=\n");
    let from_arg = chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            &key,
            "--challenge",
            "aGVsbG8=",
        ])
        .output()
        .unwrap();
    let from_file = chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            &key,
            "--challenge-file",
            &file,
        ])
        .output()
        .unwrap();
    let from_stdin = chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key-file",
            &key,
            "--challenge-file",
            "-",
        ])
        .write_stdin("aGVsbG8=\n")
        .output()
        .unwrap();
    assert!(from_arg.status.success());
    assert_eq!(from_arg.stdout, from_file.stdout);
    assert_eq!(from_arg.stdout, from_stdin.stdout);
}

#[test]
fn sign_refuses_bad_input_with_exit_2_and_a_reason() {
    let keys = Keys::new();
    let evm_key = keys.write("evm.key", EVM_KEY);
    let sol_key = keys.write(
        "id.json",
        &vectors()["solana"][1]["keypair_json"].to_string(),
    );
    let garbage = keys.write("garbage.key", "not a key at all");
    let oversized = STANDARD.encode(vec![b'a'; 64 * 1024 + 1]);
    let big_file = keys.write("big.b64", &oversized);
    let missing = keys.path("missing.key");
    let tx_shaped = STANDARD.encode([&[0xffu8][..], b"solana offchain"].concat());

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &evm_key,
                "--challenge",
                "not base64!",
            ],
            "not valid base64",
        ),
        (
            vec!["--chain", "evm", "--key-file", &evm_key, "--challenge", ""],
            "empty",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &evm_key,
                "--challenge",
                &oversized,
            ],
            "too large",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &evm_key,
                "--challenge-file",
                &big_file,
            ],
            "too large",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &missing,
                "--challenge",
                "aGk=",
            ],
            "cannot read key file",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &garbage,
                "--challenge",
                "aGk=",
            ],
            "invalid EVM private key",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--key-file",
                &sol_key,
                "--challenge",
                "aGk=",
            ],
            "solana-keygen",
        ),
        (
            vec![
                "--chain",
                "solana",
                "--key-file",
                &evm_key,
                "--challenge",
                "aGk=",
            ],
            "EVM",
        ),
        (
            vec![
                "--chain",
                "cosmos:hub-4",
                "--key-file",
                &evm_key,
                "--challenge",
                "aGk=",
            ],
            "unsupported chain namespace",
        ),
        (
            vec![
                "--chain",
                "bitcoin",
                "--key-file",
                &evm_key,
                "--challenge",
                "aGk=",
            ],
            "CAIP-2",
        ),
        (
            vec![
                "--chain",
                "solana",
                "--key-file",
                &sol_key,
                "--challenge",
                &tx_shaped,
            ],
            "--allow-transaction-shaped",
        ),
    ];
    for (args, reason) in cases {
        chainsig()
            .arg("sign")
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(reason));
    }
    // The opt-out signs it.
    chainsig()
        .args([
            "sign",
            "--chain",
            "solana",
            "--key-file",
            &sol_key,
            "--challenge",
            &tx_shaped,
            "--allow-transaction-shaped",
        ])
        .assert()
        .success();
    // A key as a plain argument does not exist.
    chainsig()
        .args([
            "sign",
            "--chain",
            "evm",
            "--key",
            EVM_KEY,
            "--challenge",
            "aGk=",
        ])
        .assert()
        .code(2);
}

#[test]
fn verify_refuses_malformed_input_with_exit_2() {
    let ok_sig = vectors()["evm"][2]["signature_hex"]
        .as_str()
        .unwrap()
        .to_owned();
    let evm_caip10 = format!("eip155:1:{EVM_ADDRESS}");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--chain",
                "evm",
                "--account",
                "0x1234",
                "--challenge",
                "aGk=",
                "--signature",
                &ok_sig,
            ],
            "--account",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--account",
                EVM_ADDRESS,
                "--challenge",
                "%%",
                "--signature",
                &ok_sig,
            ],
            "--challenge",
        ),
        (
            vec![
                "--chain",
                "evm",
                "--account",
                EVM_ADDRESS,
                "--challenge",
                "aGk=",
                "--signature",
                "0x1234",
            ],
            "65-byte",
        ),
        (
            vec![
                "--chain",
                "solana",
                "--account",
                &evm_caip10,
                "--challenge",
                "aGk=",
                "--signature",
                &ok_sig,
            ],
            "--chain",
        ),
    ];
    for (args, reason) in cases {
        chainsig()
            .arg("verify")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(reason));
    }
}

#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let keys = Keys::new();
    // A near-miss key (one digit short) and a wrong-chain use: the errors must not echo it.
    let near_miss = &EVM_KEY[..65];
    let path = keys.write("bad.key", near_miss);
    let out = chainsig()
        .args(["address", "--chain", "evm", "--key-file", &path])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(&near_miss[2..40]), "{text}");

    let good = keys.write("good.key", EVM_KEY);
    let out = chainsig()
        .args([
            "sign",
            "--chain",
            "solana",
            "--key-file",
            &good,
            "--challenge",
            "aGk=",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!text.contains(&EVM_KEY[2..40]), "{text}");
}

#[test]
fn help_shows_examples() {
    let root = chainsig().arg("--help").assert().success();
    let text = String::from_utf8_lossy(&root.get_output().stdout).to_string();
    assert!(text.contains("Examples:"), "{text}");
    for example in [
        "chainsig sandbox",
        "chainsig signing-key new",
        "chainsig onboard --chain",
        "chainsig onboard --batch",
        "chainsig challenge inspect",
        "OFFBLOCKS_BASE_URL",
    ] {
        assert!(text.contains(example), "{example:?} not in chainsig --help");
    }
    for sub in [
        &["keygen"][..],
        &["address"],
        &["sign"],
        &["verify"],
        &["onboard"],
        &["sandbox"],
        &["challenge"],
        &["challenge", "inspect"],
        &["challenge", "fetch"],
        &["challenge", "sign"],
        &["signing-key"],
        &["signing-key", "new"],
        &["signing-key", "register"],
    ] {
        let assert = chainsig().args(sub).arg("--help").assert().success();
        let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
        assert!(
            text.contains("Example"),
            "no example in {sub:?} --help:\n{text}"
        );
        assert!(
            text.contains(&format!("chainsig {}", sub.join(" "))),
            "the example of {sub:?} does not use it:\n{text}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_key_file_others_may_read_is_used_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let keys = Keys::new();
    let path = keys.write("shared.key", EVM_KEY);
    let sign = || {
        chainsig()
            .args(["sign", "--chain", "evm", "--key-file", &path])
            .args(["--challenge", &STANDARD.encode(b"hello")])
            .output()
            .unwrap()
    };
    for (mode, warned) in [
        (0o644, true),
        (0o640, true),
        (0o604, true),
        (0o600, false),
        (0o400, false),
    ] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = sign();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{mode:o}: {stderr}");
        assert_eq!(
            json(&out.stdout)["account"],
            format!("eip155:1:{EVM_ADDRESS}")
        );
        assert_eq!(
            stderr.contains(&format!(
                "warning: key file {path} is accessible to group or others (mode {mode:04o})"
            )),
            warned,
            "{mode:o}: {stderr}"
        );
        assert_eq!(stderr.contains("chmod 600"), warned, "{mode:o}: {stderr}");
    }
}
