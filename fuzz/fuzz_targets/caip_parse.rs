//! CAIP-2 `ChainId` and CAIP-10 `AccountId` parsing: what parses displays and re-parses to itself.
#![no_main]

use chainsig_core::{AccountId, ChainId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(chain) = text.parse::<ChainId>() {
        // Chain ids are kept as written.
        assert_eq!(chain.to_string(), text);
        assert_eq!(
            chain.to_string().parse::<ChainId>().expect("re-parses"),
            chain
        );
        assert_eq!(format!("{}:{}", chain.namespace(), chain.reference()), text);
        if let Some(id) = chain.eip155_id() {
            assert_eq!(ChainId::eip155(id), chain);
        }
        let json = serde_json::to_string(&chain).expect("serializes");
        assert_eq!(
            serde_json::from_str::<ChainId>(&json).expect("deserializes"),
            chain
        );
    }
    if let Ok(account) = text.parse::<AccountId>() {
        let shown = account.to_string();
        let again: AccountId = shown.parse().expect("displayed account id re-parses");
        assert_eq!(again, account);
        assert_eq!(again.to_string(), shown);
        assert!(account.same_address(&again));
        // The address is canonical: EVM addresses are EIP-55, others are kept as written.
        if let Some(bytes) = account.evm_address() {
            assert_eq!(
                AccountId::from_evm_address(account.chain().clone(), bytes).expect("evm"),
                account
            );
            assert!(shown.eq_ignore_ascii_case(text));
        } else {
            assert_eq!(shown, text);
        }
        if let Some(pubkey) = account.solana_pubkey() {
            assert_eq!(
                AccountId::from_solana_pubkey(account.chain().clone(), pubkey).expect("sol"),
                account
            );
        }
        let json = serde_json::to_string(&account).expect("serializes");
        assert_eq!(
            serde_json::from_str::<AccountId>(&json).expect("deserializes"),
            account
        );
    }
});
