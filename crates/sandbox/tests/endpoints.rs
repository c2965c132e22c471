//! Every endpoint's happy path, over loopback, with hand-signed requests.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use chainsig_core::{AccountId, ChainId, ChallengeSigner, SiwxMessage};
use chainsig_httpsig::P384SigningKey;
use chainsig_offblocks::paths;
use chainsig_offblocks::rules::SIWE_STATEMENT;
use chainsig_solana::LocalSolanaSigner;
use http::Method;
use serde_json::json;
use support::{Env, decode, evm_signer, fetch_token, register_key, sign_request};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[tokio::test]
async fn token_is_a_bearer_jwt_that_expires_in_an_hour() {
    let env = Env::start().await;
    let response = env
        .http
        .post(env.url(paths::TOKEN))
        .json(&json!({ "apiKey": env.sandbox.api_key(), "apiSecret": env.sandbox.api_secret() }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(
        body["token"].as_str().unwrap().split('.').count(),
        3,
        "a JWT"
    );
    let expires_at = body["expiresAt"].as_u64().unwrap();
    let now = env.now();
    assert!(
        (now + 3595..=now + 3600).contains(&expires_at),
        "{expires_at} vs {now}"
    );

    // Wrong secret: 401 with the JSON error shape.
    let response = env
        .http
        .post(env.url(paths::TOKEN))
        .json(&json!({ "apiKey": env.sandbox.api_key(), "apiSecret": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    support::assert_error_shape(&body);
    assert_eq!(body["error"], "invalid_credentials");
    assert!(!body.to_string().contains("nope"));
}

#[tokio::test]
async fn the_same_signing_key_keeps_its_id_and_a_new_key_replaces_it() {
    let env = Env::start().await;
    let again = register_key(&env.http, &env.sandbox, &env.token, &env.key).await;
    assert_eq!(again, env.key_id);
    uuid::Uuid::parse_str(&again).unwrap();
    env.get(paths::CUSTOMERS).await.expect(200);

    // Another key replaces the first (PUT "updates" the key): the old keyid is unknown from now on.
    let other = P384SigningKey::generate().unwrap();
    let other_id = register_key(&env.http, &env.sandbox, &env.token, &other).await;
    assert_ne!(other_id, env.key_id);
    let reason = env.get(paths::CUSTOMERS).await.expect_signature_refused();
    assert!(reason.contains(&env.key_id), "{reason}");
    env.req(Method::GET, paths::CUSTOMERS, None)
        .key(&other)
        .keyid(&other_id)
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn signing_key_registration_needs_a_token_and_a_p384_pem() {
    let env = Env::start().await;
    let response = env
        .http
        .put(env.url(paths::SIGNING_KEY))
        .json(&json!({ "publicKey": "aGVsbG8=" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let response = env
        .http
        .put(env.url(paths::SIGNING_KEY))
        .bearer_auth(&env.token)
        .json(&json!({ "publicKey": "aGVsbG8=" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_public_key");
    // The key registered at start still works.
    env.get(paths::CUSTOMERS).await.expect(200);
}

/// The sandbox's host:port and origin, from its base URL.
fn origin(env: &Env) -> (String, String) {
    let addr = env.sandbox.local_addr().to_string();
    (addr.clone(), format!("http://{addr}"))
}

#[tokio::test]
async fn an_evm_customer_gets_a_siwe_challenge_naming_this_sandbox() {
    let env = Env::start().await;
    let signer = evm_signer();
    let account = signer.account().clone();
    // Sent in lower case: the sandbox answers with the EIP-55 form.
    let lower = format!(
        "eip155:{}:{}",
        support::EVM_CHAIN,
        account.address().to_ascii_lowercase()
    );
    let response = env
        .post(
            paths::CUSTOMERS,
            json!({ "chainId": lower, "externalId": "customer-1" }),
        )
        .await;
    let body = response.expect(201).clone();
    assert_eq!(body["status"], "initiating");
    assert_eq!(body["externalId"], "customer-1");
    assert_eq!(body["chainId"], account.to_string());
    uuid::Uuid::parse_str(body["id"].as_str().unwrap()).unwrap();
    for field in ["createdAt", "updatedAt"] {
        OffsetDateTime::parse(body[field].as_str().unwrap(), &Rfc3339).unwrap();
    }

    let text = decode(body["challenge"].as_str().unwrap());
    let message = SiwxMessage::parse(&text).unwrap();
    assert_eq!(message.to_string(), text, "renders back to the same bytes");
    let (domain, uri) = origin(&env);
    assert_eq!(message.domain, domain);
    assert_eq!(message.uri, uri);
    assert_eq!(message.chain_name, "Ethereum");
    assert_eq!(message.address, account.address());
    assert_ne!(
        message.address,
        message.address.to_ascii_lowercase(),
        "EIP-55"
    );
    assert_eq!(message.chain_id, support::EVM_CHAIN.to_string());
    assert_eq!(message.statement.as_deref(), Some(SIWE_STATEMENT));
    assert_eq!(message.nonce.len(), 16);
    assert!(message.nonce.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(message.version, "1");
    // The checks the client runs before signing pass.
    message
        .check(
            &account,
            &domain,
            &uri,
            env.clock_now(),
            Duration::from_secs(3600),
            Duration::from_secs(5),
        )
        .unwrap();

    // The same chainId and externalId again: 409.
    env.post(
        paths::CUSTOMERS,
        json!({ "chainId": account.to_string(), "externalId": "customer-1" }),
    )
    .await
    .expect_error(409, "customer_already_exists");
}

#[tokio::test]
async fn a_solana_customer_gets_a_caip122_solana_account_challenge() {
    let env = Env::start().await;
    let signer = LocalSolanaSigner::random();
    let (_, challenge) = env.create_customer(&signer.account().to_string()).await;
    let text = decode(&challenge);
    assert!(
        text.contains(" wants you to sign in with your Solana account:\n"),
        "{text}"
    );
    let message = SiwxMessage::parse(&text).unwrap();
    let (domain, uri) = origin(&env);
    assert_eq!(message.chain_name, "Solana");
    assert_eq!(message.address, signer.account().address());
    assert_eq!(message.chain_id, signer.account().chain().reference());
    message
        .check(
            signer.account(),
            &domain,
            &uri,
            env.clock_now(),
            Duration::from_secs(3600),
            Duration::from_secs(5),
        )
        .unwrap();
}

#[tokio::test]
async fn customers_can_be_read_and_listed() {
    let env = Env::start().await;
    assert_eq!(
        env.get(paths::CUSTOMERS).await.expect(200),
        &json!({ "items": [] })
    );
    let a = evm_signer();
    let b = LocalSolanaSigner::random();
    let (id_a, _) = env.create_customer(&a.account().to_string()).await;
    let (id_b, _) = env.create_customer(&b.account().to_string()).await;

    let got = env.get(&paths::customer(&id_a)).await;
    let got = got.expect(200);
    assert_eq!(got["id"], id_a.as_str());
    assert_eq!(got["chainId"], a.account().to_string());
    assert_eq!(got["status"], "initiating");
    assert!(
        got.get("challenge").is_none(),
        "only the create answer has the challenge"
    );

    let list = env.get(paths::CUSTOMERS).await;
    let items = list.expect(200)["items"].as_array().unwrap().clone();
    let ids: Vec<_> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id_a.as_str(), id_b.as_str()], "in creation order");
}

#[tokio::test]
async fn an_evm_customer_proves_ownership_and_passes_kyc() {
    let env = Env::start().await;
    let signer = evm_signer();
    let (id, challenge) = env.create_customer(&signer.account().to_string()).await;
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&signer, &challenge).await,
    )
    .await
    .expect(204);
    // Screening is automatic in a sandbox (no delay by default): the customer waits for KYC.
    let status = env.get(&paths::customer(&id)).await.expect(200)["status"].clone();
    assert_eq!(status, "verifying");
    // Nothing waits for a signature any more.
    env.get(&paths::customer_challenge(&id))
        .await
        .expect_error(409, "invalid_state");

    env.patch(&paths::simulator_verify(&id)).await.expect(202);
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "active"
    );
    let c = env.sandbox.counters();
    assert_eq!(
        (c.customers, c.challenges_issued, c.challenges_verified),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_solana_customer_proves_ownership_with_ed25519() {
    let env = Env::start().await;
    let signer = LocalSolanaSigner::random();
    let (id, challenge) = env.create_customer(&signer.account().to_string()).await;
    let body = sign_request(&signer, &challenge).await;
    assert_eq!(
        base64_len(body["signature"].as_str().unwrap()),
        64,
        "an ed25519 signature"
    );
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect(204);
    env.patch(&paths::simulator_verify(&id)).await.expect(202);
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "active"
    );
}

fn base64_len(text: &str) -> usize {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_customer_stays_in_screening_for_the_configured_delay() {
    let env = Env::start_with(|c| c.screening_delay = Duration::from_secs(30)).await;
    let signer = evm_signer();
    let (id, challenge) = env.create_customer(&signer.account().to_string()).await;
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&signer, &challenge).await,
    )
    .await
    .expect(204);
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "screening"
    );
    env.advance(Duration::from_secs(31));
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "verifying"
    );
}

#[tokio::test]
async fn the_simulator_can_reject_a_customer_for_good() {
    let env = Env::start().await;
    let signer = evm_signer();
    let (id, challenge) = env.create_customer(&signer.account().to_string()).await;
    // KYC cannot be decided before ownership is proven.
    env.patch(&paths::simulator_verify(&id))
        .await
        .expect_error(409, "invalid_state");
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&signer, &challenge).await,
    )
    .await
    .expect(204);
    env.patch(&paths::simulator_reject(&id)).await.expect(202);
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "rejected"
    );
    env.patch(&paths::simulator_verify(&id))
        .await
        .expect_error(409, "invalid_state");
    // A rejected customer's account fails.
    let account = env
        .post(
            &paths::customer_accounts(&id),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    assert_eq!(account.expect(201)["status"], "failed");
}

#[tokio::test]
async fn get_customer_challenge_invalidates_the_previous_one() {
    let env = Env::start().await;
    let signer = evm_signer();
    let (id, first) = env.create_customer(&signer.account().to_string()).await;
    let second = env.get(&paths::customer_challenge(&id)).await;
    let second = second.expect(200)["challenge"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    SiwxMessage::parse(&decode(&second)).unwrap();
    // The first is stale now, even with a valid signature.
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&signer, &first).await,
    )
    .await
    .expect_error(400, "stale_challenge");
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&signer, &second).await,
    )
    .await
    .expect(204);
}

async fn account_lifecycle(env: &Env, signer: &dyn ChallengeSigner, customer: &str) {
    // Create: 201, initiating, a challenge, no chainId yet.
    let created = env
        .post(
            &paths::customer_accounts(customer),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    let created = created.expect(201).clone();
    assert_eq!(created["status"], "initiating");
    assert_eq!(created["type"], "card_account");
    assert_eq!(created["currencies"], json!(["EUR"]));
    assert_eq!(created["customerId"], customer);
    assert!(created.get("chainId").is_none());
    let id = created["id"].as_str().unwrap().to_owned();
    let first = created["challenge"].as_str().unwrap().to_owned();
    // The session-key challenge is the text of a UUID, as OffBlocks' sandbox sends.
    uuid::Uuid::parse_str(&decode(&first)).unwrap();

    // Read and list.
    let got = env.get(&paths::account(&id)).await;
    assert_eq!(got.expect(200)["id"], id.as_str());
    assert!(got.json.get("challenge").is_none());
    let all = env.get(paths::ACCOUNTS).await;
    assert!(
        all.expect(200)["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id.as_str())
    );
    let mine = env.get(&paths::customer_accounts(customer)).await;
    let mine = mine.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], id.as_str());

    // GET challenge: a new one, the first one is stale.
    let second = env.get(&paths::account_challenge(&id)).await;
    let second = second.expect(200)["challenge"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    // Sign: 204, pending, then active with a CAIP-10 chainId after the deployment delay.
    env.post(
        &paths::account_challenge_sign(&id),
        sign_request(signer, &second).await,
    )
    .await
    .expect(204);
    let pending = env.get(&paths::account(&id)).await;
    assert_eq!(pending.expect(200)["status"], "pending");
    assert!(pending.json.get("chainId").is_none());
    env.advance(Duration::from_secs(2));
    let active = env.get(&paths::account(&id)).await;
    let active = active.expect(200).clone();
    assert_eq!(active["status"], "active");
    let chain_id: AccountId = active["chainId"].as_str().unwrap().parse().unwrap();
    assert_eq!(chain_id.chain(), signer.account().chain());
    assert_ne!(
        chain_id.address(),
        signer.account().address(),
        "the smart account, not the owner"
    );

    // Deactivate / activate.
    let inactive = env.patch(&paths::account_deactivate(&id)).await;
    assert_eq!(inactive.expect(200)["status"], "inactive");
    env.patch(&paths::account_deactivate(&id))
        .await
        .expect_error(409, "invalid_state");
    let active = env.patch(&paths::account_activate(&id)).await;
    assert_eq!(active.expect(200)["status"], "active");

    // Close: a deletion challenge, signed through the same endpoint, closes the account.
    let closing = env.delete(&paths::account(&id)).await;
    let closing = closing.expect(200).clone();
    assert_eq!(
        closing["status"], "active",
        "open until the deletion is signed"
    );
    let deletion = closing["challenge"].as_str().unwrap().to_owned();
    env.post(
        &paths::account_challenge_sign(&id),
        sign_request(signer, &deletion).await,
    )
    .await
    .expect(204);
    let closed = env.get(&paths::account(&id)).await;
    assert_eq!(closed.expect(200)["status"], "closed");
    assert_eq!(closed.json["chainId"], chain_id.to_string());

    // Closed is final.
    for response in [
        env.patch(&paths::account_activate(&id)).await,
        env.patch(&paths::account_deactivate(&id)).await,
        env.delete(&paths::account(&id)).await,
        env.get(&paths::account_challenge(&id)).await,
        env.post(
            &paths::account_challenge_sign(&id),
            sign_request(signer, &deletion).await,
        )
        .await,
    ] {
        response.expect_error(409, "invalid_state");
    }
    assert_eq!(
        env.get(&paths::account(&id)).await.expect(200)["status"],
        "closed"
    );
}

#[tokio::test]
async fn an_evm_account_goes_from_initiating_to_closed() {
    let env = Env::start().await;
    let (signer, customer) = env.active_evm_customer().await;
    account_lifecycle(&env, &signer, &customer).await;
    let c = env.sandbox.counters();
    // Customer: 1 issued, 1 verified. Account: create, GET, deletion = 3 issued, 2 verified.
    assert_eq!(
        (
            c.customers,
            c.accounts,
            c.challenges_issued,
            c.challenges_verified,
            c.challenges_rejected
        ),
        (1, 1, 4, 3, 0)
    );
}

#[tokio::test]
async fn a_solana_account_goes_from_initiating_to_closed() {
    let env = Env::start().await;
    let (signer, customer) = env.active_solana_customer().await;
    account_lifecycle(&env, &signer, &customer).await;
}

#[tokio::test]
async fn an_account_for_a_customer_who_is_not_active_fails() {
    let env = Env::start().await;
    let signer = evm_signer();
    let (customer, _) = env.create_customer(&signer.account().to_string()).await;
    let created = env
        .post(
            &paths::customer_accounts(&customer),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await;
    let created = created.expect(201).clone();
    assert_eq!(created["status"], "failed");
    assert!(created.get("challenge").is_none());
    let id = created["id"].as_str().unwrap();
    // Failed is final: nothing to sign, nothing to activate.
    env.get(&paths::account_challenge(id))
        .await
        .expect_error(409, "invalid_state");
    env.patch(&paths::account_activate(id))
        .await
        .expect_error(409, "invalid_state");
    let c = env.sandbox.counters();
    assert_eq!((c.accounts, c.challenges_issued), (1, 1));
}

#[tokio::test]
async fn account_creation_checks_type_and_currency() {
    let env = Env::start().await;
    let (_, customer) = env.active_evm_customer().await;
    let path = paths::customer_accounts(&customer);
    for (body, code) in [
        (
            json!({ "type": "CARD_ACCOUNT", "currencies": ["EUR"] }),
            "invalid_type",
        ),
        (
            json!({ "type": "card_account", "currencies": ["XYZ"] }),
            "unsupported_currency",
        ),
        (
            json!({ "type": "card_account", "currencies": ["EUR", "USD"] }),
            "invalid_currencies",
        ),
        (
            json!({ "type": "card_account", "currencies": [] }),
            "invalid_currencies",
        ),
        (json!({ "type": "card_account" }), "invalid_json"),
    ] {
        let before = env.state().await;
        env.post(&path, body).await.expect_error(400, code);
        assert_eq!(env.state().await, before);
    }
}

#[tokio::test]
async fn the_chain_of_the_customer_is_kept_on_the_smart_account() {
    let env = Env::start().await;
    let signer = LocalSolanaSigner::random()
        .with_chain(
            format!("solana:{}", chainsig_core::SOLANA_DEVNET)
                .parse::<ChainId>()
                .unwrap(),
        )
        .unwrap();
    let customer = env.active_customer(&signer).await;
    let account = env.active_account(&signer, &customer).await;
    let body = env.get(&paths::account(&account)).await;
    let chain_id: AccountId = body.expect(200)["chainId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(chain_id.chain(), signer.account().chain());
    assert_eq!(chain_id.chain().reference(), chainsig_core::SOLANA_DEVNET);
}

#[tokio::test]
async fn a_fresh_token_and_key_work_against_a_running_sandbox() {
    // What an integrator does: credentials in, token, key, a signed call.
    let env = Env::start().await;
    let token = fetch_token(&env.http, &env.sandbox).await;
    assert_ne!(token, env.token, "every token is new");
    env.req(Method::GET, paths::ACCOUNTS, None)
        .token(Some(&token))
        .send()
        .await
        .expect(200);
}

#[tokio::test]
async fn lists_come_in_pages_named_by_a_cursor() {
    let env = Env::start().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let account = chainsig_evm::LocalEvmSigner::random().account().to_string();
        ids.push(env.create_customer(&account).await.0);
    }
    let first = env.get("/customers?limit=2").await.expect(200).clone();
    let page_ids = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(page_ids(&first), ids[..2]);
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = env
        .get(&format!("/customers?limit=2&cursor={cursor}"))
        .await
        .expect(200)
        .clone();
    assert_eq!(page_ids(&second), ids[2..]);
    assert!(second.get("nextCursor").is_none(), "{second}");
    // Without a limit: the configured page size (50), so all three.
    assert_eq!(page_ids(env.get("/customers").await.expect(200)), ids);
    for bad in [
        "/customers?limit=0",
        "/customers?limit=101",
        "/customers?limit=x",
    ] {
        env.get(bad).await.expect_error(400, "invalid_limit");
    }
    env.get("/customers?cursor=nope")
        .await
        .expect_error(400, "invalid_cursor");
}
