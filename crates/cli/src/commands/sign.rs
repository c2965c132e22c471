//! `chainsig sign`: one challenge, signed with one key (under a policy when given one).

use std::process::ExitCode;

use serde_json::json;

use crate::cli::SignArgs;
use crate::error::CliError;
use crate::input::read_challenge;
use crate::keys::load_signer;
use crate::output::print_json;

pub(crate) async fn run(args: SignArgs) -> Result<ExitCode, CliError> {
    let challenge = read_challenge(args.challenge.as_deref(), args.challenge_file.as_deref())?;
    let signer = load_signer(&args.chain.chain, &args.key, args.allow_transaction_shaped)?;
    let guard = args.policy.load()?;
    let signature = guard
        .sign(signer.as_ref(), &challenge)
        .await
        .map_err(|e| match e {
            chainsig_core::SignerError::InvalidChallenge(reason) => CliError::with_hint(
                format!("refused to sign: {reason}"),
                "if you really mean to sign these bytes, pass --allow-transaction-shaped",
            ),
            other => CliError::Signer(other),
        })?;
    print_json(&json!({
        "account": signer.account().to_string(),
        "scheme": signature.scheme().as_str(),
        "signature": signature.to_base64(),
        "signatureHex": signature.to_hex(),
    }));
    Ok(ExitCode::SUCCESS)
}
