//! TIP-191 (what TronWeb's `trx.signMessageV2` signs): the message hash, and [`Tip191`], Tron's
//! facts for evm's secp256k1 signers (digest, `tron` accounts, bare-hex key files).

use chainsig_core::{AccountId, CaipError, ChainId, SignatureScheme};
use chainsig_evm::secp256k1::prefixed_keccak;
use chainsig_evm::{Eip191, Secp256k1Chain, Secp256k1Message};

use crate::address::TronAddress;
use crate::local::account_on;
use crate::network::TronNetwork;

/// keccak256(`"\x19TRON Signed Message:\n"` ‖ decimal byte length ‖ message), as TronWeb 6's
/// `signMessageV2` hashes a message given as bytes.
///
/// ```
/// let hash = chainsig_tron::tip191_hash(b"hello");
/// assert_ne!(hash, chainsig_evm::eip191_hash(b"hello"));
/// ```
pub fn tip191_hash(message: &[u8]) -> [u8; 32] {
    prefixed_keccak(b"\x19TRON Signed Message:\n", message)
}

/// TIP-191 (TronWeb's `signMessageV2`) over `tron` accounts on a known network.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tip191;

impl Secp256k1Message for Tip191 {
    const SCHEME: SignatureScheme = SignatureScheme::Tip191Secp256k1;

    fn digest(message: &[u8]) -> [u8; 32] {
        tip191_hash(message)
    }

    fn key_hash(account: &AccountId) -> Result<[u8; 20], CaipError> {
        TronNetwork::from_chain(account.chain())?;
        Ok(*TronAddress::parse(account.address())?.hash())
    }
}

impl Secp256k1Chain for Tip191 {
    const NAME: &'static str = "Tron";
    const SIGNER_NAME: &'static str = "LocalTronSigner";
    const KEY_FILE: &'static str = "a Tron key (64 hex digits or keystore v3 JSON)";
    const HEX_PREFIX: bool = false;

    fn default_chain() -> ChainId {
        TronNetwork::Mainnet.chain_id()
    }

    fn account(chain: ChainId, key_hash: [u8; 20]) -> Result<AccountId, CaipError> {
        let network = TronNetwork::from_chain(&chain)?;
        Ok(account_on(network, &TronAddress::from_hash(key_hash)))
    }

    /// Base58check `T…`, hex `41…`, or the 20-byte hex an Ethereum tool writes.
    fn address_hash(text: &str) -> Option<[u8; 20]> {
        match TronAddress::parse(text) {
            Ok(address) => Some(*address.hash()),
            Err(_) => Eip191::address_hash(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_length_are_hashed_before_the_message() {
        let expected = alloy_primitives::keccak256(b"\x19TRON Signed Message:\n5hello");
        assert_eq!(tip191_hash(b"hello"), expected.0);
        let empty = alloy_primitives::keccak256(b"\x19TRON Signed Message:\n0");
        assert_eq!(tip191_hash(b""), empty.0);
    }
}
