//! `chainsig credentials rotate|revoke`, `chainsig signing-key remove` and `chainsig customer
//! deactivate` against an in-process sandbox: what they change, how they refuse, their exit codes,
//! and that no secret reaches the screen.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::os::unix::fs::PermissionsExt as _;

use chainsig_api::{Error, IdempotencyKey};
use support::*;

const NEW_KEY: &str = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
const NEW_SECRET: &str = "a-brand-new-secret-0123456789abcdef";

fn write_secret(sandbox: &TestSandbox, name: &str, secret: &str) -> std::path::PathBuf {
    let path = sandbox.path(name);
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// A customer of the sandbox, onboarded and approved (active), through the library.
fn active_customer(sandbox: &TestSandbox, external_id: &str) -> String {
    let client = sandbox.client();
    let signer = chainsig_evm::LocalEvmSigner::random();
    sandbox.block_on(async {
        let customer = client
            .onboard_customer(&signer, external_id, &chainsig_api::FlowOptions::default())
            .await
            .unwrap();
        client
            .simulator_verify(&customer.id, IdempotencyKey::new())
            .await
            .unwrap();
        customer.id
    })
}

#[test]
fn rotate_takes_the_new_secret_from_a_file_or_a_variable_and_says_where_to_store_it() {
    let sandbox = TestSandbox::start();
    let id = active_customer(&sandbox, "rotating");
    let rotate = || {
        let mut command = sandbox.cmd();
        command.args(["credentials", "rotate", "--new-api-key", NEW_KEY]);
        command
    };

    // Never an argument; exactly one source; not empty; not the current secret; a UUID key.
    let output = rotate()
        .args(["--new-secret", NEW_SECRET])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", all_text(&output));
    let output = rotate().output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", all_text(&output));
    let empty = write_secret(&sandbox, "empty", "  ");
    let output = rotate()
        .args(["--new-secret-file", path_str(&empty)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", all_text(&output));
    assert!(all_text(&output).contains("empty"), "{}", all_text(&output));
    let same = write_secret(&sandbox, "same", sandbox.handle.api_secret());
    let output = rotate()
        .args(["--new-secret-file", path_str(&same)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", all_text(&output));
    assert!(
        all_text(&output).contains("is the current one"),
        "{}",
        all_text(&output)
    );
    let file = write_secret(&sandbox, "new-secret", NEW_SECRET);
    let output = sandbox
        .cmd()
        .args(["credentials", "rotate", "--new-api-key", "not-a-uuid"])
        .args(["--new-secret-file", path_str(&file)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", all_text(&output));
    // Nothing was rotated by any of these.
    let status = sandbox
        .cmd()
        .args(["--json", "signing-key", "register"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", all_text(&status));

    // From a file.
    let output = rotate()
        .args(["--new-secret-file", path_str(&file)])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("rotated"), "{text}");
    assert!(
        text.contains("in the variable OFFBLOCKS_API_SECRET")
            && text.contains(&format!("OFFBLOCKS_API_KEY={NEW_KEY}")),
        "{text}"
    );
    assert!(!text.contains(NEW_SECRET) && !text.contains(sandbox.handle.api_secret()));

    // The old credentials are refused (exit 3, with the hint), the new ones work.
    let output = sandbox
        .cmd()
        .args(["customer", "deactivate", &id])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(
        text.contains("401") && text.contains("rotated or revoked"),
        "{text}"
    );
    assert!(
        text.contains("hint: check OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET"),
        "{text}"
    );

    // From a variable, with the new credentials in force, as JSON.
    let newer = "an-even-newer-secret-0123456789abcdef";
    let output = sandbox
        .cmd()
        .env("OFFBLOCKS_API_KEY", NEW_KEY)
        .env("OFFBLOCKS_API_SECRET", NEW_SECRET)
        .env("NEWER_SECRET", newer)
        .args(["--json", "credentials", "rotate", "--new-api-key", NEW_KEY])
        .args(["--new-secret-env", "NEWER_SECRET"])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let value = json(&output.stdout);
    assert_eq!(value["rotated"], true);
    assert_eq!(value["apiKey"], NEW_KEY);
    assert_eq!(value["secretFrom"], "the variable NEWER_SECRET");
    assert!(
        !text.contains(newer) && !text.contains(NEW_SECRET),
        "{text}"
    );
    let output = sandbox
        .cmd()
        .env("OFFBLOCKS_API_KEY", NEW_KEY)
        .env("OFFBLOCKS_API_SECRET", newer)
        .args(["--json", "customer", "deactivate", &id])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", all_text(&output));
    assert_eq!(json(&output.stdout)["status"], "inactive");
}

#[test]
fn revoke_needs_yes_and_ends_access() {
    let sandbox = TestSandbox::start();
    let client = sandbox.client();

    let output = sandbox
        .cmd()
        .args(["credentials", "revoke"])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("permanent") && text.contains("--yes"),
        "{text}"
    );
    // Nothing happened.
    sandbox.block_on(client.list_customers()).unwrap();

    let output = sandbox
        .cmd()
        .args(["--json", "credentials", "revoke", "--yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", all_text(&output));
    assert_eq!(json(&output.stdout)["revoked"], true);

    let error = sandbox.block_on(client.list_customers()).unwrap_err();
    assert!(
        matches!(error, Error::CredentialsRefused { .. }),
        "{error:?}"
    );
    // Again: the credentials get no token (exit 3).
    let output = sandbox
        .cmd()
        .args(["credentials", "revoke", "--yes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", all_text(&output));
}

#[test]
fn signing_key_remove_makes_signed_requests_fail_with_the_signature_hint() {
    let sandbox = TestSandbox::start();
    let output = sandbox
        .cmd()
        .args(["--json", "signing-key", "register"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", all_text(&output));
    let key_id = json(&output.stdout)["keyId"].as_str().unwrap().to_owned();

    // No signing key is needed to remove it (the request is not signed).
    let output = sandbox
        .cmd()
        .env_remove("OFFBLOCKS_SIGNING_KEY_FILE")
        .args(["signing-key", "remove"])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("removed") && text.contains("OFFBLOCKS_KEY_ID"),
        "{text}"
    );

    let rejected = sandbox.counters().rejected_requests;
    let output = sandbox
        .cmd()
        .env("OFFBLOCKS_KEY_ID", &key_id)
        .args([
            "customer",
            "deactivate",
            "04c5851c-4386-5bd9-a4a7-3b6e1f0d2c11",
        ])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(text.contains("request signature"), "{text}");
    assert!(
        text.contains("hint: the request signature was refused"),
        "{text}"
    );
    assert_eq!(
        sandbox.counters().rejected_requests,
        rejected + 1,
        "no retry"
    );
}

#[test]
fn customer_deactivate_prints_the_new_status_and_refuses_other_states() {
    let sandbox = TestSandbox::start();
    let id = active_customer(&sandbox, "deactivated");
    let output = sandbox
        .cmd()
        .args(["customer", "deactivate", &id])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("customer {id} is inactive")),
        "{text}"
    );
    let output = sandbox
        .cmd()
        .args(["customer", "deactivate", &id])
        .output()
        .unwrap();
    let text = all_text(&output);
    assert_eq!(output.status.code(), Some(3), "{text}");
    assert!(text.contains("409") && text.contains("inactive"), "{text}");
    let output = sandbox
        .cmd()
        .args([
            "customer",
            "deactivate",
            "00000000-0000-4000-8000-000000000000",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", all_text(&output));
}
