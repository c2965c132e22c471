use std::process::ExitCode;

use chainsig_core::{AccountId, Chain};
use serde_json::{Value, json};

use crate::chain::chain_of;
use crate::cli::AddressArgs;
use crate::error::CliError;
use crate::keys::load_signer;

pub(crate) fn run(args: AddressArgs) -> Result<ExitCode, CliError> {
    let signer = load_signer(&args.chain.chain, &args.key, false)?;
    super::print_json(&account_json(
        chain_of(&args.chain.chain)?,
        signer.account(),
    ));
    Ok(ExitCode::SUCCESS)
}

/// `{"account", "address"}` and the chain's other spellings of the address (Tron's
/// `addressHex`).
pub(crate) fn account_json(chain: &dyn Chain, account: &AccountId) -> Value {
    let mut out = json!({ "account": account.to_string(), "address": account.address() });
    for (key, value) in chain.address_forms(account) {
        out[key] = Value::from(value);
    }
    out
}
