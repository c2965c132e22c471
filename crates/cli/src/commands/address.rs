//! `chainsig address`: the account of a key.

use std::process::ExitCode;

use crate::chain::chain_of;
use crate::cli::AddressArgs;
use crate::error::CliError;
use crate::keys::load_signer;
use crate::output::{account_json, print_json};

pub(crate) fn run(args: AddressArgs) -> Result<ExitCode, CliError> {
    let signer = load_signer(&args.chain.chain, &args.key, false)?;
    print_json(&account_json(
        chain_of(&args.chain.chain)?,
        signer.account(),
    ));
    Ok(ExitCode::SUCCESS)
}
