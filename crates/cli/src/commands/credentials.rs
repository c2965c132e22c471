//! `chainsig credentials`: rotating (`PUT /auth/credentials`) and revoking
//! (`DELETE /auth/credentials`) the API key and secret.

use std::process::ExitCode;

use chainsig_api::IdempotencyKey;
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{ApiArgs, CredentialsCommand, RotateArgs};
use crate::error::CliError;
use crate::input::read_secret_file;

/// The new secret, and where it came from (for the user, never the value).
fn new_secret(args: &RotateArgs) -> Result<(Zeroizing<String>, String), CliError> {
    let (text, source) = match (&args.new_secret_file, &args.new_secret_env) {
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

pub(crate) async fn run(
    command: CredentialsCommand,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    match command {
        CredentialsCommand::Rotate(args) => rotate(&args, api, json_output).await,
        CredentialsCommand::Revoke { yes: false } => Err(CliError::with_hint(
            "revoking the API credentials is permanent: API access ends for good; pass --yes to confirm",
            "to replace the secret instead, use `chainsig credentials rotate`",
        )),
        CredentialsCommand::Revoke { yes: true } => {
            let client = api.bearer_client()?;
            client.revoke_credentials(IdempotencyKey::new()).await?;
            if json_output {
                println!("{}", json!({ "revoked": true }));
            } else {
                println!("revoked: these API credentials get no token any more, for good");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn rotate(args: &RotateArgs, api: &ApiArgs, json_output: bool) -> Result<ExitCode, CliError> {
    if uuid::Uuid::parse_str(&args.new_api_key).is_err() {
        return Err(CliError::input(format!(
            "--new-api-key `{}` is not a UUID (OffBlocks API keys are)",
            crate::error::printable(&args.new_api_key)
        )));
    }
    let (new_secret, source) = new_secret(args)?;
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
    client
        // Moved into the client's zeroizing `SecretString`.
        .rotate_credentials(
            args.new_api_key.as_str(),
            new_secret.as_str().to_owned(),
            IdempotencyKey::new(),
        )
        .await?;
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
