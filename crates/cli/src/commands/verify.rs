//! `chainsig verify`: check a challenge signature with the verifier of the account's chain.

use std::process::ExitCode;

use chainsig_core::{
    AccountId, ChallengeSignature, ChallengeVerifier, SignatureScheme, VerifyError,
};
use serde_json::json;

use crate::chain::{chain_of, registry};
use crate::cli::VerifyArgs;
use crate::error::CliError;
use crate::output::print_json;

pub(crate) fn run(args: VerifyArgs) -> Result<ExitCode, CliError> {
    let chain = args.chain.chain;
    let account = if args.account.contains(':') {
        let account: AccountId = registry()
            .parse_account(&args.account)
            .map_err(|e| CliError::input(format!("--account: {e}")))?;
        if account.chain().namespace() != chain.namespace() {
            return Err(CliError::input(format!(
                "--account is a `{}` account but --chain is `{chain}`",
                account.chain().namespace()
            )));
        }
        account
    } else {
        registry()
            .account(&chain, &args.account)
            .map_err(|e| CliError::input(format!("--account: {e}")))?
    };
    let challenge = chainsig_core::Challenge::from_base64(args.challenge.trim())
        .map_err(|e| CliError::input(format!("--challenge: {e}")))?;
    let verifier = chain_of(&chain)?;
    let signature = decode_signature(verifier.scheme(), args.signature.trim())?;
    match verifier.verify(&account, challenge.bytes(), &signature) {
        Ok(()) => {
            print_json(&json!({ "valid": true }));
            Ok(ExitCode::SUCCESS)
        }
        Err(err @ (VerifyError::Mismatch { .. } | VerifyError::Malformed { .. })) => {
            print_json(&json!({ "valid": false }));
            eprintln!("not valid: {err}");
            Ok(ExitCode::from(1))
        }
        Err(err) => Err(CliError::input(err.to_string())),
    }
}

/// Reads a signature as whichever encoding its text can be for the scheme's length `n`: base64
/// (4·⌈n/3⌉ characters: 88 for 64 or 65 bytes), hex (2n digits, with or without `0x`), and for
/// ed25519 base58. The lengths never overlap, so a base64 signature that happens to begin with
/// `0x` (1 in 4 096) is read as base64, not refused as bad hex.
fn decode_signature(scheme: SignatureScheme, text: &str) -> Result<ChallengeSignature, CliError> {
    let len = scheme.signature_len();
    let hex_digits = text.strip_prefix("0x").unwrap_or(text);
    let decoded = if text.len() == 4 * len.div_ceil(3) {
        ChallengeSignature::from_base64(scheme, text).ok()
    } else {
        None
    }
    .or_else(|| {
        (hex_digits.len() == 2 * len)
            .then(|| ChallengeSignature::from_hex(scheme, hex_digits).ok())
            .flatten()
    })
    .or_else(|| {
        (scheme == SignatureScheme::Ed25519)
            .then(|| ChallengeSignature::from_base58(scheme, text).ok())
            .flatten()
    });
    decoded.ok_or_else(|| {
        CliError::input(format!(
            "--signature: expected a {len}-byte {scheme} signature as base64 ({} characters) or hex ({} digits, 0x optional)",
            4 * len.div_ceil(3),
            2 * len
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decodes(scheme: SignatureScheme, text: &str, bytes: &[u8]) {
        let sig = decode_signature(scheme, text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(sig.as_bytes(), bytes, "{text}");
    }

    #[test]
    fn base64_that_begins_with_0x_is_base64() {
        for scheme in [
            SignatureScheme::Eip191Secp256k1,
            SignatureScheme::Tip191Secp256k1,
            SignatureScheme::Ed25519,
        ] {
            // 0xd3 0x1… encodes as "0x…" in base64.
            let mut bytes = vec![0x5au8; scheme.signature_len()];
            bytes[0] = 0xd3;
            bytes[1] = 0x1f;
            let sig = ChallengeSignature::new(scheme, bytes.clone()).unwrap();
            let base64 = sig.to_base64();
            assert!(base64.starts_with("0x"), "{base64}");
            decodes(scheme, &base64, &bytes);
            decodes(scheme, &format!("0x{}", hex::encode(&bytes)), &bytes);
            decodes(scheme, &hex::encode(&bytes), &bytes);
        }
        let bytes = [0x11u8; 64];
        decodes(
            SignatureScheme::Ed25519,
            &bs58::encode(bytes).into_string(),
            &bytes,
        );
    }

    #[test]
    fn other_lengths_and_encodings_are_refused() {
        let scheme = SignatureScheme::Eip191Secp256k1;
        for text in [
            "",
            "0x",
            &hex::encode([1u8; 64]),
            &format!("0x{}", hex::encode([1u8; 66])),
            &"A".repeat(88),
            &bs58::encode([1u8; 65]).into_string(),
        ] {
            assert!(decode_signature(scheme, text).is_err(), "{text}");
        }
    }
}
