//! Property tests: whatever the key and the bytes, a signature verifies for its signer only.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme};
use chainsig_evm::{LocalEvmSigner, recover, verify};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_then_verify(key in any::<[u8; 32]>(), message in proptest::collection::vec(any::<u8>(), 1..2048)) {
        prop_assume!(LocalEvmSigner::from_bytes(&key).is_ok());
        let signer = LocalEvmSigner::from_bytes(&key).unwrap();
        let raw = signer.sign_message_sync(&message);
        prop_assert!(raw[64] == 27 || raw[64] == 28);
        let signature = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, raw).unwrap();
        let account: &AccountId = chainsig_core::ChallengeSigner::account(&signer);
        prop_assert!(verify(account, &message, &signature).is_ok());
        prop_assert_eq!(recover(&message, &raw).unwrap(), signer.address());

        let mut other = message.clone();
        other[0] ^= 1;
        prop_assert!(verify(account, &other, &signature).is_err());
    }

    #[test]
    fn hex_keys_round_trip(key in any::<[u8; 32]>()) {
        if let Ok(signer) = LocalEvmSigner::from_bytes(&key) {
            let again = LocalEvmSigner::from_hex(&signer.to_hex()).unwrap();
            prop_assert_eq!(again.address(), signer.address());
        }
    }

    #[test]
    fn key_parsing_never_panics(text in "\\PC{0,200}") {
        let _ = LocalEvmSigner::from_key_file_contents(&text, Some(b"pw"));
    }

    #[test]
    fn recovery_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
        let _ = recover(b"m", &bytes);
    }
}
