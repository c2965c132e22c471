//! Tron's entry in the chain registry: networks, addresses, verification and key files.

use std::sync::Arc;

use chainsig_core::{AccountId, CaipError, Chain, ChainId, ChainInfo, SignatureScheme};
use chainsig_core::{KeyLoadError, KeyLoadResult, KeyLoader, KeyOptions, NewKey};

use crate::address::TronAddress;
use crate::local::{LocalTronSigner, account_on};
use crate::network::{TRON_NAMESPACE, TronNetwork};

/// The `tron` namespace for a [`ChainRegistry`](chainsig_core::ChainRegistry): shorthand `tron`
/// (mainnet), networks mainnet/Shasta/Nile only, base58check or `41…` hex addresses, TIP-191
/// verification, hex and keystore v3 key files.
///
/// ```
/// use chainsig_core::ChainRegistry;
/// use chainsig_tron::TronChain;
///
/// let registry = ChainRegistry::new().with(TronChain);
/// assert_eq!(registry.parse_chain("tron")?.to_string(), "tron:27Lqcw");
/// let account = registry.parse_account("tron:4oPwXB:4122d41d615bfc78101d4ac3527f9647de693294a9")?;
/// assert_eq!(account.to_string(), "tron:4oPwXB:TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4");
/// assert!(registry.parse_chain("tron:abcdef").is_err());
/// # Ok::<(), chainsig_core::RegistryError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TronChain;

impl Chain for TronChain {
    fn info(&self) -> ChainInfo {
        ChainInfo {
            namespace: TRON_NAMESPACE,
            shorthand: "tron",
            siwx_name: "Tron",
            scheme: SignatureScheme::Tip191Secp256k1,
            verify: crate::verify,
        }
    }

    fn default_chain(&self) -> ChainId {
        TronNetwork::Mainnet.chain_id()
    }

    fn check_chain(&self, chain: &ChainId) -> Result<(), CaipError> {
        TronNetwork::from_chain(chain).map(|_| ())
    }

    fn account(&self, chain: &ChainId, address: &str) -> Result<AccountId, CaipError> {
        let network = TronNetwork::from_chain(chain)?;
        Ok(account_on(network, &TronAddress::parse(address)?))
    }

    fn derived_account(&self, chain: &ChainId, seed: &[u8]) -> Result<AccountId, CaipError> {
        let network = TronNetwork::from_chain(chain)?;
        let hash = alloy_primitives::keccak256(seed);
        let mut address = [0u8; 20];
        address.copy_from_slice(&hash[12..]);
        Ok(account_on(network, &TronAddress::from_hash(address)))
    }

    fn address_forms(&self, account: &AccountId) -> Vec<(&'static str, String)> {
        TronAddress::parse(account.address())
            .map(|a| vec![("addressHex", a.to_hex())])
            .unwrap_or_default()
    }

    fn keys(&self) -> Option<&dyn KeyLoader> {
        Some(self)
    }
}

impl KeyLoader for TronChain {
    fn load(&self, chain: &ChainId, text: &str, options: KeyOptions<'_>) -> KeyLoadResult {
        let network = TronNetwork::from_chain(chain)?;
        let signer = LocalTronSigner::from_key_file_contents(text, options.password)
            .map_err(KeyLoadError::from)?
            .with_network(network);
        Ok(Arc::new(signer))
    }

    fn generate(&self, chain: &ChainId) -> Result<NewKey, KeyLoadError> {
        let network = TronNetwork::from_chain(chain)?;
        let signer = LocalTronSigner::random().with_network(network);
        let text = signer.to_hex();
        Ok(NewKey::new(Arc::new(signer), &text))
    }

    fn key_file_hint(&self) -> &'static str {
        "a Tron key file holds the private key as 64 hex digits (TronLink's export), or keystore v3 JSON"
    }
}
