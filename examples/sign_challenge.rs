//! Sign an OffBlocks-style challenge with a fresh EVM, Solana and Tron key, verify each,
//! and print what a wallet backend would send to `/challenge/sign`.
//!
//! `cargo run --example sign_challenge`

use chainsig::core::ChallengeVerifier as _;
use chainsig::evm::LocalEvmSigner;
use chainsig::solana::LocalSolanaSigner;
use chainsig::tron::LocalTronSigner;
use chainsig::{Challenge, ChallengeSigner};

// `pub(crate)`: tests/examples.rs runs it.
#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The session-key challenge from OffBlocks' sandbox docs: base64 of a UUID's text.
    let challenge = Challenge::from_base64("NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj")?;
    println!(
        "challenge bytes: {:?} ({} bytes)\n",
        challenge.as_text().unwrap_or("<binary>"),
        challenge.len()
    );

    let signers: Vec<Box<dyn ChallengeSigner>> = vec![
        Box::new(LocalEvmSigner::random()),
        Box::new(LocalSolanaSigner::random()),
        Box::new(LocalTronSigner::random()),
    ];
    let chains = chainsig::chains();
    for signer in &signers {
        let signature = signer.sign_challenge(&challenge).await?;
        // The registry picks the account's chain's verifier.
        chains.verify(signer.account(), challenge.bytes(), &signature)?;
        let body = serde_json::json!({
            "chainId": signer.account().to_string(),
            "challenge": challenge.as_base64(),
            "signature": signature.to_base64(),
        });
        println!(
            "{} ({}), verified:\n{}\n",
            signer.account(),
            signature.scheme(),
            serde_json::to_string_pretty(&body)?
        );
    }
    Ok(())
}
