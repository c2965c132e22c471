//! Answers as the real OffBlocks API is documented to give them (not as our sandbox gives them),
//! from a hand-written server: the signature middleware's `400 text/plain` refusal, `Retry-After`
//! as an HTTP date, a list in pages of every plausible form, the credentials and signing-key
//! endpoints' `204` with no body and no content type, a plain-text 401.
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
use chainsig_evm::LocalEvmSigner;
use chainsig_offblocks::SIGNATURE_REFUSED_BODY;
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
    api_answering_the_submission(signer, hits, middleware_refusal).await
}

/// An API whose account `acc-1` waits for its session-key challenge, and which answers every
/// submission with `answer()`.
async fn api_answering_the_submission(
    signer: &LocalEvmSigner,
    hits: Arc<Hits>,
    answer: fn() -> Response,
) -> String {
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
                answer()
            }),
        )
        .route(
            "/v1/accounts/acc-1/challenge",
            get(move || async move {
                refetched.refetches.fetch_add(1, Ordering::SeqCst);
                axum::Json(
                    json!({ "challenge": STANDARD.encode("0b5e5c3e-6f0a-4c39-9a3a-3f6f2d2c9f10") }),
                )
                .into_response()
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

/// A JSON error answer (as OffBlocks' handlers give them; no body schema is documented).
fn json_error(status: StatusCode, code: &'static str) -> Response {
    (
        status,
        axum::Json(json!({ "error": code, "message": "as the API says it" })),
    )
        .into_response()
}

#[tokio::test]
async fn only_a_handler_rejection_makes_the_flow_fetch_a_new_challenge() {
    // Answers about the request, not the signature: returned as they are, at once, with the
    // pending challenge left alone (fetching one invalidates it).
    let not_rejections: [(fn() -> Response, StatusCode); 3] = [
        (
            || json_error(StatusCode::NOT_FOUND, "not_found"),
            StatusCode::NOT_FOUND,
        ),
        (
            || json_error(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            || json_error(StatusCode::FORBIDDEN, "forbidden"),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (answer, status) in not_rejections {
        let signer = LocalEvmSigner::random();
        let hits = Arc::new(Hits::default());
        let base = api_answering_the_submission(&signer, hits.clone(), answer).await;
        let client = support::client(&base, fast_retries(4));
        let error = client
            .resume_account("acc-1", &signer, &FlowOptions::default())
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Api(e) if e.status == status),
            "{status}: {error:?}"
        );
        assert_eq!(hits.submissions.load(Ordering::SeqCst), 1, "{status}");
        assert_eq!(hits.refetches.load(Ordering::SeqCst), 0, "{status}");
    }

    // The handler's own rejection (a 400 in JSON): a new challenge is fetched and signed, up to
    // the flow's attempts, and the last rejection is reported as such.
    let signer = LocalEvmSigner::random();
    let hits = Arc::new(Hits::default());
    let base = api_answering_the_submission(&signer, hits.clone(), || {
        json_error(StatusCode::BAD_REQUEST, "invalid_signature")
    })
    .await;
    let client = support::client(&base, fast_retries(4));
    let error = client
        .resume_account("acc-1", &signer, &FlowOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::ChallengeRejected { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(hits.submissions.load(Ordering::SeqCst), 3);
    assert_eq!(hits.refetches.load(Ordering::SeqCst), 2);
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

/// What the documented credentials endpoints saw, and the credentials in force.
#[derive(Debug)]
struct Auth {
    api_key: String,
    api_secret: String,
    /// Bumped by every rotation and the revocation: tokens name the generation they belong to.
    generation: u32,
    revoked: bool,
    /// Rotations to apply and then answer 503 to, as a server whose answer is lost.
    lose_answers: u32,
    /// Answer 503 to every rotation, without rotating.
    unavailable: bool,
    /// The headers of every `/auth/credentials` and `/auth/signing` request.
    seen: Vec<axum::http::HeaderMap>,
    rotation_bodies: Vec<serde_json::Value>,
}

type Shared = Arc<std::sync::Mutex<Auth>>;

fn current_token(auth: &Auth) -> String {
    format!("token-of-generation-{}", auth.generation)
}

fn bearer_ok(auth: &Auth, headers: &axum::http::HeaderMap) -> bool {
    !auth.revoked
        && headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            == Some(format!("Bearer {}", current_token(auth)).as_str())
}

/// The documented 401 (1.3: "Invalid credentials", "Not authorised"): its body shape is not
/// documented, so plain text here.
fn not_authorised() -> Response {
    (StatusCode::UNAUTHORIZED, "Not authorised").into_response()
}

/// `POST /auth/token` as documented: a token of the current generation for the current, not
/// revoked, credentials; `401 Invalid credentials` (plain text) otherwise.
fn token_answer(auth: &Auth, body: &[u8]) -> Response {
    let request: serde_json::Value = serde_json::from_slice(body).unwrap();
    if auth.revoked
        || request["apiKey"] != auth.api_key.as_str()
        || request["apiSecret"] != auth.api_secret.as_str()
    {
        return (StatusCode::UNAUTHORIZED, "Invalid credentials").into_response();
    }
    axum::Json(json!({
        "token": current_token(auth), "expiresAt": 4_000_000_000u64, "tokenType": "Bearer",
    }))
    .into_response()
}

/// An API answering the credentials and signing-key endpoints as documented (1.3, 1.7): `204`
/// with an empty body and no content type, tokens invalidated by a rotation or revocation.
async fn documented_auth_api(state: Shared) -> String {
    let (token_state, rotate_state, revoke_state, signing_state, list_state) = (
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state,
    );
    let router = Router::new()
        .route(
            "/v1/auth/token",
            post(move |body: axum::body::Bytes| async move {
                token_answer(&token_state.lock().unwrap(), &body)
            }),
        )
        .route(
            "/v1/auth/credentials",
            axum::routing::put(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                    let mut auth = rotate_state.lock().unwrap();
                    auth.seen.push(headers.clone());
                    if !bearer_ok(&auth, &headers) {
                        return not_authorised();
                    }
                    if auth.unavailable {
                        return StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                    let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    auth.rotation_bodies.push(request.clone());
                    auth.api_key = request["apiKey"].as_str().unwrap().to_owned();
                    auth.api_secret = request["apiSecret"].as_str().unwrap().to_owned();
                    auth.generation += 1;
                    if auth.lose_answers > 0 {
                        auth.lose_answers -= 1;
                        return StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                    StatusCode::NO_CONTENT.into_response()
                },
            )
            .delete(move |headers: axum::http::HeaderMap| async move {
                let mut auth = revoke_state.lock().unwrap();
                auth.seen.push(headers.clone());
                if !bearer_ok(&auth, &headers) {
                    return not_authorised();
                }
                auth.revoked = true;
                StatusCode::NO_CONTENT.into_response()
            }),
        )
        .route(
            "/v1/auth/signing",
            axum::routing::delete(move |headers: axum::http::HeaderMap| async move {
                let mut auth = signing_state.lock().unwrap();
                auth.seen.push(headers.clone());
                if !bearer_ok(&auth, &headers) {
                    return not_authorised();
                }
                StatusCode::NO_CONTENT.into_response()
            }),
        )
        .route(
            "/v1/customers",
            get(move |headers: axum::http::HeaderMap| async move {
                let auth = list_state.lock().unwrap();
                if !bearer_ok(&auth, &headers) {
                    return not_authorised();
                }
                axum::Json(json!([])).into_response()
            }),
        );
    serve(router).await
}

fn auth_state(lose_answers: u32) -> Shared {
    Arc::new(std::sync::Mutex::new(Auth {
        api_key: "00000000-0000-4000-8000-000000000000".to_owned(),
        api_secret: support::SECRET.to_owned(),
        generation: 0,
        revoked: false,
        lose_answers,
        unavailable: false,
        seen: Vec::new(),
        rotation_bodies: Vec::new(),
    }))
}

const ROTATED_KEY: &str = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
const ROTATED_SECRET: &str = "a-rotated-secret-nobody-may-see-0123";

/// Whether a header is there, by name.
fn has(headers: &axum::http::HeaderMap, name: &str) -> bool {
    headers.contains_key(name)
}

#[tokio::test]
async fn a_rotation_answered_204_with_no_body_swaps_the_credentials() {
    let state = auth_state(0);
    let base = documented_auth_api(state.clone()).await;
    let client = support::client(&base, fast_retries(3));
    let stale = support::client(&base, fast_retries(3));
    client.list_customers().await.unwrap();
    stale.list_customers().await.unwrap();

    client
        .rotate_credentials(
            ROTATED_KEY,
            ROTATED_SECRET.to_owned(),
            chainsig_api::IdempotencyKey::new(),
        )
        .await
        .unwrap();
    {
        let auth = state.lock().unwrap();
        assert_eq!(
            auth.rotation_bodies,
            [json!({"apiKey": ROTATED_KEY, "apiSecret": ROTATED_SECRET})]
        );
        let headers = &auth.seen[0];
        // Bearer, an idempotency key (a UUID), no request signature (1.2).
        let key = headers["idempotency-key"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(key).is_ok(), "{key}");
        assert!(has(headers, "authorization"));
        assert!(!has(headers, "signature") && !has(headers, "signature-input"));
    }
    // The client's next request takes a token with the new secret (the server's token endpoint
    // refuses the old one), and goes through.
    let fetches = client.token_fetches();
    client.list_customers().await.unwrap();
    assert_eq!(client.token_fetches(), fetches + 1);

    // A client with the old secret: its token refused, no new one, a typed error with the
    // server's plain-text answer.
    let error = stale.list_customers().await.unwrap_err();
    match &error {
        Error::CredentialsRefused { answer } => {
            assert_eq!(answer.status, 401);
            assert_eq!(answer.message, "Invalid credentials");
        }
        other => panic!("{other:?}"),
    }
    let text = format!("{error} {error:?} {client:?} {stale:?}");
    assert!(!text.contains(ROTATED_SECRET) && !text.contains(support::SECRET));
}

#[tokio::test]
async fn a_rotation_whose_answer_is_lost_is_found_in_force() {
    // The server rotates, then answers 503; the retry's token is then refused (401): the
    // client asks the token endpoint with the new credentials, which work.
    let state = auth_state(1);
    let base = documented_auth_api(state.clone()).await;
    let client = support::client(&base, fast_retries(3));
    client
        .rotate_credentials(
            ROTATED_KEY,
            ROTATED_SECRET.to_owned(),
            chainsig_api::IdempotencyKey::new(),
        )
        .await
        .unwrap();
    client.list_customers().await.unwrap();
    let auth = state.lock().unwrap();
    assert_eq!(auth.generation, 1, "rotated once");
    assert_eq!(auth.seen.len(), 2, "the PUT and its retry");
    // The retry carried the same idempotency key.
    assert_eq!(
        auth.seen[0]["idempotency-key"],
        auth.seen[1]["idempotency-key"]
    );
}

#[tokio::test]
async fn a_rotation_that_did_not_happen_keeps_the_old_credentials() {
    // Every rotation answered 503 without rotating: after the retries the client asks the token
    // endpoint with the new credentials, which are refused: an error, and the old ones in force.
    let state = auth_state(0);
    state.lock().unwrap().unavailable = true;
    let base = documented_auth_api(state.clone()).await;
    let client = support::client(&base, fast_retries(2));
    client.list_customers().await.unwrap();
    let fetches = client.token_fetches();
    let error = client
        .rotate_credentials(
            ROTATED_KEY,
            ROTATED_SECRET.to_owned(),
            chainsig_api::IdempotencyKey::new(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(answer) if answer.status == 503),
        "{error:?}"
    );
    assert_eq!(state.lock().unwrap().seen.len(), 2, "two attempts");
    // The same token, the same credentials.
    client.list_customers().await.unwrap();
    assert_eq!(client.token_fetches(), fetches);
    assert!(!format!("{client:?}").contains(ROTATED_KEY));
    assert!(!format!("{error} {error:?}").contains(ROTATED_SECRET));
}

#[tokio::test]
async fn revocation_and_key_removal_answered_204_with_no_body() {
    let state = auth_state(0);
    let base = documented_auth_api(state.clone()).await;
    let client = support::client(&base, fast_retries(3));
    client
        .remove_signing_key(chainsig_api::IdempotencyKey::new())
        .await
        .unwrap();
    assert_eq!(client.key_id(), None);
    client
        .revoke_credentials(chainsig_api::IdempotencyKey::new())
        .await
        .unwrap();
    assert!(matches!(
        client.list_customers().await,
        Err(Error::CredentialsRevoked)
    ));
    let auth = state.lock().unwrap();
    assert!(auth.revoked);
    assert_eq!(auth.seen.len(), 2);
    for headers in &auth.seen {
        assert!(has(headers, "authorization") && has(headers, "idempotency-key"));
        assert!(!has(headers, "signature") && !has(headers, "content-type"));
    }
}

#[tokio::test]
async fn a_revocation_whose_answer_is_lost_is_found_done() {
    // The server revokes and the connection closes before any answer: the client asks the token
    // endpoint, which refuses the credentials: revoked.
    let revoked = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (on_delete, on_token) = (revoked.clone(), revoked);
    let router = Router::new()
        .route(
            "/v1/auth/token",
            post(move || async move {
                if on_token.load(Ordering::SeqCst) {
                    (StatusCode::UNAUTHORIZED, "Invalid credentials").into_response()
                } else {
                    token()
                }
            }),
        )
        .route(
            "/v1/auth/credentials",
            axum::routing::delete(move || async move {
                on_delete.store(true, Ordering::SeqCst);
                // An answer that never comes within the client's timeout.
                tokio::time::sleep(Duration::from_secs(5)).await;
                StatusCode::NO_CONTENT
            }),
        );
    let client = chainsig_api::Client::builder()
        .base_url(serve(router).await)
        .credentials(
            "00000000-0000-4000-8000-000000000000",
            support::SECRET.to_owned(),
        )
        .signing_key(chainsig_httpsig::P384SigningKey::generate().unwrap())
        .retry(fast_retries(1))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client
        .revoke_credentials(chainsig_api::IdempotencyKey::new())
        .await
        .unwrap();
    assert!(matches!(
        client.list_customers().await,
        Err(Error::CredentialsRevoked)
    ));
}

#[tokio::test]
async fn customer_deactivation_reads_the_documented_customer() {
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(
            "/v1/customers/{id}/deactivate",
            axum::routing::patch(
                |axum::extract::Path(id): axum::extract::Path<String>| async move {
                    axum::Json(json!({
                        "id": id,
                        "externalId": "e-1",
                        "chainId": "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
                        "status": "inactive",
                        "createdAt": "2024-01-12T15:07:17.358440283Z",
                        "updatedAt": "2024-01-12T16:07:17.358440283Z",
                        "someNewField": {"nested": true},
                    }))
                },
            ),
        );
    let client = support::client(&serve(router).await, fast_retries(1));
    let id = "04c5851c-4386-5bd9-a4a7-3b6e1f0d2c11";
    let customer = client
        .deactivate_customer(id, chainsig_api::IdempotencyKey::new())
        .await
        .unwrap();
    assert_eq!(customer.id, id);
    assert_eq!(customer.status, chainsig_api::CustomerStatus::Inactive);
}

#[tokio::test]
async fn a_refused_revocation_is_final() {
    // 403 is no lost answer: the credentials are not probed, the client keeps them.
    let tokens = Arc::new(AtomicU32::new(0));
    let counted = tokens.clone();
    let router = Router::new()
        .route(
            "/v1/auth/token",
            post(move || async move {
                counted.fetch_add(1, Ordering::SeqCst);
                token()
            }),
        )
        .route(
            "/v1/auth/credentials",
            axum::routing::delete(|| async { (StatusCode::FORBIDDEN, "Forbidden") }),
        )
        .route("/v1/customers", get(|| async { axum::Json(json!([])) }));
    let client = support::client(&serve(router).await, fast_retries(3));
    let error = client
        .revoke_credentials(chainsig_api::IdempotencyKey::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(answer) if answer.status == 403),
        "{error:?}"
    );
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "no probe");
    client.list_customers().await.unwrap();
}

#[tokio::test]
async fn a_request_refused_twice_across_a_rotation_is_sent_once_more() {
    // A request meets a 401 and refreshes its token with the old secret; while its retry is on
    // the way the client rotates, and the retry meets a 401 too. Its token came from
    // credentials the rotation replaced: it is sent once more with a token of the new ones.
    let state = auth_state(0);
    let rotated = Arc::new(tokio::sync::Notify::new());
    let calls = Arc::new(AtomicU32::new(0));
    let (list_state, list_rotated, list_calls) = (state.clone(), rotated.clone(), calls.clone());
    let (token_state, rotate_state) = (state.clone(), state.clone());
    let router = Router::new()
        .route(
            "/v1/auth/token",
            post(move |body: axum::body::Bytes| async move {
                token_answer(&token_state.lock().unwrap(), &body)
            }),
        )
        .route(
            "/v1/auth/credentials",
            axum::routing::put(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| async move {
                    {
                        let mut auth = rotate_state.lock().unwrap();
                        if !bearer_ok(&auth, &headers) {
                            return not_authorised();
                        }
                        let request: serde_json::Value = serde_json::from_slice(&body).unwrap();
                        auth.api_key = request["apiKey"].as_str().unwrap().to_owned();
                        auth.api_secret = request["apiSecret"].as_str().unwrap().to_owned();
                        auth.generation += 1;
                    }
                    rotated.notify_one();
                    StatusCode::NO_CONTENT.into_response()
                },
            ),
        )
        .route(
            "/v1/customers",
            get(move |headers: axum::http::HeaderMap| async move {
                match list_calls.fetch_add(1, Ordering::SeqCst) {
                    // The first token "expired".
                    0 => return not_authorised(),
                    // The retry waits for the rotation, then meets its invalidation.
                    1 => list_rotated.notified().await,
                    _ => {}
                }
                if bearer_ok(&list_state.lock().unwrap(), &headers) {
                    axum::Json(json!([])).into_response()
                } else {
                    not_authorised()
                }
            }),
        );
    let client = support::client(&serve(router).await, fast_retries(1));
    let listing = tokio::spawn({
        let client = client.clone();
        async move { client.list_customers().await }
    });
    while calls.load(Ordering::SeqCst) < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    client
        .rotate_credentials(
            ROTATED_KEY,
            ROTATED_SECRET.to_owned(),
            chainsig_api::IdempotencyKey::new(),
        )
        .await
        .unwrap();
    listing.await.unwrap().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}
