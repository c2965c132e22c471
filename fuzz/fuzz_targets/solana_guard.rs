//! `check_transaction_shape` on arbitrary bytes: never panics, its verdict is stable, and it
//! agrees with the layouts it documents (0xff prefix; a refused message wrapped in one signature
//! is refused too).
#![no_main]

use chainsig_solana::{TransactionShapeError, check_transaction_shape};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let verdict = check_transaction_shape(data);
    assert_eq!(
        check_transaction_shape(data),
        verdict,
        "the verdict is not stable"
    );
    if data.first() == Some(&0xff) {
        assert_eq!(verdict, Err(TransactionShapeError::OffchainMessageDomain));
    }
    if matches!(
        verdict,
        Err(TransactionShapeError::LegacyMessage | TransactionShapeError::V0Message)
    ) {
        // The same message behind one signature (compact-u16 count 1, 64 bytes) is a transaction.
        let mut tx = vec![1u8];
        tx.extend([0u8; 64]);
        tx.extend_from_slice(data);
        assert!(
            check_transaction_shape(&tx).is_err(),
            "a refused message inside a one-signature transaction was accepted"
        );
    }
});
