#![doc = include_str!("../README.md")]

mod caip;
mod challenge;
mod error;
pub mod offblocks;
mod registry;
mod signature;
mod signer;
mod siwx;
mod verifier;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use caip::{AccountId, ChainId, SOLANA_DEVNET, SOLANA_MAINNET, SOLANA_TESTNET, to_eip55};
pub use challenge::{Challenge, ChallengeKind};
pub use error::{CaipError, ChallengeError, SignatureError, SignerError, VerifyError};
pub use registry::{
    Chain, ChainRegistry, KeyLoadError, KeyLoader, KeyOptions, NewKey, RegistryError,
};
pub use signature::{ChallengeSignature, SignatureScheme};
pub use signer::ChallengeSigner;
pub use siwx::{SiwxError, SiwxMessage, format_siwx_time};
pub use verifier::ChallengeVerifier;

/// Re-exported so that implementors of [`ChallengeSigner`] use the same macro version.
pub use async_trait::async_trait;
