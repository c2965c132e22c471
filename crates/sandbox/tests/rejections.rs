//! Every rejection: a 4xx with the JSON error shape, and nothing in the state changed.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::ChallengeSigner;
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::P384SigningKey;
use chainsig_offblocks::paths;
use chainsig_solana::LocalSolanaSigner;
use http::Method;
use serde_json::{Value, json};
use support::{Env, Resp, State, evm_signer, set_header, sign_request};
use uuid::Uuid;

fn new_customer_body() -> Value {
    json!({
        "chainId": evm_signer().account().to_string(),
        "externalId": Uuid::new_v4().to_string(),
    })
}

/// Runs `attempt` and checks that it was refused with `status` / `code` and that neither the
/// lists nor the state counters moved; `rejected_requests` moves by `rejected`.
async fn refused<F, Fut>(env: &Env, status: u16, code: &str, rejected: u64, attempt: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Resp>,
{
    refused_with(env, rejected, 0, attempt, |r| r.expect_error(status, code)).await;
}

/// A request the signature middleware refuses: like [`refused`], with the middleware's answer
/// (`400 text/plain invalid required signature`). Returns the sandbox's reason header.
async fn refused_signature<F, Fut>(env: &Env, attempt: F) -> String
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Resp>,
{
    let mut reason = String::new();
    refused_with(env, 1, 0, attempt, |r| {
        reason = r.expect_signature_refused()
    })
    .await;
    reason
}

/// A refused challenge submission: like [`refused`], but `challenges_rejected` moves by one.
async fn refused_challenge<F, Fut>(env: &Env, code: &str, attempt: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Resp>,
{
    refused_with(env, 0, 1, attempt, |r| r.expect_error(400, code)).await;
}

async fn refused_with<F, Fut>(
    env: &Env,
    rejected: u64,
    challenges_rejected: u64,
    attempt: F,
    check: impl FnOnce(&Resp),
) where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Resp>,
{
    let mut before: State = env.state().await;
    let counted = env.sandbox.counters().rejected_requests;
    check(&attempt().await);
    assert_eq!(
        env.sandbox.counters().rejected_requests - counted,
        rejected,
        "rejected_requests"
    );
    before.counters.challenges_rejected += challenges_rejected;
    assert_eq!(env.state().await, before, "the state changed");
}

#[tokio::test]
async fn a_request_without_a_token_is_refused() {
    let env = Env::start().await;
    refused(&env, 401, "unauthorized", 1, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        request.headers_mut().remove("authorization");
        env.send(request).await
    })
    .await;
    refused(&env, 401, "unauthorized", 1, || async {
        env.req(Method::GET, paths::CUSTOMERS, None)
            .token(None)
            .unsigned()
            .send()
            .await
    })
    .await;
    // A token that is not one of ours.
    refused(&env, 401, "unauthorized", 1, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .token(Some(
                "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
            ))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let mut env = Env::start_with(|c| c.token_ttl = Duration::from_secs(60)).await;
    env.get(paths::CUSTOMERS).await.expect(200);
    env.advance(Duration::from_secs(61));
    let stale = env.token.clone();
    env.refresh_token().await;
    refused(&env, 401, "unauthorized", 1, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .token(Some(&stale))
            .send()
            .await
    })
    .await;
    // The key registration endpoint checks it too.
    let response = env
        .http
        .put(env.url(paths::SIGNING_KEY))
        .bearer_auth(&stale)
        .json(&json!({ "publicKey": STANDARD.encode(env.key.public_key_pem()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_bad_signature_is_refused() {
    let env = Env::start().await;
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        let signature = request.headers()["signature"].to_str().unwrap().to_owned();
        let bytes = STANDARD
            .decode(signature.trim_start_matches("sig=:").trim_end_matches(':'))
            .unwrap();
        let mut flipped = bytes.clone();
        flipped[10] ^= 1;
        set_header(
            &mut request,
            "signature",
            &format!("sig=:{}:", STANDARD.encode(&flipped)),
        );
        env.send(request).await
    })
    .await;
}

#[tokio::test]
async fn a_missing_signature_is_refused() {
    let env = Env::start().await;
    refused_signature(&env, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .unsigned()
            .send()
            .await
    })
    .await;
    // Signature-Input without Signature.
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        request.headers_mut().remove("signature");
        env.send(request).await
    })
    .await;
    // A GET too.
    refused_signature(&env, || async {
        env.req(Method::GET, paths::CUSTOMERS, None)
            .unsigned()
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let env = Env::start().await;
    let other = P384SigningKey::generate().unwrap();
    refused_signature(&env, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .key(&other)
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn an_unknown_keyid_is_refused() {
    let env = Env::start().await;
    let keyid = Uuid::new_v4().to_string();
    let reason = refused_signature(&env, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .keyid(&keyid)
            .send()
            .await
    })
    .await;
    assert!(reason.contains(&keyid), "{reason}");
}

#[tokio::test]
async fn a_signature_created_in_the_future_is_refused() {
    let env = Env::start().await;
    let future = env.now() + 60;
    refused_signature(&env, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .created(future)
            .send()
            .await
    })
    .await;
    // Within the 5 s clock skew it passes.
    env.req(Method::GET, paths::CUSTOMERS, None)
        .created(env.now() + 3)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn an_expired_signature_is_refused() {
    let env = Env::start().await;
    // created 310 s ago, expires 10 s ago (beyond the 5 s skew).
    let created = env.now() - 310;
    refused_signature(&env, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .created(created)
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn a_tampered_body_is_refused() {
    let env = Env::start().await;
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        *request.body_mut() = serde_json::to_vec(&new_customer_body()).unwrap();
        env.send(request).await
    })
    .await;
    // The digest recomputed for the new body does not match the signed one either.
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        let body = serde_json::to_vec(&new_customer_body()).unwrap();
        let digest = chainsig_httpsig::content_digest(&body, Default::default());
        set_header(&mut request, "content-digest", &digest);
        *request.body_mut() = body;
        env.send(request).await
    })
    .await;
}

#[tokio::test]
async fn a_tampered_path_query_or_header_is_refused() {
    let env = Env::start().await;
    let (_, customer) = env.active_evm_customer().await;
    // Signed for one customer's accounts, sent for the list of all accounts.
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::GET, &paths::customer_accounts(&customer), None)
            .build()
            .await;
        *request.uri_mut() = env.url(paths::ACCOUNTS).parse().unwrap();
        env.send(request).await
    })
    .await;
    refused_signature(&env, || async {
        let mut request = env.req(Method::GET, paths::ACCOUNTS, None).build().await;
        *request.uri_mut() = env.url("/accounts?limit=1").parse().unwrap();
        env.send(request).await
    })
    .await;
    refused_signature(&env, || async {
        let mut request = env
            .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .build()
            .await;
        set_header(&mut request, "content-type", "text/plain");
        env.send(request).await
    })
    .await;
}

/// A copy of a built request (http::Request is not Clone).
fn copy(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::builder()
        .method(request.method().clone())
        .uri(request.uri().clone())
        .body(request.body().clone())
        .unwrap();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[tokio::test]
async fn a_replayed_old_request_is_refused() {
    let env = Env::start().await;
    let request = env
        .req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
        .build()
        .await;
    env.send(copy(&request)).await.expect(201);
    // 301 s later the signature has not expired (expires = created + 300, 5 s skew), but it is
    // older than the 300 s maximum age.
    env.advance(Duration::from_secs(301));
    let reason = refused_signature(&env, || async { env.send(copy(&request)).await }).await;
    assert!(reason.contains("old"), "{reason}");
}

#[tokio::test]
async fn a_write_without_an_idempotency_key_is_refused() {
    let env = Env::start().await;
    refused(&env, 400, "idempotency_key_required", 1, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .idempotency_key(None)
            .send()
            .await
    })
    .await;
    refused(&env, 400, "invalid_idempotency_key", 1, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .idempotency_key(Some("not-a-uuid"))
            .send()
            .await
    })
    .await;
    let (_, customer) = env.active_evm_customer().await;
    refused(&env, 400, "idempotency_key_required", 1, || async {
        env.req(Method::PATCH, &paths::simulator_verify(&customer), None)
            .idempotency_key(None)
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn a_reused_idempotency_key_with_another_body_is_refused() {
    let env = Env::start().await;
    let key = Uuid::new_v4().to_string();
    env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
        .idempotency_key(Some(&key))
        .send()
        .await
        .expect(201);
    refused(&env, 422, "idempotency_key_reused", 1, || async {
        env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
            .idempotency_key(Some(&key))
            .send()
            .await
    })
    .await;
    // The same key on another endpoint is another request too.
    let (_, customer) = env.active_evm_customer().await;
    refused(&env, 422, "idempotency_key_reused", 1, || async {
        env.req(Method::PATCH, &paths::simulator_verify(&customer), None)
            .idempotency_key(Some(&key))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn the_same_key_and_body_get_the_stored_answer() {
    let env = Env::start().await;
    let key = Uuid::new_v4().to_string();
    let body = new_customer_body();
    let first = env
        .req(Method::POST, paths::CUSTOMERS, Some(body.clone()))
        .idempotency_key(Some(&key))
        .send()
        .await;
    first.expect(201);
    let before = env.state().await;
    // A retry: signed again (new `created`), same key, byte-identical body.
    env.advance(Duration::from_secs(2));
    let second = env
        .req(Method::POST, paths::CUSTOMERS, Some(body.clone()))
        .idempotency_key(Some(&key))
        .send()
        .await;
    assert_eq!(second.status, 201);
    assert_eq!(second.bytes, first.bytes, "the identical stored answer");
    assert_eq!(
        second.headers["content-type"],
        first.headers["content-type"]
    );
    let after = env.state().await;
    assert_eq!(after.customers, before.customers);
    assert_eq!(after.counters.customers, 1);
    assert_eq!(after.counters.replays, before.counters.replays + 1);

    // Without the key, the same body is a new request: 409, the customer exists.
    env.post(paths::CUSTOMERS, body)
        .await
        .expect_error(409, "customer_already_exists");
    // Once the window has passed, the key is forgotten.
    env.advance(Duration::from_secs(3601));
    let mut env = env;
    env.refresh_token().await;
    env.req(Method::POST, paths::CUSTOMERS, Some(new_customer_body()))
        .idempotency_key(Some(&key))
        .send()
        .await
        .expect(201);
}

#[tokio::test]
async fn a_challenge_signed_by_another_key_is_refused_and_reissued() {
    let env = Env::start().await;
    let owner = evm_signer();
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;
    let intruder = evm_signer();
    // Another key claiming to be the owner: verification fails, a new challenge is issued.
    let mut body = sign_request(&intruder, &challenge).await;
    body["chainId"] = json!(owner.account().to_string());
    let issued = env.sandbox.counters().challenges_issued;
    let before = env.state().await;
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect_error(400, "challenge_signature_invalid");
    let after = env.state().await;
    assert_eq!(after.customers, before.customers, "still initiating");
    assert_eq!(after.counters.challenges_issued, issued + 1);
    assert_eq!(
        after.counters.challenges_rejected,
        before.counters.challenges_rejected + 1
    );
    // The old challenge is stale now, even signed by the owner.
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect_error(400, "stale_challenge");
    // Another key naming itself: refused, nothing re-issued.
    let fresh = env.get(&paths::customer_challenge(&id)).await.json["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = env.state().await;
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&intruder, &fresh).await,
    )
    .await
    .expect_error(400, "wrong_signer");
    let after = env.state().await;
    assert_eq!(after.customers, before.customers);
    assert_eq!(
        after.counters.challenges_issued,
        before.counters.challenges_issued
    );
    // The current challenge still works.
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &fresh).await,
    )
    .await
    .expect(204);
}

#[tokio::test]
async fn a_challenge_signed_on_the_wrong_chain_is_refused() {
    let env = Env::start().await;
    let owner = LocalSolanaSigner::random();
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;
    let evm = LocalEvmSigner::random();
    // An EVM key naming itself.
    refused_challenge(&env, "wrong_signer", || async {
        env.post(
            &paths::customer_challenge_sign(&id),
            sign_request(&evm, &challenge).await,
        )
        .await
    })
    .await;
    // An EVM signature under the Solana owner's id: not an ed25519 signature; re-issued.
    let mut body = sign_request(&evm, &challenge).await;
    body["chainId"] = json!(owner.account().to_string());
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect_error(400, "challenge_signature_invalid");
    let status = env.get(&paths::customer(&id)).await.json["status"].clone();
    assert_eq!(status, "initiating");

    // The same for an account: a Solana key for an EVM customer's account.
    let (evm_owner, customer) = env.active_evm_customer().await;
    let created = env
        .post(
            &paths::customer_accounts(&customer),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    let account = created.json["id"].as_str().unwrap().to_owned();
    let challenge = created.json["challenge"].as_str().unwrap().to_owned();
    let solana = LocalSolanaSigner::random();
    refused_challenge(&env, "wrong_signer", || async {
        env.post(
            &paths::account_challenge_sign(&account),
            sign_request(&solana, &challenge).await,
        )
        .await
    })
    .await;
    let mut body = sign_request(&solana, &challenge).await;
    body["chainId"] = json!(evm_owner.account().to_string());
    env.post(&paths::account_challenge_sign(&account), body)
        .await
        .expect_error(400, "challenge_signature_invalid");
    assert_eq!(
        env.get(&paths::account(&account)).await.json["status"],
        "initiating"
    );
}

#[tokio::test]
async fn a_garbage_signature_is_refused() {
    let env = Env::start().await;
    let owner = evm_signer();
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;
    for signature in ["", "not base64!", "AAAA", &STANDARD.encode([0u8; 65])] {
        let mut body = sign_request(&owner, &challenge).await;
        body["signature"] = json!(signature);
        let current = env.get(&paths::customer_challenge(&id)).await.json["challenge"].clone();
        body["challenge"] = current;
        env.post(&paths::customer_challenge_sign(&id), body)
            .await
            .expect_error(400, "challenge_signature_invalid");
    }
    assert_eq!(
        env.get(&paths::customer(&id)).await.json["status"],
        "initiating"
    );
}

#[tokio::test]
async fn an_expired_challenge_is_refused_and_a_new_one_issued() {
    let mut env = Env::start().await;
    let owner = evm_signer();
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;
    env.advance(Duration::from_secs(3601));
    env.refresh_token().await;
    let before = env.state().await;
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect_error(400, "challenge_expired");
    let after = env.state().await;
    assert_eq!(after.customers, before.customers, "still initiating");
    assert_eq!(
        after.counters.challenges_issued,
        before.counters.challenges_issued + 1
    );
    // The expired one is stale now; the new one is fetched and signed.
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect_error(400, "stale_challenge");
    let fresh = env.get(&paths::customer_challenge(&id)).await.json["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &fresh).await,
    )
    .await
    .expect(204);

    // Accounts too.
    env.patch(&paths::simulator_verify(&id)).await.expect(202);
    let created = env
        .post(
            &paths::customer_accounts(&id),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    let account = created.json["id"].as_str().unwrap().to_owned();
    let challenge = created.json["challenge"].as_str().unwrap().to_owned();
    env.advance(Duration::from_secs(3601));
    env.refresh_token().await;
    env.post(
        &paths::account_challenge_sign(&account),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect_error(400, "challenge_expired");
    assert_eq!(
        env.get(&paths::account(&account)).await.json["status"],
        "initiating"
    );
}

#[tokio::test]
async fn a_signature_over_an_invalidated_account_challenge_is_refused() {
    let env = Env::start().await;
    let (owner, customer) = env.active_evm_customer().await;
    let created = env
        .post(
            &paths::customer_accounts(&customer),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    let account = created.json["id"].as_str().unwrap().to_owned();
    let first = created.json["challenge"].as_str().unwrap().to_owned();
    env.get(&paths::account_challenge(&account))
        .await
        .expect(200);
    refused_challenge(&env, "stale_challenge", || async {
        env.post(
            &paths::account_challenge_sign(&account),
            sign_request(&owner, &first).await,
        )
        .await
    })
    .await;
    assert_eq!(
        env.get(&paths::account(&account)).await.json["status"],
        "initiating"
    );
}

#[tokio::test]
async fn unknown_customers_and_accounts_are_404() {
    let env = Env::start().await;
    let (owner, _) = env.active_evm_customer().await;
    let nobody = Uuid::new_v4().to_string();
    let sign_body = json!({
        "chainId": owner.account().to_string(),
        "challenge": "aGVsbG8=",
        "signature": "aGVsbG8=",
    });
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, paths::customer(&nobody), None),
        (Method::GET, paths::customer_challenge(&nobody), None),
        (
            Method::POST,
            paths::customer_challenge_sign(&nobody),
            Some(sign_body.clone()),
        ),
        (
            Method::POST,
            paths::customer_accounts(&nobody),
            Some(json!({ "type": "card_account", "currencies": ["EUR"] })),
        ),
        (Method::GET, paths::customer_accounts(&nobody), None),
        (Method::GET, paths::account(&nobody), None),
        (Method::DELETE, paths::account(&nobody), None),
        (Method::GET, paths::account_challenge(&nobody), None),
        (
            Method::POST,
            paths::account_challenge_sign(&nobody),
            Some(sign_body),
        ),
        (Method::PATCH, paths::account_activate(&nobody), None),
        (Method::PATCH, paths::account_deactivate(&nobody), None),
        (Method::PATCH, paths::simulator_verify(&nobody), None),
        (Method::PATCH, paths::simulator_reject(&nobody), None),
    ];
    for (method, path, body) in attempts {
        let before = env.state().await;
        let response = env.req(method.clone(), &path, body).send().await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.json);
        response.expect_error(404, "not_found");
        assert_eq!(env.state().await, before, "{method} {path}");
    }
}

#[tokio::test]
async fn malformed_json_and_ids_are_400() {
    let env = Env::start().await;
    let (_, customer) = env.active_evm_customer().await;
    for body in [
        &b"{not json"[..],
        b"[]",
        b"{\"chainId\": 5, \"externalId\": \"x\"}",
        b"{\"chainId\": \"eip155:1:0x00\", \"externalId\": \"x\", \"extra\": 1}",
    ] {
        refused(&env, 400, "invalid_json", 0, || async {
            env.req(Method::POST, paths::CUSTOMERS, None)
                .raw_body(body.to_vec())
                .send()
                .await
        })
        .await;
    }
    refused(&env, 400, "invalid_chain_id", 0, || async {
        env.post(
            paths::CUSTOMERS,
            json!({ "chainId": "eip155:1:0xnope", "externalId": "x" }),
        )
        .await
    })
    .await;
    refused(&env, 400, "invalid_json", 0, || async {
        env.req(Method::POST, &paths::customer_accounts(&customer), None)
            .raw_body(b"{\"type\": \"card_account\", \"currencies\": \"EUR\"}".to_vec())
            .send()
            .await
    })
    .await;
    for path in [
        paths::customer("not-a-uuid"),
        paths::account("1234"),
        paths::customer_accounts("x"),
    ] {
        refused(&env, 400, "invalid_id", 0, || async {
            env.get(&path).await
        })
        .await;
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let env = Env::start_with(|c| c.body_limit = 4096).await;
    let big = json!({ "chainId": "eip155:1:0x00", "externalId": "x".repeat(5000) });
    refused(&env, 413, "body_too_large", 1, || async {
        env.post(paths::CUSTOMERS, big).await
    })
    .await;
    // At the default limit (64 KiB) too.
    let env = Env::start().await;
    let big = json!({ "chainId": "eip155:1:0x00", "externalId": "x".repeat(70_000) });
    refused(&env, 413, "body_too_large", 1, || async {
        env.post(paths::CUSTOMERS, big).await
    })
    .await;
}

#[tokio::test]
async fn a_body_limit_above_axums_default_is_the_one_applied() {
    // 3 MiB configured, a 2.5 MiB body: read and judged (a bad chain id), not axum's 413.
    let env = Env::start_with(|c| c.body_limit = 3 * 1024 * 1024).await;
    let big = json!({ "chainId": "eip155:1:0x00", "externalId": "x".repeat(2_500_000) });
    let answer = env.post(paths::CUSTOMERS, big).await;
    assert_ne!(answer.status, 413, "{:?}", answer.json);
    assert_eq!(answer.status, 400, "{:?}", answer.json);
}

#[tokio::test]
async fn unknown_routes_are_404_json() {
    let env = Env::start().await;
    for path in ["/nope", "/customers/x/y/z", "/auth"] {
        refused(&env, 404, "not_found", 0, || async { env.get(path).await }).await;
    }
    // Outside /v1, unsigned.
    let response = env
        .http
        .get(format!("http://{}/", env.sandbox.local_addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    support::assert_error_shape(&response.json().await.unwrap());
}

#[tokio::test]
async fn a_wrong_method_is_405_json() {
    let env = Env::start().await;
    for (method, path) in [
        (Method::PUT, paths::CUSTOMERS.to_owned()),
        (Method::DELETE, paths::CUSTOMERS.to_owned()),
        (Method::POST, paths::ACCOUNTS.to_owned()),
        (Method::GET, paths::TOKEN.to_owned()),
        (Method::GET, paths::SIGNING_KEY.to_owned()),
        (
            Method::POST,
            paths::account_activate(&Uuid::new_v4().to_string()),
        ),
    ] {
        refused(&env, 405, "method_not_allowed", 0, || async {
            env.req(method.clone(), &path, None).send().await
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_create_one_customer() {
    // Whether a request finds the first one still in flight (409) or done (the stored 201) depends
    // on timing; the store's 409 logic itself is unit-tested (src/idempotency.rs). What must hold
    // whatever the timing: one customer, every answer either the stored one or a 409.
    let env = Env::start().await;
    let key = Uuid::new_v4().to_string();
    let body = new_customer_body();
    let mut requests = Vec::new();
    for _ in 0..16 {
        requests.push(
            env.req(Method::POST, paths::CUSTOMERS, Some(body.clone()))
                .idempotency_key(Some(&key))
                .build()
                .await,
        );
    }
    let answers = futures_util::future::join_all(requests.into_iter().map(|r| env.send(r))).await;
    let created: Vec<&Resp> = answers.iter().filter(|r| r.status == 201).collect();
    let conflicts = answers.iter().filter(|r| r.status == 409).count();
    assert_eq!(created.len() + conflicts, 16);
    assert!(created.iter().all(|r| r.bytes == created[0].bytes));
    for conflict in answers.iter().filter(|r| r.status == 409) {
        conflict.expect_error(409, "idempotency_conflict");
    }
    let c = env.sandbox.counters();
    assert_eq!(c.customers, 1);
    assert_eq!(c.replays as usize, created.len() - 1);
    assert_eq!(c.rejected_requests as usize, conflicts);
}
