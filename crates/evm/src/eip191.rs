//! EIP-191 version 0x45 ("personal_sign"): the message hash, and [`Eip191`], the EVM chain's
//! facts for the secp256k1 signers (digest, `eip155` accounts, 0x-hex key files).

use chainsig_core::{AccountId, CaipError, ChainId, SignatureScheme};

use crate::message::{Secp256k1Chain, Secp256k1Message};
use crate::secp256k1::prefixed_keccak;

/// keccak256(`"\x19Ethereum Signed Message:\n"` ‖ decimal byte length ‖ message).
///
/// The message is hashed in place (no prefixed copy), so a 64 KiB challenge costs one pass.
///
/// ```
/// let hash = chainsig_evm::eip191_hash(b"hello");
/// assert_eq!(
///     hex::encode(hash),
///     "50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750"
/// );
/// ```
pub fn eip191_hash(message: &[u8]) -> [u8; 32] {
    prefixed_keccak(b"\x19Ethereum Signed Message:\n", message)
}

/// EIP-191 `personal_sign` over `eip155` accounts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Eip191;

impl Secp256k1Message for Eip191 {
    const SCHEME: SignatureScheme = SignatureScheme::Eip191Secp256k1;

    fn digest(message: &[u8]) -> [u8; 32] {
        eip191_hash(message)
    }

    fn key_hash(account: &AccountId) -> Result<[u8; 20], CaipError> {
        account
            .evm_address()
            .ok_or_else(|| CaipError::WrongNamespace {
                expected: "eip155",
                found: account.chain().to_string(),
            })
    }
}

impl Secp256k1Chain for Eip191 {
    const NAME: &'static str = "EVM";
    const SIGNER_NAME: &'static str = "LocalEvmSigner";
    const KEY_FILE: &'static str = "an EVM key (0x-hex private key or keystore v3 JSON)";
    const HEX_PREFIX: bool = true;

    fn default_chain() -> ChainId {
        ChainId::eip155(1)
    }

    fn account(chain: ChainId, key_hash: [u8; 20]) -> Result<AccountId, CaipError> {
        AccountId::from_evm_address(chain, key_hash)
    }

    /// 40 hex digits, with or without `0x`, in any case (what every keystore tool writes).
    fn address_hash(text: &str) -> Option<[u8; 20]> {
        let text = text.trim();
        let digits = text.strip_prefix("0x").unwrap_or(text);
        let mut hash = [0u8; 20];
        hex::decode_to_slice(digits, &mut hash).ok()?;
        Some(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_alloy(message in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(eip191_hash(&message), alloy_primitives::eip191_hash_message(&message).0);
        }
    }
}
