//! `LocalEvmSigner::from_key_file_contents` (0x-hex and keystore v3 JSON) on arbitrary text.
//!
//! Input: `password NUL text` (no NUL: empty password, all text). The crate accepts scrypt up to
//! 1 GiB and pbkdf2 up to 10 000 000 rounds, far too slow per fuzz input: inputs whose keystore
//! asks for scrypt `n * r > 2^10` (or `p > 1`) or pbkdf2 `c > 64` are skipped here, before the
//! call. The crate's own bounds (rejecting the huge ones) are tested in `crates/evm/tests`.
#![no_main]

use chainsig_evm::LocalEvmSigner;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Whether a keystore-looking input asks for a KDF cost this target refuses to pay.
fn too_costly(text: &str) -> bool {
    let Ok(json) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let Some(crypto) = json.get("crypto").or_else(|| json.get("Crypto")) else {
        return false;
    };
    let Some(params) = crypto.get("kdfparams") else {
        return false;
    };
    let num = |k: &str| params.get(k).and_then(Value::as_u64);
    // Any numeric field that is not a u64 (float, huge) is left to the crate's type check.
    let n = num("n").unwrap_or(0);
    let r = num("r").unwrap_or(0);
    let p = num("p").unwrap_or(0);
    let c = num("c").unwrap_or(0);
    n.saturating_mul(r) > 1 << 10 || p > 1 || c > 64
}

fuzz_target!(|data: &[u8]| {
    let (password, text) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&data[..0], data),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if too_costly(text) {
        return;
    }
    if let Ok(signer) = LocalEvmSigner::from_key_file_contents(text, Some(password)) {
        // The key round-trips through its hex form to the same address.
        let hex = signer.to_hex();
        let again = LocalEvmSigner::from_key_file_contents(&hex, None).expect("own hex loads");
        assert_eq!(again.address(), signer.address());
        // Loading is deterministic.
        let third =
            LocalEvmSigner::from_key_file_contents(text, Some(password)).expect("loads twice");
        assert_eq!(third.address(), signer.address());
    }
    // The hex form needs no password; with none, a keystore is refused, never decrypted.
    let _ = LocalEvmSigner::from_key_file_contents(text, None);
    if let Ok(signer) = LocalEvmSigner::from_hex(text) {
        let via_file =
            LocalEvmSigner::from_key_file_contents(text, None).expect("hex key file loads");
        assert_eq!(via_file.address(), signer.address());
    }
});
