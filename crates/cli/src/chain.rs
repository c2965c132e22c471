//! `--chain`: a CAIP-2 id or a shorthand, resolved through the chain registry (the facade's
//! list of chains).

use std::sync::OnceLock;

use chainsig_core::{Chain, ChainId, ChainRegistry, RegistryError};

use crate::error::CliError;

/// The chains `chainsig` signs for: the facade's [`chainsig::chains`], every chain feature on.
pub(crate) fn registry() -> &'static ChainRegistry {
    static REGISTRY: OnceLock<ChainRegistry> = OnceLock::new();
    REGISTRY.get_or_init(chainsig::chains)
}

/// Parses `--chain`: a registered shorthand (`evm`, `solana`, `tron`) or a CAIP-2 id of a
/// registered namespace, checked by its chain (e.g. only the three Tron networks).
pub(crate) fn parse_chain(text: &str) -> Result<ChainId, ChainArgError> {
    registry().parse_chain(text).map_err(|e| match e {
        RegistryError::UnknownNamespace { namespace, .. } => ChainArgError::Unsupported(namespace),
        e => ChainArgError::Invalid(e.to_string()),
    })
}

/// The registry's entry for `chain` (already checked when it came from [`parse_chain`]).
pub(crate) fn chain_of(chain: &ChainId) -> Result<&'static dyn Chain, CliError> {
    registry()
        .for_chain(chain)
        .map_err(|e| CliError::input(e.to_string()))
}

/// Why a chain argument was refused.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ChainArgError {
    /// Neither a shorthand nor a valid CAIP-2 id of a registered namespace.
    #[error("{0}; or one of the shorthands {shorthands}", shorthands = registry().shorthands())]
    Invalid(String),
    /// A CAIP-2 id of a namespace chainsig does not sign for.
    #[error("unsupported chain namespace `{0}`: chainsig signs for {known}", known = registry().known())]
    Unsupported(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthands_ids_and_refusals() {
        for (text, expected) in [
            ("evm", "eip155:1"),
            ("solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"),
            ("tron", "tron:27Lqcw"),
            ("tron:6FhfKq", "tron:6FhfKq"),
            ("eip155:324", "eip155:324"),
        ] {
            assert_eq!(
                parse_chain(text).map(|c| c.to_string()).ok().as_deref(),
                Some(expected)
            );
        }
        let unknown = parse_chain("cosmos:cosmoshub-4").unwrap_err();
        assert!(matches!(unknown, ChainArgError::Unsupported(_)));
        assert!(
            unknown.to_string().contains("`eip155`, `solana`, `tron`"),
            "{unknown}"
        );
        let network = parse_chain("tron:2b6653dc").unwrap_err();
        assert!(matches!(network, ChainArgError::Invalid(_)));
        assert!(network.to_string().contains("27Lqcw"), "{network}");
        assert!(
            network.to_string().contains("`tron` (= tron:27Lqcw)"),
            "{network}"
        );
    }
}
