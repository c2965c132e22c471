//! `HTTP_PROXY` and friends never receive a loopback base URL's traffic (the API secret travels
//! there in clear text), while an https base URL still honours them.
//!
//! The environment is process-wide (and `set_var` is unsafe): the test runs itself again as a
//! child process with the proxy variables set, and the parent plays the proxy.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chainsig_api::{Client, Error, RetryPolicy};
use chainsig_httpsig::P384SigningKey;

/// Set in the child: the test body runs there.
const CHILD: &str = "CHAINSIG_PROXY_TEST_CHILD";
const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials("00000000-0000-4000-8000-000000000000", "secret".to_owned())
        .signing_key(P384SigningKey::generate().unwrap())
        .key_id("test-key")
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// The child's part: a loopback API answered directly, then an https API, which must go to the
/// proxy (that never answers).
#[tokio::test]
async fn child_requests() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new()
        .route(
            "/v1/auth/token",
            post(|| async {
                axum::Json(serde_json::json!({"token": "t", "expiresAt": 4_000_000_000u64}))
                    .into_response()
            }),
        )
        .route(
            "/v1/customers",
            get(|| async { axum::Json(serde_json::json!({"items": []})).into_response() }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let local = client(&format!("http://{addr}/v1"));
    assert!(local.list_customers().await.unwrap().is_empty());
    let local = client(&format!("http://localhost:{}/v1", addr.port()));
    assert!(local.list_customers().await.unwrap().is_empty());

    let remote = client("https://api.chainsig-proxy-test.invalid/v1");
    assert!(matches!(
        remote.list_customers().await,
        Err(Error::Transport { .. })
    ));
}

#[test]
fn loopback_traffic_bypasses_the_environment_proxy() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    // The proxy: records the first line of every connection, answers nothing.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let (seen, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for stream in proxy.incoming() {
            let Ok(stream) = stream else { continue };
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(&stream).read_line(&mut line);
                let _ = seen.send(line.trim_end().to_owned());
                // Held open: the client waits for an answer that never comes.
                std::thread::sleep(Duration::from_secs(5));
            });
        }
    });

    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["--exact", "child_requests", "--nocapture"])
        .env(CHILD, "1")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for var in PROXY_VARS {
        child.env(var, &proxy_url);
    }
    let output = child.output().unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<String> = lines.try_iter().collect();
    assert_eq!(
        lines,
        ["CONNECT api.chainsig-proxy-test.invalid:443 HTTP/1.1"],
        "only the https request may go to the proxy"
    );
}
