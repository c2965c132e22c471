//! EIP-191 version 0x45 ("personal_sign") message hashing.

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
