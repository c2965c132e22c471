#![doc = include_str!("../README.md")]
//!
//! ## Crates
//!
//! | feature            | crate        | what it gives                                                  |
//! |--------------------|--------------|----------------------------------------------------------------|
//! | (always)           | [`core`]     | the [`ChallengeSigner`] trait, CAIP ids, challenges, SIWE       |
//! | `evm` (default)    | `evm`        | EIP-191 `personal_sign` over secp256k1, alloy and KMS signers  |
//! | `solana` (default) | `solana`     | ed25519 signing and verification, Solana key formats           |
//! | `tron` (default)   | `tron`       | TIP-191 (TronWeb `signMessageV2`), Tron addresses and keys     |
//! | `api` (default)    | `api`        | the OffBlocks client and onboarding flows; `httpsig` with it   |
//! | `sandbox`          | `sandbox`    | the local OffBlocks-compatible server                          |
//! | `pkcs11`           | `pkcs11`     | keys in an HSM: PKCS#11 signers for every key kind             |

mod chains;

pub use chains::chains;
pub use chainsig_core as core;
pub use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme,
    SignerError,
};
/// The challenge policy and its audit trail (see `chainsig::core` for the rest).
pub use chainsig_core::{
    AuditSink, ChallengePolicy, ChallengePurpose, JsonLinesAuditSink, PolicyRules, PolicySigner,
    SigningContext, StandardPolicy,
};

#[cfg(feature = "evm")]
pub use chainsig_evm as evm;

#[cfg(feature = "solana")]
pub use chainsig_solana as solana;

#[cfg(feature = "tron")]
pub use chainsig_tron as tron;

#[cfg(feature = "api")]
pub use chainsig_api as api;

#[cfg(feature = "api")]
pub use chainsig_httpsig as httpsig;

#[cfg(feature = "sandbox")]
pub use chainsig_sandbox as sandbox;

#[cfg(feature = "pkcs11")]
pub use chainsig_pkcs11 as pkcs11;
