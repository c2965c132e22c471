//! `--chain`: a CAIP-2 id or a shorthand.

use chainsig_core::ChainId;

/// The chains `chainsig` signs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Evm,
    Solana,
}

/// Parses `--chain`: `evm` (= `eip155:1`), `solana` (= Solana mainnet) or any `eip155:` /
/// `solana:` CAIP-2 id.
pub(crate) fn parse_chain(text: &str) -> Result<ChainId, ChainArgError> {
    let chain = match text {
        "evm" => return Ok(ChainId::eip155(1)),
        "solana" => return Ok(ChainId::solana_mainnet()),
        other => other
            .parse::<ChainId>()
            .map_err(|e| ChainArgError::Invalid(e.to_string()))?,
    };
    if chain.is_eip155() || chain.is_solana() {
        Ok(chain)
    } else {
        Err(ChainArgError::Unsupported(chain.namespace().to_owned()))
    }
}

/// Why a chain argument was refused.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ChainArgError {
    /// Neither a shorthand nor a CAIP-2 id.
    #[error("{0}; or one of the shorthands `evm` (= eip155:1) and `solana` (= mainnet)")]
    Invalid(String),
    /// A CAIP-2 id of a namespace chainsig does not sign for.
    #[error(
        "unsupported chain namespace `{0}`: chainsig signs for `eip155` (EVM) and `solana` chains"
    )]
    Unsupported(String),
}

pub(crate) fn family(chain: &ChainId) -> Family {
    if chain.is_solana() {
        Family::Solana
    } else {
        Family::Evm
    }
}
