use std::process::ExitCode;

use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme, VerifyError};
use serde_json::json;

use crate::chain::{Family, family};
use crate::cli::VerifyArgs;
use crate::error::CliError;

pub(crate) fn run(args: VerifyArgs) -> Result<ExitCode, CliError> {
    let chain = args.chain.chain;
    let account = if args.account.contains(':') {
        let account: AccountId = args
            .account
            .parse()
            .map_err(|e| CliError::input(format!("--account: {e}")))?;
        if account.chain().namespace() != chain.namespace() {
            return Err(CliError::input(format!(
                "--account is a `{}` account but --chain is `{chain}`",
                account.chain().namespace()
            )));
        }
        account
    } else {
        AccountId::new(chain.clone(), &args.account)
            .map_err(|e| CliError::input(format!("--account: {e}")))?
    };
    let challenge = chainsig_core::Challenge::from_base64(args.challenge.trim())
        .map_err(|e| CliError::input(format!("--challenge: {e}")))?;
    let scheme = match family(&chain) {
        Family::Evm => SignatureScheme::Eip191Secp256k1,
        Family::Solana => SignatureScheme::Ed25519,
    };
    let signature = decode_signature(scheme, args.signature.trim())?;
    let result = match family(&chain) {
        Family::Evm => chainsig_evm::verify(&account, challenge.bytes(), &signature),
        Family::Solana => chainsig_solana::verify(&account, challenge.bytes(), &signature),
    };
    match result {
        Ok(()) => {
            super::print_json(&json!({ "valid": true }));
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ (VerifyError::Mismatch { .. } | VerifyError::Malformed { .. })) => {
            super::print_json(&json!({ "valid": false }));
            eprintln!("not valid: {err}");
            Ok(ExitCode::from(1))
        }
        Err(err) => Err(CliError::input(err.to_string())),
    }
}

/// Accepts base64, `0x`-hex, bare hex, and (ed25519) base58: whichever decodes to the scheme's
/// signature length.
fn decode_signature(scheme: SignatureScheme, text: &str) -> Result<ChallengeSignature, CliError> {
    let len = scheme.signature_len();
    let decoded = if text.starts_with("0x") {
        ChallengeSignature::from_hex(scheme, text).ok()
    } else {
        // Each decoder checks the scheme's length, so a text that two encodings could read
        // is taken by the one that gives a signature.
        ChallengeSignature::from_base64(scheme, text)
            .ok()
            .or_else(|| ChallengeSignature::from_hex(scheme, text).ok())
            .or_else(|| {
                (scheme == SignatureScheme::Ed25519)
                    .then(|| ChallengeSignature::from_base58(scheme, text).ok())
                    .flatten()
            })
    };
    decoded.ok_or_else(|| {
        CliError::input(format!(
            "--signature: expected a {len}-byte {scheme} signature as base64 or 0x-hex"
        ))
    })
}
