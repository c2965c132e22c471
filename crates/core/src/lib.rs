#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod audit;
mod caip;
mod challenge;
mod classify;
mod error;
mod policy;
mod policy_rules;
mod policy_signer;
mod registry;
mod signature;
mod signer;
mod signer_sync;
mod siwx;
mod standard_policy;
pub mod txshape;
mod verifier;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use audit::{
    AuditError, AuditEvent, AuditSink, JsonLinesAuditSink, MemoryAuditSink, Outcome, Verdict,
};
pub use caip::{AccountId, ChainId, SOLANA_DEVNET, SOLANA_MAINNET, SOLANA_TESTNET, to_eip55};
pub use challenge::{Challenge, ChallengeKind};
pub use classify::{
    ChallengeClass, ChallengeKindName, ChallengePurpose, TransactionShape, classify,
};
pub use error::{CaipError, ChallengeError, SignatureError, SignerError, VerifyError};
pub use policy::{AllowAll, ChallengePolicy, Decision, PolicyInput, PolicyRefusal};
pub use policy_rules::{AllowRules, PolicyFileError, PolicyRules, RateLimit, SiwxRules};
pub use policy_signer::{PolicySigner, sign_under_policy};
pub use registry::{
    Chain, ChainInfo, ChainRegistry, KeyLoadError, KeyLoadResult, KeyLoader, KeyOptions, NewKey,
    RegistryError, VerifyFn,
};
pub use signature::{ChallengeSignature, SignatureScheme};
pub use signer::{ApiIdentity, ChallengeSigner, SigningContext};
pub use signer_sync::ChallengeSignerSync;
pub use siwx::{SiwxError, SiwxMessage, format_siwx_time};
pub use standard_policy::StandardPolicy;
pub use verifier::ChallengeVerifier;

/// Re-exported so that implementors of [`ChallengeSigner`] use the same macro version.
pub use async_trait::async_trait;
