//! `chainsig` in front of a hostile API: error text made to take over the terminal reaches it
//! inert, and a redirect is an error that names where it pointed, never followed.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use chainsig_httpsig::P384SigningKey;
use support::chainsig;

/// Title change, screen clear, carriage return, 8-bit CSI.
const HOSTILE: &str = "\x1b]0;pwned\x07\x1b[2Jcleared\rrewritten\u{9b}31m red";

struct Hostile {
    base_url: String,
    elsewhere_hits: Arc<AtomicU32>,
    dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

fn token() -> axum::response::Response {
    axum::Json(serde_json::json!({"token": "t0k3n", "expiresAt": 4_000_000_000u64})).into_response()
}

impl Hostile {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let elsewhere_hits = Arc::new(AtomicU32::new(0));
        let base_url = runtime.block_on(async {
            let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let elsewhere_addr = elsewhere.local_addr().unwrap();
            let hits = elsewhere_hits.clone();
            let counting = Router::new().fallback(any(move || {
                let hits = hits.clone();
                async move {
                    hits.fetch_add(1, Ordering::SeqCst);
                    token()
                }
            }));
            tokio::spawn(async move { axum::serve(elsewhere, counting).await.unwrap() });

            let router = Router::new()
                .route("/v1/auth/token", post(|| async { token() }))
                .route(
                    "/v1/customers/{id}/challenge",
                    get(|| async {
                        (
                            StatusCode::BAD_REQUEST,
                            axum::Json(
                                serde_json::json!({"error": "bad\x1b[5m", "message": HOSTILE}),
                            ),
                        )
                            .into_response()
                    }),
                )
                .route(
                    "/v1/accounts/{id}/challenge",
                    get(move || async move {
                        let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
                        response.headers_mut().insert(
                            "location",
                            format!("http://{elsewhere_addr}/v1/steal").parse().unwrap(),
                        );
                        response
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
            format!("http://{addr}/v1")
        });
        let dir = tempfile::tempdir().unwrap();
        let key = P384SigningKey::generate().unwrap();
        std::fs::write(
            dir.path().join("signing-key.pem"),
            key.to_sec1_pem().unwrap().as_bytes(),
        )
        .unwrap();
        Self {
            base_url,
            elsewhere_hits,
            dir,
            _runtime: runtime,
        }
    }

    fn cmd(&self) -> assert_cmd::Command {
        let mut command = chainsig();
        command
            .env("OFFBLOCKS_BASE_URL", &self.base_url)
            .env("OFFBLOCKS_API_KEY", "00000000-0000-4000-8000-000000000000")
            .env("OFFBLOCKS_API_SECRET", "s3cret")
            .env(
                "OFFBLOCKS_SIGNING_KEY_FILE",
                self.dir.path().join("signing-key.pem"),
            )
            .env("OFFBLOCKS_KEY_ID", "key-1");
        command
    }
}

#[test]
fn escape_sequences_from_the_api_reach_the_terminal_inert() {
    let api = Hostile::start();
    for json in [false, true] {
        let mut command = api.cmd();
        if json {
            command.arg("--json");
        }
        let output = command
            .args(["challenge", "fetch", "--customer", "c-1"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3));
        let stderr = String::from_utf8(output.stderr).unwrap();
        // Our own line breaks stay; nothing else that a terminal acts on.
        assert!(
            !stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{stderr:?}"
        );
        assert!(stderr.contains("cleared"), "{stderr:?}");
        assert!(stderr.contains('\u{fffd}'), "{stderr:?}");
    }
}

#[test]
fn a_redirect_is_an_error_naming_its_target_and_is_not_followed() {
    let api = Hostile::start();
    let output = api
        .cmd()
        .args(["challenge", "fetch", "--account", "a-1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("307") && stderr.contains("/v1/steal"),
        "{stderr}"
    );
    assert!(stderr.contains("never follows"), "{stderr}");
    assert_eq!(api.elsewhere_hits.load(Ordering::SeqCst), 0);
}
