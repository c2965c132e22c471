//! CAIP-2 chain ids and CAIP-10 account ids.
//!
//! OffBlocks names every on-chain party by a CAIP-10 id (`eip155:1:0xAb…`, `solana:5eykt…:7S3P…`).
//! Parsing validates EVM and Solana ids strictly here and every other namespace (Tron among them)
//! by the generic CAIP grammar; a chain's own rules (Tron's networks and base58check addresses)
//! apply through [`ChainRegistry::parse_account`](crate::ChainRegistry::parse_account). Errors
//! never echo the input (a user may paste a key where an address belongs): they say which part
//! was wrong and what was expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha3::{Digest, Keccak256};

use crate::error::CaipError;

/// Genesis-hash reference of Solana mainnet-beta (CAIP-2 `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`).
pub const SOLANA_MAINNET: &str = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
/// Genesis-hash reference of Solana devnet.
pub const SOLANA_DEVNET: &str = "EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
/// Genesis-hash reference of Solana testnet.
pub const SOLANA_TESTNET: &str = "4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z";

const EIP155: &str = "eip155";
const SOLANA: &str = "solana";

/// A CAIP-2 chain id: `namespace:reference`, e.g. `eip155:1` or `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`.
///
/// ```
/// use chainsig_core::ChainId;
///
/// let chain: ChainId = "eip155:324".parse()?;
/// assert_eq!(chain.namespace(), "eip155");
/// assert_eq!(chain.eip155_id(), Some(324));
/// assert_eq!(chain.to_string(), "eip155:324");
/// assert!("eip155:0x1".parse::<ChainId>().is_err());
/// # Ok::<(), chainsig_core::CaipError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChainId {
    namespace: String,
    reference: String,
}

impl ChainId {
    /// An EVM chain (`eip155:<id>`).
    pub fn eip155(id: u64) -> Self {
        Self {
            namespace: EIP155.to_owned(),
            reference: id.to_string(),
        }
    }

    /// Solana mainnet-beta (`solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`).
    pub fn solana_mainnet() -> Self {
        Self {
            namespace: SOLANA.to_owned(),
            reference: SOLANA_MAINNET.to_owned(),
        }
    }

    /// The namespace, e.g. `eip155` or `solana`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The reference, e.g. `1` or `5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Whether this is an EVM chain (`eip155` namespace).
    pub fn is_eip155(&self) -> bool {
        self.namespace == EIP155
    }

    /// Whether this is a Solana cluster (`solana` namespace).
    pub fn is_solana(&self) -> bool {
        self.namespace == SOLANA
    }

    /// The numeric EVM chain id, for `eip155` chains.
    pub fn eip155_id(&self) -> Option<u64> {
        if self.is_eip155() {
            self.reference.parse().ok()
        } else {
            None
        }
    }
}

impl FromStr for ChainId {
    type Err = CaipError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (namespace, reference) = s.split_once(':').ok_or(CaipError::Malformed {
            expected: "a CAIP-2 chain id `namespace:reference`, e.g. `eip155:1`",
        })?;
        validate_namespace(namespace)?;
        match namespace {
            EIP155 => {
                let valid = !reference.is_empty()
                    && reference.len() <= 20
                    && reference.bytes().all(|b| b.is_ascii_digit())
                    && !(reference.len() > 1 && reference.starts_with('0'))
                    && reference.parse::<u64>().is_ok();
                if !valid {
                    return Err(CaipError::InvalidReference {
                        namespace: EIP155,
                        expected: "a decimal chain id without leading zeros, e.g. `1` or `324`",
                    });
                }
            }
            SOLANA => {
                let valid = reference.len() == 32 && reference.bytes().all(is_base58_char);
                if !valid {
                    return Err(CaipError::InvalidReference {
                        namespace: SOLANA,
                        expected: "the first 32 base58 characters of the cluster's genesis hash, \
                                   e.g. `5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp` for mainnet",
                    });
                }
            }
            _ => {
                let valid = (1..=32).contains(&reference.len())
                    && reference
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                if !valid {
                    return Err(CaipError::InvalidReference {
                        namespace: "CAIP-2",
                        expected: "1 to 32 characters of [-_a-zA-Z0-9]",
                    });
                }
            }
        }
        Ok(Self {
            namespace: namespace.to_owned(),
            reference: reference.to_owned(),
        })
    }
}

impl fmt::Display for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.namespace, self.reference)
    }
}

impl fmt::Debug for ChainId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainId({self})")
    }
}

/// A CAIP-10 account id: `namespace:reference:address`.
///
/// EVM addresses are checked against their EIP-55 checksum when given in mixed case and are always
/// displayed checksummed; Solana addresses must be the base58 encoding of 32 bytes.
///
/// ```
/// use chainsig_core::AccountId;
///
/// let account: AccountId = "eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb".parse()?;
/// assert_eq!(account.to_string(), "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb");
/// assert_eq!(account.address(), "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb");
///
/// // A mixed-case address with a wrong checksum is refused.
/// assert!("eip155:1:0xAB16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".parse::<AccountId>().is_err());
/// # Ok::<(), chainsig_core::CaipError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId {
    chain: ChainId,
    address: String,
}

impl AccountId {
    /// Parses `address` for `chain` and builds the account id.
    pub fn new(chain: ChainId, address: &str) -> Result<Self, CaipError> {
        let address = match chain.namespace() {
            EIP155 => parse_evm_address(address)?,
            SOLANA => {
                parse_solana_address(address)?;
                address.to_owned()
            }
            _ => {
                let valid = (1..=128).contains(&address.len())
                    && address
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'%'));
                if !valid {
                    return Err(CaipError::InvalidAddress {
                        namespace: "CAIP-10",
                        expected: "1 to 128 characters of [-.%a-zA-Z0-9]",
                    });
                }
                address.to_owned()
            }
        };
        Ok(Self { chain, address })
    }

    /// The account of a 20-byte EVM address on an `eip155` chain.
    pub fn from_evm_address(chain: ChainId, address: [u8; 20]) -> Result<Self, CaipError> {
        if !chain.is_eip155() {
            return Err(CaipError::WrongNamespace {
                expected: EIP155,
                found: chain.to_string(),
            });
        }
        Ok(Self {
            chain,
            address: to_eip55(&address),
        })
    }

    /// The account of a 32-byte ed25519 public key on a `solana` cluster.
    pub fn from_solana_pubkey(chain: ChainId, pubkey: [u8; 32]) -> Result<Self, CaipError> {
        if !chain.is_solana() {
            return Err(CaipError::WrongNamespace {
                expected: SOLANA,
                found: chain.to_string(),
            });
        }
        Ok(Self {
            chain,
            address: bs58::encode(pubkey).into_string(),
        })
    }

    /// The chain this account lives on.
    pub fn chain(&self) -> &ChainId {
        &self.chain
    }

    /// The address in its canonical form: EIP-55 `0x…` for EVM, base58 for Solana.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The 20 address bytes of an EVM account.
    pub fn evm_address(&self) -> Option<[u8; 20]> {
        if !self.chain.is_eip155() {
            return None;
        }
        let mut out = [0u8; 20];
        hex::decode_to_slice(&self.address[2..], &mut out).ok()?;
        Some(out)
    }

    /// The 32 public-key bytes of a Solana account.
    pub fn solana_pubkey(&self) -> Option<[u8; 32]> {
        if !self.chain.is_solana() {
            return None;
        }
        parse_solana_address(&self.address).ok()
    }

    /// Whether `other` names the same address, ignoring the chain reference: an EVM key is the
    /// same account on every EVM chain, a Solana key on every cluster.
    pub fn same_address(&self, other: &AccountId) -> bool {
        self.chain.namespace == other.chain.namespace && self.address == other.address
    }
}

impl FromStr for AccountId {
    type Err = CaipError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (chain, address) = s.rsplit_once(':').ok_or(CaipError::Malformed {
            expected: "a CAIP-10 account id `namespace:reference:address`, e.g. `eip155:1:0xAb…`",
        })?;
        if !chain.contains(':') {
            return Err(CaipError::Malformed {
                expected: "a CAIP-10 account id `namespace:reference:address`, e.g. `eip155:1:0xAb…`",
            });
        }
        AccountId::new(chain.parse()?, address)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.chain, self.address)
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({self})")
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
string_serde!(ChainId);
string_serde!(AccountId);

/// EIP-55 mixed-case checksum encoding of a 20-byte address, `0x`-prefixed.
///
/// ```
/// let bytes = hex::decode("ab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb").unwrap();
/// let address: [u8; 20] = bytes.try_into().unwrap();
/// assert_eq!(chainsig_core::to_eip55(&address), "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb");
/// ```
pub fn to_eip55(address: &[u8; 20]) -> String {
    let lower = hex::encode(address);
    let hash = Keccak256::digest(lower.as_bytes());
    let mut out = String::with_capacity(42);
    out.push_str("0x");
    for (i, c) in lower.chars().enumerate() {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0x0f;
        out.push(if nibble >= 8 {
            c.to_ascii_uppercase()
        } else {
            c
        });
    }
    out
}

fn validate_namespace(namespace: &str) -> Result<(), CaipError> {
    let valid = (3..=8).contains(&namespace.len())
        && namespace
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(CaipError::InvalidNamespace {
            expected: "3 to 8 characters of [-a-z0-9], e.g. `eip155`",
        })
    }
}

fn parse_evm_address(address: &str) -> Result<String, CaipError> {
    let hex_part = address
        .strip_prefix("0x")
        .ok_or(CaipError::InvalidAddress {
            namespace: EIP155,
            expected: "`0x` followed by 40 hex digits",
        })?;
    let mut bytes = [0u8; 20];
    if hex_part.len() != 40 || hex::decode_to_slice(hex_part, &mut bytes).is_err() {
        return Err(CaipError::InvalidAddress {
            namespace: EIP155,
            expected: "`0x` followed by 40 hex digits",
        });
    }
    let checksummed = to_eip55(&bytes);
    let all_lower = !hex_part.bytes().any(|b| b.is_ascii_uppercase());
    let all_upper = !hex_part.bytes().any(|b| b.is_ascii_lowercase());
    if !all_lower && !all_upper && checksummed != address {
        return Err(CaipError::BadChecksum {
            expected: checksummed,
        });
    }
    Ok(checksummed)
}

fn parse_solana_address(address: &str) -> Result<[u8; 32], CaipError> {
    const EXPECTED: &str =
        "the base58 encoding of a 32-byte ed25519 public key (32 to 44 characters)";
    if !(32..=44).contains(&address.len()) {
        return Err(CaipError::InvalidAddress {
            namespace: SOLANA,
            expected: EXPECTED,
        });
    }
    let mut out = [0u8; 32];
    match bs58::decode(address).onto(&mut out) {
        Ok(32) => Ok(out),
        _ => Err(CaipError::InvalidAddress {
            namespace: SOLANA,
            expected: EXPECTED,
        }),
    }
}

fn is_base58_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() && !matches!(b, b'0' | b'O' | b'I' | b'l')
}

#[cfg(test)]
mod tests;
