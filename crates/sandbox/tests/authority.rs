//! `@authority` is verified against the sandbox's own authority (the listening address, or the
//! configured one behind a proxy), never against the request's `Host` header.
#![allow(clippy::unwrap_used)]

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::ChallengeSigner;
use chainsig_httpsig::{RequestSigner, SigningProfile};
use chainsig_offblocks::paths;
use chainsig_sandbox::{Sandbox, SandboxConfig, SandboxError};
use http::{HeaderValue, Method};
use serde_json::json;
use support::{Env, evm_signer};
use uuid::Uuid;

/// A `POST /customers` signed with the registered key as a request to `signed_for`, then sent
/// to the sandbox with `Host: host`.
async fn create_customer_signed_for(env: &Env, signed_for: &str, host: &str) -> support::Resp {
    let body = serde_json::to_vec(&json!({
        "chainId": evm_signer().account().to_string(),
        "externalId": Uuid::new_v4().to_string(),
    }))
    .unwrap();
    let (mut parts, ()) = http::Request::builder()
        .method(Method::POST)
        .uri(format!("http://{signed_for}/v1{}", paths::CUSTOMERS))
        .header("authorization", format!("Bearer {}", env.token))
        .header("content-type", "application/json")
        .header("idempotency-key", Uuid::new_v4().to_string())
        .body(())
        .unwrap()
        .into_parts();
    RequestSigner::new(&env.key, env.key_id.as_str())
        .with_profile(SigningProfile::OFFBLOCKS)
        .sign(&mut parts, &body, env.now())
        .await
        .unwrap();
    parts.uri = env.url(paths::CUSTOMERS).parse().unwrap();
    parts
        .headers
        .insert("host", HeaderValue::from_str(host).unwrap());
    env.send(http::Request::from_parts(parts, body)).await
}

#[tokio::test]
async fn a_signature_for_another_authority_is_refused_whatever_host_says() {
    let env = Env::start().await;
    let own = env.sandbox.local_addr().to_string();

    // Made for another server, replayed here with the Host rewritten to match it.
    let replayed = create_customer_signed_for(&env, "api.offblocks.xyz", "api.offblocks.xyz").await;
    // The middleware's answer names nothing; the sandbox's reason header does.
    let message = replayed.expect_signature_refused();
    assert!(
        message.contains(&own) && message.contains("api.offblocks.xyz"),
        "{message}"
    );
    // Made for this sandbox, but sent with another Host: still ours, still verified as ours.
    create_customer_signed_for(&env, &own, "api.offblocks.xyz")
        .await
        .expect(201);
    create_customer_signed_for(&env, &own, &own)
        .await
        .expect(201);
    assert_eq!(env.sandbox.counters().customers, 2);
}

#[tokio::test]
async fn a_configured_authority_is_the_one_verified_and_named() {
    // A free port, so that the authority can name it: `localhost:<port>` stands for the
    // address a proxy or a port mapping would give.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let authority = format!("localhost:{port}");
    let env = Env::start_with(|config| {
        config.listen = ([127, 0, 0, 1], port).into();
        config.authority = Some(authority.to_uppercase());
    })
    .await;
    assert_eq!(
        env.sandbox.base_url(),
        format!("http://{authority}/v1"),
        "normalized, and the base URL is on it"
    );

    // Requests signed for the configured authority (Env signs for the base URL) verify, and the
    // Sign-In-with-X challenge names it.
    let created = env
        .post(
            paths::CUSTOMERS,
            json!({ "chainId": evm_signer().account().to_string(), "externalId": "c-1" }),
        )
        .await;
    let body = created.expect(201);
    let challenge = STANDARD
        .decode(body["challenge"].as_str().unwrap())
        .unwrap();
    let challenge = String::from_utf8(challenge).unwrap();
    assert!(
        challenge.starts_with(&format!("{authority} wants you to sign in")),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!("URI: http://{authority}\n")),
        "{challenge}"
    );

    // Signed for the listening address: not what clients are told to use, refused.
    let listening = format!("127.0.0.1:{port}");
    create_customer_signed_for(&env, &listening, &listening)
        .await
        .expect_signature_refused();
}

#[tokio::test]
async fn an_authority_that_is_not_host_and_port_is_refused_at_start() {
    for bad in ["", "a b", "user@host:1", "host/path", "host:port"] {
        let config = SandboxConfig {
            authority: Some(bad.to_owned()),
            ..SandboxConfig::default()
        };
        match Sandbox::start(config).await {
            Err(SandboxError::Authority { authority, .. }) => assert_eq!(authority, bad),
            other => panic!("`{bad}`: {other:?}"),
        }
    }
}
