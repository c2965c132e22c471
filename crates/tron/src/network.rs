//! The Tron networks OffBlocks names, and their CAIP-2 ids.

use std::fmt;

use chainsig_core::{CaipError, ChainId};

/// The CAIP-2 namespace of Tron chains.
pub const TRON_NAMESPACE: &str = "tron";

const EXPECTED_REFERENCE: &str =
    "`27Lqcw` (mainnet), `4oPwXB` (Shasta) or `6FhfKq` (Nile): base58 of the network's 4-byte id";

/// A Tron network. Its CAIP-2 reference is the base58 encoding of the network's 4-byte id.
///
/// ```
/// use chainsig_tron::TronNetwork;
///
/// let chain = TronNetwork::Mainnet.chain_id();
/// assert_eq!(chain.to_string(), "tron:27Lqcw");
/// assert_eq!(TronNetwork::from_chain(&chain)?, TronNetwork::Mainnet);
/// assert!(TronNetwork::from_chain(&"tron:abc".parse()?).is_err());
/// # Ok::<(), chainsig_core::CaipError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TronNetwork {
    /// Tron mainnet, `tron:27Lqcw` (id 0x2b6653dc).
    Mainnet,
    /// The Shasta testnet, `tron:4oPwXB` (id 0x94a9059e).
    Shasta,
    /// The Nile testnet, `tron:6FhfKq` (id 0xcd8690dc).
    Nile,
}

impl TronNetwork {
    /// Every network, mainnet first.
    pub const ALL: [TronNetwork; 3] =
        [TronNetwork::Mainnet, TronNetwork::Shasta, TronNetwork::Nile];

    /// The network's 4-byte id.
    pub const fn id(self) -> [u8; 4] {
        match self {
            TronNetwork::Mainnet => [0x2b, 0x66, 0x53, 0xdc],
            TronNetwork::Shasta => [0x94, 0xa9, 0x05, 0x9e],
            TronNetwork::Nile => [0xcd, 0x86, 0x90, 0xdc],
        }
    }

    /// The CAIP-2 reference (base58 of [`id`](Self::id)).
    pub const fn reference(self) -> &'static str {
        match self {
            TronNetwork::Mainnet => "27Lqcw",
            TronNetwork::Shasta => "4oPwXB",
            TronNetwork::Nile => "6FhfKq",
        }
    }

    /// The network's name.
    pub const fn name(self) -> &'static str {
        match self {
            TronNetwork::Mainnet => "mainnet",
            TronNetwork::Shasta => "Shasta",
            TronNetwork::Nile => "Nile",
        }
    }

    /// The CAIP-2 chain id, e.g. `tron:27Lqcw`.
    pub fn chain_id(self) -> ChainId {
        format!("{TRON_NAMESPACE}:{}", self.reference())
            .parse()
            .unwrap_or_else(|_| unreachable!("the Tron references are valid CAIP-2 references"))
    }

    /// The network of a CAIP-2 id; another namespace or an unknown reference is refused.
    pub fn from_chain(chain: &ChainId) -> Result<Self, CaipError> {
        if chain.namespace() != TRON_NAMESPACE {
            return Err(CaipError::WrongNamespace {
                expected: TRON_NAMESPACE,
                found: chain.to_string(),
            });
        }
        Self::ALL
            .into_iter()
            .find(|n| n.reference() == chain.reference())
            .ok_or(CaipError::InvalidReference {
                namespace: TRON_NAMESPACE,
                expected: EXPECTED_REFERENCE,
            })
    }
}

impl fmt::Display for TronNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_base58_of_the_network_ids() {
        for network in TronNetwork::ALL {
            assert_eq!(
                bs58::encode(network.id()).into_string(),
                network.reference()
            );
            assert_eq!(TronNetwork::from_chain(&network.chain_id()), Ok(network));
        }
    }

    #[test]
    fn networks_are_named() {
        let names: Vec<String> = TronNetwork::ALL.iter().map(|n| n.to_string()).collect();
        assert_eq!(names, ["mainnet", "Shasta", "Nile"]);
    }

    #[test]
    fn other_chains_are_refused_with_what_was_expected() {
        let other: ChainId = "tron:0x2b6653dc".parse().unwrap_or_else(|_| unreachable!());
        let err = TronNetwork::from_chain(&other).unwrap_err();
        assert!(err.to_string().contains("27Lqcw"), "{err}");
        assert!(matches!(
            TronNetwork::from_chain(&ChainId::eip155(1)),
            Err(CaipError::WrongNamespace {
                expected: "tron",
                ..
            })
        ));
    }
}
