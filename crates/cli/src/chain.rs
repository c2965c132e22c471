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
pub(crate) fn parse_chain(text: &str) -> Result<ChainId, String> {
    let chain = match text {
        "evm" => return Ok(ChainId::eip155(1)),
        "solana" => return Ok(ChainId::solana_mainnet()),
        other => other.parse::<ChainId>().map_err(|e| {
            format!("{e}; or one of the shorthands `evm` (= eip155:1) and `solana` (= mainnet)")
        })?,
    };
    if chain.is_eip155() || chain.is_solana() {
        Ok(chain)
    } else {
        Err(format!(
            "unsupported chain namespace `{}`: chainsig signs for `eip155` (EVM) and `solana` chains",
            chain.namespace()
        ))
    }
}

pub(crate) fn family(chain: &ChainId) -> Family {
    if chain.is_solana() {
        Family::Solana
    } else {
        Family::Evm
    }
}
