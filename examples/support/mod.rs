//! What the sandbox examples share: a client of a local sandbox whose request-signing key is
//! registered. Each example includes it with `#[path = "support/mod.rs"] mod support;`.

use chainsig::api::Client;
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
