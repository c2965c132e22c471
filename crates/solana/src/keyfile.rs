//! Solana key file formats: the solana-keygen JSON array and the base58 keypair (Phantom export),
//! and recognition of other chains' keys pasted in their place.
//!
//! Parsing writes the key straight into a zeroized buffer: no intermediate `Vec` of numbers or
//! `serde_json::Value` ever holds the key.

use std::fmt::Write as _;

use zeroize::{Zeroize, Zeroizing};

use crate::KeyError;

/// Length of a Solana keypair: the 32-byte seed followed by the 32-byte public key.
pub(crate) const KEYPAIR_LEN: usize = 64;

/// Parses a solana-keygen key file: a JSON array of 64 integers in `0..=255`.
pub(crate) fn parse_keypair_json(json: &str) -> Result<Zeroizing<[u8; KEYPAIR_LEN]>, KeyError> {
    let text = json.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if text.starts_with('{') {
        return Err(json_object_error(text));
    }
    if !text.starts_with('[')
        && let Some(looks_like) = looks_like_other_key(text)
    {
        return Err(KeyError::LooksLikeOtherKey { looks_like });
    }
    JsonArray::new(text.as_bytes()).parse()
}

/// Parses the base58 encoding of a 64-byte keypair (what Phantom and Solflare export).
pub(crate) fn parse_base58_keypair(text: &str) -> Result<Zeroizing<[u8; KEYPAIR_LEN]>, KeyError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    if let Some(looks_like) = looks_like_other_key(text) {
        return Err(KeyError::LooksLikeOtherKey { looks_like });
    }
    // Base58 never decodes to more bytes than it has characters.
    let mut decoded = Zeroizing::new(vec![0u8; text.len()]);
    let len = bs58::decode(text)
        .onto(&mut decoded[..])
        .map_err(|err| KeyError::InvalidBase58 {
            reason: match err {
                bs58::decode::Error::InvalidCharacter { index, .. } => {
                    format!("the character at position {index} is not in the base58 alphabet")
                }
                bs58::decode::Error::NonAsciiCharacter { index } => {
                    format!("the character at position {index} is not ASCII")
                }
                _ => "it could not be decoded".to_owned(),
            },
        })?;
    if len != KEYPAIR_LEN {
        return Err(KeyError::WrongLength {
            found: len,
            expected: KEYPAIR_LEN,
        });
    }
    let mut out = Zeroizing::new([0u8; KEYPAIR_LEN]);
    out.copy_from_slice(&decoded[..KEYPAIR_LEN]);
    Ok(out)
}

/// Parses either format, telling them apart by the first character.
pub(crate) fn parse_key_file(text: &str) -> Result<Zeroizing<[u8; KEYPAIR_LEN]>, KeyError> {
    let text = text.trim();
    match text.as_bytes().first() {
        None => Err(KeyError::Empty),
        Some(b'[' | b'{') => parse_keypair_json(text),
        Some(_) => parse_base58_keypair(text),
    }
}

/// The solana-keygen JSON form of a keypair: `[n,n,…]` without spaces.
pub(crate) fn keypair_to_json(keypair: &[u8; KEYPAIR_LEN]) -> Zeroizing<String> {
    // Sized for the longest output, so the buffer is never reallocated (and never leaves an
    // unzeroized copy behind).
    let mut out = Zeroizing::new(String::with_capacity(2 + KEYPAIR_LEN * 4));
    out.push('[');
    for (i, byte) in keypair.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte}");
    }
    out.push(']');
    out
}

/// A JSON object in place of a key: an Ethereum keystore, or something else.
fn json_object_error(text: &str) -> KeyError {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text)
        && (map.contains_key("crypto") || map.contains_key("Crypto"))
    {
        return KeyError::LooksLikeOtherKey {
            looks_like: "an Ethereum keystore v3 file (encrypted JSON)",
        };
    }
    KeyError::MalformedJson {
        offset: 0,
        expected: "`[` opening an array of 64 numbers, not a JSON object",
    }
}

/// Recognizes the keys people most often paste where a Solana key belongs.
fn looks_like_other_key(text: &str) -> Option<&'static str> {
    let hex_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(digits) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        if hex_digits(digits) {
            return Some(match digits.len() {
                64 => "an EVM private key (0x + 64 hex digits)",
                128 => "a hex-encoded 64-byte key (0x + 128 hex digits)",
                _ => "a hex string (0x + hex digits)",
            });
        }
        return None;
    }
    if hex_digits(text) {
        match text.len() {
            64 => {
                return Some(
                    "a hex-encoded 32-byte private key (an EVM key, or a raw ed25519 seed: load \
                     a seed with `from_seed`)",
                );
            }
            128 => return Some("a hex-encoded 64-byte keypair"),
            _ => {}
        }
    }
    if text.starts_with("-----BEGIN") {
        return Some("a PEM-encoded key");
    }
    if ["xprv", "tprv", "yprv", "zprv"]
        .iter()
        .any(|p| text.starts_with(p))
        && text.len() > 100
    {
        return Some("a BIP-32 extended private key (xprv…)");
    }
    let words = text.split_whitespace().count();
    if words >= 12
        && text
            .split_whitespace()
            .all(|w| w.chars().all(char::is_alphabetic))
    {
        return Some("a BIP-39 mnemonic phrase (load it with `from_mnemonic`)");
    }
    None
}

/// A parser for exactly `[ int, int, … ]` that writes bytes into a zeroized buffer.
struct JsonArray<'a> {
    input: &'a [u8],
    pos: usize,
}

impl<'a> JsonArray<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self { input, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn malformed(&self, expected: &'static str) -> KeyError {
        KeyError::MalformedJson {
            offset: self.pos,
            expected,
        }
    }

    fn parse(mut self) -> Result<Zeroizing<[u8; KEYPAIR_LEN]>, KeyError> {
        let mut out = Zeroizing::new([0u8; KEYPAIR_LEN]);
        self.skip_whitespace();
        if self.peek() != Some(b'[') {
            return Err(self.malformed("`[`"));
        }
        self.pos += 1;
        self.skip_whitespace();
        let mut count = 0usize;
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.skip_whitespace();
                let value = self.number(count)?;
                if let Some(slot) = out.get_mut(count) {
                    *slot = value;
                }
                count += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.malformed("`,` or `]`")),
                }
            }
        }
        self.skip_whitespace();
        if self.pos != self.input.len() {
            return Err(self.malformed("the end of the input after `]`"));
        }
        if count != KEYPAIR_LEN {
            return Err(KeyError::WrongLength {
                found: count,
                expected: KEYPAIR_LEN,
            });
        }
        Ok(out)
    }

    /// One JSON number (RFC 8259 grammar); anything but an integer in 0..=255 is out of range.
    fn number(&mut self, index: usize) -> Result<u8, KeyError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let first = self.pos;
        // Saturates at 256, out of range either way.
        let mut value: u16 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            value = (value * 10 + u16::from(digit - b'0')).min(256);
            self.pos += 1;
        }
        let digits = self.pos - first;
        if digits == 0 {
            return Err(self.malformed("a number"));
        }
        if digits > 1 && self.input.get(first) == Some(&b'0') {
            self.pos = first;
            return Err(self.malformed("a number without leading zeros"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.pos += 1;
            self.digits("a digit after `.`")?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            integer = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits("a digit in the exponent")?;
        }
        let result = if integer && (!negative || value == 0) {
            u8::try_from(value).map_err(|_| KeyError::ByteOutOfRange { index })
        } else {
            Err(KeyError::ByteOutOfRange { index })
        };
        value.zeroize();
        result
    }

    fn digits(&mut self, expected: &'static str) -> Result<(), KeyError> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.malformed(expected));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keypair() -> [u8; 64] {
        std::array::from_fn(|i| (i * 37 % 256) as u8)
    }

    #[test]
    fn json_round_trip_and_whitespace() {
        let kp = keypair();
        let json = keypair_to_json(&kp);
        assert!(!json.contains(' '));
        assert_eq!(*parse_keypair_json(&json).unwrap(), kp);
        let spaced = format!("\n [ {} ] \n", kp.map(|b| b.to_string()).join(" ,\n\t"));
        assert_eq!(*parse_keypair_json(&spaced).unwrap(), kp);
        assert_eq!(*parse_key_file(&spaced).unwrap(), kp);
    }

    #[test]
    fn json_errors() {
        let body = |items: &str| format!("[{items}]");
        let ones = |n: usize| vec!["1"; n].join(",");
        assert_eq!(
            parse_keypair_json(&body(&ones(63))),
            Err(KeyError::WrongLength {
                found: 63,
                expected: 64
            })
        );
        assert_eq!(
            parse_keypair_json("[]"),
            Err(KeyError::WrongLength {
                found: 0,
                expected: 64
            })
        );
        for (bad, index) in [
            ("256", 5),
            ("-1", 5),
            ("1.5", 5),
            ("1e2", 5),
            ("99999999", 5),
        ] {
            let mut items = vec!["1"; 64];
            items[index] = bad;
            assert_eq!(
                parse_keypair_json(&body(&items.join(","))),
                Err(KeyError::ByteOutOfRange { index }),
                "{bad}"
            );
        }
        // -0 is 0, as JSON says.
        let mut items = vec!["1"; 64];
        items[0] = "-0";
        assert_eq!(parse_keypair_json(&body(&items.join(","))).unwrap()[0], 0);
        for bad in [
            "[1,2", "[1,,2]", "[1 2]", "[01]", "[\"1\"]", "[1,]", "[1]x", "(1)", "[1.]", "[true]",
        ] {
            assert!(
                matches!(parse_keypair_json(bad), Err(KeyError::MalformedJson { .. })),
                "{bad}: {:?}",
                parse_keypair_json(bad)
            );
        }
        assert_eq!(parse_keypair_json("  "), Err(KeyError::Empty));
    }

    #[test]
    fn base58_errors() {
        let kp = keypair();
        let text = bs58::encode(kp).into_string();
        assert_eq!(*parse_base58_keypair(&format!(" {text}\n")).unwrap(), kp);
        assert_eq!(
            parse_base58_keypair(&bs58::encode(&kp[..32]).into_string()),
            Err(KeyError::WrongLength {
                found: 32,
                expected: 64
            })
        );
        assert!(matches!(
            parse_base58_keypair(&format!("{}0{}", &text[..10], &text[10..])),
            Err(KeyError::InvalidBase58 { .. })
        ));
        assert!(matches!(
            parse_base58_keypair("abcé"),
            Err(KeyError::InvalidBase58 { .. })
        ));
    }

    #[test]
    fn other_keys_are_named() {
        let evm = "0x4f9759151b8349f84e1cdbea801eaa5538d1037caf3450be938cd6ce6d483cdd";
        for (input, what) in [
            (evm, "EVM private key"),
            (&evm[2..], "32-byte private key"),
            (
                "-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----",
                "PEM",
            ),
            (
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
                "mnemonic",
            ),
            (
                r#"{"version":3,"id":"x","address":"ab","crypto":{"cipher":"aes-128-ctr"}}"#,
                "keystore",
            ),
        ] {
            match parse_key_file(input) {
                Err(err @ KeyError::LooksLikeOtherKey { .. }) => {
                    assert!(err.to_string().contains(what), "{err}");
                    assert!(err.to_string().contains("solana-keygen JSON array"));
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        assert!(matches!(
            parse_keypair_json(r#"{"a":1}"#),
            Err(KeyError::MalformedJson { .. })
        ));
    }
}
