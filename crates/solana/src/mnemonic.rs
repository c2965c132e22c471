//! BIP-39 mnemonics and SLIP-10 ed25519 derivation, as Solana wallets use them.
//!
//! Phantom, Solflare, Backpack and `solana-keygen recover 'prompt://?key=0/0'` derive a Solana
//! key from a mnemonic as the SLIP-10 ed25519 child at `m/44'/501'/<account>'/0'` of the BIP-39
//! seed. SLIP-10 ed25519 has hardened children only.
//!
//! Intermediate keys and chain codes live in zeroized buffers.

use coins_bip39::{English, Mnemonic, Wordlist};
use hmac::{Hmac, Mac};
use sha2::Sha512;
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

use crate::KeyError;

/// The path Solana wallets use for the first account: `m/44'/501'/0'/0'`.
pub(crate) const DEFAULT_PATH: &str = "m/44'/501'/0'/0'";

const HARDENED: u32 = 0x8000_0000;
const VALID_WORD_COUNTS: [usize; 5] = [12, 15, 18, 21, 24];

type HmacSha512 = Hmac<Sha512>;

/// The 64-byte BIP-39 seed of `phrase` and `passphrase` (both NFKD-normalized; the phrase's words
/// may be separated by any whitespace and in any letter case).
pub(crate) fn seed_from_mnemonic(
    phrase: &str,
    passphrase: &str,
) -> Result<Zeroizing<[u8; 64]>, KeyError> {
    let normalized = normalize_phrase(phrase);
    let words = normalized.split(' ').filter(|w| !w.is_empty()).count();
    if !VALID_WORD_COUNTS.contains(&words) {
        return Err(KeyError::BadMnemonic {
            reason: format!("expected 12, 15, 18, 21 or 24 words, found {words}"),
        });
    }
    if let Some(position) = normalized
        .split(' ')
        .position(|word| English::get_index(word).is_err())
    {
        return Err(KeyError::BadMnemonic {
            reason: format!(
                "word {} is not in the BIP-39 English word list",
                position + 1
            ),
        });
    }
    // coins-bip39's errors repeat the phrase: they are replaced, never shown.
    let mnemonic =
        Mnemonic::<English>::new_from_phrase(&normalized).map_err(|_| KeyError::BadMnemonic {
            reason: "the checksum does not match (a word is wrong or out of order)".into(),
        })?;
    let mut password = Zeroizing::new(String::with_capacity(passphrase.len() * 4));
    password.extend(passphrase.nfkd());
    let mut seed = mnemonic
        .to_seed(Some(&password))
        .map_err(|_| KeyError::BadMnemonic {
            reason: "the seed could not be computed".into(),
        })?;
    let out = Zeroizing::new(seed);
    seed.zeroize();
    Ok(out)
}

/// NFKD, lower case, words joined by single spaces.
fn normalize_phrase(phrase: &str) -> Zeroizing<String> {
    let mut nfkd = Zeroizing::new(String::with_capacity(phrase.len() * 4));
    nfkd.extend(phrase.nfkd());
    let mut out = Zeroizing::new(String::with_capacity(nfkd.len()));
    for word in nfkd.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Parses a SLIP-10 ed25519 path: `m` then hardened components (`44'`, `44h` or `44H`).
pub(crate) fn parse_path(path: &str) -> Result<Vec<u32>, KeyError> {
    let bad = |reason: String| KeyError::BadDerivationPath { reason };
    let mut parts = path.trim().split('/');
    if !matches!(parts.next(), Some("m" | "M")) {
        return Err(bad(format!(
            "a path starts with `m`, e.g. `{DEFAULT_PATH}`"
        )));
    }
    let mut indexes = Vec::new();
    for (n, part) in parts.enumerate() {
        let position = n + 1;
        let Some(digits) = part.strip_suffix(['\'', 'h', 'H']) else {
            return Err(bad(format!(
                "component {position} is not hardened: SLIP-10 ed25519 derives hardened \
                 children only, mark every component with `'` (e.g. `{DEFAULT_PATH}`)"
            )));
        };
        let index = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
            .filter(|&i| i < HARDENED)
            .ok_or_else(|| {
                bad(format!(
                    "component {position} is not a number below 2^31 followed by `'`"
                ))
            })?;
        indexes.push(index | HARDENED);
    }
    if indexes.len() > 255 {
        return Err(bad("a path has at most 255 components".into()));
    }
    Ok(indexes)
}

/// SLIP-10 ed25519: the private key (seed) at `path` (hardened indexes, top bit set) under `seed`.
pub(crate) fn derive_slip10(seed: &[u8], path: &[u32]) -> Zeroizing<[u8; 32]> {
    // `node` holds the key (first half) and the chain code (second half).
    let mut node = hmac_sha512(b"ed25519 seed", &[seed]);
    for &index in path {
        let (key, chain_code) = node.split_at(32);
        let child = hmac_sha512(chain_code, &[&[0u8], key, &index.to_be_bytes()]);
        node = child;
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&node[..32]);
    out
}

fn hmac_sha512(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 64]> {
    let mut mac = HmacSha512::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    let mut digest = mac.finalize().into_bytes();
    let mut out = Zeroizing::new([0u8; 64]);
    out.copy_from_slice(&digest);
    digest.as_mut_slice().zeroize();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SLIP-0010, test vector 1 for ed25519 (seed 000102030405060708090a0b0c0d0e0f): the private
    /// key at each path (cross-checked with an independent Python implementation).
    #[test]
    fn slip10_test_vector_1() {
        let seed = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        for (path, private) in [
            (
                "m",
                "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7",
            ),
            (
                "m/0'",
                "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3",
            ),
            (
                "m/0'/1'",
                "b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2",
            ),
            (
                "m/0H/1H/2H",
                "92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9",
            ),
            (
                "m/0'/1'/2'/2'",
                "30d1dc7e5fc04c31219ab25a27ae00b50f6fd66622f6e9c913253d6511d1e662",
            ),
            (
                "m/0h/1h/2h/2h/1000000000h",
                "8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793",
            ),
        ] {
            let key = derive_slip10(&seed, &parse_path(path).unwrap());
            assert_eq!(hex::encode(*key), private, "{path}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path(DEFAULT_PATH).unwrap(),
            vec![44 | HARDENED, 501 | HARDENED, HARDENED, HARDENED]
        );
        assert_eq!(parse_path("m").unwrap(), Vec::<u32>::new());
        for bad in [
            "",
            "44'/501'",
            "m/44'/501'/0'/0",
            "m/44'/501/0'",
            "m//0'",
            "m/'",
            "m/2147483648'",
            "m/-1'",
            "m/+1'",
            "m/0x1'",
            "m/44'/",
        ] {
            assert!(
                matches!(parse_path(bad), Err(KeyError::BadDerivationPath { .. })),
                "{bad}"
            );
        }
        assert!(parse_path("m/2147483647'").is_ok());
        let err = parse_path("m/44'/501'/0'/0").unwrap_err().to_string();
        assert!(err.contains("component 4 is not hardened"), "{err}");
    }

    #[test]
    fn mnemonic_errors_name_no_word() {
        let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                      abandon abandon about";
        assert!(seed_from_mnemonic(phrase, "").is_ok());
        // Case and whitespace do not matter.
        assert_eq!(
            *seed_from_mnemonic(
                &format!("  {}\n", phrase.to_uppercase().replace(' ', "\t ")),
                ""
            )
            .unwrap(),
            *seed_from_mnemonic(phrase, "").unwrap()
        );
        let cases = [
            (phrase.replacen("abandon ", "", 1), "found 11"),
            (phrase.replace("about", "zebraz"), "word 12 is not"),
            (phrase.replace("about", "abandon"), "checksum"),
        ];
        for (bad, expected) in cases {
            match seed_from_mnemonic(&bad, "") {
                Err(KeyError::BadMnemonic { reason }) => {
                    assert!(reason.contains(expected), "{reason}");
                    assert!(!reason.contains("zebraz") && !reason.contains("abandon"));
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
