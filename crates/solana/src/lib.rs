#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod adapter;
mod chain;
mod error;
mod guard;
mod keyfile;
mod local;
mod mnemonic;
mod signer;
mod verify;

pub use adapter::Ed25519ChallengeSigner;
pub use chain::SolanaChain;
/// The [`ChallengeVerifier`](chainsig_core::ChallengeVerifier) of this chain's accounts: its
/// registry entry, [`SolanaChain`], which verifies with [`verify`].
pub use chain::SolanaChain as SolanaVerifier;
pub use error::KeyError;
pub use guard::{MessageVersion, TransactionShapeError, check_transaction_shape};
pub use local::LocalSolanaSigner;
pub use signer::Ed25519Signer;
pub use verify::verify;
