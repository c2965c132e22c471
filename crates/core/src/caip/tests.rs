//! Tests of `caip`.

use super::*;
use proptest::prelude::*;

#[test]
fn parses_offblocks_examples() {
    for s in [
        "eip155:324:0x22227A31dd842196A246d8f3b775998560eAa61d",
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
    ] {
        let account: AccountId = s.parse().unwrap();
        assert_eq!(account.to_string(), s);
    }
    for s in ["starknet:SN_MAIN", "tron:27Lqcw", "eip155:42161"] {
        assert_eq!(s.parse::<ChainId>().unwrap().to_string(), s);
    }
}

#[test]
fn lower_and_upper_case_addresses_are_checksummed_on_output() {
    let lower: AccountId = "eip155:1:0x22227a31dd842196a246d8f3b775998560eaa61d"
        .parse()
        .unwrap();
    let upper: AccountId = "eip155:1:0x22227A31DD842196A246D8F3B775998560EAA61D"
        .parse()
        .unwrap();
    assert_eq!(
        lower.address(),
        "0x22227A31dd842196A246d8f3b775998560eAa61d"
    );
    assert_eq!(lower, upper);
}

#[test]
fn errors_name_the_wrong_part() {
    type Check = fn(&CaipError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("eip155", |e| matches!(e, CaipError::Malformed { .. })),
        ("eip155:1", |e| matches!(e, CaipError::Malformed { .. })),
        ("EIP155:1:0x22227a31dd842196a246d8f3b775998560eaa61d", |e| {
            matches!(e, CaipError::InvalidNamespace { .. })
        }),
        (
            "eip155:01:0x22227a31dd842196a246d8f3b775998560eaa61d",
            |e| matches!(e, CaipError::InvalidReference { .. }),
        ),
        ("eip155:1:22227a31dd842196a246d8f3b775998560eaa61d", |e| {
            matches!(e, CaipError::InvalidAddress { .. })
        }),
        ("eip155:1:0x22227a31dd842196a246d8f3b775998560eaa6", |e| {
            matches!(e, CaipError::InvalidAddress { .. })
        }),
        ("eip155:1:0x22227A31dd842196A246d8f3b775998560eAa61D", |e| {
            matches!(e, CaipError::BadChecksum { .. })
        }),
        (
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvd:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv",
            |e| matches!(e, CaipError::InvalidReference { .. }),
        ),
        (
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaK0",
            |e| matches!(e, CaipError::InvalidAddress { .. }),
        ),
        ("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:1111", |e| {
            matches!(e, CaipError::InvalidAddress { .. })
        }),
    ];
    for (input, check) in cases {
        let err = input.parse::<AccountId>().unwrap_err();
        assert!(check(&err), "{input}: unexpected error {err:?}");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn errors_never_echo_the_input() {
    let secret = "0x4f9759151b8349f84e1cdbea801eaa5538d1037caf3450be938cd6ce6d483cdd";
    let err = format!("eip155:1:{secret}")
        .parse::<AccountId>()
        .unwrap_err();
    assert!(!err.to_string().contains(&secret[2..]));
    assert!(!format!("{err:?}").contains(&secret[2..]));
}

#[test]
fn constructors_refuse_the_wrong_namespace() {
    assert!(matches!(
        AccountId::from_evm_address(ChainId::solana_mainnet(), [1; 20]),
        Err(CaipError::WrongNamespace { .. })
    ));
    assert!(matches!(
        AccountId::from_solana_pubkey(ChainId::eip155(1), [1; 32]),
        Err(CaipError::WrongNamespace { .. })
    ));
}

#[test]
fn serde_is_the_string_form() {
    let account: AccountId =
        serde_json::from_str("\"eip155:1:0xab16a96d359ec26a11e2c2b3d8f8b8942d5bfcdb\"").unwrap();
    assert_eq!(
        serde_json::to_string(&account).unwrap(),
        "\"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\""
    );
    assert!(serde_json::from_str::<AccountId>("\"eip155:1:0x12\"").is_err());
}

proptest! {
    #[test]
    fn evm_accounts_round_trip(bytes in any::<[u8; 20]>(), chain in 1u64..u64::MAX) {
        let account = AccountId::from_evm_address(ChainId::eip155(chain), bytes).unwrap();
        let parsed: AccountId = account.to_string().parse().unwrap();
        prop_assert_eq!(parsed.evm_address(), Some(bytes));
        prop_assert_eq!(&parsed, &account);
    }

    #[test]
    fn solana_accounts_round_trip(bytes in any::<[u8; 32]>()) {
        let account = AccountId::from_solana_pubkey(ChainId::solana_mainnet(), bytes).unwrap();
        let parsed: AccountId = account.to_string().parse().unwrap();
        prop_assert_eq!(parsed.solana_pubkey(), Some(bytes));
    }

    #[test]
    fn parsing_never_panics(s in "\\PC{0,120}") {
        let _ = s.parse::<AccountId>();
        let _ = s.parse::<ChainId>();
    }
}
