//! Answers as the real OffBlocks API is documented to give them (not as our sandbox gives them),
//! from a hand-written server: the signature middleware's `400 text/plain` refusal, `Retry-After`
//! as an HTTP date, a list in pages of every plausible form.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_api::RetryPolicy;
use chainsig_api::{Error, FlowOptions};
use chainsig_core::ChallengeSigner;
use chainsig_core::offblocks::SIGNATURE_REFUSED_BODY;
use chainsig_evm::LocalEvmSigner;
use serde_json::json;
use support::{fast_retries, serve, token};

/// The stock Go middleware's answer to a request signature it cannot verify (`offblocks-api.md`
/// 1.4): as Go's `http.Error` writes it.
fn middleware_refusal() -> Response {
    (
        StatusCode::BAD_REQUEST,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        format!("{SIGNATURE_REFUSED_BODY}\n"),
    )
        .into_response()
}

/// Requests counted per kind on the fake server.
#[derive(Debug, Default)]
struct Hits {
    submissions: AtomicU32,
    refetches: AtomicU32,
}

/// An API whose account `acc-1` waits for its session-key challenge, and whose middleware
/// refuses the submission's request signature.
async fn api_refusing_the_submission(signer: &LocalEvmSigner, hits: Arc<Hits>) -> String {
    let owner = signer.account().to_string();
    let challenge = STANDARD.encode("5df359f0-d299-40a1-8023-17c77a50144c");
    let account = json!({
        "id": "acc-1", "customerId": "cus-1", "status": "initiating",
        "type": "card_account", "currencies": ["USD"], "challenge": challenge,
    });
    let customer = json!({
        "id": "cus-1", "externalId": "e-1", "chainId": owner, "status": "active",
    });
    let (submitted, refetched) = (hits.clone(), hits);
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts/acc-1",
            get(move || async move { axum::Json(account).into_response() }),
        )
        .route(
            "/v1/customers/cus-1",
            get(move || async move { axum::Json(customer).into_response() }),
        )
        .route(
            "/v1/accounts/acc-1/challenge/sign",
            post(move || async move {
                submitted.submissions.fetch_add(1, Ordering::SeqCst);
                middleware_refusal()
            }),
        )
        .route(
            "/v1/accounts/acc-1/challenge",
            get(move || async move {
                refetched.refetches.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({ "challenge": STANDARD.encode("another") })).into_response()
            }),
        );
    serve(router).await
}

#[tokio::test]
async fn the_middleware_refusal_is_a_request_authentication_error_and_nothing_is_refetched() {
    let signer = LocalEvmSigner::random();
    let hits = Arc::new(Hits::default());
    let base = api_refusing_the_submission(&signer, hits.clone()).await;
    let client = support::client(&base, fast_retries(4));
    let error = client
        .resume_account("acc-1", &signer, &FlowOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::RequestAuthentication { key_id: Some(id), answer }
            if id == "test-key" && answer.is_request_authentication()),
        "{error:?}"
    );
    // Signed once, submitted once: not retried, not re-fetched, not re-signed.
    assert_eq!(hits.submissions.load(Ordering::SeqCst), 1);
    assert_eq!(hits.refetches.load(Ordering::SeqCst), 0);
    assert!(!error.is_retryable());
    assert_eq!(error.api().map(|e| e.status), Some(StatusCode::BAD_REQUEST));
    let text = error.to_string();
    for needle in [
        "request signature",
        "key id test-key",
        "registered",
        "clock",
    ] {
        assert!(text.contains(needle), "`{needle}` missing: {text}");
    }
    assert!(!text.contains("rejected"), "{text}");
}

#[tokio::test]
async fn only_the_exact_middleware_answer_is_request_authentication() {
    // A JSON 400 from a handler, or another plain text, is not the middleware's.
    let answers: [(&str, Response); 3] = [
        (
            "json",
            (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": "bad", "message": SIGNATURE_REFUSED_BODY})),
            )
                .into_response(),
        ),
        (
            "text",
            (StatusCode::BAD_REQUEST, "bad request").into_response(),
        ),
        (
            "status",
            (StatusCode::UNAUTHORIZED, SIGNATURE_REFUSED_BODY).into_response(),
        ),
    ];
    for (name, answer) in answers {
        let answer = Arc::new(std::sync::Mutex::new(Some(answer)));
        let router = Router::new()
            .route("/v1/auth/token", post(|| async { token() }))
            .route(
                "/v1/customers",
                get(move || async move {
                    answer
                        .lock()
                        .unwrap()
                        .take()
                        .unwrap_or_else(|| StatusCode::UNAUTHORIZED.into_response())
                }),
            );
        let client = support::client(&serve(router).await, fast_retries(1));
        let error = client.list_customers().await.unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{name}: {error:?}");
    }
}

/// A server answering its first `GET /accounts` with 503 and `Retry-After` as an HTTP-date
/// `ahead` from now, then 200; counts the calls.
async fn busy_until_a_date(ahead: Duration, calls: Arc<AtomicU32>) -> String {
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/accounts",
            get(move || async move {
                if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    let date = httpdate::fmt_http_date(SystemTime::now() + ahead);
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(header::RETRY_AFTER, date)],
                        "busy",
                    )
                        .into_response()
                } else {
                    axum::Json(json!([])).into_response()
                }
            }),
        );
    serve(router).await
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    let calls = Arc::new(AtomicU32::new(0));
    let base = busy_until_a_date(Duration::from_secs(2), calls.clone()).await;
    // The backoff alone would retry within 20 ms.
    let client = support::client(&base, fast_retries(3));
    let started = Instant::now();
    client.list_accounts().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // The date has one-second resolution: at least a second was waited.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_date_past_the_deadline_ends_the_retries() {
    let calls = Arc::new(AtomicU32::new(0));
    let base = busy_until_a_date(Duration::from_secs(30), calls.clone()).await;
    let retry = RetryPolicy {
        deadline: Duration::from_secs(5),
        ..fast_retries(3)
    };
    let client = support::client(&base, retry);
    match client.list_accounts().await {
        Err(Error::Api(e)) => {
            assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(
                e.retry_after.is_some_and(|d| d > Duration::from_secs(20)),
                "{e:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Not retried: a wait that would end past the deadline is not started.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

fn customer(n: u32) -> serde_json::Value {
    json!({
        "id": format!("cus-{n}"), "externalId": format!("e-{n}"), "status": "active",
        "chainId": "eip155:1:0x0000000000000000000000000000000000000001",
    })
}

/// A list paged in every form the client follows: an absolute link, a path under `pagination`,
/// a page number with `hasMore`, a cursor; then the end.
async fn paged_api(calls: Arc<AtomicU32>) -> String {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers",
            get({
                let base = base.clone();
                move |axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let base = base.get().unwrap();
                    let body = match query.as_deref() {
                        None => json!({"items": [customer(1)], "next": format!("{base}/customers?after=1")}),
                        Some("after=1") => json!({"data": [customer(2)], "pagination": {"next": "/v1/customers?after=2"}}),
                        Some("after=2") => json!({"items": [customer(3)], "page": 3, "hasMore": true}),
                        Some("page=4") => json!({"items": [customer(4)], "nextCursor": "x y"}),
                        Some("cursor=x%20y") => json!([customer(5)]),
                        other => return (StatusCode::NOT_FOUND, format!("{other:?}")).into_response(),
                    };
                    axum::Json(body).into_response()
                }
            }),
        );
    let url = serve(router).await;
    base.set(url.clone()).unwrap();
    url
}

#[tokio::test]
async fn a_list_is_read_page_after_page_and_a_lookup_stops_when_found() {
    let calls = Arc::new(AtomicU32::new(0));
    let client = support::client(&paged_api(calls.clone()).await, fast_retries(1));
    let ids: Vec<String> = client
        .list_customers()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["cus-1", "cus-2", "cus-3", "cus-4", "cus-5"]);
    assert_eq!(calls.swap(0, Ordering::SeqCst), 5);
    let found = client
        .find_customer(|c| c.external_id == "e-3")
        .await
        .unwrap();
    assert_eq!(found.unwrap().id, "cus-3");
    assert_eq!(
        calls.swap(0, Ordering::SeqCst),
        3,
        "pages after the match are not read"
    );
    assert!(client.find_customer(|_| false).await.unwrap().is_none());
}

#[tokio::test]
async fn a_next_page_elsewhere_or_in_a_loop_is_an_error() {
    for next in [
        json!({"items": [customer(1)], "next": "http://127.0.0.1:1/v1/customers?p=2"}),
        json!({"items": [customer(1)], "nextCursor": "same"}),
    ] {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = calls.clone();
        let router = Router::new()
            .route("/v1/auth/token", post(|| async { token() }))
            .route(
                "/v1/customers",
                get(move || async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    axum::Json(next).into_response()
                }),
            );
        let client = support::client(&serve(router).await, fast_retries(1));
        let error = client.list_customers().await.unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
        assert!(calls.load(Ordering::SeqCst) <= 2);
    }
}
