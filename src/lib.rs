#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! ## Crates
//!
//! | feature            | crate        | what it gives                                                  |
//! |--------------------|--------------|----------------------------------------------------------------|
//! | (always)           | [`core`]     | the [`ChallengeSigner`] trait, CAIP ids, challenges, SIWE       |
//! | `testkit`          | `core::testkit` | the conformance kit, to test your own signer             |
//! | `evm` (default)    | `evm`        | EIP-191 `personal_sign` over secp256k1, alloy and KMS signers  |
//! | `solana` (default) | `solana`     | ed25519 signing and verification, Solana key formats           |
//! | `tron` (default)   | `tron`       | TIP-191 (TronWeb `signMessageV2`), Tron addresses and keys     |
//! | `api` (default)    | `api`        | the OffBlocks client and onboarding flows; `httpsig` with it   |
//! | `webhooks-axum`    | `api::webhooks` | `api`, plus the ready axum webhook receiver             |
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
/// EIP-191 `personal_sign` over secp256k1: local keys, alloy signers, digest-only KMS.
/// Needs the `evm` feature (on by default).
pub use chainsig_evm as evm;

#[cfg(feature = "solana")]
/// Ed25519 signing and verification, Solana key formats, the transaction-shape guard.
/// Needs the `solana` feature (on by default).
pub use chainsig_solana as solana;

#[cfg(feature = "tron")]
/// TIP-191 signing and verification, Tron addresses and keys.
/// Needs the `tron` feature (on by default).
pub use chainsig_tron as tron;

#[cfg(feature = "api")]
/// The OffBlocks API client and its onboarding flows. Needs the `api` feature (on by default).
pub use chainsig_api as api;

#[cfg(feature = "api")]
/// RFC 9421 request signatures (ecdsa-p384-sha384) and RFC 9530 Content-Digest.
/// Needs the `api` feature (on by default).
pub use chainsig_httpsig as httpsig;

#[cfg(feature = "api")]
/// The OffBlocks wire: paths, header and field names, error codes, and the JSON models the
/// client and the sandbox both speak. Needs the `api` feature (on by default).
pub use chainsig_offblocks as offblocks;

#[cfg(feature = "sandbox")]
/// A local OffBlocks-compatible server that verifies everything. Needs the `sandbox` feature.
pub use chainsig_sandbox as sandbox;

#[cfg(feature = "pkcs11")]
/// Keys in an HSM: PKCS#11 signers for every key kind. Needs the `pkcs11` feature.
pub use chainsig_pkcs11 as pkcs11;
