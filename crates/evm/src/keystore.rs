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

// Caps on the key derivation a keystore may ask for, at what wallets write. The file is read
// before its password is checked: without them, a hostile keystore makes `sign --password-env`
// run scrypt with 1 GiB and p = 16 (about 45 s) before the MAC says no.
//
// scrypt, as written by
// - geth (`keystore.StandardScryptN/P`): n = 2^18, r = 8, p = 1; its "light" setting n = 2^12,
//   r = 8, p = 6;
// - eth-account / eth-keyfile (Python), ethereumjs-wallet (MetaMask's export): n = 2^18, r = 8,
//   p = 1; ethers.js: n = 2^17, r = 8, p = 1; web3.js: n = 2^13, r = 8, p = 1;
// - nim-eth (Nimbus, Status): n = 2^18, r = 1, p = 8.
// Each parameter is capped at the largest of these, and their product n·r·p (the work, in units
// of 128-byte block mixes) at geth's standard 2^21 (about 256 MiB of mixing; memory is at most
// 128·r·n = 256 MiB).
/// Largest scrypt `n` accepted.
const MAX_SCRYPT_N: u64 = 1 << 18;
/// Largest scrypt `r` accepted.
const MAX_SCRYPT_R: u32 = 8;
/// Largest scrypt `p` accepted.
const MAX_SCRYPT_P: u32 = 8;
/// Largest scrypt n·r·p accepted.
const MAX_SCRYPT_WORK: u64 = 1 << 21;
const SCRYPT_ALLOWED: &str = "n a power of two up to 262144, r up to 8, p up to 8, and n·r·p up to \
    2097152 (geth writes n=262144 r=8 p=1, its light setting n=4096 r=8 p=6, Nimbus n=262144 r=1 p=8)";
// PBKDF2-HMAC-SHA256 iterations, as written by geth's and web3.js' pbkdf2 option and
// ethereumjs-wallet: 262144; eth-keyfile and nim-eth: 1000000. Capped at 2^20.
/// Largest PBKDF2 iteration count accepted.
const MAX_PBKDF2_ROUNDS: u32 = 1 << 20;
const PBKDF2_ALLOWED: &str =
    "c from 1 to 1048576 (wallets write 262144, eth-keyfile and Nimbus 1000000)";

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

/// Refuses scrypt parameters over what wallets write (`n` is already a power of two, `r` and `p`
/// at least 1).
fn check_scrypt_cost(n: u64, r: u32, p: u32) -> Result<(), KeyError> {
    let work = n.saturating_mul(u64::from(r)).saturating_mul(u64::from(p));
    if n > MAX_SCRYPT_N || r > MAX_SCRYPT_R || p > MAX_SCRYPT_P || work > MAX_SCRYPT_WORK {
        return Err(KeyError::KdfTooCostly {
            kdf: "scrypt",
            found: format!("n={n} r={r} p={p}"),
            allowed: SCRYPT_ALLOWED,
        });
    }
    Ok(())
}

/// Refuses a PBKDF2 iteration count over what wallets write.
fn check_pbkdf2_cost(c: u32) -> Result<(), KeyError> {
    if c > MAX_PBKDF2_ROUNDS {
        return Err(KeyError::KdfTooCostly {
            kdf: "pbkdf2",
            found: format!("c={c}"),
            allowed: PBKDF2_ALLOWED,
        });
    }
    Ok(())
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
            if params.p == 0 || params.r == 0 {
                return Err(bad("scrypt `r` and `p` must be at least 1"));
            }
            check_scrypt_cost(params.n, params.r, params.p)?;
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
            if params.c == 0 {
                return Err(bad("pbkdf2 `c` must be at least 1"));
            }
            check_pbkdf2_cost(params.c)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_wallets_write_passes_the_caps() {
        for (n, r, p) in [
            (1 << 18, 8, 1), // geth standard, eth-account, ethereumjs-wallet
            (1 << 12, 8, 6), // geth light
            (1 << 18, 1, 8), // nim-eth
            (1 << 17, 8, 1), // ethers.js
            (1 << 13, 8, 1), // web3.js
            (2, 1, 1),
        ] {
            assert!(check_scrypt_cost(n, r, p).is_ok(), "n={n} r={r} p={p}");
        }
        for c in [1, 262_144, 1_000_000, MAX_PBKDF2_ROUNDS] {
            assert!(check_pbkdf2_cost(c).is_ok(), "c={c}");
        }
    }

    #[test]
    fn one_step_over_any_cap_is_refused() {
        for (n, r, p) in [
            (1 << 19, 1, 1), // n
            (1 << 12, 9, 1), // r
            (1 << 12, 1, 9), // p
            (1 << 18, 8, 2), // the product, each within its own cap
            (1 << 18, 2, 8),
            (1 << 23, 8, 16), // the 1 GiB, p = 16
            (u64::MAX, u32::MAX, u32::MAX),
        ] {
            let err = check_scrypt_cost(n, r, p).unwrap_err();
            assert!(
                matches!(err, KeyError::KdfTooCostly { kdf: "scrypt", .. }),
                "n={n} r={r} p={p}: {err:?}"
            );
            assert!(err.to_string().contains("n=262144 r=8 p=1"), "{err}");
        }
        let err = check_pbkdf2_cost(MAX_PBKDF2_ROUNDS + 1).unwrap_err();
        assert!(matches!(err, KeyError::KdfTooCostly { kdf: "pbkdf2", .. }));
        assert!(err.to_string().contains("1048576"), "{err}");
    }
}
