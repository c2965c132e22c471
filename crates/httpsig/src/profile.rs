//! The OffBlocks profile of RFC 9421, in one place.
//!
//! Every rule of the profile (label, algorithm, covered components, parameters, validity) is a
//! named constant here or a field of [`SigningProfile`], so a correction is a one-line change.

use chainsig_offblocks::headers::IDEMPOTENCY_KEY;

use crate::digest::DigestAlgorithms;

/// The signature label: `Signature-Input: sig=(…)`, `Signature: sig=:…:`.
pub const LABEL: &str = "sig";

/// The only algorithm OffBlocks accepts, as it appears in the `alg` parameter.
pub const ALGORITHM: &str = "ecdsa-p384-sha384";

/// Seconds between `created` and `expires` on the signatures this crate makes.
pub const DEFAULT_VALIDITY_SECS: u64 = 300;

/// Length of an `ecdsa-p384-sha384` signature: `r ‖ s`, 48 bytes each, big-endian (not DER).
pub const SIGNATURE_LEN: usize = 96;

/// Components every signed request covers, in the order the signer lists them.
pub const REQUIRED_COMPONENTS: [&str; 5] =
    ["@method", "@authority", "@path", "@query", "authorization"];

/// Header components covered whenever the request carries them, in the order the signer lists
/// them after [`REQUIRED_COMPONENTS`]. A request with a body always carries `content-digest`.
pub const COVERED_WHEN_PRESENT: [&str; 3] = ["content-digest", "content-type", IDEMPOTENCY_KEY];

/// The only signature parameters a verifier accepts (any other one is an error, as on the Go
/// server OffBlocks runs).
pub const ALLOWED_PARAMS: [&str; 6] = ["created", "expires", "nonce", "alg", "keyid", "tag"];

/// `content-digest` as a component name.
pub(crate) const CONTENT_DIGEST_NAME: &str = "content-digest";

/// Names of the headers the profile reads and writes.
pub mod header {
    use http::HeaderName;

    /// `Signature` (RFC 9421 §4.2).
    pub const SIGNATURE: HeaderName = HeaderName::from_static("signature");
    /// `Signature-Input` (RFC 9421 §4.1).
    pub const SIGNATURE_INPUT: HeaderName = HeaderName::from_static("signature-input");
    /// `Content-Digest` (RFC 9530).
    pub const CONTENT_DIGEST: HeaderName = HeaderName::from_static("content-digest");
    /// `Idempotency-Key` (OffBlocks: a UUID per logical operation; the name is the wire's,
    /// `chainsig_offblocks::headers::IDEMPOTENCY_KEY`).
    pub const IDEMPOTENCY_KEY: HeaderName =
        HeaderName::from_static(chainsig_offblocks::headers::IDEMPOTENCY_KEY);
}

/// The rules a [`RequestSigner`](crate::RequestSigner) follows and a
/// [`Verifier`](crate::Verifier) enforces.
///
/// [`SigningProfile::OFFBLOCKS`] (also the [`Default`]) is the profile the OffBlocks API expects;
/// the `with_*` methods change one rule at a time.
///
/// ```
/// use chainsig_httpsig::{DigestAlgorithms, SigningProfile};
///
/// let profile = SigningProfile::OFFBLOCKS.with_digest(DigestAlgorithms::Sha256AndSha512);
/// assert_eq!(profile.label, "sig");
/// assert_eq!(profile.validity_secs, Some(300));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningProfile {
    /// The signature label ([`LABEL`]).
    pub label: &'static str,
    /// The `alg` parameter ([`ALGORITHM`]).
    pub algorithm: &'static str,
    /// Components always covered ([`REQUIRED_COMPONENTS`]).
    pub required_components: &'static [&'static str],
    /// Header components covered when present ([`COVERED_WHEN_PRESENT`]).
    pub covered_when_present: &'static [&'static str],
    /// `expires - created` in seconds; `None` leaves `expires` out.
    pub validity_secs: Option<u64>,
    /// The `Content-Digest` algorithms the signer emits.
    pub digest: DigestAlgorithms,
}

impl SigningProfile {
    /// The OffBlocks profile: label `sig`, `ecdsa-p384-sha384`, `expires = created + 300`,
    /// `Content-Digest: sha-256`.
    pub const OFFBLOCKS: Self = Self {
        label: LABEL,
        algorithm: ALGORITHM,
        required_components: &REQUIRED_COMPONENTS,
        covered_when_present: &COVERED_WHEN_PRESENT,
        validity_secs: Some(DEFAULT_VALIDITY_SECS),
        digest: DigestAlgorithms::Sha256,
    };

    /// The same profile with another validity (`None`: no `expires` parameter).
    #[must_use]
    pub const fn with_validity(mut self, validity_secs: Option<u64>) -> Self {
        self.validity_secs = validity_secs;
        self
    }

    /// The same profile with other `Content-Digest` algorithms.
    #[must_use]
    pub const fn with_digest(mut self, digest: DigestAlgorithms) -> Self {
        self.digest = digest;
        self
    }

    /// The same profile with another signature label.
    #[must_use]
    pub const fn with_label(mut self, label: &'static str) -> Self {
        self.label = label;
        self
    }
}

impl Default for SigningProfile {
    fn default() -> Self {
        Self::OFFBLOCKS
    }
}
