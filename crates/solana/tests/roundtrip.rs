//! Sign, then verify: any challenge, any key, both signers.

use chainsig_core::{Challenge, ChallengeSigner};
use chainsig_solana::{Ed25519ChallengeSigner, LocalSolanaSigner, check_transaction_shape, verify};
use proptest::prelude::*;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sign_then_verify(
        seed in any::<[u8; 32]>(),
        bytes in proptest::collection::vec(any::<u8>(), 1..2048),
    ) {
        prop_assume!(check_transaction_shape(&bytes).is_ok());
        let challenge = Challenge::from_bytes(bytes.clone()).unwrap();
        let local = LocalSolanaSigner::from_seed(&seed);
        let signature = block_on(local.sign_challenge(&challenge)).unwrap();
        prop_assert_eq!(verify(local.account(), &bytes, &signature), Ok(()));

        // A different message or a different key does not verify.
        let mut other = bytes.clone();
        other[0] ^= 0x01;
        prop_assert!(verify(local.account(), &other, &signature).is_err());
        let mut other_seed = seed;
        other_seed[0] ^= 0x01;
        let stranger = LocalSolanaSigner::from_seed(&other_seed);
        prop_assert!(verify(stranger.account(), &bytes, &signature).is_err());

        let adapter = Ed25519ChallengeSigner::new(local).unwrap();
        prop_assert_eq!(block_on(adapter.sign_challenge(&challenge)).unwrap(), signature);
    }
}
