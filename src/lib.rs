//! `chainsig`: sign blockchain challenges with any key on any supported chain.
//!
//! This facade re-exports the workspace crates behind features:
//!
//! | feature  | crate              | what it gives                                         |
//! |----------|--------------------|-------------------------------------------------------|
//! | (always) | [`core`]           | the [`ChallengeSigner`] trait, CAIP ids, challenges   |
//! | `evm`    | [`evm`]            | EIP-191 `personal_sign` over secp256k1, alloy signers |
//! | `solana` | [`solana`]         | ed25519 signing and verification, Solana key formats  |

pub use chainsig_core as core;
pub use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};

#[cfg(feature = "evm")]
pub use chainsig_evm as evm;

#[cfg(feature = "solana")]
pub use chainsig_solana as solana;
