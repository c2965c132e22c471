use std::process::ExitCode;

use serde_json::json;

use crate::cli::SignArgs;
use crate::error::CliError;
use crate::input::read_challenge;
use crate::keys::load_signer;

pub(crate) fn run(args: SignArgs) -> Result<ExitCode, CliError> {
    let challenge = read_challenge(args.challenge.as_deref(), args.challenge_file.as_deref())?;
    let signer = load_signer(&args.chain.chain, &args.key, args.allow_transaction_shaped)?;
    let guard = args.policy.load()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    let signature = runtime
        .block_on(guard.sign(signer.as_ref(), &challenge))
        .map_err(|e| match e {
            chainsig_core::SignerError::InvalidChallenge(reason) => CliError::with_hint(
                format!("refused to sign: {reason}"),
                "if you really mean to sign these bytes, pass --allow-transaction-shaped",
            ),
            other => CliError::Signer(other),
        })?;
    super::print_json(&json!({
        "account": signer.account().to_string(),
        "scheme": signature.scheme().as_str(),
        "signature": signature.to_base64(),
        "signatureHex": signature.to_hex(),
    }));
    Ok(ExitCode::SUCCESS)
}
