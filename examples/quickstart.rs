//! Start a local OffBlocks sandbox, onboard an EVM, a Solana and a Tron customer with fresh
//! keys, open a card account for each, and print what happened. No account, no network.
//!
//! `cargo run --example quickstart`

use std::sync::Arc;
use std::time::Instant;

use chainsig::ChallengeSigner;
use chainsig::api::FlowOptions;
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig::tron::LocalTronSigner;
use chainsig_sandbox::{Sandbox, SandboxConfig};

#[path = "support/mod.rs"]
mod support;

// `pub(crate)`: tests/examples.rs runs it.
#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. A local OffBlocks: it verifies every request signature and every challenge signature.
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    println!("sandbox listening at {}\n", sandbox.base_url());

    // 2. The integrator's client: API credentials and a P-384 request-signing key, registered
    //    with OffBlocks (the builder is in examples/support/mod.rs).
    let (client, key_id) = support::registered_client(&sandbox).await?;
    println!("request-signing key registered as {key_id}\n");

    // 3. Three customers, each with their own wallet key on one of OffBlocks' chains.
    let customers: [(&str, Arc<dyn ChallengeSigner>); 3] = [
        ("evm", Arc::new(LocalEvmSigner::random())),
        ("solana", Arc::new(LocalSolanaSigner::random())),
        ("tron", Arc::new(LocalTronSigner::random())),
    ];
    let mut rows = Vec::new();
    for (i, (chain, signer)) in customers.iter().enumerate() {
        let started = Instant::now();
        let options = FlowOptions::default();
        // Prove wallet ownership (SIWE challenge checked, then signed), approve KYC in the
        // sandbox's simulator, then open an account (session-key challenge signed) and wait
        // for its deployment: three calls, in examples/support/mod.rs.
        let (customer, account) = support::onboard_with_simulated_kyc(
            &client,
            signer.as_ref(),
            &format!("quickstart-{i}"),
            &options,
        )
        .await?;
        rows.push([
            chain.to_string(),
            signer.account().to_string(),
            customer.id.clone(),
            account.status.to_string(),
            account.chain_id.clone().unwrap_or_default(),
            format!("{} ms", started.elapsed().as_millis()),
        ]);
    }

    print_table(
        &[
            "chain",
            "customer wallet",
            "customer id",
            "account",
            "smart account",
            "time",
        ],
        &rows,
    );
    let counters = sandbox.counters();
    println!(
        "\n{} requests, {} challenge signatures verified by the sandbox, {} rejected",
        counters.requests, counters.challenges_verified, counters.challenges_rejected
    );
    sandbox.shutdown().await;
    Ok(())
}

fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  "));
    };
    line(header.to_vec());
    line(widths.iter().map(|w| &"------------------------------------------------------------------------------------------"[..*w]).collect());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
