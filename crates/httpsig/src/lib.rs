#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod base;
mod digest;
mod error;
mod key;
mod params;
mod profile;
mod signer;
mod signing_key;
mod verifier;
mod verifying_key;

pub use base::{RequestTarget, SignatureBase, normalize_authority, signature_base};
pub use digest::{DigestAlgorithm, DigestAlgorithms, content_digest, verify_content_digest};
pub use error::{
    ComponentError, DigestError, KeyError, ParamsError, SignError, SigningKeyError, VerifyError,
};
pub use params::{MAX_COMPONENTS, SignatureParam, SignatureParams, parse_signature};
pub use profile::{
    ALGORITHM, ALLOWED_PARAMS, COVERED_WHEN_PRESENT, DEFAULT_VALIDITY_SECS, LABEL,
    REQUIRED_COMPONENTS, SIGNATURE_LEN, SigningProfile, header,
};
pub use signer::{RequestSignature, RequestSigner};
pub use signing_key::{P384SigningKey, RequestSigningKey};
pub use verifier::{KeyResolver, VerifiedSignature, Verifier};
pub use verifying_key::P384VerifyingKey;

/// Re-exported so that implementors of [`RequestSigningKey`] use the same macro version.
pub use async_trait::async_trait;
