//! Where the OffBlocks settings come from: the environment (`OFFBLOCKS_*`), or flags that name
//! other variables or files. Secrets are never taken as plain arguments.

use std::path::PathBuf;

use chainsig_api::Client;
use chainsig_httpsig::P384SigningKey;

use crate::cli::ApiArgs;
use crate::error::CliError;
use crate::input::read_secret_file;

fn env_or(flag: &Option<String>, var: &str) -> Option<String> {
    flag.clone()
        .or_else(|| std::env::var(var).ok().filter(|v| !v.is_empty()))
}

impl ApiArgs {
    fn base_url(&self) -> Result<String, CliError> {
        env_or(&self.base_url, "OFFBLOCKS_BASE_URL").ok_or_else(|| {
            CliError::with_hint(
                "no API base URL: pass --base-url or set OFFBLOCKS_BASE_URL",
                "`chainsig sandbox` starts a local API and prints the variables to export",
            )
        })
    }

    pub(crate) fn credentials(&self) -> Result<(String, String), CliError> {
        let api_key = std::env::var(&self.api_key_env)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                CliError::input(format!(
                    "no API key: set {} (or name another variable with --api-key-env)",
                    self.api_key_env
                ))
            })?;
        let api_secret = match &self.api_secret_file {
            Some(path) => read_secret_file(path, "the API secret file (--api-secret-file)", None)?
                .trim()
                .to_owned(),
            None => std::env::var(&self.api_secret_env).ok().filter(|v| !v.is_empty()).ok_or_else(|| {
                CliError::input(format!(
                    "no API secret: set {} (or name another variable with --api-secret-env, or a file with --api-secret-file)",
                    self.api_secret_env
                ))
            })?,
        };
        Ok((api_key, api_secret))
    }

    pub(crate) fn signing_key(&self) -> Result<(P384SigningKey, PathBuf), CliError> {
        let path = self
            .signing_key_file
            .clone()
            .or_else(|| std::env::var_os("OFFBLOCKS_SIGNING_KEY_FILE").filter(|v| !v.is_empty()).map(PathBuf::from))
            .ok_or_else(|| {
                CliError::with_hint(
                    "no request-signing key: pass --signing-key-file or set OFFBLOCKS_SIGNING_KEY_FILE",
                    "create one with `chainsig signing-key new --out signing-key.pem`",
                )
            })?;
        let pem = read_secret_file(
            &path,
            "the request-signing key file (--signing-key-file or OFFBLOCKS_SIGNING_KEY_FILE)",
            Some("create one with `chainsig signing-key new --out signing-key.pem`"),
        )?;
        let key = P384SigningKey::from_pem(&pem)
            .map_err(|e| CliError::input(format!("request-signing key {}: {e}", path.display())))?;
        Ok((key, path))
    }

    /// Builds a client for the bearer-only endpoints (`/auth/credentials`, `DELETE /auth/signing`):
    /// base URL and credentials only. Those requests carry no request signature, so the signing
    /// key is not read: the client holds a throwaway in-memory key, which signs nothing.
    pub(crate) fn bearer_client(&self) -> Result<Client, CliError> {
        let base_url = self.base_url()?;
        let (api_key, api_secret) = self.credentials()?;
        let unused = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
        Ok(Client::builder()
            .base_url(base_url)
            .credentials(api_key, api_secret)
            .signing_key(unused)
            .build()?)
    }

    /// Builds the client; registers the signing key first when no key id is known (and says so
    /// on stderr, with the id to export).
    pub(crate) async fn client(&self) -> Result<Client, CliError> {
        self.build(false, false).await
    }

    /// Builds the client and registers the signing key, whatever key id is configured.
    pub(crate) async fn registering_client(&self) -> Result<Client, CliError> {
        self.build(true, true).await
    }

    async fn build(&self, quiet: bool, always_register: bool) -> Result<Client, CliError> {
        let base_url = self.base_url()?;
        let (api_key, api_secret) = self.credentials()?;
        let (key, public_key): (
            std::sync::Arc<dyn chainsig_httpsig::RequestSigningKey>,
            String,
        ) = match env_or(&self.signing_key_uri, "OFFBLOCKS_SIGNING_KEY_URI") {
            Some(uri) if self.signing_key_file.is_none() => crate::hsm::request_key(&uri)?,
            _ => {
                let (key, _) = self.signing_key()?;
                let pem = key.public_key_pem();
                (std::sync::Arc::new(key), pem)
            }
        };
        let key_id = if always_register {
            None
        } else {
            env_or(&self.key_id, "OFFBLOCKS_KEY_ID")
        };
        let mut builder = Client::builder()
            .base_url(base_url)
            .credentials(api_key, api_secret)
            .shared_signing_key(key);
        if let Some(id) = &key_id {
            builder = builder.key_id(id);
        }
        let client = builder.build()?;
        if key_id.is_none() {
            let id = client.register_signing_key(&public_key).await?;
            let id = crate::error::printable(&id);
            if !quiet {
                eprintln!(
                    "registered the request-signing key as {id} (export OFFBLOCKS_KEY_ID={id} to reuse it)"
                );
            }
        }
        Ok(client)
    }
}
