use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use chainsig_core::ChallengeSigner;
use chainsig_evm::LocalEvmSigner;
use chainsig_solana::LocalSolanaSigner;
use serde_json::json;
use zeroize::Zeroizing;

use crate::chain::{Family, family};
use crate::cli::KeygenArgs;
use crate::error::CliError;

pub(crate) fn run(args: KeygenArgs) -> Result<ExitCode, CliError> {
    let chain = args.chain.chain;
    let out = match (args.out, &args.key_uri) {
        (Some(out), _) => out,
        (None, Some(uri)) => {
            let account = crate::hsm::keygen(&chain, uri)?;
            super::print_json(&json!({
                "account": account.to_string(),
                "address": account.address(),
                "keyUri": uri,
            }));
            return Ok(ExitCode::SUCCESS);
        }
        (None, None) => return Err(CliError::input("give --out PATH or --key-uri PKCS11_URI")),
    };
    let (account, contents): (_, Zeroizing<String>) = match family(&chain) {
        Family::Evm => {
            let signer = LocalEvmSigner::random()
                .with_chain(chain)
                .map_err(|e| CliError::input(e.to_string()))?;
            (signer.account().clone(), with_newline(&signer.to_hex()))
        }
        Family::Solana => {
            let signer = LocalSolanaSigner::random()
                .with_chain(chain)
                .map_err(|e| CliError::input(e.to_string()))?;
            (
                signer.account().clone(),
                with_newline(&signer.to_keypair_json()),
            )
        }
    };
    write_new_private_file(&out, contents.as_bytes())?;
    super::print_json(&json!({
        "account": account.to_string(),
        "address": account.address(),
        "keyFile": out.display().to_string(),
    }));
    Ok(ExitCode::SUCCESS)
}

/// Creates `path` readable by its owner only; an existing file is never replaced.
pub(crate) fn write_new_private_file(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::with_hint(
                format!(
                    "{} already exists; refusing to overwrite a key file",
                    path.display()
                ),
                "choose another --out path, or move the old file away yourself",
            )
        } else {
            CliError::input(format!("cannot create {}: {e}", path.display()))
        }
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}

/// The key file's text and its final newline, in a buffer sized for both: pushing onto the
/// key's own string could reallocate and leave a copy of the key in freed memory.
fn with_newline(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(text.len() + 1));
    out.push_str(text);
    out.push('\n');
    out
}
