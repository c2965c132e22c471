//! Tron addresses: base58check of `0x41` ‖ the last 20 bytes of keccak256(public key).

use std::fmt;
use std::str::FromStr;

use chainsig_evm::secp256k1::{VerifyingKey, keccak_address};

use crate::error::AddressError;

/// The version byte of Tron mainnet addresses (and of every network OffBlocks names).
const PREFIX: u8 = 0x41;

/// A Tron address: the 20-byte keccak hash of a secp256k1 public key, shown as base58check of
/// `0x41` ‖ hash (`T…`, 34 characters) or as hex (`41…`).
///
/// ```
/// use chainsig_tron::TronAddress;
///
/// let address: TronAddress = "TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4".parse()?;
/// assert_eq!(address.to_hex(), "4122d41d615bfc78101d4ac3527f9647de693294a9");
/// assert_eq!("4122d41d615bfc78101d4ac3527f9647de693294a9".parse::<TronAddress>()?, address);
/// assert!("TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje5".parse::<TronAddress>().is_err());
/// # Ok::<(), chainsig_tron::AddressError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TronAddress([u8; 20]);

impl TronAddress {
    /// The address of a 20-byte key hash (an EVM address's bytes).
    pub const fn from_hash(hash: [u8; 20]) -> Self {
        Self(hash)
    }

    /// The address of a public key.
    pub fn from_verifying_key(key: &VerifyingKey) -> Self {
        Self(keccak_address(key))
    }

    /// The 20-byte key hash (without the `0x41` prefix).
    pub const fn hash(&self) -> &[u8; 20] {
        &self.0
    }

    /// The 21 bytes `0x41` ‖ hash.
    pub fn to_bytes(&self) -> [u8; 21] {
        let mut out = [0u8; 21];
        out[0] = PREFIX;
        out[1..].copy_from_slice(&self.0);
        out
    }

    /// Base58check (`T…`, 34 characters): the canonical form, and the one in CAIP-10 ids.
    pub fn to_base58(&self) -> String {
        bs58::encode(self.to_bytes()).with_check().into_string()
    }

    /// Lower-case hex of the 21 bytes, `41…` (42 digits), as TronWeb's `address.toHex` prints.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Parses base58check `T…` or hex `41…` (42 digits, optionally `0x`-prefixed); an EVM
    /// address, a Solana address or a mistyped address is a typed error.
    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let text = text.trim();
        let digits = text.strip_prefix("0x").unwrap_or(text);
        if digits.len() == 42 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut bytes = [0u8; 21];
            hex::decode_to_slice(digits, &mut bytes).map_err(|_| AddressError::Malformed)?;
            return Self::from_payload(&bytes);
        }
        if text.starts_with("0x") && digits.len() == 40 {
            return Err(AddressError::EvmAddress);
        }
        if text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AddressError::EvmAddress);
        }
        let Ok(raw) = bs58::decode(text).into_vec() else {
            return Err(AddressError::Malformed);
        };
        match raw.len() {
            25 => {}
            32 => return Err(AddressError::SolanaAddress),
            _ => return Err(AddressError::Malformed),
        }
        let payload: [u8; 21] = bs58::decode(text)
            .with_check(None)
            .into_vec()
            .map_err(|_| AddressError::Checksum)?
            .try_into()
            .map_err(|_| AddressError::Malformed)?;
        Self::from_payload(&payload)
    }

    fn from_payload(payload: &[u8; 21]) -> Result<Self, AddressError> {
        if payload[0] != PREFIX {
            return Err(AddressError::Prefix);
        }
        let mut hash = [0u8; 20];
        hash.copy_from_slice(&payload[1..]);
        Ok(Self(hash))
    }
}

impl FromStr for TronAddress {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for TronAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl fmt::Debug for TronAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TronAddress({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BASE58: &str = "TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4";
    const HEX: &str = "4122d41d615bfc78101d4ac3527f9647de693294a9";

    #[test]
    fn both_spellings_parse_to_the_same_address() {
        let a = TronAddress::parse(BASE58).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.to_hex(), HEX);
        assert_eq!(a.to_base58(), BASE58);
        for text in [
            HEX,
            &format!("0x{HEX}"),
            &HEX.to_ascii_uppercase(),
            &format!(" {BASE58}\n"),
        ] {
            assert_eq!(TronAddress::parse(text), Ok(a), "{text}");
        }
    }

    #[test]
    fn each_wrong_input_gets_its_own_error() {
        let mut typo = BASE58.to_owned();
        typo.replace_range(33.., "5");
        assert_eq!(TronAddress::parse(&typo), Err(AddressError::Checksum));
        assert_eq!(
            TronAddress::parse("0x22d41d615bfc78101d4ac3527f9647de693294a9"),
            Err(AddressError::EvmAddress)
        );
        assert_eq!(
            TronAddress::parse("22d41d615bfc78101d4ac3527f9647de693294a9"),
            Err(AddressError::EvmAddress)
        );
        assert_eq!(
            TronAddress::parse("FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"),
            Err(AddressError::SolanaAddress)
        );
        // A valid base58check payload with another version byte (a Bitcoin address).
        assert_eq!(
            TronAddress::parse("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
            Err(AddressError::Prefix)
        );
        assert_eq!(
            TronAddress::parse("5122d41d615bfc78101d4ac3527f9647de693294a9"),
            Err(AddressError::Prefix)
        );
        // `0x` with a length that is neither an EVM nor a Tron hex address.
        let odd_hex = format!("0x{}", &HEX[..41]);
        for text in [
            "",
            "T",
            "0OIl",
            "T0000000000000000000000000000000000",
            "0x1234",
            &odd_hex,
        ] {
            assert_eq!(
                TronAddress::parse(text),
                Err(AddressError::Malformed),
                "{text:?}"
            );
        }
    }

    #[test]
    fn debug_and_display_show_the_base58_form() {
        let a = TronAddress::parse(HEX).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.to_string(), BASE58);
        assert_eq!(format!("{a:?}"), format!("TronAddress({BASE58})"));
    }

    proptest! {
        #[test]
        fn addresses_round_trip(hash in any::<[u8; 20]>()) {
            let a = TronAddress::from_hash(hash);
            let text = a.to_base58();
            prop_assert!(text.starts_with('T') && text.len() == 34);
            prop_assert_eq!(TronAddress::parse(&text), Ok(a));
            prop_assert_eq!(TronAddress::parse(&a.to_hex()), Ok(a));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,60}") {
            let _ = TronAddress::parse(&text);
        }
    }
}
