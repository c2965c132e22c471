//! The chain registry across every chain crate: each chain's verifier refuses another
//! namespace's account with the same typed error, each verifies its own signers, and an
//! unregistered namespace is refused by the registry.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use chainsig::core::{ChallengeVerifier, KeyOptions, RegistryError, VerifyError};
use chainsig::{ChainId, Challenge, ChallengeSignature, SignatureScheme};

#[tokio::test]
async fn every_chain_verifies_its_own_and_refuses_the_others_alike() {
    let chains = chainsig::chains();
    let namespaces: Vec<&str> = chains.chains().map(|c| c.namespace()).collect();
    assert_eq!(namespaces, ["eip155", "solana", "tron"]);
    let challenge =
        Challenge::from_bytes(b"0444a477-9858-4ce2-a801-e825b59fcdab".to_vec()).unwrap();

    // A fresh key on each chain's main network, through the chain's own key loader.
    let mut signed = Vec::new();
    for chain in chains.chains() {
        let key = chain
            .keys()
            .unwrap()
            .generate(&chain.default_chain())
            .unwrap();
        let signature = key.signer.sign_challenge(&challenge).await.unwrap();
        assert_eq!(signature.scheme(), chain.scheme());
        // The key file loads back to the same account.
        let loaded = chain
            .keys()
            .unwrap()
            .load(&chain.default_chain(), &key.key_file, KeyOptions::default())
            .unwrap();
        assert_eq!(loaded.account(), key.signer.account());
        signed.push((key.signer.account().clone(), signature));
    }

    for chain in chains.chains() {
        for (account, signature) in &signed {
            let verdict = chain.verify(account, challenge.bytes(), signature);
            if account.chain().namespace() == chain.namespace() {
                assert_eq!(verdict, Ok(()), "{account}");
            } else {
                assert_eq!(
                    verdict,
                    Err(VerifyError::UnsupportedNamespace {
                        namespace: account.chain().namespace().to_owned()
                    }),
                    "{} verifying {account}",
                    chain.namespace()
                );
            }
            // The registry sends each account to its own chain.
            assert_eq!(chains.verify(account, challenge.bytes(), signature), Ok(()));
        }
    }

    let cosmos = "cosmos:cosmoshub-4:cosmos1abc".parse().unwrap();
    let any = ChallengeSignature::new(SignatureScheme::Ed25519, vec![0u8; 64]).unwrap();
    assert_eq!(
        chains.verify(&cosmos, challenge.bytes(), &any),
        Err(VerifyError::UnsupportedNamespace {
            namespace: "cosmos".into()
        })
    );
    assert!(matches!(
        chains.parse_account("cosmos:cosmoshub-4:cosmos1abc"),
        Err(RegistryError::UnknownNamespace { .. })
    ));
    assert!(matches!(
        chains.for_chain(&"tron:abcdef".parse::<ChainId>().unwrap()),
        Err(RegistryError::Caip(_))
    ));
}
