//! The challenge round trip of the flows (fetch, sign, submit, and on a rejection fetch again)
//! against a scripted API that answers as OffBlocks is documented to: which answers count as a
//! rejected signature, which as "nothing left to sign", and which end the flow as they are.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_api::{Error, FlowEvent, FlowOptions};
use chainsig_core::ChallengeSigner;
use chainsig_evm::LocalEvmSigner;
use serde_json::json;
use support::{fast_retries, serve, token};

const ACCOUNT: &str = "acc-7";

/// A scripted answer, by the number of the request of its kind (1 for the first).
type Answer = fn(u32) -> Response;

/// What the scripted API saw; `done` once a submission was accepted (or completed elsewhere),
/// after which the account reads `active`.
struct Script {
    owner: String,
    submit: Answer,
    refetch: Answer,
    submissions: AtomicU32,
    refetches: AtomicU32,
    done: AtomicBool,
}

fn error(status: StatusCode, code: &'static str) -> Response {
    (
        status,
        axum::Json(json!({ "error": code, "message": code })),
    )
        .into_response()
}

fn accepted(_: u32) -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn rejected(_: u32) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_signature")
}

/// A fresh session-key challenge (a UUID, as OffBlocks sends them).
fn next_challenge(n: u32) -> Response {
    let uuid = format!("0b5e5c3e-6f0a-4c39-9a3a-3f6f2d2c9f1{}", n % 10);
    axum::Json(json!({ "challenge": STANDARD.encode(uuid) })).into_response()
}

async fn account(State(script): State<Arc<Script>>) -> Response {
    let done = script.done.load(Ordering::SeqCst);
    let mut body = json!({
        "id": ACCOUNT, "customerId": "cus-7", "type": "card_account", "currencies": ["EUR"],
        "status": if done { "active" } else { "initiating" },
    });
    if !done {
        body["challenge"] = json!(STANDARD.encode("5df359f0-d299-40a1-8023-17c77a50144c"));
    }
    axum::Json(body).into_response()
}

async fn customer(State(script): State<Arc<Script>>) -> Response {
    axum::Json(json!({
        "id": "cus-7", "externalId": "e-7", "chainId": script.owner, "status": "active",
    }))
    .into_response()
}

async fn submit(State(script): State<Arc<Script>>) -> Response {
    let n = script.submissions.fetch_add(1, Ordering::SeqCst) + 1;
    let answer = (script.submit)(n);
    // Accepted here, or "nothing to sign" because it was completed elsewhere: active from now
    // (so a flow that wrongly takes a 409 for completion finishes instead of failing).
    if answer.status() == StatusCode::NO_CONTENT || answer.status() == StatusCode::CONFLICT {
        script.done.store(true, Ordering::SeqCst);
    }
    answer
}

async fn refetch(State(script): State<Arc<Script>>) -> Response {
    let n = script.refetches.fetch_add(1, Ordering::SeqCst) + 1;
    let answer = (script.refetch)(n);
    if answer.status() == StatusCode::CONFLICT {
        script.done.store(true, Ordering::SeqCst);
    }
    answer
}

/// Runs `resume_account` for the account against the script; the outcome, the script and the
/// flow's events.
async fn run(
    submit_answer: Answer,
    refetch_answer: Answer,
) -> (Result<(), Error>, Arc<Script>, Vec<FlowEvent>) {
    let signer = LocalEvmSigner::random();
    let script = Arc::new(Script {
        owner: signer.account().to_string(),
        submit: submit_answer,
        refetch: refetch_answer,
        submissions: AtomicU32::new(0),
        refetches: AtomicU32::new(0),
        done: AtomicBool::new(false),
    });
    let router = Router::new()
        .route("/v1/auth/token", post(|| async { token() }))
        .route(&format!("/v1/accounts/{ACCOUNT}"), get(account))
        .route("/v1/customers/cus-7", get(customer))
        .route(
            &format!("/v1/accounts/{ACCOUNT}/challenge/sign"),
            post(submit),
        )
        .route(&format!("/v1/accounts/{ACCOUNT}/challenge"), get(refetch))
        .with_state(script.clone());
    let base = serve(router).await;
    let client = support::client(&base, fast_retries(2));
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut options =
        FlowOptions::default().on_event(move |e| seen.lock().unwrap().push(e.clone()));
    options.poll_interval = Duration::from_millis(5);
    options.poll_deadline = Duration::from_secs(5);
    let outcome = client
        .resume_account(ACCOUNT, &signer, &options)
        .await
        .map(|_| ());
    let events = events.lock().unwrap().clone();
    (outcome, script, events)
}

fn counts(script: &Script) -> (u32, u32) {
    (
        script.submissions.load(Ordering::SeqCst),
        script.refetches.load(Ordering::SeqCst),
    )
}

#[tokio::test]
async fn the_events_name_the_account_whose_challenge_is_signed() {
    let (outcome, script, events) = run(
        |n| if n == 1 { rejected(n) } else { accepted(n) },
        next_challenge,
    )
    .await;
    outcome.unwrap();
    assert_eq!(counts(&script), (2, 1));
    let subjects: Vec<(&str, u32)> = events
        .iter()
        .filter_map(|e| match e {
            FlowEvent::ChallengeReceived { subject, round, .. } => {
                Some(("received", *round)).filter(|_| subject == ACCOUNT)
            }
            FlowEvent::SignatureRejected { subject, round, .. } => {
                Some(("rejected", *round)).filter(|_| subject == ACCOUNT)
            }
            FlowEvent::SignatureAccepted { subject, round } => {
                Some(("accepted", *round)).filter(|_| subject == ACCOUNT)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        subjects,
        [
            ("received", 0),
            ("rejected", 0),
            ("received", 1),
            ("accepted", 1)
        ]
    );
}

#[tokio::test]
async fn a_conflict_on_submission_means_it_was_completed_elsewhere() {
    // 409 (not an idempotency race): the challenge was signed by someone else, e.g. an earlier
    // run of the flow; nothing is fetched or signed again and the flow goes on to `active`.
    let (outcome, script, _) = run(
        |_| error(StatusCode::CONFLICT, "invalid_state"),
        next_challenge,
    )
    .await;
    outcome.unwrap();
    assert_eq!(counts(&script), (1, 0));
}

#[tokio::test]
async fn an_idempotency_race_is_not_taken_for_completion() {
    // 409 about the idempotency key itself (another request with the key is in flight): after
    // the client's retries it is an error, never "done".
    let (outcome, script, _) = run(
        |_| error(StatusCode::CONFLICT, "idempotency_key_in_flight"),
        next_challenge,
    )
    .await;
    let error = outcome.unwrap_err();
    assert!(
        matches!(&error, Error::Api(e) if e.status == StatusCode::CONFLICT),
        "{error:?}"
    );
    assert_eq!(script.refetches.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_rejection_then_nothing_left_to_sign_ends_well() {
    // Rejected, and by the time the new challenge is asked for, the account no longer waits
    // for one (409): the flow is done, nothing more is signed.
    let (outcome, script, _) =
        run(rejected, |_| error(StatusCode::CONFLICT, "invalid_state")).await;
    outcome.unwrap();
    assert_eq!(counts(&script), (1, 1));
}

#[tokio::test]
async fn a_rejection_then_a_failed_fetch_is_that_failure() {
    let (outcome, script, _) = run(rejected, |_| error(StatusCode::NOT_FOUND, "not_found")).await;
    let error = outcome.unwrap_err();
    assert!(
        matches!(&error, Error::Api(e) if e.status == StatusCode::NOT_FOUND),
        "{error:?}"
    );
    assert_eq!(counts(&script), (1, 1));
}

#[tokio::test]
async fn rejections_are_fetched_again_up_to_the_attempts_and_no_further() {
    let (outcome, script, _) = run(rejected, next_challenge).await;
    let error = outcome.unwrap_err();
    assert!(
        matches!(&error, Error::ChallengeRejected { attempts: 3, last } if last.status == StatusCode::BAD_REQUEST),
        "{error:?}"
    );
    // Three signatures submitted; a new challenge fetched between them, not after the last.
    assert_eq!(counts(&script), (3, 2));
}
