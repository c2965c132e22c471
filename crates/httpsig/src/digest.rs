//! `Content-Digest` (RFC 9530): create and verify.

use sfv::{BareItem, Dictionary, KeyRef, ListEntry, Parser, Version};
use sha2::{Digest, Sha256, Sha512};

use crate::error::DigestError;

/// A hash algorithm of the RFC 9530 registry that this crate computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// `sha-256`.
    Sha256,
    /// `sha-512`.
    Sha512,
}

impl DigestAlgorithm {
    /// The dictionary key: `sha-256` or `sha-512`.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Sha256 => "sha-256",
            Self::Sha512 => "sha-512",
        }
    }

    /// The algorithm a dictionary key names, if this crate computes it.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "sha-256" => Some(Self::Sha256),
            "sha-512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The raw digest of `body`.
    pub fn digest(self, body: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => Sha256::digest(body).to_vec(),
            Self::Sha512 => Sha512::digest(body).to_vec(),
        }
    }
}

/// Which members a created `Content-Digest` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DigestAlgorithms {
    /// `sha-256=:…:` (the OffBlocks default).
    #[default]
    Sha256,
    /// `sha-512=:…:`.
    Sha512,
    /// `sha-256=:…:, sha-512=:…:`: passes a server configured for either.
    Sha256AndSha512,
}

impl DigestAlgorithms {
    /// The algorithms, in the order they are emitted.
    pub const fn algorithms(self) -> &'static [DigestAlgorithm] {
        match self {
            Self::Sha256 => &[DigestAlgorithm::Sha256],
            Self::Sha512 => &[DigestAlgorithm::Sha512],
            Self::Sha256AndSha512 => &[DigestAlgorithm::Sha256, DigestAlgorithm::Sha512],
        }
    }
}

/// The `Content-Digest` value for `body`: members joined with `", "`, each
/// `<alg>=:<standard base64>:`.
///
/// ```
/// use chainsig_httpsig::{DigestAlgorithms, content_digest};
///
/// assert_eq!(
///     content_digest(br#"{"hello": "world"}"#, DigestAlgorithms::Sha256),
///     "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
/// );
/// ```
pub fn content_digest(body: &[u8], algorithms: DigestAlgorithms) -> String {
    let mut out = String::with_capacity(64 * algorithms.algorithms().len() + 32);
    for (i, alg) in algorithms.algorithms().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let digest = alg.digest(body);
        let item = sfv::ItemSerializer::new()
            .bare_item(digest.as_slice())
            .finish();
        out.push_str(alg.key());
        out.push('=');
        out.push_str(&item);
    }
    out
}

/// Checks a received `Content-Digest` value against the body.
///
/// Every member for an algorithm this crate computes (`sha-256`, `sha-512`) must match the body;
/// members for other algorithms are ignored; a value with no member this crate computes is an
/// error ([`DigestError::NoSupportedAlgorithm`]), so a request cannot skip the check by sending
/// only an unknown algorithm.
///
/// ```
/// use chainsig_httpsig::{DigestError, verify_content_digest};
///
/// let header = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, md5=:AAAA:";
/// assert!(verify_content_digest(header, br#"{"hello": "world"}"#).is_ok());
/// assert!(matches!(
///     verify_content_digest(header, br#"{"hello": "there"}"#),
///     Err(DigestError::Mismatch { .. })
/// ));
/// ```
pub fn verify_content_digest(header: &str, body: &[u8]) -> Result<(), DigestError> {
    let dict: Dictionary = Parser::new(header)
        .with_version(Version::Rfc8941)
        .parse()
        .map_err(|_| DigestError::Malformed {
            reason: "not a structured-field dictionary",
        })?;
    let mut checked = false;
    for (key, entry) in &dict {
        let Some(alg) = DigestAlgorithm::from_key(KeyRef::as_str(key)) else {
            continue;
        };
        let ListEntry::Item(item) = entry else {
            return Err(DigestError::Malformed {
                reason: "a digest member is an inner list",
            });
        };
        let BareItem::ByteSequence(expected) = &item.bare_item else {
            return Err(DigestError::Malformed {
                reason: "a digest member is not a byte sequence",
            });
        };
        if alg.digest(body) != *expected {
            return Err(DigestError::Mismatch {
                algorithm: alg.key(),
            });
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err(DigestError::NoSupportedAlgorithm)
    }
}
