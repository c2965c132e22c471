//! `--key-uri` / `--signing-key-uri`: keys generated in a SoftHSM token, then a customer
//! onboarded against the sandbox (single and batch) with no private key outside the token.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use support::{TestSandbox, json, json_lines};

const PIN: &str = "cli-pin-4821-never-printed";
const MODULES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
];

/// SoftHSM's module; under CI its absence is a failure, elsewhere the test says it skipped.
fn softhsm() -> Option<PathBuf> {
    let found = MODULES.iter().map(PathBuf::from).find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "SoftHSM2 is not installed: CI requires it (apt-get install softhsm2)"
        );
        eprintln!("SKIPPED: SoftHSM2 is not installed (apt-get install softhsm2)");
    }
    found
}

/// A token `custody` in a token directory under `dir`; returns the configuration's path.
fn make_token(dir: &Path) -> PathBuf {
    let tokens = dir.join("tokens");
    std::fs::create_dir(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!("directories.tokendir = {}\n", tokens.display()),
    )
    .unwrap();
    let out = StdCommand::new("softhsm2-util")
        .env("SOFTHSM2_CONF", &conf)
        .args(["--init-token", "--free", "--label", "custody"])
        .args(["--pin", PIN, "--so-pin", "so-1234"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("pin"), format!("{PIN}\n")).unwrap();
    conf
}

#[test]
fn keys_generated_in_the_token_onboard_customers_with_the_request_key_in_it_too() {
    let Some(module) = softhsm() else { return };
    let sandbox = TestSandbox::start();
    let conf = make_token(sandbox.dir.path());
    let hsm = |args: &[&str]| {
        let mut command = sandbox.cmd();
        command
            .env_remove("OFFBLOCKS_SIGNING_KEY_FILE")
            .env_remove("CHAINSIG_PKCS11_MODULE")
            .env("SOFTHSM2_CONF", &conf)
            .args(args)
            .args([
                "--pkcs11-module",
                module.to_str().unwrap(),
                "--pin-file",
                "pin",
            ]);
        let output = command.output().unwrap();
        for stream in [&output.stdout, &output.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(PIN),
                "the PIN was printed"
            );
        }
        output
    };
    let wallet = "pkcs11:token=custody;object=customer-42;type=private";
    let solana = "pkcs11:token=custody;object=customer-43;type=private";
    let request = "pkcs11:token=custody;object=offblocks-request";

    let out = hsm(&["keygen", "--chain", "evm", "--key-uri", wallet]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let evm_account = json(&out.stdout)["account"].as_str().unwrap().to_owned();
    let out = hsm(&["keygen", "--chain", "solana", "--key-uri", solana]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let solana_account = json(&out.stdout)["account"].as_str().unwrap().to_owned();
    let out = hsm(&["signing-key", "new", "--key-uri", request, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        json(&out.stdout)["publicKey"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );

    // The same key again: refused, exit 2, the URI named.
    let out = hsm(&["keygen", "--chain", "evm", "--key-uri", wallet]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists already"));

    let out = hsm(&["address", "--chain", "evm", "--key-uri", wallet]);
    assert!(out.status.success());
    assert_eq!(json(&out.stdout)["account"], evm_account.as_str());

    let out = hsm(&[
        "onboard",
        "--chain",
        "evm",
        "--key-uri",
        wallet,
        "--signing-key-uri",
        request,
        "--external-id",
        "hsm-evm",
        "--simulate-kyc",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out.stdout)["status"], "active");

    // Tron: a secp256k1 key in the token, TIP-191 through the same digest path as EVM.
    let tron = "pkcs11:token=custody;object=customer-44;type=private";
    let out = hsm(&["keygen", "--chain", "tron", "--key-uri", tron]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tron_account = json(&out.stdout)["account"].as_str().unwrap().to_owned();
    assert!(tron_account.starts_with("tron:27Lqcw:T"), "{tron_account}");
    let out = hsm(&[
        "onboard",
        "--chain",
        "tron",
        "--key-uri",
        tron,
        "--signing-key-uri",
        request,
        "--external-id",
        "hsm-tron",
        "--simulate-kyc",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out.stdout)["status"], "active");

    std::fs::write(
        sandbox.path("hsm.csv"),
        format!("external_id,chain,key_file,currency\nhsm-sol,solana,{solana},EUR\n"),
    )
    .unwrap();
    let mut batch = sandbox.cmd();
    let out = batch
        .env_remove("OFFBLOCKS_SIGNING_KEY_FILE")
        .env("OFFBLOCKS_SIGNING_KEY_URI", request)
        .env("SOFTHSM2_CONF", &conf)
        .env("CHAINSIG_PKCS11_MODULE", &module)
        .args(["onboard", "--batch", "hsm.csv", "--simulate-kyc", "--json"])
        .args(["--pin-file", "pin"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["status"], "done", "{lines:?}");
    assert_eq!(lines[0]["chain"], "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");

    let counters = sandbox.counters();
    assert_eq!(counters.customers, 3);
    assert_eq!(counters.challenges_verified, 6);
    assert_eq!(counters.challenges_rejected, 0);
    assert_eq!(counters.rejected_requests, 0);
    let customers = sandbox.block_on(sandbox.client().list_customers()).unwrap();
    let wallets: Vec<&str> = customers.iter().map(|c| c.chain_id.as_str()).collect();
    assert!(wallets.contains(&evm_account.as_str()), "{wallets:?}");
    assert!(wallets.contains(&solana_account.as_str()), "{wallets:?}");
    assert!(wallets.contains(&tron_account.as_str()), "{wallets:?}");

    // The onboarding bench with its keys in the token (`--hsm`).
    let out = hsm(&[
        "--json",
        "bench",
        "onboard",
        "--customers",
        "4",
        "--concurrency",
        "2",
        "--hsm",
        "pkcs11:token=custody",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out.stdout);
    assert_eq!(report["completed"], 4, "{report}");
    assert_eq!(report["keysInToken"], true, "{report}");

    // A wrong PIN: exit 2, the token named, neither PIN shown.
    std::fs::write(sandbox.path("wrong-pin"), "0000-wrong\n").unwrap();
    let mut wrong = sandbox.cmd();
    let out = wrong
        .env("SOFTHSM2_CONF", &conf)
        .args(["address", "--chain", "evm", "--key-uri", wallet])
        .args([
            "--pkcs11-module",
            module.to_str().unwrap(),
            "--pin-file",
            "wrong-pin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wrong PIN") && stderr.contains("token=custody"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("0000-wrong") && !stderr.contains(PIN),
        "{stderr}"
    );
}
