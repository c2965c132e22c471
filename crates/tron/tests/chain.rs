//! `TronChain`, the `tron` entry of the chain registry: networks, accounts, verification, key
//! files, and what it tells chain-agnostic code (SIWX name, address forms, hints).
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig_core::{
    Chain, ChainId, ChainRegistry, Challenge, ChallengeSigner, ChallengeVerifier, KeyLoadError,
    KeyOptions, SignatureScheme, VerifyError,
};
use chainsig_tron::{LocalTronSigner, TronAddress, TronChain, TronNetwork};

const KEY_HEX: &str = "943c2c025cb1aabbdc9803bbd2793bb997995b4b74f6036d8d00382fbe6b5657";
const ADDRESS: &str = "TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4";
const ADDRESS_HEX: &str = "4122d41d615bfc78101d4ac3527f9647de693294a9";

#[test]
fn what_chain_agnostic_code_is_told() {
    let chain = TronChain;
    assert_eq!(chain.namespace(), "tron");
    assert_eq!(chain.shorthand(), "tron");
    assert_eq!(chain.default_chain(), TronNetwork::Mainnet.chain_id());
    assert_eq!(chain.siwx_name(), "Tron");
    assert_eq!(chain.scheme(), SignatureScheme::Tip191Secp256k1);
    let account = chain
        .account(&TronNetwork::Nile.chain_id(), ADDRESS_HEX)
        .unwrap();
    assert_eq!(account.to_string(), format!("tron:6FhfKq:{ADDRESS}"));
    assert_eq!(
        chain.address_forms(&account),
        vec![("addressHex", ADDRESS_HEX.to_owned())]
    );
    assert!(
        chain
            .keys()
            .unwrap()
            .key_file_hint()
            .contains("64 hex digits")
    );
    assert!(chain.check_chain(&"tron:abcdef".parse().unwrap()).is_err());
    assert!(chain.check_chain(&ChainId::eip155(1)).is_err());
    assert!(
        chain
            .account(
                &TronNetwork::Mainnet.chain_id(),
                "0x22d41d615bfc78101d4ac3527f9647de693294a9"
            )
            .is_err()
    );
}

#[test]
fn derived_accounts_are_stable_tron_addresses() {
    let chain = TronNetwork::Shasta.chain_id();
    let a = TronChain.derived_account(&chain, b"seed").unwrap();
    assert_eq!(a, TronChain.derived_account(&chain, b"seed").unwrap());
    assert_ne!(a, TronChain.derived_account(&chain, b"other").unwrap());
    assert_eq!(a.chain(), &chain);
    TronAddress::parse(a.address()).unwrap();
    assert!(
        TronChain
            .derived_account(&ChainId::eip155(1), b"seed")
            .is_err()
    );
}

#[tokio::test]
async fn verification_and_key_files_through_the_registry_entry() {
    let registry = ChainRegistry::new().with(TronChain);
    let chain = registry.get("tron").unwrap();
    let loader = chain.keys().unwrap();
    let nile = TronNetwork::Nile.chain_id();
    let signer = loader.load(&nile, KEY_HEX, KeyOptions::default()).unwrap();
    assert_eq!(
        signer.account().to_string(),
        format!("tron:6FhfKq:{ADDRESS}")
    );

    let challenge = Challenge::from_bytes(b"hello".to_vec()).unwrap();
    let signature = signer.sign_challenge(&challenge).await.unwrap();
    assert_eq!(chain.verify(signer.account(), b"hello", &signature), Ok(()));
    assert!(matches!(
        chain.verify(signer.account(), b"other", &signature),
        Err(VerifyError::Mismatch { .. })
    ));

    let made = loader.generate(&nile).unwrap();
    assert_eq!(made.key_file.len(), 65);
    let again = loader
        .load(&nile, &made.key_file, KeyOptions::default())
        .unwrap();
    assert_eq!(again.account(), made.signer.account());
    assert!(!format!("{made:?}").contains(made.key_file.trim()));

    assert!(matches!(
        loader.load(&nile, "[1,2,3]", KeyOptions::default()),
        Err(KeyLoadError::WrongChain { .. })
    ));
    assert!(matches!(
        loader.load(&nile, "zz", KeyOptions::default()),
        Err(KeyLoadError::Invalid(_))
    ));
    assert!(matches!(
        loader.load(&ChainId::eip155(1), KEY_HEX, KeyOptions::default()),
        Err(KeyLoadError::Chain(_))
    ));
}

#[test]
fn debug_shows_the_account() {
    let signer = LocalTronSigner::from_hex(KEY_HEX).unwrap();
    assert_eq!(
        format!("{signer:?}"),
        format!("LocalTronSigner {{ account: \"tron:27Lqcw:{ADDRESS}\" }}")
    );
}
