//! Which chain each customer's wallet is on.

use chainsig_core::ChainId;

use crate::chain::registry;
use crate::cli::Wallets;

impl Wallets {
    /// The chain of customer `customer`'s wallet.
    pub(super) fn chain(&self, customer: usize) -> ChainId {
        match self {
            Wallets::One(chain) => chain.clone(),
            Wallets::Mixed => {
                let chains: Vec<_> = registry().chains().collect();
                chains[customer % chains.len()].default_chain()
            }
        }
    }
}
