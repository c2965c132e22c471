//! The client against servers that misbehave: nonsense, truncation, overload, silence. Whatever a
//! server answers, the client returns a typed error and never panics; it retries exactly what is
//! worth retrying, with the same idempotency key.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chainsig_api::{Client, CreateCustomer, Error, IdempotencyKey};
use chainsig_httpsig::P384SigningKey;
use support::{client, fast_retries, serve, token};
use tokio::sync::Mutex;

#[test]
fn builder_refuses_bad_configuration() {
    let key = || P384SigningKey::generate().unwrap();
    let build = |url: &str| {
        Client::builder()
            .base_url(url)
            .credentials("k", "s".to_owned())
            .signing_key(key())
            .build()
    };
    assert!(
        matches!(build("http://api.offblocks.xyz/v1"), Err(Error::Config(m)) if m.contains("loopback"))
    );
    assert!(matches!(build("ftp://127.0.0.1/v1"), Err(Error::Config(_))));
    assert!(matches!(build("not a url"), Err(Error::Config(_))));
    assert!(matches!(
        build("https://api.offblocks.xyz/v1?x=1"),
        Err(Error::Config(_))
    ));
    assert!(build("http://127.0.0.1:8411/v1").is_ok());
    assert!(build("http://localhost:8411/v1").is_ok());
    assert!(build("http://[::1]:8411/v1").is_ok());
    assert!(build(chainsig_api::PRODUCTION_BASE_URL).is_ok());
    assert!(matches!(
        Client::builder().signing_key(key()).build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder().credentials("k", "s".to_owned()).build(),
        Err(Error::Config(_))
    ));

    let client = build("https://api.sandbox.offblocks.xyz/v1").unwrap();
    assert_eq!(client.domain(), "api.sandbox.offblocks.xyz");
    assert_eq!(client.origin(), "https://api.sandbox.offblocks.xyz");
    let local = build("http://127.0.0.1:8411/v1").unwrap();
    assert_eq!(local.domain(), "127.0.0.1:8411");
}

#[test]
fn debug_shows_no_secret() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1/v1")
        .credentials("key", "very-secret-value".to_owned())
        .signing_key(P384SigningKey::generate().unwrap())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("very-secret-value"));
}

#[tokio::test]
async fn business_requests_need_a_key_id() {
    let base = serve(Router::new().route("/v1/auth/token", post(|| async { token() }))).await;
    let client = Client::builder()
        .base_url(&base)
        .credentials("k", "s".to_owned())
        .signing_key(P384SigningKey::generate().unwrap())
        .build()
        .unwrap();
    let err = client.list_customers().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("register_signing_key")),
        "{err}"
    );
}

#[tokio::test]
async fn nonsense_answers_are_typed_errors() {
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers",
            get(|| async { (StatusCode::OK, "{\"items\": [{\"id\": 1").into_response() }),
        )
        .route(
            "/v1/accounts",
            get(|| async { (StatusCode::OK, "<html>hello</html>").into_response() }),
        )
        .route(
            "/v1/customers/{id}",
            get(|| async { axum::Json(serde_json::json!({"id": "x"})).into_response() }),
        )
        .route(
            "/v1/accounts/{id}",
            get(|| async {
                (StatusCode::NOT_FOUND, "account not found, plain text").into_response()
            }),
        );
    let client = client(&serve(router).await, fast_retries(3));
    assert!(matches!(
        client.list_customers().await,
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        client.list_accounts().await,
        Err(Error::Decode { .. })
    ));
    assert!(matches!(
        client.get_customer("x").await,
        Err(Error::Decode { .. })
    ));
    match client.get_account("x").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, StatusCode::NOT_FOUND);
            assert_eq!(e.code, None);
            assert_eq!(e.message, "account not found, plain text");
            assert!(!e.is_retryable());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn overload_is_retried_with_the_same_key_and_a_fresh_signature() {
    #[derive(Default)]
    struct Seen {
        keys: Vec<String>,
        signatures: Vec<String>,
    }
    let seen = Arc::new(Mutex::new(Seen::default()));
    let calls = Arc::new(AtomicU32::new(0));
    let router = Router::new().route("/v1/auth/token", post(|| async { token() })).route(
        "/v1/customers",
        post({
            let (seen, calls) = (seen.clone(), calls.clone());
            move |headers: HeaderMap| async move {
                let mut seen = seen.lock().await;
                seen.keys.push(headers["idempotency-key"].to_str().unwrap().to_owned());
                seen.signatures.push(headers["signature"].to_str().unwrap().to_owned());
                match calls.fetch_add(1, Ordering::SeqCst) {
                    0 => {
                        let mut r = (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
                        r.headers_mut().insert("retry-after", "0".parse().unwrap());
                        r
                    }
                    1 => (StatusCode::INTERNAL_SERVER_ERROR, "{\"error\":\"internal\",\"message\":\"oops\"}").into_response(),
                    2 => (StatusCode::CONFLICT, "{\"error\":\"idempotency_conflict\",\"message\":\"in flight\"}").into_response(),
                    _ => (
                        StatusCode::CREATED,
                        axum::Json(serde_json::json!({"id": "c1", "externalId": "e", "chainId": "eip155:1:0x0000000000000000000000000000000000000001", "status": "initiating"})),
                    )
                        .into_response(),
                }
            }
        }),
    );
    let client = client(&serve(router).await, fast_retries(5));
    let key = IdempotencyKey::new();
    let request = CreateCustomer {
        chain_id: "eip155:1:0x0000000000000000000000000000000000000001".into(),
        external_id: "e".into(),
    };
    let customer = client.create_customer(&request, key).await.unwrap();
    assert_eq!(customer.id, "c1");
    let seen = seen.lock().await;
    assert_eq!(seen.keys.len(), 4);
    assert!(
        seen.keys.iter().all(|k| k == &key.to_string()),
        "one key for every retry"
    );
    let mut signatures = seen.signatures.clone();
    signatures.sort();
    signatures.dedup();
    assert_eq!(
        signatures.len(),
        4,
        "every attempt is signed afresh (ECDSA is randomized)"
    );
}

#[tokio::test]
async fn client_errors_are_not_retried_and_carry_the_key() {
    let calls = Arc::new(AtomicU32::new(0));
    let router = Router::new().route("/v1/auth/token", post(|| async { token() })).route(
        "/v1/customers",
        post({
            let calls = calls.clone();
            move || async move {
                calls.fetch_add(1, Ordering::SeqCst);
                (StatusCode::CONFLICT, "{\"error\":\"customer_already_exists\",\"message\":\"Customer already exists\"}")
                    .into_response()
            }
        }),
    );
    let client = client(&serve(router).await, fast_retries(5));
    let key = IdempotencyKey::new();
    let request = CreateCustomer {
        chain_id: "eip155:1:0x0000000000000000000000000000000000000001".into(),
        external_id: "e".into(),
    };
    let err = client.create_customer(&request, key).await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(err.idempotency_key(), Some(key.uuid()));
    assert!(!err.is_retryable());
    assert!(err.to_string().contains(&key.to_string()), "{err}");
}

#[tokio::test]
async fn silence_is_a_retryable_transport_error() {
    // A port nothing listens on: bind, read the port, drop the listener.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = client(&format!("http://127.0.0.1:{port}/v1"), fast_retries(3));
    let err = client.list_customers().await.unwrap_err();
    match &err {
        Error::Transport { attempts, .. } => assert_eq!(*attempts, 3),
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_body_cut_short_is_retried() {
    let calls = Arc::new(AtomicU32::new(0));
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts",
            get({
                let calls = calls.clone();
                move || async move {
                    if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                        let failing = futures_util::stream::once(async {
                            Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("cut"))
                        });
                        Response::new(Body::from_stream(failing))
                    } else {
                        axum::Json(serde_json::json!({"items": []})).into_response()
                    }
                }
            }),
        );
    let client = client(&serve(router).await, fast_retries(3));
    assert!(client.list_accounts().await.unwrap().is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_answer_without_length_is_cut_off_at_the_limit() {
    // 6 MiB in 64 KiB chunks, no Content-Length: the client must stop counting at 4 MiB.
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts",
            get(|| async {
                let chunk = bytes::Bytes::from(vec![b' '; 64 * 1024]);
                let chunks = futures_util::stream::iter(
                    (0..96).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                );
                Response::new(Body::from_stream(chunks))
            }),
        );
    let client = client(&serve(router).await, fast_retries(3));
    match client.list_accounts().await {
        Err(Error::Decode { reason, .. }) => assert!(reason.contains("over"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_absurd_retry_after_ends_the_retries() {
    // Retry-After: u64::MAX seconds, after an attempt that took over a second: the deadline
    // check must not overflow.
    let calls = Arc::new(AtomicU32::new(0));
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts",
            get({
                let calls = calls.clone();
                move || async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(1100)).await;
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [("retry-after", u64::MAX.to_string())],
                        "busy",
                    )
                        .into_response()
                }
            }),
        );
    let client = client(&serve(router).await, fast_retries(3));
    match client.list_accounts().await {
        Err(Error::Api(e)) => assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE),
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_long_error_message_is_cut() {
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts/{id}",
            get(|| async {
                let long = "é".repeat(10_000);
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(serde_json::json!({"error": long, "message": long})),
                )
                    .into_response()
            }),
        );
    let client = client(&serve(router).await, fast_retries(1));
    match client.get_account("x").await {
        Err(Error::Api(e)) => {
            assert_eq!(e.message, "é".repeat(256));
            assert_eq!(e.code, Some("é".repeat(32)));
        }
        other => panic!("{other:?}"),
    }
}
