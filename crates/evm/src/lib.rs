#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod alloy_adapter;
mod chain;
mod eip191;
mod error;
mod key_file;
mod keystore;
mod kms;
mod local;
mod message;
pub mod secp256k1;
mod verify;

pub use alloy_adapter::AlloyChallengeSigner;
pub use chain::EvmChain;
pub use eip191::{Eip191, eip191_hash};
pub use error::{KeyError, KmsSignatureError};
pub use kms::{
    DigestSigner, KmsSigner, RawEcdsaSignature, Secp256k1KmsSigner, to_recoverable_signature,
};
pub use local::{DEFAULT_DERIVATION_PATH, LocalEvmSigner, Secp256k1LocalSigner};
pub use message::{Secp256k1Chain, Secp256k1Message};
pub use verify::{recover, verify};

/// Re-exported so that `AlloyChallengeSigner` users name the same trait version.
pub use alloy_signer;
/// The [`ChallengeVerifier`](chainsig_core::ChallengeVerifier) of this chain's accounts: its
/// registry entry, [`EvmChain`], which verifies with [`verify`].
pub use chain::EvmChain as EvmVerifier;
