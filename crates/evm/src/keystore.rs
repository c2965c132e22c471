//! Ethereum keystore v3 (Web3 Secret Storage) decryption.
//!
//! Written here over RustCrypto's `scrypt`, `pbkdf2`, `aes` and `ctr` rather than taken from
//! `eth-keystore` 0.5 (what alloy's `keystore` feature uses) because that crate only reads from a
//! file path (keys also come from environment variables here), leaves the derived key and the
//! plaintext unzeroized, and panics on a short `iv` or a `dklen` under 32: hostile input must give
//! a typed error, never a panic.

use aes::cipher::{KeyIvInit, StreamCipher};
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::KeyError;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Upper bound on scrypt memory (128 · r · n bytes): 1 GiB, four times geth's "standard" setting.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// Upper bound on PBKDF2 iterations.
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

#[derive(Deserialize)]
struct KeystoreFile {
    #[serde(alias = "Crypto")]
    crypto: Crypto,
    version: Option<u64>,
    address: Option<String>,
}

#[derive(Deserialize)]
struct Crypto {
    cipher: String,
    cipherparams: CipherParams,
    ciphertext: String,
    kdf: String,
    kdfparams: serde_json::Value,
    mac: String,
}

#[derive(Deserialize)]
struct CipherParams {
    iv: String,
}

#[derive(Deserialize)]
struct ScryptParams {
    dklen: u32,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
}

#[derive(Deserialize)]
struct Pbkdf2Params {
    dklen: u32,
    c: u32,
    prf: String,
    salt: String,
}

fn bad(reason: &str) -> KeyError {
    KeyError::Keystore(reason.to_owned())
}

fn unhex(field: &'static str, text: &str) -> Result<Vec<u8>, KeyError> {
    hex::decode(text.strip_prefix("0x").unwrap_or(text))
        .map_err(|_| KeyError::Keystore(format!("`{field}` is not hex")))
}

/// Whether `text` is a JSON object shaped like a keystore (has a `crypto` / `Crypto` member).
pub(crate) fn looks_like_keystore(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.starts_with('{') && (text.contains("\"crypto\"") || text.contains("\"Crypto\""))
}

/// Decrypts a keystore v3 JSON document; returns the 32-byte private key and the address the
/// file declares, if any (the caller checks it against the key).
pub(crate) fn decrypt(
    json: &str,
    password: &[u8],
) -> Result<(Zeroizing<[u8; 32]>, Option<String>), KeyError> {
    let file: KeystoreFile = serde_json::from_str(json)
        // serde_json's message can quote the input; only its position is reported.
        .map_err(|e| {
            KeyError::Keystore(format!(
                "not keystore v3 JSON (at line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
    if file.version.is_some_and(|v| v != 3) {
        return Err(bad("only version 3 is supported"));
    }
    let crypto = file.crypto;
    if crypto.cipher != "aes-128-ctr" {
        return Err(bad("only the aes-128-ctr cipher is supported"));
    }
    let iv = unhex("iv", &crypto.cipherparams.iv)?;
    let ciphertext = unhex("ciphertext", &crypto.ciphertext)?;
    let mac = unhex("mac", &crypto.mac)?;
    if iv.len() != 16 {
        return Err(bad("`iv` must be 16 bytes"));
    }
    if ciphertext.len() != 32 {
        return Err(bad(
            "`ciphertext` must be 32 bytes (a secp256k1 private key)",
        ));
    }
    if mac.len() != 32 {
        return Err(bad("`mac` must be 32 bytes"));
    }

    let mut derived = Zeroizing::new([0u8; 32]);
    match crypto.kdf.as_str() {
        "scrypt" => {
            let params: ScryptParams = serde_json::from_value(crypto.kdfparams)
                .map_err(|_| bad("scrypt `kdfparams` need dklen, n, r, p and salt"))?;
            if params.dklen != 32 {
                return Err(bad("`dklen` must be 32"));
            }
            if !params.n.is_power_of_two() || params.n < 2 {
                return Err(bad("scrypt `n` must be a power of two"));
            }
            let memory = 128u64
                .saturating_mul(params.r as u64)
                .saturating_mul(params.n);
            if memory > MAX_SCRYPT_MEMORY || params.p == 0 || params.p > 16 || params.r == 0 {
                return Err(bad("scrypt parameters are out of the supported range"));
            }
            let salt = unhex("salt", &params.salt)?;
            let log_n = params.n.trailing_zeros() as u8;
            let scrypt_params = scrypt::Params::new(log_n, params.r, params.p, 32)
                .map_err(|_| bad("scrypt parameters are invalid"))?;
            scrypt::scrypt(password, &salt, &scrypt_params, derived.as_mut_slice())
                .map_err(|_| bad("scrypt parameters are invalid"))?;
        }
        "pbkdf2" => {
            let params: Pbkdf2Params = serde_json::from_value(crypto.kdfparams)
                .map_err(|_| bad("pbkdf2 `kdfparams` need dklen, c, prf and salt"))?;
            if params.dklen != 32 {
                return Err(bad("`dklen` must be 32"));
            }
            if params.prf != "hmac-sha256" {
                return Err(bad("only the hmac-sha256 PRF is supported"));
            }
            if params.c == 0 || params.c > MAX_PBKDF2_ROUNDS {
                return Err(bad("pbkdf2 iteration count is out of the supported range"));
            }
            let salt = unhex("salt", &params.salt)?;
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, params.c, derived.as_mut_slice());
        }
        _ => return Err(bad("only the scrypt and pbkdf2 KDFs are supported")),
    }

    let mut hasher = alloy_primitives::Keccak256::new();
    hasher.update(&derived[16..32]);
    hasher.update(&ciphertext);
    let expected_mac = hasher.finalize();
    if expected_mac.as_slice() != mac.as_slice() {
        return Err(KeyError::WrongPassword);
    }

    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&ciphertext);
    let mut cipher = Aes128Ctr::new_from_slices(&derived[..16], &iv)
        .map_err(|_| bad("`iv` must be 16 bytes"))?;
    cipher.apply_keystream(key.as_mut_slice());
    Ok((key, file.address))
}
