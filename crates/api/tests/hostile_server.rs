//! A hostile API in front of the client: redirects that would carry the API secret, a token or
//! a signed write elsewhere, and error text made to take over the terminal. Nothing leaves for
//! the redirect's target, and no control character survives into an error.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chainsig_api::{Client, CreateCustomer, Error, IdempotencyKey};
use support::{SECRET, fast_retries, serve, serve_at, token};

fn client(base_url: &str) -> Client {
    support::client(base_url, fast_retries(3))
}

/// Another loopback server that counts whatever reaches it (the redirect's target).
async fn elsewhere() -> (std::net::SocketAddr, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let counted = hits.clone();
    let router = Router::new().fallback(move || {
        let hits = counted.clone();
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            token()
        }
    });
    (serve_at(router).await, hits)
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = status.into_response();
    response
        .headers_mut()
        .insert("location", HeaderValue::from_str(location).unwrap());
    response
}

#[tokio::test]
async fn a_redirected_token_request_sends_the_secret_nowhere() {
    let (target, target_hits) = elsewhere().await;
    let location = format!("http://{target}/v1/auth/token");
    let asked = Arc::new(AtomicU32::new(0));
    let router = Router::new().route(
        "/v1/auth/token",
        post({
            let (location, asked) = (location.clone(), asked.clone());
            move || async move {
                asked.fetch_add(1, Ordering::SeqCst);
                redirect(StatusCode::TEMPORARY_REDIRECT, &location)
            }
        }),
    );
    let client = client(&serve(router).await);
    let error = client.list_customers().await.unwrap_err();
    match &error {
        Error::Redirect {
            status,
            location: l,
            ..
        } => {
            assert_eq!(*status, StatusCode::TEMPORARY_REDIRECT);
            assert_eq!(l.as_deref(), Some(location.as_str()));
        }
        other => panic!("not a redirect error: {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains("307") && text.contains(&location), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(!error.is_retryable());
    assert_eq!(target_hits.load(Ordering::SeqCst), 0, "the secret left");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "a redirect is not retried");
}

#[tokio::test]
async fn a_redirected_signed_write_goes_nowhere() {
    let (target, target_hits) = elsewhere().await;
    let asked = Arc::new(AtomicU32::new(0));
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers",
            post({
                let asked = asked.clone();
                move || async move {
                    asked.fetch_add(1, Ordering::SeqCst);
                    // 308 keeps the method and the body: a follower re-sends the signed write.
                    redirect(
                        StatusCode::PERMANENT_REDIRECT,
                        &format!("http://{target}/v1/customers"),
                    )
                }
            })
            .get(move || async move {
                redirect(StatusCode::FOUND, &format!("http://{target}/v1/customers"))
            }),
        );
    let client = client(&serve(router).await);
    let request = CreateCustomer {
        chain_id: "eip155:1:0x0000000000000000000000000000000000000001".to_owned(),
        external_id: "c-1".to_owned(),
    };
    let error = client
        .create_customer(&request, IdempotencyKey::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Redirect { status, .. } if *status == StatusCode::PERMANENT_REDIRECT),
        "{error:?}"
    );
    assert!(matches!(
        client.list_customers().await,
        Err(Error::Redirect { status, .. }) if status == StatusCode::FOUND
    ));
    assert_eq!(target_hits.load(Ordering::SeqCst), 0, "a request left");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "a redirect is not retried");
}

#[tokio::test]
async fn a_redirect_location_is_sanitized() {
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers",
            get(|| async {
                let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
                // Bytes a header may carry: the 8-bit CSI, UTF-8 encoded.
                response.headers_mut().insert(
                    "location",
                    HeaderValue::from_bytes("http://x/\u{9b}2J".as_bytes()).unwrap(),
                );
                response
            }),
        );
    let client = client(&serve(router).await);
    match client.list_customers().await {
        Err(Error::Redirect { location, .. }) => {
            assert_eq!(location.as_deref(), Some("http://x/\u{fffd}2J"));
        }
        other => panic!("{other:?}"),
    }
}

/// Whether `text` holds anything a terminal acts on.
fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[tokio::test]
async fn escape_sequences_in_error_text_are_neutralized() {
    const HOSTILE: &str = "\x1b]0;pwned\x07\x1b[2Jcleared\rover\u{9b}31mred";
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers/{id}",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    axum::Json(serde_json::json!({"error": "nope\x1b[5m", "message": HOSTILE})),
                )
                    .into_response()
            }),
        )
        .route(
            "/v1/accounts/{id}",
            get(|| async { (StatusCode::BAD_REQUEST, HOSTILE).into_response() }),
        );
    let client = client(&serve(router).await);

    let json = client.get_customer("x").await.unwrap_err();
    let api = json.api().unwrap();
    assert!(!has_control(&api.message), "{:?}", api.message);
    assert!(!has_control(api.code.as_deref().unwrap()), "{:?}", api.code);
    assert!(api.message.contains("cleared") && api.message.contains('\u{fffd}'));
    assert!(!has_control(&json.to_string()), "{:?}", json.to_string());

    let plain = client.get_account("x").await.unwrap_err();
    assert!(!has_control(&plain.to_string()), "{:?}", plain.to_string());
    assert!(plain.to_string().contains("cleared"));
}
