#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod address;
mod alloy_adapter;
mod chain;
mod error;
mod kms;
mod local;
mod network;
mod tip191;
mod verify;

pub use address::TronAddress;
pub use alloy_adapter::AlloyTronSigner;
pub use chain::TronChain;
pub use error::{AddressError, KeyError};
pub use kms::TronKmsSigner;
pub use local::{DEFAULT_DERIVATION_PATH, LocalTronSigner};
pub use network::{TRON_NAMESPACE, TronNetwork};
pub use tip191::{Tip191, tip191_hash};
pub use verify::{recover, verify};

/// The [`ChallengeVerifier`](chainsig_core::ChallengeVerifier) of this chain's accounts: its
/// registry entry, [`TronChain`], which verifies with [`verify`].
pub use chain::TronChain as TronVerifier;
/// The digest-signer (KMS/HSM) interface, shared with the EVM crate: one backend serves both chains.
pub use chainsig_evm::{DigestSigner, RawEcdsaSignature};
