//! The API commands (signing-key, onboard, challenge fetch/sign) against an in-process sandbox,
//! and how they fail: missing settings, wrong secret, unreachable API, bad keys.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::os::unix::fs::PermissionsExt as _;

use chainsig_api::IdempotencyKey;
use chainsig_api::{AccountStatus, CreateAccount, CreateCustomer, CustomerStatus, FlowOptions};
use predicates::prelude::*;
use support::*;

#[test]
fn signing_key_new_writes_0600_refuses_to_overwrite_and_loads_back() {
    let sandbox = TestSandbox::start();
    let out = sandbox.path("new-key.pem");
    let assert = chainsig()
        .args(["signing-key", "new", "--out", path_str(&out)])
        .assert()
        .success()
        .stdout(predicate::str::contains("BEGIN PUBLIC KEY"))
        .stdout(predicate::str::contains("chainsig signing-key register"));
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let pem = std::fs::read_to_string(&out).unwrap();
    assert!(
        !stdout.contains(pem.lines().nth(1).unwrap()),
        "the private key was printed"
    );
    // Loads back: as a chainsig_httpsig key, and through the CLI (register).
    let key = chainsig_httpsig::P384SigningKey::from_pem(&pem).unwrap();
    assert!(stdout.contains(key.public_key_pem().lines().nth(1).unwrap()));

    chainsig()
        .args(["signing-key", "new", "--out", path_str(&out)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), pem, "overwritten");

    // --json.
    let out2 = sandbox.path("new-key-2.pem");
    let value = json(
        &chainsig()
            .args(["--json", "signing-key", "new", "--out", path_str(&out2)])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(value["keyFile"], path_str(&out2));
    assert!(
        value["publicKey"]
            .as_str()
            .unwrap()
            .contains("BEGIN PUBLIC KEY")
    );

    // The new key registers: text prints the key id, --json gives {"keyId"}.
    let text = sandbox
        .cmd()
        .args(["signing-key", "register", "--key-file", path_str(&out)])
        .assert()
        .success()
        .stderr(predicate::str::contains("export OFFBLOCKS_KEY_ID="))
        .get_output()
        .stdout
        .clone();
    let key_id = String::from_utf8(text).unwrap().trim().to_owned();
    uuid::Uuid::parse_str(&key_id).unwrap();
    let value = json(
        &sandbox
            .cmd()
            .args([
                "--json",
                "signing-key",
                "register",
                "--key-file",
                path_str(&out),
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(
        value["keyId"],
        key_id.as_str(),
        "the same key gets the same id"
    );
    // Without --key-file: OFFBLOCKS_SIGNING_KEY_FILE.
    let value = json(
        &sandbox
            .cmd()
            .args(["--json", "signing-key", "register"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    uuid::Uuid::parse_str(value["keyId"].as_str().unwrap()).unwrap();
}

#[test]
fn onboard_evm_and_solana_single_customers() {
    let sandbox = TestSandbox::start();
    let (evm_key, evm) = sandbox.evm_key("evm.key");
    let (sol_key, sol) = sandbox.solana_key("id.json");

    // EVM, text; no key id: it registers and says so on stderr.
    let output = sandbox
        .cmd()
        .args([
            "onboard",
            "--chain",
            "evm",
            "--key-file",
            path_str(&evm_key),
        ])
        .args([
            "--external-id",
            "c-evm",
            "--currency",
            "USD",
            "--simulate-kyc",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "registered the request-signing key as",
        ))
        .stderr(predicate::str::contains("OFFBLOCKS_KEY_ID="))
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("customer c-evm onboarded"), "{stdout}");
    assert!(stdout.contains("active"), "{stdout}");
    assert!(stdout.contains("USD"), "{stdout}");

    // Solana, --json: the account JSON. With a key id: no registration.
    let key_id = json(
        &sandbox
            .cmd()
            .args(["--json", "signing-key", "register"])
            .output()
            .unwrap()
            .stdout,
    )["keyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let output = sandbox
        .cmd()
        .env("OFFBLOCKS_KEY_ID", &key_id)
        .args([
            "--json",
            "onboard",
            "--chain",
            "solana",
            "--key-file",
            path_str(&sol_key),
        ])
        .args(["--external-id", "c-sol", "--simulate-kyc"])
        .assert()
        .success()
        .stderr(predicate::str::contains("registered").not())
        .get_output()
        .clone();
    let account = json(&output.stdout);
    assert_eq!(account["status"], "active");
    assert_eq!(account["currencies"], serde_json::json!(["EUR"]));
    assert!(account["chainId"].as_str().unwrap().starts_with("solana:"));

    // Both customers exist once, with the right wallets, and each has one active account.
    let client = sandbox.client();
    let customers = sandbox.block_on(client.list_customers()).unwrap();
    assert_eq!(customers.len(), 2);
    for (external_id, wallet) in [("c-evm", account_of(&evm)), ("c-sol", account_of(&sol))] {
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
    assert_eq!(
        account["customerId"],
        customers
            .iter()
            .find(|c| c.external_id == "c-sol")
            .unwrap()
            .id
            .as_str()
    );

    // The same customer again: nothing new is created, the same account is printed.
    let before = sandbox.counters();
    assert_eq!((before.customers, before.accounts), (2, 2));
    let again = json(
        &sandbox
            .cmd()
            .args([
                "--json",
                "onboard",
                "--chain",
                "evm",
                "--key-file",
                path_str(&evm_key),
            ])
            .args([
                "--external-id",
                "c-evm",
                "--currency",
                "USD",
                "--simulate-kyc",
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(again["status"], "active");
    let evm_customer = customers.iter().find(|c| c.external_id == "c-evm").unwrap();
    let evm_accounts = sandbox
        .block_on(client.list_customer_accounts(&evm_customer.id))
        .unwrap();
    assert_eq!(again["id"], evm_accounts[0].id.as_str(), "{again}");
    let after = sandbox.counters();
    assert_eq!((after.customers, after.accounts), (2, 2));
}

#[test]
fn challenge_fetch_and_sign_unstick_an_account_and_a_customer() {
    let sandbox = TestSandbox::start();
    let client = sandbox.client();
    let (evm_key, evm) = sandbox.evm_key("evm.key");
    let options = FlowOptions::default();

    // An active customer whose account was created but never signed.
    let account = sandbox.block_on(async {
        let customer = client
            .onboard_customer(&evm, "stuck-account", &options)
            .await
            .unwrap();
        client
            .simulator_verify(&customer.id, IdempotencyKey::new())
            .await
            .unwrap();
        client
            .wait_for_customer(&customer.id, CustomerStatus::Active, &options)
            .await
            .unwrap();
        client
            .create_account(
                &customer.id,
                &CreateAccount::card("EUR"),
                IdempotencyKey::new(),
            )
            .await
            .unwrap()
    });
    assert_eq!(account.status, AccountStatus::Initiating);

    // fetch: text, then --json with the decoded challenge (a session-key UUID).
    sandbox
        .cmd()
        .args(["challenge", "fetch", "--account", &account.id])
        .assert()
        .success()
        .stdout(predicate::str::contains("challenge: "))
        .stdout(predicate::str::contains("session-key"));
    let fetched = json(
        &sandbox
            .cmd()
            .args(["--json", "challenge", "fetch", "--account", &account.id])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(fetched["kind"], "session-key");
    assert!(fetched["challenge"].as_str().is_some());

    // A Solana key cannot sign for this EVM wallet: refused before anything is sent.
    let (sol_key, _) = sandbox.solana_key("id.json");
    sandbox
        .cmd()
        .args([
            "challenge",
            "sign",
            "--account",
            &account.id,
            "--chain",
            "evm",
        ])
        .args(["--key-file", path_str(&sol_key)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("EVM key"));

    // sign: fetch, sign, submit; the account leaves `initiating` and becomes active.
    let signed = json(
        &sandbox
            .cmd()
            .args([
                "--json",
                "challenge",
                "sign",
                "--account",
                &account.id,
                "--chain",
                "evm",
            ])
            .args(["--key-file", path_str(&evm_key)])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(signed["id"], account.id.as_str());
    assert!(
        ["pending", "active"].contains(&signed["status"].as_str().unwrap()),
        "{signed}"
    );
    assert_eq!(signed["signer"], account_of(&evm));
    let active = sandbox
        .block_on(client.wait_for_account(&account.id, AccountStatus::Active, &options))
        .unwrap();
    assert_eq!(active.status, AccountStatus::Active);
    // Nothing waits for a signature any more: 3, with a hint that says so.
    sandbox
        .cmd()
        .args(["challenge", "fetch", "--account", &account.id])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("409"))
        .stderr(predicate::str::contains(
            "hint: nothing waits for a signature",
        ));

    // A customer created but never signed (ownership not proven): --customer, text output.
    let (sol_key2, sol) = sandbox.solana_key("id2.json");
    let customer = sandbox
        .block_on(client.create_customer(
            &CreateCustomer {
                chain_id: account_of(&sol),
                external_id: "stuck-customer".into(),
            },
            IdempotencyKey::new(),
        ))
        .unwrap();
    assert_eq!(customer.status, CustomerStatus::Initiating);
    sandbox
        .cmd()
        .args(["challenge", "fetch", "--customer", &customer.id])
        .assert()
        .success()
        .stdout(predicate::str::contains("sign-in-with-x"))
        .stdout(predicate::str::contains(
            chainsig_core::ChallengeSigner::account(&sol).address(),
        ));
    sandbox
        .cmd()
        .args([
            "challenge",
            "sign",
            "--customer",
            &customer.id,
            "--chain",
            "solana",
        ])
        .args(["--key-file", path_str(&sol_key2)])
        .assert()
        .success()
        .stdout(predicate::str::contains("signed and submitted"));
    let after = sandbox.block_on(client.get_customer(&customer.id)).unwrap();
    assert_ne!(after.status, CustomerStatus::Initiating);

    // Neither --account nor --customer: a usage error.
    sandbox
        .cmd()
        .args(["challenge", "fetch"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--account"));
}

#[test]
fn missing_settings_name_the_flag_and_the_variable() {
    let sandbox = TestSandbox::start();
    let (evm_key, _) = sandbox.evm_key("evm.key");
    let onboard = |unset: &str| {
        let mut command = sandbox.cmd();
        command
            .env_remove(unset)
            .args([
                "onboard",
                "--chain",
                "evm",
                "--key-file",
                path_str(&evm_key),
            ])
            .args(["--external-id", "x", "--simulate-kyc"]);
        command
    };
    for (unset, flag) in [
        ("OFFBLOCKS_BASE_URL", "--base-url"),
        ("OFFBLOCKS_API_KEY", "--api-key-env"),
        ("OFFBLOCKS_API_SECRET", "--api-secret-env"),
        ("OFFBLOCKS_SIGNING_KEY_FILE", "--signing-key-file"),
    ] {
        onboard(unset)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(unset))
            .stderr(predicate::str::contains(flag));
    }
    // The same for the batch and the challenge commands.
    sandbox
        .cmd()
        .env_remove("OFFBLOCKS_BASE_URL")
        .args(["challenge", "fetch", "--account", "a"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--base-url")
                .and(predicate::str::contains("OFFBLOCKS_BASE_URL")),
        );
    std::fs::write(
        sandbox.path("c.csv"),
        "external_id,chain,key_file,currency\n",
    )
    .unwrap();
    sandbox
        .cmd()
        .env_remove("OFFBLOCKS_API_SECRET")
        .args(["onboard", "--batch", "c.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("OFFBLOCKS_API_SECRET"));
    // Settings from flags naming other variables and files.
    std::fs::write(
        sandbox.path("secret.txt"),
        format!("{}\n", sandbox.handle.api_secret()),
    )
    .unwrap();
    sandbox
        .cmd()
        .env_remove("OFFBLOCKS_BASE_URL")
        .env_remove("OFFBLOCKS_API_KEY")
        .env_remove("OFFBLOCKS_API_SECRET")
        .env_remove("OFFBLOCKS_SIGNING_KEY_FILE")
        .env("MY_KEY", sandbox.handle.api_key())
        .args(["--json", "signing-key", "register"])
        .args([
            "--base-url",
            sandbox.handle.base_url(),
            "--api-key-env",
            "MY_KEY",
        ])
        .args(["--api-secret-file", "secret.txt"])
        .args(["--signing-key-file", path_str(&sandbox.signing_key_file)])
        .assert()
        .success()
        .stdout(predicate::str::contains("keyId"));
    // A missing secret file or signing key file is named as such.
    sandbox
        .cmd()
        .args(["signing-key", "register", "--api-secret-file", "nope.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--api-secret-file"));
    sandbox
        .cmd()
        .args(["signing-key", "register", "--key-file", "nope.pem"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.pem"))
        .stderr(predicate::str::contains("chainsig signing-key new"));
}

#[test]
fn bad_keys_wrong_secret_and_unreachable_api_have_their_exit_codes() {
    let sandbox = TestSandbox::start();
    let (evm_key, _) = sandbox.evm_key("evm.key");
    let (sol_key, _) = sandbox.solana_key("id.json");
    // Missing key file: 2, named.
    sandbox
        .cmd()
        .args(["onboard", "--chain", "evm", "--key-file", "missing.key"])
        .args(["--external-id", "x", "--simulate-kyc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.key"));
    // A Solana key for an EVM customer: 2, says which it is.
    sandbox
        .cmd()
        .args([
            "onboard",
            "--chain",
            "evm",
            "--key-file",
            path_str(&sol_key),
        ])
        .args(["--external-id", "x", "--simulate-kyc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("solana-keygen"))
        .stderr(predicate::str::contains("expected an EVM key"));
    // `onboard` of the EVM key with one setting changed: exit 3; its output.
    let onboard_with = |variable: &str, value: &str| {
        let output = sandbox
            .cmd()
            .env(variable, value)
            .args([
                "onboard",
                "--chain",
                "evm",
                "--key-file",
                path_str(&evm_key),
            ])
            .args(["--external-id", "x", "--simulate-kyc"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{}", all_text(&output));
        all_text(&output)
    };
    // Wrong API secret: 3, with a hint, and neither secret on the screen.
    let wrong = "0123456789abcdef0123456789abcdef01234567";
    let text = onboard_with("OFFBLOCKS_API_SECRET", wrong);
    assert!(text.contains("401"), "{text}");
    assert!(
        text.contains("hint: check OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET"),
        "{text}"
    );
    assert!(
        !text.contains(wrong) && !text.contains(sandbox.handle.api_secret()),
        "{text}"
    );
    // A key id the API does not know: the middleware's 400, exit 3, with the hint about the
    // key id, the registered key and the clock; not a rejected challenge.
    let text = onboard_with("OFFBLOCKS_KEY_ID", "3ff1e847-f3c9-45ad-87b9-4cb325f5da07");
    assert!(text.contains("request signature"), "{text}");
    assert!(
        text.contains("hint:") && text.contains("OFFBLOCKS_KEY_ID"),
        "{text}"
    );
    assert!(
        text.contains("clock") && !text.contains("rejected"),
        "{text}"
    );
    // Nothing listens there: 3, with a hint.
    sandbox
        .cmd()
        .env("OFFBLOCKS_BASE_URL", "http://127.0.0.1:1/v1")
        .args(["signing-key", "register"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no answer from"))
        .stderr(predicate::str::contains("hint:"));
    // Plain http to a non-loopback host: a configuration error (2).
    sandbox
        .cmd()
        .env("OFFBLOCKS_BASE_URL", "http://example.com/v1")
        .args(["signing-key", "register"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("https"));
}

/// Every encoding of a secret that must never be printed: hex, base64, base58, JSON bytes.
fn encodings(secret: &[u8]) -> Vec<String> {
    use base64::Engine as _;
    let json = serde_json::to_string(secret).unwrap();
    vec![
        hex::encode(secret),
        hex::encode_upper(secret),
        base64::engine::general_purpose::STANDARD.encode(secret),
        bs58::encode(secret).into_string(),
        json[1..json.len() / 2].to_owned(),
    ]
}

#[test]
fn secrets_never_reach_stdout_or_stderr() {
    let sandbox = TestSandbox::start();
    let (evm_key, evm) = sandbox.evm_key("evm.key");
    let (sol_key, sol) = sandbox.solana_key("id.json");
    let mut forbidden = vec![sandbox.handle.api_secret().to_owned()];
    let evm_secret = hex::decode(evm.to_hex().trim_start_matches("0x")).unwrap();
    forbidden.extend(encodings(&evm_secret));
    let sol_keypair: Vec<u8> = serde_json::from_str(&sol.to_keypair_json()).unwrap();
    forbidden.extend(encodings(&sol_keypair));
    forbidden.extend(encodings(&sol_keypair[..32]));
    // The private PEM's base64 lines (the public key may be printed).
    let private_lines = |pem: &str| -> Vec<String> {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .map(str::to_owned)
            .collect()
    };
    forbidden.extend(private_lines(&sandbox.signing_key_pem));

    let mut outputs = Vec::new();
    let new_key = sandbox.path("new.pem");
    for json_flag in [false, true] {
        let flag: &[&str] = if json_flag { &["--json"] } else { &[] };
        let pem = sandbox.path(&format!("new-{json_flag}.pem"));
        outputs.push(
            chainsig()
                .args(flag)
                .args(["signing-key", "new", "--out", path_str(&pem)])
                .output()
                .unwrap(),
        );
        forbidden.extend(private_lines(&std::fs::read_to_string(&pem).unwrap()));
        outputs.push(
            sandbox
                .cmd()
                .args(flag)
                .args(["signing-key", "register"])
                .output()
                .unwrap(),
        );
        outputs.push(
            sandbox
                .cmd()
                .args(flag)
                .args([
                    "onboard",
                    "--chain",
                    "evm",
                    "--key-file",
                    path_str(&evm_key),
                ])
                .args(["--external-id", "s-evm", "--simulate-kyc"])
                .output()
                .unwrap(),
        );
        outputs.push(
            sandbox
                .cmd()
                .args(flag)
                .args([
                    "onboard",
                    "--chain",
                    "solana",
                    "--key-file",
                    path_str(&sol_key),
                ])
                .args(["--external-id", "s-sol", "--simulate-kyc"])
                .output()
                .unwrap(),
        );
        // Keys used on the wrong chain: the errors name the problem, not the key.
        outputs.push(
            sandbox
                .cmd()
                .args(flag)
                .args([
                    "onboard",
                    "--chain",
                    "solana",
                    "--key-file",
                    path_str(&evm_key),
                ])
                .args(["--external-id", "wrong", "--simulate-kyc"])
                .output()
                .unwrap(),
        );
        outputs.push(
            sandbox
                .cmd()
                .args(flag)
                .args([
                    "challenge",
                    "sign",
                    "--customer",
                    "nobody",
                    "--chain",
                    "evm",
                ])
                .args(["--key-file", path_str(&sol_key)])
                .output()
                .unwrap(),
        );
    }
    std::fs::write(
        sandbox.path("s.csv"),
        "external_id,chain,key_file,currency\nb-evm,evm,evm.key,EUR\nb-bad,evm,id.json,EUR\n",
    )
    .unwrap();
    outputs.push(
        sandbox
            .cmd()
            .args(["onboard", "--batch", "s.csv", "--simulate-kyc"])
            .output()
            .unwrap(),
    );
    // A wrong secret in a file, and a malformed signing key.
    std::fs::write(sandbox.path("wrong-secret"), "not-the-secret-0123456789\n").unwrap();
    forbidden.push("not-the-secret-0123456789".to_owned());
    outputs.push(
        sandbox
            .cmd()
            .args([
                "signing-key",
                "register",
                "--api-secret-file",
                "wrong-secret",
            ])
            .output()
            .unwrap(),
    );
    let bad_pem = sandbox.signing_key_pem.replace('A', "B");
    std::fs::write(&new_key, &bad_pem).unwrap();
    forbidden.extend(private_lines(&bad_pem));
    outputs.push(
        sandbox
            .cmd()
            .args(["signing-key", "register", "--key-file", path_str(&new_key)])
            .output()
            .unwrap(),
    );

    let exit_codes: Vec<Option<i32>> = outputs.iter().map(|o| o.status.code()).collect();
    assert_eq!(
        exit_codes,
        [
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(2),
            Some(2),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(2),
            Some(2),
            Some(1),
            Some(3),
            Some(2)
        ]
        .to_vec(),
        "{}",
        outputs
            .iter()
            .map(all_text)
            .collect::<Vec<_>>()
            .join("\n----\n")
    );
    for output in &outputs {
        let text = all_text(output);
        for secret in &forbidden {
            assert!(
                !text.contains(secret.as_str()),
                "{secret:?} printed in:\n{text}"
            );
        }
    }
}
