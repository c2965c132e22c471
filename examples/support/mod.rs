//! What the sandbox examples share: a client of a local sandbox whose request-signing key is
//! registered, and the three steps of an onboarding. Each example includes it with
//! `#[path = "support/mod.rs"] mod support;`.

use chainsig::ChallengeSigner;
use chainsig::api::{Account, Client, CreateAccount, Customer, FlowOptions, IdempotencyKey};
use chainsig::httpsig::P384SigningKey;
use chainsig_sandbox::SandboxHandle;

/// A client of `sandbox` with the sandbox's API credentials and a fresh P-384 request-signing
/// key, already registered (`PUT /auth/signing`), and the key's id. Against the real API the
/// same builder takes your base URL, credentials and stored key (see the README).
pub(crate) async fn registered_client(
    sandbox: &SandboxHandle,
) -> Result<(Client, String), Box<dyn std::error::Error>> {
    let request_key = P384SigningKey::generate()?;
    let public_key = request_key.public_key_pem();
    let client = Client::builder()
        .base_url(sandbox.base_url())
        .credentials(sandbox.api_key(), sandbox.api_secret().to_owned())
        .signing_key(request_key)
        .build()?;
    let key_id = client.register_signing_key(&public_key).await?;
    Ok((client, key_id))
}

/// A whole onboarding against the sandbox: proves ownership of `signer`'s wallet (its SIWX
/// challenge checked, then signed), approves KYC in the sandbox's simulator (a real customer
/// goes through OffBlocks' KYC instead), then opens a EUR card account, whose session-key
/// challenge `signer` signs, and waits for its smart account to be deployed.
pub(crate) async fn onboard_with_simulated_kyc<S: ChallengeSigner + ?Sized>(
    client: &Client,
    signer: &S,
    external_id: &str,
    options: &FlowOptions,
) -> Result<(Customer, Account), Box<dyn std::error::Error>> {
    let customer = client
        .onboard_customer(signer, external_id, options)
        .await?;
    client
        .simulator_verify(&customer.id, IdempotencyKey::new())
        .await?;
    let request = CreateAccount::card("EUR");
    let account = client
        .open_account(&customer.id, signer, &request, options)
        .await?;
    Ok((customer, account))
}
