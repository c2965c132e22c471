//! Tron through the `chainsig` binary: keygen, address, sign (TronWeb vectors), verify,
//! challenge inspect, and onboarding single and batch customers against the sandbox.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_api::{AccountStatus, CustomerStatus};
use chainsig_core::ChallengeSigner;
use chainsig_tron::LocalTronSigner;
use predicates::prelude::*;
use serde_json::Value;
use support::{TestSandbox, all_text, chainsig, json, path_str};

fn vectors() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/tron-vectors.json"
    )))
    .unwrap();
    all["vectors"].as_array().unwrap().clone()
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap()
}

#[test]
fn keygen_writes_a_0600_hex_key_that_address_and_sign_load_back() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("tron.key");
    let made = json(
        &chainsig()
            .args(["keygen", "--chain", "tron", "--out", path_str(&key)])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let text = std::fs::read_to_string(&key).unwrap();
    assert_eq!(text.len(), 65, "64 hex digits and a newline");
    assert!(text.trim_end().bytes().all(|b| b.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let signer = LocalTronSigner::from_hex(&text).unwrap();
    assert_eq!(made["account"], signer.account().to_string());
    assert_eq!(made["address"], signer.address().to_base58());
    assert_eq!(made["addressHex"], signer.address().to_hex());

    let address = json(
        &chainsig()
            .args([
                "address",
                "--chain",
                "tron:4oPwXB",
                "--key-file",
                path_str(&key),
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(
        address["account"],
        format!("tron:4oPwXB:{}", signer.address().to_base58())
    );
    assert_eq!(address["address"], signer.address().to_base58());
    assert_eq!(address["addressHex"], signer.address().to_hex());
    assert_eq!(
        address.as_object().unwrap().len(),
        3,
        "account, address, addressHex: {address}"
    );
}

#[test]
fn sign_reproduces_and_verify_accepts_the_tronweb_vectors() {
    let dir = tempfile::tempdir().unwrap();
    for v in vectors().iter().step_by(3) {
        let key = dir.path().join("k");
        std::fs::write(&key, field(v, "private_key_hex")).unwrap();
        let out = json(
            &chainsig()
                .args(["sign", "--chain", "tron", "--key-file", path_str(&key)])
                .args(["--challenge", field(v, "message_b64")])
                .assert()
                .success()
                .get_output()
                .stdout,
        );
        assert_eq!(out["scheme"], "tip191-secp256k1");
        assert_eq!(
            out["signatureHex"],
            field(v, "signature_hex"),
            "{}",
            v["id"]
        );
        let base64 = STANDARD.encode(hex::decode(&field(v, "signature_hex")[2..]).unwrap());
        assert_eq!(out["signature"], base64.as_str());
        // verify: base58 or hex address, base64 or hex signature.
        for (account, signature) in [
            (field(v, "address_base58"), base64.as_str()),
            (field(v, "address_hex"), field(v, "signature_hex")),
        ] {
            chainsig()
                .args(["verify", "--chain", "tron", "--account", account])
                .args([
                    "--challenge",
                    field(v, "message_b64"),
                    "--signature",
                    signature,
                ])
                .assert()
                .code(0)
                .stdout(predicate::str::contains("\"valid\":true"));
        }
    }
}

#[test]
fn verify_refuses_ethereum_prefixed_and_foreign_input() {
    let v = &vectors()[0];
    let evm = chainsig_evm::LocalEvmSigner::from_hex(field(v, "private_key_hex")).unwrap();
    let message = STANDARD.decode(field(v, "message_b64")).unwrap();
    let eip191 = STANDARD.encode(evm.sign_message_sync(&message));
    let verify = |chain: &str, account: &str, signature: &str| {
        chainsig()
            .args(["verify", "--chain", chain, "--account", account])
            .args([
                "--challenge",
                field(v, "message_b64"),
                "--signature",
                signature,
            ])
            .output()
            .unwrap()
    };
    // The right key, Ethereum's prefix: not valid (exit 1).
    let out = verify("tron", field(v, "address_base58"), &eip191);
    assert_eq!(out.status.code(), Some(1), "{}", all_text(&out));
    // An EVM address, a mistyped Tron address, an unknown network or namespace: exit 2.
    let mut typo = field(v, "address_base58").to_owned();
    typo.replace_range(33.., if typo.ends_with('a') { "b" } else { "a" });
    for (chain, account, expected) in [
        (
            "tron",
            "0x22d41d615bfc78101d4ac3527f9647de693294a9",
            "EVM `0x` address",
        ),
        ("tron", typo.as_str(), "checksum"),
        ("tron:2b6653dc", field(v, "address_base58"), "27Lqcw"),
        (
            "cosmos:cosmoshub-4",
            "cosmos1abc",
            "unsupported chain namespace `cosmos`",
        ),
    ] {
        let out = verify(chain, account, &eip191);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{chain} {account}: {}",
            all_text(&out)
        );
        assert!(all_text(&out).contains(expected), "{}", all_text(&out));
    }
    // A CAIP-10 --account of another namespace than --chain's, and the Tron account in full.
    let evm_account = format!("eip155:1:{}", chainsig_core::to_eip55(&evm.address()));
    let out = verify("tron", &evm_account, &eip191);
    assert_eq!(out.status.code(), Some(2), "{}", all_text(&out));
    assert!(
        all_text(&out).contains("--account is a `eip155` account but --chain is `tron:27Lqcw`"),
        "{}",
        all_text(&out)
    );
    let tron_account = format!("tron:27Lqcw:{}", field(v, "address_base58"));
    let tip191 = STANDARD.encode(hex::decode(&field(v, "signature_hex")[2..]).unwrap());
    let out = verify("tron", &tron_account, &tip191);
    assert_eq!(out.status.code(), Some(0), "{}", all_text(&out));
}

#[test]
fn challenge_inspect_shows_the_tip191_digest() {
    let v = &vectors()[0];
    let report = json(
        &chainsig()
            .args(["--json", "challenge", "inspect", field(v, "message_b64")])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let message = STANDARD.decode(field(v, "message_b64")).unwrap();
    assert_eq!(
        report["wouldSign"]["tron"]["digest"],
        format!("0x{}", hex::encode(chainsig_tron::tip191_hash(&message)))
    );
}

#[test]
fn onboard_single_and_batch_tron_customers() {
    let sandbox = TestSandbox::start();
    let write_key = |name: &str| {
        let signer = LocalTronSigner::random();
        std::fs::write(
            sandbox.path(name),
            format!("{}\n", signer.to_hex().as_str()),
        )
        .unwrap();
        signer
    };
    let single = write_key("tron.key");
    let account = json(
        &sandbox
            .cmd()
            .args(["--json", "onboard", "--chain", "tron", "--key-file"])
            .arg(sandbox.path("tron.key"))
            .args(["--external-id", "c-tron", "--simulate-kyc"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(account["status"], "active");
    assert!(
        account["chainId"]
            .as_str()
            .unwrap()
            .starts_with("tron:27Lqcw:T"),
        "{account}"
    );

    let batch: Vec<LocalTronSigner> = (0..3).map(|i| write_key(&format!("b{i}.key"))).collect();
    let csv: String = std::iter::once("external_id,chain,key_file,currency\n".to_owned())
        .chain((0..3).map(|i| {
            let chain = if i == 2 { "tron:6FhfKq" } else { "tron" };
            format!("t-{i},{chain},b{i}.key,EUR\n")
        }))
        .collect();
    std::fs::write(sandbox.path("tron.csv"), csv).unwrap();
    let output = sandbox
        .cmd()
        .args(["onboard", "--batch", "tron.csv", "--simulate-kyc"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", all_text(&output));

    let client = sandbox.client();
    let customers = sandbox.block_on(client.list_customers()).unwrap();
    assert_eq!(customers.len(), 4);
    let mut expected = vec![("c-tron".to_owned(), single.account().to_string())];
    for (i, signer) in batch.iter().enumerate() {
        let account = signer.account().to_string();
        let account = if i == 2 {
            account.replace("tron:27Lqcw:", "tron:6FhfKq:")
        } else {
            account
        };
        expected.push((format!("t-{i}"), account));
    }
    for (external_id, wallet) in expected {
        let customer = customers
            .iter()
            .find(|c| c.external_id == external_id)
            .unwrap();
        assert_eq!(customer.chain_id, wallet);
        assert_eq!(customer.status, CustomerStatus::Active);
        let accounts = sandbox
            .block_on(client.list_customer_accounts(&customer.id))
            .unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].status, AccountStatus::Active);
    }
}
