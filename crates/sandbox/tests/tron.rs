//! Tron customers: the CAIP-122 "Tron account" challenge, TIP-191 verification of every challenge
//! signature, and the refusals (forged, stale, expired, Ethereum-prefixed, unknown namespaces).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{ChallengeSigner, SiwxMessage};
use chainsig_evm::LocalEvmSigner;
use chainsig_offblocks::paths;
use chainsig_tron::{LocalTronSigner, TronNetwork};
use serde_json::json;
use support::{Env, decode, sign_request};

#[tokio::test]
async fn a_tron_customer_gets_a_caip122_tron_challenge_and_goes_through_the_lifecycle() {
    let env = Env::start().await;
    let owner = LocalTronSigner::random().with_network(TronNetwork::Nile);
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;

    let text = decode(&challenge);
    let mut lines = text.lines();
    let host = env.sandbox.local_addr().to_string();
    assert_eq!(
        lines.next().unwrap(),
        format!("{host} wants you to sign in with your Tron account:")
    );
    assert_eq!(lines.next().unwrap(), owner.address().to_base58());
    let message = SiwxMessage::parse(&text).unwrap();
    assert_eq!(message.chain_name, "Tron");
    assert_eq!(message.chain_id, "6FhfKq");
    // The client's check passes for the owner, and fails for anyone else.
    let origin = format!("http://{host}");
    let check = |account| {
        message.check(
            account,
            &host,
            &origin,
            env.clock_now(),
            Duration::from_secs(600),
            Duration::from_secs(60),
        )
    };
    check(owner.account()).unwrap();
    assert!(check(LocalTronSigner::random().account()).is_err());

    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect(204);
    env.patch(&paths::simulator_verify(&id)).await.expect(202);
    let account = env.active_account(&owner, &id).await;
    let body = env.get(&paths::account(&account)).await;
    let smart: chainsig_core::AccountId = body.json["chainId"].as_str().unwrap().parse().unwrap();
    assert_eq!(smart.chain(), owner.account().chain());
    chainsig_tron::TronAddress::parse(smart.address()).unwrap();
}

#[tokio::test]
async fn forged_stale_expired_and_ethereum_prefixed_tron_signatures_are_refused() {
    let mut env = Env::start().await;
    let key = [0x42u8; 32];
    let owner = LocalTronSigner::from_bytes(&key).unwrap();
    let (id, challenge) = env.create_customer(&owner.account().to_string()).await;

    // An EIP-191 (Ethereum-prefixed) signature made by the right key.
    let evm = LocalEvmSigner::from_bytes(&key).unwrap();
    let mut body = sign_request(&owner, &challenge).await;
    let bytes = STANDARD.decode(&challenge).unwrap();
    body["signature"] = json!(STANDARD.encode(evm.sign_message_sync(&bytes)));
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect_error(400, "challenge_signature_invalid");
    // That re-issued the challenge: the old one is stale, even signed properly.
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &challenge).await,
    )
    .await
    .expect_error(400, "stale_challenge");

    // Forged: another Tron key's signature under the owner's id.
    let fresh = current_challenge(&env, &id).await;
    let mut body = sign_request(&LocalTronSigner::random(), &fresh).await;
    body["chainId"] = json!(owner.account().to_string());
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect_error(400, "challenge_signature_invalid");

    // A flipped bit.
    let fresh = current_challenge(&env, &id).await;
    let mut body = sign_request(&owner, &fresh).await;
    let mut sig = STANDARD
        .decode(body["signature"].as_str().unwrap())
        .unwrap();
    sig[10] ^= 1;
    body["signature"] = json!(STANDARD.encode(sig));
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect_error(400, "challenge_signature_invalid");

    // Expired.
    let fresh = current_challenge(&env, &id).await;
    env.advance(Duration::from_secs(3601));
    env.refresh_token().await;
    env.post(
        &paths::customer_challenge_sign(&id),
        sign_request(&owner, &fresh).await,
    )
    .await
    .expect_error(400, "challenge_expired");
    assert_eq!(
        env.get(&paths::customer(&id)).await.json["status"],
        "initiating"
    );

    // The current one, signed with TIP-191 by the owner (its hex address form is the same
    // signer), goes through.
    let fresh = current_challenge(&env, &id).await;
    let mut body = sign_request(&owner, &fresh).await;
    body["chainId"] = json!(format!("tron:27Lqcw:{}", owner.address().to_hex()));
    env.post(&paths::customer_challenge_sign(&id), body)
        .await
        .expect(204);
}

async fn current_challenge(env: &Env, id: &str) -> String {
    env.get(&paths::customer_challenge(id)).await.json["challenge"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn unknown_namespaces_networks_and_bad_tron_addresses_are_400() {
    let env = Env::start().await;
    let tron = LocalTronSigner::random().address().to_base58();
    let mut typo = tron.clone();
    let last = if typo.ends_with('a') { "b" } else { "a" };
    typo.replace_range(33.., last);
    for (chain_id, code) in [
        (
            "cosmos:cosmoshub-4:cosmos1abc".to_owned(),
            "unsupported_chain",
        ),
        (format!("tron:2b6653dc:{tron}"), "invalid_chain_id"),
        (format!("tron:27Lqcw:{typo}"), "invalid_chain_id"),
        (
            "tron:27Lqcw:0x17c5185167401eD00cF5F5b2fc97D9BBfDb7D025".to_owned(),
            "invalid_chain_id",
        ),
    ] {
        let before = env.state().await;
        env.post(
            paths::CUSTOMERS,
            json!({ "chainId": chain_id, "externalId": "x" }),
        )
        .await
        .expect_error(400, code);
        assert_eq!(env.state().await.customers, before.customers, "{chain_id}");
    }
}
