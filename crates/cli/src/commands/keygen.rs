use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde_json::Value;

use crate::chain::chain_of;
use crate::cli::KeygenArgs;
use crate::error::CliError;
use crate::keys::key_loader;

pub(crate) fn run(args: KeygenArgs) -> Result<ExitCode, CliError> {
    let chain = args.chain.chain;
    let out = match (args.out, &args.key_uri) {
        (Some(out), _) => out,
        (None, Some(uri)) => {
            let account = crate::hsm::keygen(&chain, uri)?;
            let mut out = super::address::account_json(chain_of(&chain)?, &account);
            out["keyUri"] = Value::from(uri.to_string());
            super::print_json(&out);
            return Ok(ExitCode::SUCCESS);
        }
        (None, None) => return Err(CliError::input("give --out PATH or --key-uri PKCS11_URI")),
    };
    let new_key = key_loader(&chain)?
        .generate(&chain)
        .map_err(|e| CliError::input(e.to_string()))?;
    write_new_private_file(&out, new_key.key_file.as_bytes())?;
    let mut json = super::address::account_json(chain_of(&chain)?, new_key.signer.account());
    json["keyFile"] = Value::from(out.display().to_string());
    super::print_json(&json);
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
