//! A compromised or spoofed OffBlocks API: it answers every flow request with well-formed JSON,
//! verifies nothing, and hands out whatever challenge bytes the test chose. It counts the
//! signatures submitted to it, so a test can prove that nothing reached it.
#![allow(dead_code, unreachable_pub)] // each test file uses a part of it
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chainsig::api::{Client, RetryPolicy};
use chainsig::httpsig::P384SigningKey;
use serde_json::{Value, json};

/// What the hostile API hands out.
#[derive(Debug, Default)]
pub struct Script {
    /// The base64 challenge of every customer and account.
    pub challenge: Mutex<String>,
    /// The wallet every customer claims to have (`None`: the one the request named).
    pub customer_wallet: Mutex<Option<String>>,
    /// Signatures submitted to `/challenge/sign`.
    pub submissions: AtomicU32,
}

impl Script {
    pub fn set_challenge(&self, bytes: &[u8]) {
        use base64::Engine as _;
        *self.challenge.lock().unwrap() = base64::engine::general_purpose::STANDARD.encode(bytes);
    }

    pub fn submissions(&self) -> u32 {
        self.submissions.load(Ordering::SeqCst)
    }
}

/// A running hostile API.
pub struct Hostile {
    pub script: Arc<Script>,
    pub base_url: String,
    pub client: Client,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn customer(id: &str, wallet: &str, status: &str, challenge: Option<&str>) -> Value {
    json!({
        "id": id, "externalId": "victim", "chainId": wallet, "status": status,
        "createdAt": "2026-11-30T00:00:00Z", "updatedAt": "2026-11-30T00:00:00Z",
        "challenge": challenge,
    })
}

fn account(id: &str, status: &str, challenge: Option<&str>) -> Value {
    json!({
        "id": id, "customerId": "c-1", "status": status, "type": "card_account",
        "currencies": ["EUR"], "createdAt": "2026-11-30T00:00:00Z",
        "updatedAt": "2026-11-30T00:00:00Z", "challenge": challenge,
    })
}

/// Starts the hostile API on loopback, and a client of it.
pub async fn start() -> Hostile {
    let script = Arc::new(Script::default());
    let wallet_of = |script: &Script, asked: &str| {
        script
            .customer_wallet
            .lock()
            .unwrap()
            .clone()
            .unwrap_or_else(|| asked.to_owned())
    };
    // The last wallet a customer was created for (the hostile server keeps one customer).
    let created: Arc<Mutex<String>> = Arc::default();
    let app = Router::new()
        .route(
            "/v1/auth/token",
            post(|| async {
                let expires = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
                Json(json!({"token": "t", "expiresAt": expires, "tokenType": "Bearer"}))
            }),
        )
        .route(
            "/v1/customers",
            post({
                let created = created.clone();
                move |State(script): State<Arc<Script>>, Json(body): Json<Value>| async move {
                    let asked = body["chainId"].as_str().unwrap_or_default().to_owned();
                    *created.lock().unwrap() = asked.clone();
                    let challenge = script.challenge.lock().unwrap().clone();
                    (
                        StatusCode::CREATED,
                        Json(customer(
                            "c-1",
                            &wallet_of(&script, &asked),
                            "initiating",
                            Some(&challenge),
                        )),
                    )
                }
            }),
        )
        .route(
            "/v1/customers/{id}",
            get({
                let created = created.clone();
                move |State(script): State<Arc<Script>>, Path(id): Path<String>| async move {
                    let asked = created.lock().unwrap().clone();
                    Json(customer(&id, &wallet_of(&script, &asked), "active", None))
                }
            }),
        )
        .route(
            "/v1/customers/{id}/accounts",
            post(|State(script): State<Arc<Script>>| async move {
                let challenge = script.challenge.lock().unwrap().clone();
                (
                    StatusCode::CREATED,
                    Json(account("a-1", "initiating", Some(&challenge))),
                )
            }),
        )
        .route(
            "/v1/accounts/{id}",
            // Active once a signature was submitted (the hostile API accepts anything).
            get(
                |State(script): State<Arc<Script>>, Path(id): Path<String>| async move {
                    let status = if script.submissions() > 0 {
                        "active"
                    } else {
                        "initiating"
                    };
                    Json(account(&id, status, None))
                },
            )
            .delete(
                |State(script): State<Arc<Script>>, Path(id): Path<String>| async move {
                    let challenge = script.challenge.lock().unwrap().clone();
                    Json(account(&id, "active", Some(&challenge)))
                },
            ),
        )
        .route(
            "/v1/customers/{id}/challenge",
            get(|State(script): State<Arc<Script>>| async move {
                Json(json!({"challenge": script.challenge.lock().unwrap().clone()}))
            }),
        )
        .route(
            "/v1/accounts/{id}/challenge",
            get(|State(script): State<Arc<Script>>| async move {
                Json(json!({"challenge": script.challenge.lock().unwrap().clone()}))
            }),
        )
        .route("/v1/customers/{id}/challenge/sign", post(submitted))
        .route("/v1/accounts/{id}/challenge/sign", post(submitted))
        .with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let client = Client::builder()
        .base_url(&base_url)
        .credentials("00000000-0000-4000-8000-000000000000", "secret".to_owned())
        .signing_key(P384SigningKey::generate().unwrap())
        .key_id("k")
        .retry(RetryPolicy {
            max_attempts: 1,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(1),
            deadline: Duration::from_secs(5),
        })
        .build()
        .unwrap();
    Hostile {
        script,
        base_url,
        client,
        task,
    }
}

async fn submitted(State(script): State<Arc<Script>>) -> StatusCode {
    script.submissions.fetch_add(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}
