//! [`P384VerifyingKey`]: a registered public key.

use std::fmt;
use std::str::FromStr;

use aws_lc_rs::signature::{ECDSA_P384_SHA384_FIXED, ParsedPublicKey};
use p384::elliptic_curve::sec1::ToEncodedPoint;
use p384::pkcs8::{EncodePublicKey, LineEnding};

use crate::error::{KeyError, VerifyError};
use crate::key;
use crate::profile::SIGNATURE_LEN;

/// A P-384 public key that verifies `ecdsa-p384-sha384` signatures (`r ‖ s`, 96 bytes) with
/// aws-lc-rs. The key is parsed once, when it is loaded.
///
/// ```
/// use chainsig_httpsig::P384VerifyingKey;
///
/// let pem = "-----BEGIN PUBLIC KEY-----
/// MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEGKVjrd+3e0EBObOTSP3nLHd25hzVNSpj
/// AwG5zxfkG1FqReuhb0qFKi3u7wxy5SVmwO4GTECL1/zYg90qEbJHkkyLEGdckUDY
/// jOz0fub6AbH6lO0w3gYn848qtjD0JxCR
/// -----END PUBLIC KEY-----
/// ";
/// let key: P384VerifyingKey = pem.parse()?;
/// assert_eq!(key.to_public_key_pem(), pem);
/// # Ok::<(), chainsig_httpsig::KeyError>(())
/// ```
#[derive(Clone)]
pub struct P384VerifyingKey {
    public: p384::PublicKey,
    parsed: ParsedPublicKey,
}

impl P384VerifyingKey {
    /// Loads an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    ///
    /// # Errors
    /// [`KeyError::NotPem`], [`KeyError::NotEcKey`], [`KeyError::WrongCurve`],
    /// [`KeyError::WrongKind`] (a private key), [`KeyError::UnsupportedPem`],
    /// [`KeyError::Invalid`].
    pub fn from_public_key_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_public(key::public_from_pem(pem)?)
    }

    /// Loads an SPKI DER public key.
    ///
    /// # Errors
    /// As [`from_public_key_pem`](Self::from_public_key_pem).
    pub fn from_public_key_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_public(key::public_from_spki_der(der)?)
    }

    /// Loads a SEC1 encoded point (97-byte uncompressed `04‖x‖y` or 49-byte compressed).
    ///
    /// # Errors
    /// [`KeyError::Invalid`] if the bytes are not a point on P-384.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let public = p384::PublicKey::from_sec1_bytes(bytes).map_err(|_| KeyError::Invalid {
            reason: "not a P-384 point",
        })?;
        Self::from_public(public)
    }

    pub(crate) fn from_public(public: p384::PublicKey) -> Result<Self, KeyError> {
        let point = public.to_encoded_point(false);
        let parsed =
            ParsedPublicKey::new(&ECDSA_P384_SHA384_FIXED, point.as_bytes()).map_err(|_| {
                KeyError::Invalid {
                    reason: "rejected by AWS-LC",
                }
            })?;
        Ok(Self { public, parsed })
    }

    /// The SPKI PEM text (`-----BEGIN PUBLIC KEY-----`, LF line endings).
    pub fn to_public_key_pem(&self) -> String {
        // Encoding a valid P-384 point as SPKI cannot fail.
        self.public
            .to_public_key_pem(LineEnding::LF)
            .unwrap_or_default()
    }

    /// The SPKI DER bytes.
    pub fn to_public_key_der(&self) -> Vec<u8> {
        self.public
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// The uncompressed SEC1 point, `04 ‖ x ‖ y` (97 bytes).
    pub fn to_sec1_bytes(&self) -> Vec<u8> {
        self.public.to_encoded_point(false).as_bytes().to_vec()
    }

    /// The RustCrypto `p384` public key.
    pub fn as_p384(&self) -> &p384::PublicKey {
        &self.public
    }

    /// Verifies an `r ‖ s` signature over `message` (hashed with SHA-384). There is no low-s
    /// rule: `(r, n - s)` verifies too, as in RFC 9421 and on OffBlocks' Go server.
    ///
    /// # Errors
    /// [`VerifyError::SignatureLength`] if `signature` is not 96 bytes,
    /// [`VerifyError::SignatureMismatch`] if it does not verify.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
        if signature.len() != SIGNATURE_LEN {
            return Err(VerifyError::SignatureLength {
                len: signature.len(),
            });
        }
        self.parsed
            .verify_sig(message, signature)
            .map_err(|_| VerifyError::SignatureMismatch)
    }
}

impl PartialEq for P384VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.public == other.public
    }
}

impl Eq for P384VerifyingKey {}

impl FromStr for P384VerifyingKey {
    type Err = KeyError;

    /// [`P384VerifyingKey::from_public_key_pem`].
    fn from_str(pem: &str) -> Result<Self, KeyError> {
        Self::from_public_key_pem(pem)
    }
}

impl fmt::Debug for P384VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let point = self.public.to_encoded_point(true);
        let mut hex = String::with_capacity(point.len() * 2);
        for b in point.as_bytes() {
            hex.push_str(&format!("{b:02x}"));
        }
        f.debug_tuple("P384VerifyingKey").field(&hex).finish()
    }
}
