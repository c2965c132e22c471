//! `chainsig sandbox`: starts, prints its JSON line, serves a hand-signed request, stops on SIGTERM.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_httpsig::{P384SigningKey, RequestSigner};
use serde_json::{Value, json};

/// Kills the child if the test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, Value, BufReader<ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .arg("sandbox")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let running = Running(child);
    let started: Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not one JSON line ({e}): {line:?}"));
    (running, started, stdout)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn sandbox_serves_a_hand_signed_request_and_stops_cleanly() {
    let (mut running, started, mut stdout) = start(&["--listen", "127.0.0.1:0"]);
    let object = started.as_object().unwrap();
    assert_eq!(object.len(), 3, "{started}");
    let base_url = started["baseUrl"].as_str().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert!(base_url.ends_with("/v1"), "{base_url}");
    let api_key = started["apiKey"].as_str().unwrap();
    let api_secret = started["apiSecret"].as_str().unwrap();

    let http = reqwest::Client::new();
    // Token.
    let token: Value = http
        .post(format!("{base_url}/auth/token"))
        .json(&json!({ "apiKey": api_key, "apiSecret": api_secret }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    // Register a P-384 key.
    let key = P384SigningKey::generate().unwrap();
    let registered = http
        .put(format!("{base_url}/auth/signing"))
        .bearer_auth(&token)
        .json(&json!({ "publicKey": STANDARD.encode(key.public_key_pem()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 200);
    let registered: Value = registered.json().await.unwrap();
    let key_id = registered["keyId"].as_str().unwrap();
    // A hand-signed GET /v1/customers.
    let mut request = http::Request::get(format!("{base_url}/customers"))
        .header("authorization", format!("Bearer {token}"))
        .body(Vec::new())
        .unwrap();
    RequestSigner::new(key, key_id)
        .sign_request(&mut request, now())
        .await
        .unwrap();
    let response = http
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({ "items": [] })
    );

    // The same request unsigned is refused: the sandbox checks signatures.
    let unsigned = http
        .get(format!("{base_url}/customers"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);

    // SIGTERM: a clean stop, exit 0.
    #[cfg(unix)]
    {
        let pid = running.0.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = running.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still running 10 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "{status:?}");
        // The last line tells what the sandbox saw: token, key, the signed and the unsigned GET.
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let stopped: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(stopped["stopped"], true, "{stopped}");
        assert_eq!(stopped["counters"]["requests"], 4, "{stopped}");
        assert_eq!(stopped["counters"]["rejectedRequests"], 1, "{stopped}");
        assert_eq!(stopped["webhooks"]["events"], 0, "{stopped}");
        assert!(
            stopped["peakRssKiB"].as_u64().is_some_and(|kib| kib > 0),
            "{stopped}"
        );
        let mut stderr = String::new();
        running
            .0
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        for variable in [
            "OFFBLOCKS_BASE_URL",
            "OFFBLOCKS_API_KEY",
            "OFFBLOCKS_API_SECRET",
        ] {
            assert!(stderr.contains(variable), "{stderr}");
        }
    }
}

#[tokio::test]
async fn sandbox_takes_given_credentials_faults_and_quiet_prints_only_its_lines() {
    let (mut running, started, mut stdout) = start(&[
        "--listen",
        "127.0.0.1:0",
        "--api-key",
        "0b7e6a53-0d2c-4f59-9d8b-2b3c0a3b7c11",
        "--api-secret",
        "throwaway",
        "--fault-rate",
        "0.5",
        "--fault-seed",
        "3",
        "--deployment-delay-ms",
        "10",
        "--quiet",
    ]);
    assert_eq!(started["apiKey"], "0b7e6a53-0d2c-4f59-9d8b-2b3c0a3b7c11");
    assert_eq!(started["apiSecret"], "throwaway");

    // The fault flags are applied: of 20 token requests, some meet a fault (a dropped
    // connection is an error here, which is fine).
    let base_url = started["baseUrl"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    for _ in 0..20 {
        let _answer = http
            .post(format!("{base_url}/auth/token"))
            .json(&json!({ "apiKey": started["apiKey"], "apiSecret": "throwaway" }))
            .send()
            .await;
    }

    #[cfg(unix)]
    {
        let pid = running.0.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        assert!(running.0.wait().unwrap().success());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let stopped: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(stopped["counters"]["requests"], 20, "{stopped}");
        let faults = stopped["counters"]["faultsInjected"].as_u64().unwrap();
        assert!((1..20).contains(&faults), "{stopped}");
    }
    #[cfg(not(unix))]
    {
        running.0.kill().unwrap();
        running.0.wait().unwrap();
    }
    let mut stderr = String::new();
    running
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(stderr, "");
}

#[test]
fn sandbox_refuses_a_bad_fault_rate_and_a_busy_port() {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["sandbox", "--fault-rate", "1.5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["sandbox", "--listen", &addr])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen"), "{stderr}");
}

#[test]
fn sandbox_help_documents_the_default_address_and_the_throwaway_credentials() {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["sandbox", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("127.0.0.1:8411"), "{help}");
    assert!(help.contains("throwaway"), "{help}");
}

#[test]
fn sandbox_authority_names_the_base_url_and_a_bad_one_is_a_usage_error() {
    let (_running, started, _stdout) = start(&[
        "--listen",
        "127.0.0.1:0",
        "--authority",
        "Sandbox.Example:9000",
        "--quiet",
    ]);
    assert_eq!(started["baseUrl"], "http://sandbox.example:9000/v1");

    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args([
            "sandbox",
            "--listen",
            "127.0.0.1:0",
            "--authority",
            "host:port",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`host:port` is not a host[:port]"),
        "{stderr}"
    );
}

/// SIGTERM, then the stop line.
#[cfg(unix)]
fn stop(running: &mut Running, stdout: &mut BufReader<ChildStdout>) -> Value {
    let pid = running.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = running.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    serde_json::from_str(&line).unwrap()
}

#[cfg(unix)]
#[test]
fn sandbox_webhooks_any_host_accepts_a_remote_callback_and_the_stop_line_counts_webhooks() {
    let (mut running, started, mut stdout) =
        start(&["--listen", "127.0.0.1:0", "--webhooks-any-host", "--quiet"]);
    let key_file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/request-keys/p384_with_params.pem"
    );
    let register = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args([
            "--json",
            "webhooks",
            "register",
            "--url",
            "http://example.com/hooks",
        ])
        .args(["--types", "account.updated"])
        .env_remove("OFFBLOCKS_KEY_ID")
        .env_remove("OFFBLOCKS_SIGNING_KEY_URI")
        .env("OFFBLOCKS_BASE_URL", started["baseUrl"].as_str().unwrap())
        .env("OFFBLOCKS_API_KEY", started["apiKey"].as_str().unwrap())
        .env(
            "OFFBLOCKS_API_SECRET",
            started["apiSecret"].as_str().unwrap(),
        )
        .env("OFFBLOCKS_SIGNING_KEY_FILE", key_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&register.stderr);
    assert_eq!(register.status.code(), Some(0), "{stderr}");
    let registered: Value = serde_json::from_slice(&register.stdout).unwrap();
    assert_eq!(registered["callbackUrl"], "http://example.com/hooks");

    let stopped = stop(&mut running, &mut stdout);
    // No record changed, so no event was queued (and nothing was sent to example.com).
    assert_eq!(stopped["webhooks"]["events"], 0, "{stopped}");
    assert_eq!(stopped["webhooks"]["attempts"], 0, "{stopped}");
}
