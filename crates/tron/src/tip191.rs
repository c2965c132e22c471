//! TIP-191 message hashing: what TronWeb's `trx.signMessageV2` signs.

use chainsig_evm::secp256k1::prefixed_keccak;

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
