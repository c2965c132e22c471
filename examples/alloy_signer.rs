//! Plug an alloy signer into the onboarding flows through `chainsig::evm::AlloyChallengeSigner`,
//! against the in-process sandbox (no account, no network).
//!
//! `cargo run --example alloy_signer`
//!
//! A `PrivateKeySigner` stands in here for any `alloy_signer::Signer`: `alloy-signer-aws` (AWS
//! KMS), `alloy-signer-gcp`, `alloy-signer-ledger`, `alloy-signer-trezor`. The adapter calls
//! `sign_message` (EIP-191 `personal_sign`, which hardware wallets accept), normalizes the
//! signature to low s with v = 27/28, and recovers the address before returning it, so a backend
//! that signed with another key never reaches OffBlocks.

use alloy_signer_local::PrivateKeySigner;
use chainsig::api::{FlowEvent, FlowOptions};
use chainsig::evm::AlloyChallengeSigner;
use chainsig::{ChainId, ChallengeSigner};
use chainsig_sandbox::{Sandbox, SandboxConfig};

#[path = "support/mod.rs"]
mod support;

// `pub(crate)`: tests/examples.rs runs it.
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;

    let (client, _key_id) = support::registered_client(&sandbox).await?;

    // The customer's wallet: an alloy signer, named on zkSync Era (eip155:324).
    let wallet = PrivateKeySigner::random();
    let signer = AlloyChallengeSigner::new(wallet).with_chain(ChainId::eip155(324))?;
    println!("wallet   {}", signer.account());

    let options = FlowOptions::default().on_event(|event| match event {
        FlowEvent::ChallengeReceived { subject, len, .. } => {
            println!("         signing a {len}-byte challenge for {subject}")
        }
        FlowEvent::Waiting { status, .. } => println!("         account is {status}…"),
        _ => {}
    });
    // The sandbox's simulator stands in for KYC (examples/support/mod.rs).
    let (customer, account) =
        support::onboard_with_simulated_kyc(&client, &signer, "alloy-example", &options).await?;
    println!("customer {} ({})", customer.id, customer.status);
    println!(
        "account  {} ({}), smart account {}",
        account.id,
        account.status,
        account.chain_id.as_deref().unwrap_or("-")
    );

    sandbox.shutdown().await;
    Ok(())
}
