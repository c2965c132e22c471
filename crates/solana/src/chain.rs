//! The `solana` entry of the chain registry: Solana accounts, ed25519 verification and key files.

use std::sync::Arc;

use chainsig_core::{AccountId, CaipError, Chain, ChainId, ChainInfo, SignatureScheme};
use chainsig_core::{KeyLoadError, KeyLoadResult, KeyLoader, KeyOptions, NewKey};
use sha2::Digest as _;

use crate::error::KeyError;
use crate::local::LocalSolanaSigner;

/// The `solana` namespace for a [`ChainRegistry`](chainsig_core::ChainRegistry): shorthand
/// `solana` (mainnet-beta), base58 addresses, ed25519 `verify_strict`, solana-keygen and base58
/// key files (the transaction-shape guard stays on unless the options lift it).
///
/// ```
/// use chainsig_core::ChainRegistry;
/// use chainsig_solana::SolanaChain;
///
/// let registry = ChainRegistry::new().with(SolanaChain);
/// assert_eq!(
///     registry.parse_chain("solana")?.to_string(),
///     "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"
/// );
/// # Ok::<(), chainsig_core::RegistryError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SolanaChain;

impl Chain for SolanaChain {
    fn info(&self) -> ChainInfo {
        ChainInfo {
            namespace: "solana",
            shorthand: "solana",
            siwx_name: "Solana",
            scheme: SignatureScheme::Ed25519,
            verify: crate::verify,
        }
    }

    fn default_chain(&self) -> ChainId {
        ChainId::solana_mainnet()
    }

    fn derived_account(&self, chain: &ChainId, seed: &[u8]) -> Result<AccountId, CaipError> {
        let digest = sha2::Sha256::digest(seed);
        let mut key = [0u8; 32];
        key.copy_from_slice(&digest);
        AccountId::from_solana_pubkey(chain.clone(), key)
    }

    fn keys(&self) -> Option<&dyn KeyLoader> {
        Some(self)
    }
}

fn load_error(err: KeyError) -> KeyLoadError {
    match err {
        err @ KeyError::LooksLikeOtherKey { .. } => KeyLoadError::wrong_chain(err),
        err => KeyLoadError::invalid(err),
    }
}

impl KeyLoader for SolanaChain {
    fn load(&self, chain: &ChainId, text: &str, options: KeyOptions<'_>) -> KeyLoadResult {
        if options.password.is_some() {
            return Err(KeyLoadError::PasswordNotUsed {
                namespace: "solana",
            });
        }
        let signer = LocalSolanaSigner::from_key_file_contents(text)
            .and_then(|s| s.with_chain(chain.clone()))
            .map_err(load_error)?
            .allow_transaction_shaped(options.allow_transaction_shaped);
        Ok(Arc::new(signer))
    }

    fn generate(&self, chain: &ChainId) -> Result<NewKey, KeyLoadError> {
        let signer = LocalSolanaSigner::random()
            .with_chain(chain.clone())
            .map_err(load_error)?;
        let text = signer.to_keypair_json();
        Ok(NewKey::new(Arc::new(signer), &text))
    }

    fn key_file_hint(&self) -> &'static str {
        "a Solana key file is the JSON array that `solana-keygen new` writes"
    }
}
