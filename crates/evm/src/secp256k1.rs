//! secp256k1 building blocks shared with the other chains that use Ethereum's curve, key formats
//! and key-to-address hash (chainsig-tron): prefixed keccak digests, strict r‖s‖v signing and
//! recovery, and private-key loading (hex, keystore v3, BIP-39).
//!
//! A chain crate that signs with secp256k1 composes these instead of copying them, so a fix to
//! key parsing or signature strictness lands once for every such chain. They are primitives: the
//! signers over them ([`Secp256k1LocalSigner`](crate::Secp256k1LocalSigner),
//! [`Secp256k1KmsSigner`](crate::Secp256k1KmsSigner)) are generic over the chain's
//! [`Secp256k1Chain`](crate::Secp256k1Chain), and their key errors ([`KeyError`]) are shared.

use alloy_primitives::Keccak256;
use alloy_signer_local::MnemonicBuilder;
use chainsig_core::VerifyError;
use zeroize::Zeroizing;

use crate::error::KeyError;

pub use k256::ecdsa::{SigningKey, VerifyingKey};

/// keccak256(`prefix` ‖ decimal byte length of `message` ‖ `message`): the shape of EIP-191
/// `personal_sign` (`"\x19Ethereum Signed Message:\n"`) and of Tron's TIP-191
/// (`"\x19TRON Signed Message:\n"`).
///
/// The message is hashed in place (no prefixed copy), so a 64 KiB challenge costs one pass.
///
/// ```
/// use chainsig_evm::secp256k1::prefixed_keccak;
///
/// assert_eq!(
///     prefixed_keccak(b"\x19Ethereum Signed Message:\n", b"hello"),
///     chainsig_evm::eip191_hash(b"hello"),
/// );
/// ```
pub fn prefixed_keccak(prefix: &[u8], message: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(prefix);
    let mut digits = [0u8; 20];
    hasher.update(decimal(message.len(), &mut digits));
    hasher.update(message);
    hasher.finalize().0
}

fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// The 20-byte account hash of a public key: the last 20 bytes of keccak256 of its uncompressed
/// coordinates (an EVM address; a Tron address without its `0x41` prefix).
pub fn keccak_address(key: &VerifyingKey) -> [u8; 20] {
    let point = key.to_encoded_point(false);
    let hash = alloy_primitives::keccak256(&point.as_bytes()[1..]);
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash[12..]);
    out
}

/// Signs a 32-byte digest: 65 bytes r‖s‖v, low s, v = 27/28, deterministic (RFC 6979).
pub fn sign_prehash(key: &SigningKey, digest: &[u8; 32]) -> [u8; 65] {
    // k256 signs low-s (its ECDSA normalizes s and adjusts the recovery id accordingly); the
    // interop vectors of each chain check it.
    let (signature, recid) = key
        .sign_prehash_recoverable(digest)
        .unwrap_or_else(|_| unreachable!("a 32-byte prehash is always accepted"));
    let mut out = [0u8; 65];
    out[..64].copy_from_slice(&signature.to_bytes());
    out[64] = 27 + recid.is_y_odd() as u8;
    out
}

fn malformed(reason: &str) -> VerifyError {
    VerifyError::Malformed {
        reason: reason.to_owned(),
    }
}

/// Recovers the 20-byte account hash ([`keccak_address`]) that made `signature` over `digest`,
/// strictly: 65 bytes r‖s‖v, v 27 or 28, s in the lower half of the order (EIP-2).
pub fn recover_prehash(digest: &[u8; 32], signature: &[u8]) -> Result<[u8; 20], VerifyError> {
    use k256::ecdsa::{RecoveryId, Signature};

    let bytes: &[u8; 65] = signature
        .try_into()
        .map_err(|_| malformed("a secp256k1 recoverable signature is 65 bytes r‖s‖v"))?;
    let recid = match bytes[64] {
        27 => RecoveryId::new(false, false),
        28 => RecoveryId::new(true, false),
        _ => return Err(malformed("the recovery byte v must be 27 or 28")),
    };
    let parsed = Signature::from_slice(&bytes[..64])
        .map_err(|_| malformed("r or s is zero or out of range"))?;
    if parsed.normalize_s().is_some() {
        return Err(malformed(
            "s is not in the lower half of the curve order (EIP-2)",
        ));
    }
    let key = VerifyingKey::recover_from_prehash(digest, &parsed, recid)
        .map_err(|_| malformed("no public key recovers from this signature"))?;
    Ok(keccak_address(&key))
}

/// A fresh random key from the operating system's RNG.
pub fn random_key() -> SigningKey {
    SigningKey::random(&mut rand_core::OsRng)
}

/// A key from its 32 raw bytes; zero or a value not below the group order is refused.
pub fn key_from_bytes(bytes: &[u8; 32]) -> Result<SigningKey, KeyError> {
    SigningKey::from_bytes(bytes.into()).map_err(|_| KeyError::OutOfRange)
}

/// A key from 64 hex digits (optionally `0x`-prefixed, surrounding whitespace ignored); a
/// malformed text is [`KeyError::InvalidHex`], naming `chain` (e.g. `EVM`).
pub fn key_from_hex(text: &str, chain: &'static str) -> Result<SigningKey, KeyError> {
    let bytes = crate::key_file::parse_hex_key(text, chain)?;
    key_from_bytes(&bytes)
}

/// Decrypts a keystore v3 JSON document (scrypt or pbkdf2, aes-128-ctr): the key, and the
/// `address` the file declares, if any, for the caller to check in its chain's address format.
pub fn key_from_keystore(
    json: &str,
    password: &[u8],
) -> Result<(SigningKey, Option<String>), KeyError> {
    let (bytes, declared) = crate::keystore::decrypt(json, password)?;
    Ok((key_from_bytes(&bytes)?, declared))
}

/// A key derived from a BIP-39 English mnemonic, an optional BIP-39 passphrase, and a BIP-32
/// derivation path (e.g. `m/44'/60'/0'/0/0` for Ethereum, `m/44'/195'/0'/0/0` for Tron).
pub fn key_from_mnemonic(
    phrase: &str,
    passphrase: Option<&str>,
    path: &str,
) -> Result<SigningKey, KeyError> {
    let mut builder = MnemonicBuilder::english()
        .phrase(phrase.trim())
        .derivation_path(path)
        // The inner error may quote the path; ours never does (a path is not secret, but the
        // mnemonic parser's errors can quote words, so no inner text is passed on).
        .map_err(|_| KeyError::Mnemonic("the derivation path is not a valid BIP-32 path"))?;
    if let Some(passphrase) = passphrase {
        builder = builder.password(passphrase);
    }
    let signer = builder.build().map_err(|_| {
        KeyError::Mnemonic("not a valid BIP-39 English phrase (word list or checksum)")
    })?;
    Ok(signer.into_credential())
}

/// What the text of a secp256k1 key file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileKind {
    /// 64 hex digits, optionally `0x`-prefixed.
    Hex,
    /// Keystore v3 JSON (needs a password).
    Keystore,
}

/// Classifies key-file text; another chain's key (a solana-keygen array, a base58 Solana
/// secret) or a mnemonic is [`KeyError::WrongChain`], saying what it looks like and what was
/// `expected` (the caller's key-file form, e.g. "an EVM key (0x-hex private key or keystore v3
/// JSON)").
pub fn classify_key_file(text: &str, expected: &'static str) -> Result<KeyFileKind, KeyError> {
    crate::key_file::classify(text, expected)
}

/// The key's 32 bytes as hex, `0x`-prefixed when `prefixed`, with room for a final newline (the
/// buffer is sized once, so no reallocation leaves a copy of the key behind).
pub fn key_to_hex(key: &SigningKey, prefixed: bool) -> Zeroizing<String> {
    let bytes = Zeroizing::new(key.to_bytes());
    let mut digits = Zeroizing::new([0u8; 64]);
    hex::encode_to_slice(bytes.as_slice(), digits.as_mut_slice())
        .unwrap_or_else(|_| unreachable!("32 bytes are 64 hex digits"));
    let mut text = Zeroizing::new(String::with_capacity(2 + 64 + 1));
    if prefixed {
        text.push_str("0x");
    }
    text.extend(digits.iter().map(|&d| char::from(d)));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_lengths_at_digit_boundaries() {
        let mut buf = [0u8; 20];
        for (n, text) in [
            (0usize, "0"),
            (9, "9"),
            (10, "10"),
            (65536, "65536"),
            (usize::MAX, "18446744073709551615"),
        ] {
            assert_eq!(decimal(n, &mut buf), text.as_bytes());
        }
    }
}
