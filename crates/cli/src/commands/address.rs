use std::process::ExitCode;

use serde_json::json;

use crate::cli::AddressArgs;
use crate::error::CliError;
use crate::keys::load_signer;

pub(crate) fn run(args: AddressArgs) -> Result<ExitCode, CliError> {
    let signer = load_signer(&args.chain.chain, &args.key, false)?;
    let account = signer.account();
    super::print_json(&json!({ "account": account.to_string(), "address": account.address() }));
    Ok(ExitCode::SUCCESS)
}
