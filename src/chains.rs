//! The chains this build of the facade supports, as one registry: one line per chain feature.

use chainsig_core::ChainRegistry;

/// A [`ChainRegistry`] of every chain whose feature is enabled (`evm`, `solana`, `tron`): find a
/// chain's verifier, key formats and address rules by CAIP-2 namespace.
///
/// ```
/// let chains = chainsig::chains();
/// let chain = chains.parse_chain("tron")?;
/// assert_eq!(chain.to_string(), "tron:27Lqcw");
/// assert!(chains.parse_chain("cosmos:cosmoshub-4").is_err());
/// # Ok::<(), chainsig::core::RegistryError>(())
/// ```
pub fn chains() -> ChainRegistry {
    let registry = ChainRegistry::new();
    #[cfg(feature = "evm")]
    let registry = registry.with(chainsig_evm::EvmChain);
    #[cfg(feature = "solana")]
    let registry = registry.with(chainsig_solana::SolanaChain);
    #[cfg(feature = "tron")]
    let registry = registry.with(chainsig_tron::TronChain);
    registry
}
