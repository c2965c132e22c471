//! `chainsig keygen`: a new key file, or a new key in a token.

use std::process::ExitCode;

use serde_json::Value;

use crate::chain::chain_of;
use crate::cli::KeygenArgs;
use crate::error::CliError;
use crate::keys::key_loader;
use crate::output::{account_json, print_json, write_new_private_file};

pub(crate) fn run(args: KeygenArgs) -> Result<ExitCode, CliError> {
    let chain = args.chain.chain;
    let out = match (args.out, &args.key_uri) {
        (Some(out), _) => out,
        (None, Some(uri)) => {
            let account = crate::hsm::keygen(&chain, uri)?;
            let mut out = account_json(chain_of(&chain)?, &account);
            out["keyUri"] = Value::from(uri.to_string());
            print_json(&out);
            return Ok(ExitCode::SUCCESS);
        }
        (None, None) => return Err(CliError::input("give --out PATH or --key-uri PKCS11_URI")),
    };
    let new_key = key_loader(&chain)?
        .generate(&chain)
        .map_err(|e| CliError::input(e.to_string()))?;
    write_new_private_file(&out, new_key.key_file.as_bytes())?;
    let mut json = account_json(chain_of(&chain)?, new_key.signer.account());
    json["keyFile"] = Value::from(out.display().to_string());
    print_json(&json);
    Ok(ExitCode::SUCCESS)
}
