//! `chainsig credentials`: rotating (`PUT /auth/credentials`) and revoking
//! (`DELETE /auth/credentials`) the API key and secret.

use std::path::PathBuf;
use std::process::ExitCode;

use chainsig_api::IdempotencyKey;
use clap::{Args, Subcommand};
use serde_json::json;
use zeroize::Zeroizing;

use crate::api_config::ApiArgs;
use crate::error::CliError;
use crate::input::read_secret_file;

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialsCommand {
    /// Replace the API key and secret with new ones (PUT /auth/credentials). Every token issued
    /// before is refused afterwards, and the old secret gets no new one.
    #[command(after_help = ROTATE_HELP)]
    Rotate(RotateArgs),
    /// Revoke the API key and secret for good (DELETE /auth/credentials): API access ends and
    /// cannot be restored with them. Asks for --yes.
    #[command(after_help = "Example:\n  chainsig credentials revoke --yes")]
    Revoke {
        /// Confirms the revocation, which is permanent.
        #[arg(long)]
        yes: bool,
    },
}

const ROTATE_HELP: &str = "\
The new secret comes from a file or a variable, never from the command line (arguments show up
in `ps` and shell history). Make one, e.g.:
  (umask 077; openssl rand -hex 20 > new-secret)
  chainsig credentials rotate --new-api-key 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b --new-secret-file new-secret

chainsig stores no credentials: afterwards, put the new key in OFFBLOCKS_API_KEY and the new secret
where OFFBLOCKS_API_SECRET (or --api-secret-file) comes from; the old secret no longer works.";

#[derive(Debug, Args)]
#[group(skip)]
#[command(group = clap::ArgGroup::new("new_secret").required(true).args(["new_secret_file", "new_secret_env"]))]
pub(crate) struct RotateArgs {
    /// The new API key (a UUID; not a secret).
    #[arg(long, value_name = "UUID")]
    new_api_key: String,
    /// File holding the new API secret (surrounding whitespace is ignored).
    #[arg(long, value_name = "PATH")]
    new_secret_file: Option<PathBuf>,
    /// Environment variable holding the new API secret.
    #[arg(long, value_name = "VAR")]
    new_secret_env: Option<String>,
}

impl RotateArgs {
    /// The new secret, and where it came from (for the user, never the value).
    fn new_secret(&self) -> Result<(Zeroizing<String>, String), CliError> {
        let (text, source) = match (&self.new_secret_file, &self.new_secret_env) {
            (Some(path), _) => (
                read_secret_file(path, "the new API secret file (--new-secret-file)", None)?,
                format!("the file {}", path.display()),
            ),
            (None, Some(var)) => (
                Zeroizing::new(std::env::var(var).map_err(|_| {
                    CliError::input(format!(
                        "the variable {var} (--new-secret-env) is not set or not UTF-8"
                    ))
                })?),
                format!("the variable {var}"),
            ),
            (None, None) => {
                return Err(CliError::input(
                    "give the new secret with --new-secret-file PATH or --new-secret-env VAR",
                ));
            }
        };
        let secret = text.trim();
        if secret.is_empty() {
            return Err(CliError::input(format!(
                "the new API secret in {source} is empty"
            )));
        }
        Ok((Zeroizing::new(secret.to_owned()), source))
    }
}

pub(crate) fn run(
    command: CredentialsCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        CredentialsCommand::Rotate(args) => rotate(&args, api, json_output),
        CredentialsCommand::Revoke { yes: false } => Err(CliError::with_hint(
            "revoking the API credentials is permanent: API access ends for good; pass --yes to confirm",
            "to replace the secret instead, use `chainsig credentials rotate`",
        )),
        CredentialsCommand::Revoke { yes: true } => {
            let client = api.bearer_client()?;
            block_on(async {
                client.revoke_credentials(IdempotencyKey::new()).await?;
                Ok(())
            })?;
            if json_output {
                println!("{}", json!({ "revoked": true }));
            } else {
                println!("revoked: these API credentials get no token any more, for good");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn rotate(args: &RotateArgs, api: &ApiArgs, json_output: bool) -> Result<ExitCode, CliError> {
    if uuid::Uuid::parse_str(&args.new_api_key).is_err() {
        return Err(CliError::input(format!(
            "--new-api-key `{}` is not a UUID (OffBlocks API keys are)",
            crate::error::printable(&args.new_api_key)
        )));
    }
    let (new_secret, source) = args.new_secret()?;
    let (_, current_secret) = api.credentials()?;
    if new_secret.as_str() == current_secret.as_str() {
        return Err(CliError::with_hint(
            format!(
                "the new API secret in {source} is the current one: a rotation needs a new secret"
            ),
            "the API secret setting must hold the current secret until the rotation is done; \
             store the new one there afterwards",
        ));
    }
    let client = api.bearer_client()?;
    block_on(async {
        client
            // Moved into the client's zeroizing `SecretString`.
            .rotate_credentials(
                args.new_api_key.as_str(),
                new_secret.as_str().to_owned(),
                IdempotencyKey::new(),
            )
            .await?;
        Ok(())
    })?;
    if json_output {
        println!(
            "{}",
            json!({ "rotated": true, "apiKey": args.new_api_key, "secretFrom": source })
        );
    } else {
        println!(
            "rotated: every token issued before is refused, and the old secret no longer works"
        );
    }
    // chainsig keeps no credentials: the user stores them where the settings come from.
    let home = match &api.api_secret_file {
        Some(path) => format!("the file {} (--api-secret-file)", path.display()),
        None => format!("the variable {}", api.api_secret_env),
    };
    eprintln!(
        "store the new secret (from {source}) in {home}, and set {}={}",
        api.api_key_env, args.new_api_key
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `future` on a runtime of this thread (each API command makes a handful of requests).
pub(crate) fn block_on<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?
        .block_on(future)
}
