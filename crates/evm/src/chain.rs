//! The `eip155` entry of the chain registry: EVM accounts, EIP-191 verification and key files.

use std::sync::Arc;

use chainsig_core::{AccountId, CaipError, Chain, ChainId, ChainInfo, SignatureScheme};
use chainsig_core::{KeyLoadError, KeyLoadResult, KeyLoader, KeyOptions, NewKey};

use crate::error::KeyError;
use crate::local::LocalEvmSigner;

/// The `eip155` namespace for a [`ChainRegistry`](chainsig_core::ChainRegistry): shorthand `evm`
/// (`eip155:1`), every EVM chain id, EIP-55 addresses, EIP-191 verification, 0x-hex and keystore
/// v3 key files.
///
/// ```
/// use chainsig_core::ChainRegistry;
/// use chainsig_evm::EvmChain;
///
/// let registry = ChainRegistry::new().with(EvmChain);
/// assert_eq!(registry.parse_chain("evm")?.to_string(), "eip155:1");
/// assert!(registry.parse_chain("solana").is_err());
/// # Ok::<(), chainsig_core::RegistryError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EvmChain;

impl Chain for EvmChain {
    fn info(&self) -> ChainInfo {
        ChainInfo {
            namespace: "eip155",
            shorthand: "evm",
            siwx_name: "Ethereum",
            scheme: SignatureScheme::Eip191Secp256k1,
            verify: crate::verify,
        }
    }

    fn default_chain(&self) -> ChainId {
        ChainId::eip155(1)
    }

    fn derived_account(&self, chain: &ChainId, seed: &[u8]) -> Result<AccountId, CaipError> {
        let hash = alloy_primitives::keccak256(seed);
        let mut address = [0u8; 20];
        address.copy_from_slice(&hash[12..]);
        AccountId::from_evm_address(chain.clone(), address)
    }

    fn keys(&self) -> Option<&dyn KeyLoader> {
        Some(self)
    }
}

/// How the registry reports a secp256k1 key that did not load (EVM's and Tron's, which share
/// [`KeyError`]): a missing password and a key of another chain keep their own kinds.
impl From<KeyError> for KeyLoadError {
    fn from(err: KeyError) -> Self {
        match err {
            KeyError::PasswordRequired => KeyLoadError::PasswordRequired,
            KeyError::Caip(err) => KeyLoadError::Chain(err),
            err @ KeyError::WrongChain { .. } => KeyLoadError::wrong_chain(err),
            err => KeyLoadError::invalid(err),
        }
    }
}

impl KeyLoader for EvmChain {
    fn load(&self, chain: &ChainId, text: &str, options: KeyOptions<'_>) -> KeyLoadResult {
        let signer = LocalEvmSigner::from_key_file_contents(text, options.password)
            .and_then(|s| s.with_chain(chain.clone()))
            .map_err(KeyLoadError::from)?;
        Ok(Arc::new(signer))
    }

    fn generate(&self, chain: &ChainId) -> Result<NewKey, KeyLoadError> {
        let signer = LocalEvmSigner::random()
            .with_chain(chain.clone())
            .map_err(KeyLoadError::from)?;
        let text = signer.to_hex();
        Ok(NewKey::new(Arc::new(signer), &text))
    }

    fn key_file_hint(&self) -> &'static str {
        "an EVM key file holds the private key as 0x-hex (64 digits), or keystore v3 JSON"
    }
}
