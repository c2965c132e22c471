//! Recognising what a key file holds, so a wrong file gets a helpful error, not "invalid hex".

use crate::error::KeyError;
use crate::secp256k1::KeyFileKind;

/// Classifies key-file text; another chain's key is a typed error that says what it looks like
/// and what the signer `expected` (its chain's key-file form).
pub(crate) fn classify(text: &str, expected: &'static str) -> Result<KeyFileKind, KeyError> {
    let trimmed = text.trim();
    if crate::keystore::looks_like_keystore(trimmed) {
        return Ok(KeyFileKind::Keystore);
    }
    let wrong = |looks_like| {
        Err(KeyError::WrongChain {
            looks_like,
            expected,
        })
    };
    if trimmed.starts_with('[') {
        return wrong("a solana-keygen keypair (a JSON array of bytes)");
    }
    if trimmed.split_whitespace().count() >= 12 {
        return wrong("a BIP-39 mnemonic (load it with the signer's `from_mnemonic`)");
    }
    let is_base58 = trimmed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() && !b"0OIl".contains(&b));
    if is_base58 && (86..=88).contains(&trimmed.len()) {
        return wrong("a base58 Solana secret key");
    }
    Ok(KeyFileKind::Hex)
}

/// Parses `0x` + 64 hex digits (the prefix is optional), describing a failure without echoing it
/// and naming the `chain` whose key was expected.
pub(crate) fn parse_hex_key(
    text: &str,
    chain: &'static str,
) -> Result<zeroize::Zeroizing<[u8; 32]>, KeyError> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix("0x").unwrap_or(trimmed);
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    if digits.len() != 64 {
        return Err(KeyError::InvalidHex {
            chain,
            found: format!("found {} characters", digits.len()),
        });
    }
    hex::decode_to_slice(digits, key.as_mut_slice()).map_err(|_| KeyError::InvalidHex {
        chain,
        found: "found a character that is not a hex digit".into(),
    })?;
    Ok(key)
}
