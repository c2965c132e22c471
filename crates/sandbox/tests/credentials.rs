//! `PUT|DELETE /auth/credentials`, `DELETE /auth/signing` and `PATCH /customers/{id}/deactivate`
//! by hand: the statuses and bodies, what each needs, and what they refuse.
#![allow(clippy::unwrap_used)]

mod support;

use chainsig_core::ChallengeSigner as _;
use chainsig_offblocks::paths;
use serde_json::json;
use support::Env;

const NEW_KEY: &str = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
const NEW_SECRET: &str = "a-new-secret-of-enough-length-0123";

impl Env {
    async fn put_credentials(&self, token: Option<&str>, body: String) -> reqwest::Response {
        let mut request = self
            .http
            .put(self.url(paths::CREDENTIALS))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn token_status(&self, api_key: &str, api_secret: &str) -> u16 {
        self.http
            .post(self.url(paths::TOKEN))
            .json(&json!({ "apiKey": api_key, "apiSecret": api_secret }))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn rotation_answers_204_with_no_body_and_refuses_every_earlier_token() {
    let env = Env::start().await;
    env.get(paths::CUSTOMERS).await.expect(200);

    // Without a token: 401, nothing changes.
    let body = json!({ "apiKey": NEW_KEY, "apiSecret": NEW_SECRET }).to_string();
    let response = env.put_credentials(None, body.clone()).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        env.token_status(env.sandbox.api_key(), env.sandbox.api_secret())
            .await,
        200
    );

    let response = env.put_credentials(Some(&env.token), body).await;
    assert_eq!(response.status(), 204);
    assert!(response.headers().get("content-type").is_none());
    assert!(response.bytes().await.unwrap().is_empty());

    // The token used for it, and any other issued before, is refused; the old secret too.
    let refused = env.get(paths::CUSTOMERS).await;
    refused.expect_error(401, "unauthorized");
    assert!(
        refused.json["message"]
            .as_str()
            .unwrap()
            .contains("rotated or revoked"),
        "{}",
        refused.json
    );
    assert_eq!(
        env.token_status(env.sandbox.api_key(), env.sandbox.api_secret())
            .await,
        401
    );
    assert_eq!(env.token_status(NEW_KEY, NEW_SECRET).await, 200);
    assert_eq!(
        env.token_status(NEW_KEY, env.sandbox.api_secret()).await,
        401
    );
}

#[tokio::test]
async fn a_bad_rotation_is_refused_without_quoting_the_secret_and_changes_nothing() {
    let env = Env::start().await;
    let cases = [
        (
            "not json",
            format!("{{\"apiKey\": \"{NEW_KEY}\", \"apiSecret\": \"{NEW_SECRET}\""),
        ),
        (
            "unknown field",
            json!({ "apiKey": NEW_KEY, "apiSecret": NEW_SECRET, "x": 1 }).to_string(),
        ),
        ("missing secret", json!({ "apiKey": NEW_KEY }).to_string()),
        (
            "key not a uuid",
            json!({ "apiKey": "k", "apiSecret": NEW_SECRET }).to_string(),
        ),
        (
            "short secret",
            json!({ "apiKey": NEW_KEY, "apiSecret": "fifteen-chars-x" }).to_string(),
        ),
        (
            "control character",
            json!({ "apiKey": NEW_KEY, "apiSecret": "sixteen-chars\nxx" }).to_string(),
        ),
        (
            "long secret",
            json!({ "apiKey": NEW_KEY, "apiSecret": "s".repeat(257) }).to_string(),
        ),
    ];
    for (name, body) in cases {
        let response = env.put_credentials(Some(&env.token), body).await;
        assert_eq!(response.status(), 400, "{name}");
        let text = response.text().await.unwrap();
        assert!(!text.contains(NEW_SECRET), "{name}: {text}");
    }
    // The 16- and 256-character bounds are accepted.
    for secret in ["sixteen-chars-xx".to_owned(), "s".repeat(256)] {
        let env = Env::start().await;
        let body = json!({ "apiKey": NEW_KEY, "apiSecret": secret }).to_string();
        assert_eq!(
            env.put_credentials(Some(&env.token), body).await.status(),
            204
        );
    }
    // Nothing changed.
    env.get(paths::CUSTOMERS).await.expect(200);
}

#[tokio::test]
async fn revocation_refuses_every_token_and_the_credentials_for_good() {
    let env = Env::start().await;
    let response = env
        .http
        .delete(env.url(paths::CREDENTIALS))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "a token is needed");
    env.get(paths::CUSTOMERS).await.expect(200);

    let response = env
        .http
        .delete(env.url(paths::CREDENTIALS))
        .bearer_auth(&env.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.unwrap().is_empty());
    env.get(paths::CUSTOMERS)
        .await
        .expect_error(401, "unauthorized");
    assert_eq!(
        env.token_status(env.sandbox.api_key(), env.sandbox.api_secret())
            .await,
        401
    );
    // Not even a rotation brings it back: no token is accepted.
    let body = json!({ "apiKey": NEW_KEY, "apiSecret": NEW_SECRET }).to_string();
    assert_eq!(
        env.put_credentials(Some(&env.token), body).await.status(),
        401
    );
}

#[tokio::test]
async fn removing_the_signing_key_gets_signed_requests_the_middleware_refusal() {
    let env = Env::start().await;
    env.get(paths::CUSTOMERS).await.expect(200);
    for _ in 0..2 {
        // Twice: a retried removal succeeds too.
        let response = env
            .http
            .delete(env.url(paths::SIGNING_KEY))
            .bearer_auth(&env.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        assert!(response.bytes().await.unwrap().is_empty());
    }
    let reason = env.get(paths::CUSTOMERS).await.expect_signature_refused();
    assert!(reason.contains(&env.key_id), "{reason}");
    // Without a token, nothing is removed.
    let response = env
        .http
        .delete(env.url(paths::SIGNING_KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn customer_deactivation_is_for_active_customers_only() {
    let env = Env::start().await;
    let (initiating, _) = env
        .create_customer(&support::evm_signer().account().to_string())
        .await;
    env.patch(&paths::customer_deactivate(&initiating))
        .await
        .expect_error(409, "invalid_state");

    let (_, id) = env.active_evm_customer().await;
    let customer = env
        .patch(&paths::customer_deactivate(&id))
        .await
        .expect(200)
        .clone();
    assert_eq!(customer["id"], id);
    assert_eq!(customer["status"], "inactive");
    assert!(customer.get("challenge").is_none());
    assert_eq!(
        env.get(&paths::customer(&id)).await.expect(200)["status"],
        "inactive"
    );
    env.patch(&paths::customer_deactivate(&id))
        .await
        .expect_error(409, "invalid_state");

    // An inactive customer's new account fails its validations.
    let account = env
        .post(
            &paths::customer_accounts(&id),
            json!({ "type": "card_account", "currencies": ["EUR"] }),
        )
        .await
        .expect(201)
        .clone();
    assert_eq!(account["status"], "failed");

    env.patch(&paths::customer_deactivate(
        "00000000-0000-4000-8000-000000000000",
    ))
    .await
    .expect_error(404, "not_found");
    env.patch(&paths::customer_deactivate("nope"))
        .await
        .expect_error(400, "invalid_id");
}
