//! Hand-written servers on loopback and a client pointed at them, for the client's tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)] // each test file uses a part

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::response::{IntoResponse, Response};
use chainsig_api::{Client, RetryPolicy};
use chainsig_httpsig::P384SigningKey;

/// The API secret every test client holds (searched for where it must not go).
pub const SECRET: &str = "the-api-secret-that-must-stay-home";

/// Retries a few milliseconds apart.
pub fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

/// A client of `base_url` with a key id already set, a 2 s timeout and `retry`.
pub fn client(base_url: &str, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials("00000000-0000-4000-8000-000000000000", SECRET.to_owned())
        .signing_key(P384SigningKey::generate().unwrap())
        .key_id("test-key")
        .retry(retry)
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

/// A token answer valid until 2096.
pub fn token() -> Response {
    axum::Json(
        serde_json::json!({"token": "t0k3n", "expiresAt": 4_000_000_000u64, "tokenType": "Bearer"}),
    )
    .into_response()
}

/// Serves `router` on a free loopback port; its address.
pub async fn serve_at(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// Serves `router` on a free loopback port; its base URL (`http://127.0.0.1:<port>/v1`).
pub async fn serve(router: Router) -> String {
    format!("http://{}/v1", serve_at(router).await)
}
