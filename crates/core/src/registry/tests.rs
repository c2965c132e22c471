//! Tests of `registry`.

use super::*;
use crate::ChallengeVerifier;

/// A chain for tests: namespace `test`, accounts are any CAIP-10 address, and a signature
/// is valid when its bytes are the message's first 64 bytes.
#[derive(Debug)]
struct TestChain;

fn verify_test(
    account: &AccountId,
    message: &[u8],
    signature: &ChallengeSignature,
) -> Result<(), VerifyError> {
    if account.chain().namespace() != "test" {
        return Err(VerifyError::UnsupportedNamespace {
            namespace: account.chain().namespace().to_owned(),
        });
    }
    if signature.as_bytes() == &message[..64.min(message.len())] {
        Ok(())
    } else {
        Err(VerifyError::Mismatch {
            account: account.to_string(),
        })
    }
}

impl Chain for TestChain {
    fn info(&self) -> ChainInfo {
        ChainInfo {
            namespace: "test",
            shorthand: "t",
            siwx_name: "Test",
            scheme: SignatureScheme::Ed25519,
            verify: verify_test,
        }
    }
    fn default_chain(&self) -> ChainId {
        "test:main".parse().unwrap_or_else(|_| unreachable!())
    }
    fn check_chain(&self, chain: &ChainId) -> Result<(), CaipError> {
        if chain.reference() == "main" {
            Ok(())
        } else {
            Err(CaipError::InvalidReference {
                namespace: "test",
                expected: "`main`",
            })
        }
    }
    fn derived_account(&self, chain: &ChainId, seed: &[u8]) -> Result<AccountId, CaipError> {
        AccountId::new(chain.clone(), &hex::encode(seed))
    }
}

fn registry() -> ChainRegistry {
    ChainRegistry::new().with(TestChain)
}

#[test]
fn shorthands_and_ids_of_registered_namespaces_parse() {
    let r = registry();
    assert_eq!(r.parse_chain("t").unwrap().to_string(), "test:main");
    assert_eq!(r.parse_chain("test:main").unwrap().to_string(), "test:main");
    assert!(matches!(
        r.parse_chain("test:other"),
        Err(RegistryError::Caip(CaipError::InvalidReference { .. }))
    ));
    let err = r.parse_chain("eip155:1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported chain namespace `eip155`: expected one of `test`"
    );
    assert!(matches!(
        r.parse_chain("nonsense"),
        Err(RegistryError::Caip(_))
    ));
    assert_eq!(r.shorthands(), "`t` (= test:main)");
}

#[test]
fn accounts_are_checked_by_their_chain() {
    let r = registry();
    assert!(r.parse_account("test:main:abc").is_ok());
    assert!(r.parse_account("test:other:abc").is_err());
    assert!(matches!(
        r.parse_account("eip155:1:0x0000000000000000000000000000000000000000"),
        Err(RegistryError::UnknownNamespace { .. })
    ));
    assert!(r.parse_account("no-colon").is_err());
}

#[test]
fn verification_goes_to_the_accounts_chain() {
    let r = registry();
    let message = [7u8; 64];
    let good = ChallengeSignature::new(SignatureScheme::Ed25519, message.to_vec()).unwrap();
    let bad = ChallengeSignature::new(SignatureScheme::Ed25519, vec![8u8; 64]).unwrap();
    let account: AccountId = "test:main:abc".parse().unwrap();
    assert_eq!(r.verify(&account, &message, &good), Ok(()));
    assert!(matches!(
        r.verify(&account, &message, &bad),
        Err(VerifyError::Mismatch { .. })
    ));
    let other: AccountId = "cosmos:hub:abc".parse().unwrap();
    assert!(matches!(
        r.verify(&other, &message, &good),
        Err(VerifyError::UnsupportedNamespace { namespace }) if namespace == "cosmos"
    ));
    assert!(matches!(
        ChainRegistry::new().verify(&account, &message, &good),
        Err(VerifyError::UnsupportedNamespace { .. })
    ));
}

#[test]
fn a_later_registration_replaces_the_namespace() {
    let r = registry().with(TestChain);
    assert_eq!(r.chains().count(), 1);
    assert_eq!(format!("{r:?}"), "[\"test\"]");
    assert_eq!(
        ChainRegistry::new().known(),
        "none (no chain is registered)"
    );
}

#[test]
fn defaults_of_a_chain_that_overrides_nothing() {
    let account: AccountId = "test:main:abc".parse().unwrap();
    // TestChain overrides neither `address_forms` nor `keys`.
    assert!(TestChain.address_forms(&account).is_empty());
    assert!(TestChain.keys().is_none());
    let chain: ChainId = "test:main".parse().unwrap();
    assert_eq!(
        TestChain.account(&chain, "abc").unwrap().to_string(),
        "test:main:abc"
    );
}

#[test]
fn key_options_set_what_they_say_and_hide_the_password() {
    let options = KeyOptions::default()
        .with_password(Some(b"hunter2"))
        .allow_transaction_shaped(true);
    assert_eq!(options.password, Some(&b"hunter2"[..]));
    assert!(options.allow_transaction_shaped);
    let debug = format!("{options:?}");
    assert!(!debug.contains("hunter2"));
    assert_eq!(
        debug,
        "KeyOptions { password: Some(\"<redacted>\"), allow_transaction_shaped: true }"
    );
    let none = KeyOptions::default();
    assert_eq!(none.password, None);
    assert!(!none.allow_transaction_shaped);
}

#[derive(Debug)]
struct NoSigner(AccountId);

#[async_trait::async_trait]
impl ChallengeSigner for NoSigner {
    fn account(&self) -> &AccountId {
        &self.0
    }
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Ed25519
    }
    async fn sign_challenge(
        &self,
        _: &crate::Challenge,
    ) -> Result<ChallengeSignature, crate::SignerError> {
        Err(crate::SignerError::Unsupported("test".into()))
    }
}

#[test]
fn a_new_key_file_ends_in_a_newline_and_debug_hides_it() {
    let signer = Arc::new(NoSigner("test:main:abc".parse().unwrap()));
    let key = NewKey::new(signer, "s3cr3t");
    assert_eq!(key.key_file.as_str(), "s3cr3t\n");
    let debug = format!("{key:?}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    assert!(debug.starts_with("NewKey { signer: NoSigner("), "{debug}");
    assert!(debug.ends_with("key_file: \"<redacted>\" }"), "{debug}");
}
