//! Errors of this crate.
//!
//! None of them carries key material, signatures, bodies or header values that may hold
//! credentials (such as the bearer token): they say what was wrong and what was expected.

use std::error::Error as StdError;

/// A key that could not be loaded. The message names what was found (a PEM label, an algorithm
/// or curve name, an OID), never a byte of the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text holds no PEM block.
    #[error(
        "not a PEM document: expected `-----BEGIN EC PRIVATE KEY-----` or `-----BEGIN PRIVATE KEY-----`"
    )]
    NotPem,
    /// A PEM block of a kind this crate does not load.
    #[error("unsupported PEM block `{label}`: expected {expected}")]
    UnsupportedPem {
        /// The PEM label found (or `<unreadable>`).
        label: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A password-protected private key.
    #[error(
        "encrypted private keys are not supported: decrypt it first (`openssl pkcs8 -topk8 -nocrypt`)"
    )]
    Encrypted,
    /// A key of another algorithm than elliptic-curve (RSA, Ed25519, …).
    #[error(
        "not an elliptic-curve key: found {algorithm}, expected an EC key on P-384 (secp384r1)"
    )]
    NotEcKey {
        /// The algorithm found (a name, or its OID).
        algorithm: String,
    },
    /// An elliptic-curve key on another curve than P-384.
    #[error("wrong curve: found {curve}, expected P-384 (secp384r1)")]
    WrongCurve {
        /// The curve found (a name, or its OID).
        curve: String,
    },
    /// A public key where a private key was expected, or the reverse.
    #[error("expected a {expected} key, found a {found} key")]
    WrongKind {
        /// `private` or `public`.
        expected: &'static str,
        /// `private` or `public`.
        found: &'static str,
    },
    /// A structurally invalid key (bad DER, scalar out of range, point not on the curve).
    #[error("invalid key: {reason}")]
    Invalid {
        /// What was wrong.
        reason: &'static str,
    },
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

/// A failure of a [`RequestSigningKey`](crate::RequestSigningKey) backend.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigningKeyError {
    /// The backend (KMS, HSM, remote signer) cannot sign now.
    #[error("signing key unavailable: {reason}")]
    Unavailable {
        /// Why, in words safe to log.
        reason: String,
        /// Whether trying again later may succeed.
        retryable: bool,
    },
    /// The cryptographic operation failed.
    #[error("signing failed: {reason}")]
    Failed {
        /// What failed.
        reason: &'static str,
    },
    /// Any other backend error.
    #[error(transparent)]
    Other(Box<dyn StdError + Send + Sync>),
}

/// A signature parameter list (`Signature-Input` member) that could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamsError {
    /// The header is not a structured-field dictionary of the expected shape.
    #[error("malformed Signature-Input: {reason}")]
    Malformed {
        /// What was wrong.
        reason: &'static str,
    },
    /// The header has no member with the expected label.
    #[error("Signature-Input has no `{label}` member")]
    LabelNotFound {
        /// The label looked for.
        label: String,
    },
    /// A parameter other than `created`, `expires`, `nonce`, `alg`, `keyid`, `tag`.
    #[error("unknown signature parameter `{name}`")]
    UnknownParameter {
        /// The parameter name (at most 64 characters of it).
        name: String,
    },
    /// A parameter of the wrong type or out of range.
    #[error("invalid value for signature parameter `{name}`")]
    InvalidParameter {
        /// The parameter name.
        name: &'static str,
    },
    /// A component identifier that is not a lower-case structured-field string, or that carries
    /// parameters (`;sf`, `;key`, …), which this profile does not use.
    #[error("unsupported component identifier `{component}`")]
    InvalidComponent {
        /// The identifier (at most 64 characters of it).
        component: String,
    },
    /// The same component listed twice.
    #[error("component `{component}` is covered twice")]
    DuplicateComponent {
        /// The identifier.
        component: String,
    },
    /// The signature label is not a valid structured-field key.
    #[error("invalid signature label")]
    InvalidLabel,
}

impl ParamsError {
    /// The stable kebab-case code [`VerifyError::reason`] gives when a received
    /// `Signature-Input` fails this way (`malformed-signature-input`, `label-not-found`,
    /// `unknown-parameter`, `invalid-parameter`, `unsupported-component`, `duplicate-component`).
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::Malformed { .. } | Self::InvalidLabel => "malformed-signature-input",
            Self::LabelNotFound { .. } => "label-not-found",
            Self::UnknownParameter { .. } => "unknown-parameter",
            Self::InvalidParameter { .. } => "invalid-parameter",
            Self::InvalidComponent { .. } => "unsupported-component",
            Self::DuplicateComponent { .. } => "duplicate-component",
        }
    }
}

/// A component value that could not be derived from the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComponentError {
    /// A covered header the request does not carry.
    #[error("covered component `{component}` is missing from the request")]
    MissingComponent {
        /// The component identifier.
        component: String,
    },
    /// A derived component this crate does not compute (`@status`, `@query-param`, …).
    #[error("unsupported derived component `{component}`")]
    UnsupportedComponent {
        /// The component identifier.
        component: String,
    },
    /// No authority: neither in the request URI nor in a `Host` header.
    #[error("the request has no authority (no absolute URI and no Host header)")]
    MissingAuthority,
    /// The authority is not a valid `host[:port]`.
    #[error("invalid authority")]
    InvalidAuthority,
}

/// A `Content-Digest` value that does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DigestError {
    /// Not an RFC 9530 dictionary of byte sequences.
    #[error("malformed Content-Digest: {reason}")]
    Malformed {
        /// What was wrong.
        reason: &'static str,
    },
    /// No member for `sha-256` or `sha-512`.
    #[error("Content-Digest has no sha-256 or sha-512 member")]
    NoSupportedAlgorithm,
    /// A member does not match the body.
    #[error("Content-Digest {algorithm} does not match the body")]
    Mismatch {
        /// The algorithm whose member differs.
        algorithm: &'static str,
    },
}

/// A request that could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A component could not be derived (for instance no `Authorization` header).
    #[error(transparent)]
    Component(#[from] ComponentError),
    /// The parameters could not be serialized (for instance a `keyid` with control characters).
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// `created + validity` overflows.
    #[error("timestamp out of range")]
    TimeOutOfRange,
    /// The key backend failed.
    #[error(transparent)]
    Key(#[from] SigningKeyError),
}

/// Why a request signature was rejected.
///
/// [`VerifyError::reason`] gives a stable kebab-case code for each variant (the codes of the
/// OffBlocks test vectors), for logs and error bodies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Signature-Input` or no `Signature` header.
    #[error("missing {header} header")]
    MissingHeader {
        /// The header missing.
        header: &'static str,
    },
    /// `Signature-Input` is not a parameter list of the expected shape: not a structured-field
    /// dictionary (or not UTF-8), no member with the profile's label, a parameter other than
    /// `created`, `expires`, `nonce`, `alg`, `keyid`, `tag` or one of the wrong type, a component
    /// identifier the profile does not accept, or a component covered twice.
    /// [`ParamsError::reason`] gives its code.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// `Signature` has no member with the profile's label.
    #[error("no signature labelled `{label}`")]
    LabelNotFound {
        /// The label looked for.
        label: String,
    },
    /// `Signature` is not a valid structured field of the expected shape.
    #[error("malformed Signature: {reason}")]
    MalformedSignature {
        /// What was wrong.
        reason: &'static str,
    },
    /// A parameter the profile needs (`keyid`, `created`) is absent.
    #[error("missing signature parameter `{name}`")]
    MissingParameter {
        /// The parameter name.
        name: &'static str,
    },
    /// A covered derived component this crate does not compute (`@status`, `@query-param`, …).
    #[error("unsupported component `{component}`")]
    UnsupportedComponent {
        /// The identifier (at most 64 characters of it).
        component: String,
    },
    /// The signature is not 96 bytes (for instance DER instead of `r ‖ s`).
    #[error("signature is {len} bytes, expected 96 (r ‖ s)")]
    SignatureLength {
        /// The length received.
        len: usize,
    },
    /// No key is registered under `keyid`.
    #[error("unknown keyid `{keyid}`")]
    UnknownKeyId {
        /// The keyid received (at most 64 characters of it).
        keyid: String,
    },
    /// `alg` names another algorithm than `ecdsa-p384-sha384`.
    #[error("algorithm `{alg}` does not match the key (expected ecdsa-p384-sha384)")]
    AlgMismatch {
        /// The `alg` received (at most 64 characters of it).
        alg: String,
    },
    /// `created` is later than now plus the allowed clock skew.
    #[error("signature created in the future (created {created}, now {now})")]
    CreatedInFuture {
        /// The `created` parameter.
        created: u64,
        /// The verifier's time.
        now: u64,
    },
    /// `expires` (plus the allowed clock skew) has passed.
    #[error("signature expired (expires {expires}, now {now})")]
    Expired {
        /// The `expires` parameter.
        expires: u64,
        /// The verifier's time.
        now: u64,
    },
    /// The signature is older than the verifier's maximum age.
    #[error("signature too old (created {created}, maximum age {max_age} s)")]
    TooOld {
        /// The `created` parameter.
        created: u64,
        /// The maximum age in seconds.
        max_age: u64,
    },
    /// A component the profile requires is not covered by the signature.
    #[error("component `{component}` is not covered by the signature")]
    ComponentNotCovered {
        /// The component identifier.
        component: String,
    },
    /// The request has a body but the signature covers no `Content-Digest`.
    #[error("request has a body but no covered Content-Digest")]
    DigestMissing,
    /// A covered component is absent from the request.
    #[error("covered component `{component}` is missing from the request")]
    MissingComponent {
        /// The component identifier.
        component: String,
    },
    /// The request has no usable authority.
    #[error("the request has no valid authority")]
    InvalidAuthority,
    /// `Content-Digest` is not a valid RFC 9530 value.
    #[error("malformed Content-Digest: {reason}")]
    MalformedContentDigest {
        /// What was wrong.
        reason: &'static str,
    },
    /// `Content-Digest` has no `sha-256` or `sha-512` member.
    #[error("Content-Digest has no sha-256 or sha-512 member")]
    UnsupportedContentDigest,
    /// `Content-Digest` does not match the body.
    #[error("Content-Digest {algorithm} does not match the body")]
    ContentDigestMismatch {
        /// The algorithm whose member differs.
        algorithm: &'static str,
    },
    /// The signature does not verify over the signature base with the registered key.
    #[error("signature does not verify")]
    SignatureMismatch,
}

impl VerifyError {
    /// A stable kebab-case code for the error, as used by the OffBlocks test vectors
    /// (`signature-mismatch`, `expired`, `unknown-keyid`, …).
    pub const fn reason(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing-signature",
            Self::Params(e) => e.reason(),
            Self::LabelNotFound { .. } => "label-not-found",
            Self::MalformedSignature { .. } => "malformed-signature",
            Self::MissingParameter { .. } => "missing-parameter",
            Self::UnsupportedComponent { .. } => "unsupported-component",
            Self::SignatureLength { .. } => "signature-length",
            Self::UnknownKeyId { .. } => "unknown-keyid",
            Self::AlgMismatch { .. } => "alg-mismatch",
            Self::CreatedInFuture { .. } => "created-in-future",
            Self::Expired { .. } => "expired",
            Self::TooOld { .. } => "too-old",
            Self::ComponentNotCovered { .. } => "component-not-covered",
            Self::DigestMissing => "digest-missing",
            Self::MissingComponent { .. } => "missing-component",
            Self::InvalidAuthority => "invalid-authority",
            Self::MalformedContentDigest { .. } => "malformed-content-digest",
            Self::UnsupportedContentDigest => "unsupported-content-digest",
            Self::ContentDigestMismatch { .. } => "content-digest-mismatch",
            Self::SignatureMismatch => "signature-mismatch",
        }
    }
}

impl From<ComponentError> for VerifyError {
    fn from(e: ComponentError) -> Self {
        match e {
            ComponentError::MissingComponent { component } => Self::MissingComponent { component },
            ComponentError::UnsupportedComponent { component } => {
                Self::UnsupportedComponent { component }
            }
            ComponentError::MissingAuthority | ComponentError::InvalidAuthority => {
                Self::InvalidAuthority
            }
        }
    }
}

impl From<DigestError> for VerifyError {
    fn from(e: DigestError) -> Self {
        match e {
            DigestError::Malformed { reason } => Self::MalformedContentDigest { reason },
            DigestError::NoSupportedAlgorithm => Self::UnsupportedContentDigest,
            DigestError::Mismatch { algorithm } => Self::ContentDigestMismatch { algorithm },
        }
    }
}

/// At most `max` characters of untrusted text, for error messages.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
