//! Webhooks end to end against the sandbox over loopback: subscriptions (`PUT /webhooks`),
//! delivery of every status change of an onboarding exactly once after de-duplication (through
//! failed attempts), delivery that never blocks the API, the axum receiver's answers, and flows
//! that wake on events yet finish without them.
#![cfg(feature = "webhooks-axum")]
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chainsig_api::webhooks::{Accepted, WebhookEvent, parse};
use chainsig_api::{
    Client, CreateAccount, Error, FlowOptions, IdempotencyKey, RegisterWebhook, WebhookReceiver,
    WebhookType,
};
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::P384SigningKey;
use chainsig_sandbox::{Sandbox, SandboxConfig, SandboxHandle, WebhookConfig};
use tokio::sync::broadcast;

const BOTH: [WebhookType; 2] = [WebhookType::CustomerUpdated, WebhookType::AccountUpdated];

/// Fast retries, a short deployment.
fn config(deployment: Duration, attempt_timeout: Duration) -> SandboxConfig {
    SandboxConfig {
        deployment_delay: deployment,
        webhooks: WebhookConfig {
            attempt_timeout,
            first_retry_delay: Duration::from_millis(10),
            max_retry_delay: Duration::from_millis(50),
            retry_for: Duration::from_secs(20),
            tick: Duration::from_millis(10),
            allow_any_host: false,
        },
        ..SandboxConfig::default()
    }
}

async fn start(config: SandboxConfig) -> (SandboxHandle, Client) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let key = P384SigningKey::generate().unwrap();
    let pem = key.public_key_pem();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), sandbox.api_secret().to_owned())
        .signing_key(key)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    client.register_signing_key(&pem).await.unwrap();
    (sandbox, client)
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

async fn subscribe(client: &Client, url: String) {
    client
        .register_webhook(&RegisterWebhook::new(url, BOTH), IdempotencyKey::new())
        .await
        .unwrap();
}

fn options() -> FlowOptions {
    let mut options = FlowOptions::default();
    options.poll_interval = Duration::from_millis(10);
    options.poll_deadline = Duration::from_secs(30);
    options
}

/// Onboards a new EVM customer, approves KYC and opens an account.
async fn onboard(client: &Client, options: &FlowOptions) -> (String, String) {
    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "webhook-customer", options)
        .await
        .unwrap();
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await
        .unwrap();
    let account = client
        .open_account(&customer.id, &signer, &CreateAccount::card("EUR"), options)
        .await
        .unwrap();
    (customer.id, account.id)
}

/// The next event, or a failure after 20 s.
async fn next(events: &mut broadcast::Receiver<Arc<WebhookEvent>>) -> Arc<WebhookEvent> {
    tokio::time::timeout(Duration::from_secs(20), events.recv())
        .await
        .expect("an event within 20 s")
        .unwrap()
}

/// Every delivery attempt a flaky receiver saw: event id → bodies.
#[derive(Clone, Default)]
struct Flaky {
    receiver: WebhookReceiver,
    attempts: Arc<Mutex<HashMap<String, Vec<Bytes>>>>,
}

/// Attempt 1: accepted, then answered 500 (as if the receiver crashed after handling it);
/// attempt 2: 503 before looking at it; attempt 3 and later: handled (a duplicate by then).
async fn flaky(State(flaky): State<Flaky>, headers: HeaderMap, body: Bytes) -> Response {
    let id = parse(&body).unwrap().event_id;
    let attempt = {
        let mut attempts = flaky.attempts.lock().unwrap();
        let seen = attempts.entry(id).or_default();
        seen.push(body.clone());
        seen.len()
    };
    match attempt {
        1 => {
            flaky.receiver.accept(&headers, &body).unwrap();
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        2 => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        _ => match flaky.receiver.accept(&headers, &body) {
            Ok(_) => StatusCode::OK.into_response(),
            Err(e) => e.status().into_response(),
        },
    }
}

#[tokio::test]
async fn every_status_change_of_an_onboarding_arrives_once_through_failed_attempts() {
    let (sandbox, client) = start(config(Duration::from_millis(50), Duration::from_secs(5))).await;
    let state = Flaky::default();
    let mut events = state.receiver.subscribe();
    let addr = serve(
        Router::new()
            .route("/hooks", post(flaky))
            .with_state(state.clone()),
    )
    .await;
    subscribe(&client, format!("http://{addr}/hooks")).await;

    let (customer_id, account_id) = onboard(&client, &options()).await;

    let mut seen: Vec<(String, String, String)> = Vec::new();
    for _ in 0..5 {
        let event = next(&mut events).await;
        seen.push((
            event.webhook_type.to_string(),
            event.subject_id().unwrap().to_owned(),
            event.raw["status"].as_str().unwrap().to_owned(),
        ));
        assert!(event.raw.get("challenge").is_none());
        match event.webhook_type {
            WebhookType::CustomerUpdated => assert!(event.customer().is_some()),
            _ => assert!(event.account().is_some()),
        }
    }
    let of = |kind: &str, id: &str| -> Vec<String> {
        seen.iter()
            .filter(|(t, i, _)| t == kind && i == id)
            .map(|(_, _, s)| s.clone())
            .collect()
    };
    assert_eq!(
        of("customer.updated", &customer_id),
        ["screening", "verifying", "active"],
        "{seen:?}"
    );
    assert_eq!(
        of("account.updated", &account_id),
        ["pending", "active"],
        "{seen:?}"
    );

    // Every event was tried three times with the same id and body, and published once.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sandbox.webhook_counters().delivered < 5 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            sandbox.webhook_counters()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    {
        let attempts = state.attempts.lock().unwrap();
        assert_eq!(attempts.len(), 5);
        for bodies in attempts.values() {
            assert_eq!(bodies.len(), 3);
            assert!(bodies.iter().all(|b| b == &bodies[0]));
        }
    }
    let counters = sandbox.webhook_counters();
    assert_eq!(counters.events, 5);
    assert_eq!(counters.attempts, 15);
    assert_eq!(counters.failed_attempts, 10);
    assert_eq!(counters.abandoned, 0);
    assert!(matches!(
        events.try_recv(),
        Err(broadcast::error::TryRecvError::Empty)
    ));
}

#[tokio::test]
async fn time_driven_changes_are_delivered_without_anyone_reading() {
    let mut config = config(Duration::from_millis(100), Duration::from_secs(5));
    config.screening_delay = Duration::from_millis(100);
    let (sandbox, client) = start(config).await;
    let receiver = WebhookReceiver::new();
    let mut events = receiver.subscribe();
    let addr = serve(receiver.axum_router("/hooks")).await;
    subscribe(&client, format!("http://{addr}/hooks")).await;

    let signer = LocalEvmSigner::random();
    let customer = client
        .onboard_customer(&signer, "time-driven", &options())
        .await
        .unwrap();
    assert_eq!(customer.status.as_str(), "screening");
    let requests = sandbox.counters().requests;
    let screening = next(&mut events).await;
    assert_eq!(screening.raw["status"], "screening");
    let verifying = next(&mut events).await;
    assert_eq!(verifying.customer().unwrap().id, customer.id);
    assert_eq!(verifying.raw["status"], "verifying");
    assert_eq!(
        sandbox.counters().requests,
        requests,
        "nobody read the customer"
    );
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_abandoned_after_retry_for() {
    let mut config = config(Duration::from_millis(20), Duration::from_secs(1));
    config.webhooks.retry_for = Duration::from_millis(300);
    let (sandbox, client) = start(config).await;
    let addr = serve(Router::new().route(
        "/hooks",
        post(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
    ))
    .await;
    client
        .register_webhook(
            &RegisterWebhook::new(
                format!("http://{addr}/hooks"),
                [WebhookType::CustomerUpdated],
            ),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    let signer = LocalEvmSigner::random();
    client
        .onboard_customer(&signer, "abandoned", &options())
        .await
        .unwrap();
    // `screening` and `verifying`: each retried (10, 20, 40, 50, 50… ms apart) until 300 ms
    // have passed, then given up.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while sandbox.webhook_counters().abandoned < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{:?}",
            sandbox.webhook_counters()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let counters = sandbox.webhook_counters();
    assert_eq!(counters.events, 2);
    assert_eq!(counters.delivered, 0);
    assert_eq!(counters.attempts, counters.failed_attempts);
    // Retried with a doubling wait: a few attempts each, not one every 10 ms.
    assert!(
        (6..=24).contains(&counters.attempts),
        "retried: {counters:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        sandbox.webhook_counters(),
        counters,
        "nothing after giving up"
    );
}

#[tokio::test]
async fn a_hanging_receiver_does_not_hold_up_the_api() {
    // One attempt would hang for a minute: the flow must not wait for it.
    let (sandbox, client) = start(config(Duration::from_millis(20), Duration::from_secs(60))).await;
    let hits = Arc::new(Mutex::new(0u32));
    let counted = hits.clone();
    let addr = serve(Router::new().route(
        "/hooks",
        post(move || {
            *counted.lock().unwrap() += 1;
            std::future::pending::<StatusCode>()
        }),
    ))
    .await;
    subscribe(&client, format!("http://{addr}/hooks")).await;
    tokio::time::timeout(Duration::from_secs(30), onboard(&client, &options()))
        .await
        .expect("the onboarding finishes while the receiver hangs");
    let counters = sandbox.webhook_counters();
    assert!(*hits.lock().unwrap() >= 1, "the receiver was called");
    assert_eq!(counters.delivered, 0, "{counters:?}");
}

#[tokio::test]
async fn flows_wake_on_events_and_read_less() {
    let (sandbox, client) = start(config(Duration::from_millis(300), Duration::from_secs(5))).await;
    let receiver = WebhookReceiver::new();
    let addr = serve(receiver.axum_router("/hooks")).await;

    let before = sandbox.counters().requests;
    onboard(&client, &options()).await;
    let polling = sandbox.counters().requests - before;

    subscribe(&client, format!("http://{addr}/hooks")).await;
    // Neither the fallback poll nor the deadline comes within the bound below: only an event
    // can end the wait in time.
    let mut with_events = options()
        .with_webhooks(receiver.clone())
        .with_event_poll_interval(Duration::from_secs(600));
    with_events.poll_deadline = Duration::from_secs(600);
    let before = sandbox.counters().requests;
    tokio::time::timeout(Duration::from_secs(60), onboard(&client, &with_events))
        .await
        .expect("the wait for `active` was woken by an event");
    let waking = sandbox.counters().requests - before;
    // The deployment (300 ms) was waited for on events, not by 10 ms polls.
    assert!(
        waking < polling,
        "with events {waking} requests, polling {polling}"
    );
    assert!(sandbox.webhook_counters().delivered >= 5);
}

#[tokio::test]
async fn flows_finish_by_polling_when_the_receiver_is_down() {
    let (sandbox, client) = start(config(Duration::from_millis(50), Duration::from_secs(1))).await;
    // A port with nobody listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    subscribe(&client, format!("http://{closed}/hooks")).await;
    let options = options()
        .with_webhooks(WebhookReceiver::new())
        .with_event_poll_interval(Duration::from_millis(100));
    onboard(&client, &options).await;
    assert!(sandbox.webhook_counters().failed_attempts >= 1);
    assert_eq!(sandbox.webhook_counters().delivered, 0);
}

#[tokio::test]
async fn subscriptions_are_created_updated_and_checked() {
    let (_sandbox, client) = start(config(Duration::from_millis(20), Duration::from_secs(1))).await;
    let created = client
        .register_webhook(
            &RegisterWebhook::new("http://127.0.0.1:9/a", [WebhookType::AccountUpdated]),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    assert_eq!(created.callback_url, "http://127.0.0.1:9/a");
    assert_eq!(created.types, [WebhookType::AccountUpdated]);
    assert!(created.times.created_at.is_some() && created.times.updated_at.is_some());

    let updated = client
        .register_webhook(
            &RegisterWebhook::new("http://localhost:9/b", BOTH).with_id(created.id.clone()),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.callback_url, "http://localhost:9/b");
    assert_eq!(updated.types, BOTH);
    assert_eq!(updated.times.created_at, created.times.created_at);

    // Every documented type is accepted.
    let all = [
        WebhookType::CustomerUpdated,
        WebhookType::AccountUpdated,
        WebhookType::CardUpdated,
        WebhookType::AuthorisationUpdated,
        WebhookType::TransactionUpdated,
    ];
    client
        .register_webhook(
            &RegisterWebhook::new("http://[::1]:9/", all),
            IdempotencyKey::new(),
        )
        .await
        .unwrap();

    let refused = |request: RegisterWebhook, status: u16, code: &'static str| {
        let client = &client;
        async move {
            let error = client
                .register_webhook(&request, IdempotencyKey::new())
                .await
                .unwrap_err();
            let Error::Api(answer) = &error else {
                panic!("{error:?}")
            };
            assert_eq!(answer.status.as_u16(), status, "{error}");
            assert_eq!(answer.code.as_deref(), Some(code), "{error}");
        }
    };
    refused(
        RegisterWebhook::new(
            "http://127.0.0.1:9/",
            [WebhookType::from("customer.created".to_owned())],
        ),
        400,
        "invalid_webhook_types",
    )
    .await;
    refused(
        RegisterWebhook::new("http://127.0.0.1:9/", []),
        400,
        "invalid_webhook_types",
    )
    .await;
    refused(
        RegisterWebhook::new("http://example.com/", BOTH),
        400,
        "callback_url_not_loopback",
    )
    .await;
    refused(
        RegisterWebhook::new("ftp://127.0.0.1/", BOTH),
        400,
        "invalid_callback_url",
    )
    .await;
    refused(
        RegisterWebhook::new("http://127.0.0.1:9/", BOTH).with_id(uuid::Uuid::new_v4().to_string()),
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_axum_receiver_answers_2xx_for_events_and_4xx_for_garbage() {
    let receiver = WebhookReceiver::new().with_body_limit(1024);
    let mut events = receiver.subscribe();
    let addr = serve(receiver.axum_router("/hooks")).await;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/hooks");
    let post = |body: Vec<u8>| http.post(&url).body(body).send();

    let event = br#"{"eventId":"e1","webhookType":"payout.updated","id":"p","newField":[1]}"#;
    assert_eq!(post(event.to_vec()).await.unwrap().status(), 200);
    assert_eq!(
        post(event.to_vec()).await.unwrap().status(),
        200,
        "a redelivery"
    );
    let got = events.try_recv().unwrap();
    assert_eq!(
        got.webhook_type,
        WebhookType::Unknown("payout.updated".into())
    );
    assert_eq!(got.raw["newField"][0], 1);
    assert!(events.try_recv().is_err(), "published once");

    for garbage in [&b"garbage"[..], b"{}", b"[]", br#"{"eventId":"x"}"#] {
        assert_eq!(post(garbage.to_vec()).await.unwrap().status(), 400);
    }
    let big = format!(
        r#"{{"eventId":"e2","webhookType":"x","pad":"{}"}}"#,
        "a".repeat(2000)
    );
    assert_eq!(post(big.into_bytes()).await.unwrap().status(), 413);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 405);
    assert!(matches!(
        receiver.accept(&HeaderMap::new(), br#"{"eventId":"e1","webhookType":"x"}"#),
        Ok(Accepted::Duplicate { .. })
    ));
}

#[tokio::test]
async fn deactivations_and_activations_are_status_changes_too() {
    let (_sandbox, client) = start(config(Duration::from_millis(10), Duration::from_secs(5))).await;
    let receiver = WebhookReceiver::new();
    let mut events = receiver.subscribe();
    let addr = serve(receiver.axum_router("/hooks")).await;
    let (customer_id, account_id) = onboard(&client, &options()).await;
    // Subscribed only now: what follows is the changes made outside the onboarding.
    subscribe(&client, format!("http://{addr}/hooks")).await;

    client
        .deactivate_account(&account_id, IdempotencyKey::new())
        .await
        .unwrap();
    client
        .activate_account(&account_id, IdempotencyKey::new())
        .await
        .unwrap();
    client
        .deactivate_customer(&customer_id, IdempotencyKey::new())
        .await
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..3 {
        let event = next(&mut events).await;
        let id = event.raw["id"].as_str().unwrap().to_owned();
        seen.push((id, event.raw["status"].as_str().unwrap().to_owned()));
    }
    assert_eq!(
        seen,
        [
            (account_id.clone(), "inactive".to_owned()),
            (account_id, "active".to_owned()),
            (customer_id, "inactive".to_owned()),
        ]
    );
}
