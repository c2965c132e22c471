//! EIP-191 version 0x45 ("personal_sign") message hashing.

use alloy_primitives::Keccak256;

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
    let mut hasher = Keccak256::new();
    hasher.update(b"\x19Ethereum Signed Message:\n");
    let mut digits = [0u8; 20];
    hasher.update(decimal(message.len(), &mut digits));
    hasher.update(message);
    hasher.finalize().0
}

fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
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
