//! `chainsig webhooks register` and `chainsig webhooks listen --count` against an in-process
//! sandbox: an onboarding's events arrive as JSON lines.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chainsig_api::{CreateAccount, FlowOptions, IdempotencyKey};
use chainsig_sandbox::{SandboxConfig, WebhookConfig};
use predicates::prelude::*;
use serde_json::Value;
use support::*;

fn sandbox() -> TestSandbox {
    TestSandbox::start_with(SandboxConfig {
        deployment_delay: Duration::from_millis(20),
        webhooks: WebhookConfig {
            first_retry_delay: Duration::from_millis(10),
            max_retry_delay: Duration::from_millis(50),
            ..WebhookConfig::default()
        },
        ..SandboxConfig::default()
    })
}

/// Kills the listener if the test fails before it exits.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn listen_prints_each_event_of_an_onboarding_once_and_stops_after_count() {
    let sandbox = sandbox();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainsig"))
        .args([
            "webhooks",
            "listen",
            "--listen",
            "127.0.0.1:0",
            "--path",
            "/hooks",
            "--count",
            "5",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = Guard(child);
    let mut stderr = BufReader::new(guard.0.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let url = serde_json::from_str::<Value>(&first).unwrap()["listening"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/hooks"),
        "{url}"
    );

    let registered = json(
        &sandbox
            .cmd()
            .args(["--json", "webhooks", "register", "--url", &url])
            .args(["--types", "customer.updated,account.updated"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(registered["callbackUrl"], url.as_str());
    assert_eq!(
        registered["types"],
        serde_json::json!(["customer.updated", "account.updated"])
    );

    let client = sandbox.client();
    let (_, signer) = sandbox.evm_key("customer.key");
    let options = FlowOptions::default();
    let (customer, account) = sandbox.block_on(async {
        let customer = client
            .onboard_customer(&signer, "cli-webhooks", &options)
            .await
            .unwrap();
        client
            .simulator_verify(&customer.id, IdempotencyKey::new())
            .await
            .unwrap();
        let account = client
            .open_account(&customer.id, &signer, &CreateAccount::card("EUR"), &options)
            .await
            .unwrap();
        (customer, account)
    });

    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = guard.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "listen did not stop after 5 events"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let mut out = Vec::new();
    guard
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    let lines = json_lines(&out);
    let statuses = |kind: &str, id: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l["webhookType"] == kind && l["id"] == id)
            .map(|l| l["status"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(
        statuses("customer.updated", &customer.id),
        ["screening", "verifying", "active"]
    );
    assert_eq!(
        statuses("account.updated", &account.id),
        ["pending", "active"]
    );
    let mut ids: Vec<&str> = lines
        .iter()
        .map(|l| l["eventId"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5);
}

#[test]
fn register_reports_a_refused_subscription() {
    let sandbox = sandbox();
    sandbox
        .cmd()
        .args(["webhooks", "register", "--url", "http://127.0.0.1:9/"])
        .args(["--types", "customer.created"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("invalid_webhook_types"));
    sandbox
        .cmd()
        .args(["webhooks", "register", "--url", "http://example.com/"])
        .args(["--types", "account.updated"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("loopback"));
    sandbox
        .cmd()
        .args([
            "webhooks",
            "register",
            "--url",
            "http://127.0.0.1:9/",
            "--types",
            ",",
        ])
        .assert()
        .code(2);
}
