//! Loading the signing key named on the command line for the chain named on it.

use std::sync::Arc;

use chainsig_core::{ChainId, ChallengeSigner};
use chainsig_evm::LocalEvmSigner;
use chainsig_solana::LocalSolanaSigner;
use zeroize::Zeroizing;

use crate::chain::{Family, family};
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

/// Loads the key for `chain`; `allow_transaction_shaped` lifts the Solana guard.
pub(crate) fn load_signer(
    chain: &ChainId,
    args: &KeyArgs,
    allow_transaction_shaped: bool,
) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    if let Some(uri) = &args.source.key_uri {
        return crate::hsm::load_signer(chain, uri, allow_transaction_shaped);
    }
    let (text, origin) = key_text(args)?;
    match family(chain) {
        Family::Evm => {
            let password = match &args.password_env {
                Some(var) => Some(read_env_secret(var, "--password-env")?),
                None => None,
            };
            let signer = LocalEvmSigner::from_key_file_contents(
                &text,
                password.as_ref().map(|p| p.as_bytes()),
            )
            .map_err(|e| {
                let hint = match e {
                    chainsig_evm::KeyError::PasswordRequired => {
                        Some("name the variable holding the password with --password-env VAR")
                    }
                    chainsig_evm::KeyError::WrongChain { .. } => {
                        Some("use --chain solana for a Solana key")
                    }
                    _ => None,
                };
                let message = format!("{origin}: {e}");
                match hint {
                    Some(hint) => CliError::with_hint(message, hint),
                    None => CliError::input(message),
                }
            })?
            .with_chain(chain.clone())
            .map_err(|e| CliError::input(e.to_string()))?;
            Ok(Arc::new(signer))
        }
        Family::Solana => {
            if args.password_env.is_some() {
                return Err(CliError::input(
                    "--password-env is for EVM keystore files only",
                ));
            }
            let signer = LocalSolanaSigner::from_key_file_contents(&text)
                .and_then(|s| s.with_chain(chain.clone()))
                .map_err(|e| {
                    CliError::with_hint(
                        format!("{origin}: {e}"),
                        "a Solana key file is the JSON array that `solana-keygen new` writes",
                    )
                })?
                .allow_transaction_shaped(allow_transaction_shaped);
            Ok(Arc::new(signer))
        }
    }
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
