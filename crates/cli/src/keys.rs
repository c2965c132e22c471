//! Loading the signing key named on the command line for the chain named on it.

use std::sync::Arc;

use chainsig_core::{ChainId, ChallengeSigner, KeyLoadError, KeyLoader, KeyOptions};
use zeroize::Zeroizing;

use crate::chain::{chain_of, registry};
use crate::cli::KeyArgs;
use crate::error::CliError;
use crate::input::{read_env_secret, read_key_file};

/// The key's text and a description of where it came from (for messages).
fn key_text(args: &KeyArgs) -> Result<(Zeroizing<String>, String), CliError> {
    match (&args.source.key_file, &args.source.key_env) {
        (Some(path), _) => Ok((read_key_file(path)?, format!("key file {}", path.display()))),
        (None, Some(var)) => Ok((read_env_secret(var, "--key-env")?, format!("key in ${var}"))),
        (None, None) => Err(CliError::input("give --key-file PATH or --key-env VAR")),
    }
}

/// The key formats of `chain`, or a clear error when this build cannot load keys for it.
pub(crate) fn key_loader(chain: &ChainId) -> Result<&'static dyn KeyLoader, CliError> {
    chain_of(chain)?.keys().ok_or_else(|| {
        CliError::input(format!(
            "chainsig cannot load local keys for `{}` chains",
            chain.namespace()
        ))
    })
}

/// Loads the key for `chain`; `allow_transaction_shaped` lifts the Solana guard.
pub(crate) fn load_signer(
    chain: &ChainId,
    args: &KeyArgs,
    allow_transaction_shaped: bool,
) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    if let Some(uri) = &args.source.key_uri {
        return crate::hsm::load_signer(chain, uri, allow_transaction_shaped);
    }
    let loader = key_loader(chain)?;
    let (text, origin) = key_text(args)?;
    let password = match &args.password_env {
        Some(var) => Some(read_env_secret(var, "--password-env")?),
        None => None,
    };
    let options = KeyOptions::default()
        .with_password(password.as_ref().map(|p| p.as_bytes()))
        .allow_transaction_shaped(allow_transaction_shaped);
    loader.load(chain, &text, options).map_err(|e| {
        let message = format!("{origin}: {e}");
        match e {
            KeyLoadError::PasswordRequired => CliError::with_hint(
                message,
                "name the variable holding the password with --password-env VAR",
            ),
            KeyLoadError::PasswordNotUsed { .. } => {
                CliError::input(format!("--password-env is for keystore files; {message}"))
            }
            KeyLoadError::WrongChain { .. } => CliError::with_hint(
                message,
                format!(
                    "use --chain for the key's chain: {}",
                    registry().shorthands()
                ),
            ),
            KeyLoadError::Chain(_) => CliError::input(message),
            _ => CliError::with_hint(message, loader.key_file_hint()),
        }
    })
}

/// Loads the key in the file at `path` for `chain` (batch rows, `onboard`).
pub(crate) fn load_signer_file(
    chain: &ChainId,
    path: &std::path::Path,
) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    if let Some(uri) = path.to_str().filter(|p| crate::hsm::is_key_uri(p)) {
        return crate::hsm::load_signer(chain, uri, false);
    }
    let args = KeyArgs {
        source: crate::cli::KeySource {
            key_file: Some(path.to_path_buf()),
            key_env: None,
            key_uri: None,
        },
        password_env: None,
    };
    load_signer(chain, &args, false)
}
