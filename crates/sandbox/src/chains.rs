//! The chains the sandbox accepts customers on: one registry line each.

use std::sync::OnceLock;

use chainsig_core::ChainRegistry;

/// The sandbox's chain registry: what it verifies, which namespaces it refuses.
pub fn registry() -> &'static ChainRegistry {
    static REGISTRY: OnceLock<ChainRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        ChainRegistry::new()
            .with(chainsig_evm::EvmChain)
            .with(chainsig_solana::SolanaChain)
            .with(chainsig_tron::TronChain)
    })
}
