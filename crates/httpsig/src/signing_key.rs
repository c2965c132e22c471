//! The signing side of a key: the async [`RequestSigningKey`] trait (so a KMS or HSM can hold the
//! key) and the in-memory [`P384SigningKey`].

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair};
use p384::ecdsa::signature::Signer as _;
use p384::elliptic_curve::sec1::ToEncodedPoint;
use p384::pkcs8::{EncodePrivateKey, LineEnding};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use crate::error::{KeyError, SigningKeyError};
use crate::key;
use crate::profile::SIGNATURE_LEN;
use crate::verifying_key::P384VerifyingKey;

/// Signs signature bases with an `ecdsa-p384-sha384` key: SHA-384 over the base, then ECDSA on
/// P-384, returned as `r ‖ s` (48 bytes each, big-endian).
///
/// The method takes `&self`, so `Box<dyn RequestSigningKey>`, `Arc<dyn RequestSigningKey>` and
/// `&T` are keys too. A key held by a KMS implements it with a network call; the `keyid` is not
/// part of the key but of the [`RequestSigner`](crate::RequestSigner).
///
/// ```
/// use chainsig_httpsig::{async_trait, RequestSigningKey, SigningKeyError};
///
/// #[derive(Debug)]
/// struct Kms;
///
/// #[async_trait]
/// impl RequestSigningKey for Kms {
///     async fn sign(&self, _base: &[u8]) -> Result<[u8; 96], SigningKeyError> {
///         Err(SigningKeyError::Unavailable { reason: "kms throttled".into(), retryable: true })
///     }
/// }
/// ```
#[async_trait]
pub trait RequestSigningKey: Send + Sync + fmt::Debug {
    /// Signs `signature_base` (the bytes themselves: the key hashes them with SHA-384).
    async fn sign(&self, signature_base: &[u8]) -> Result<[u8; SIGNATURE_LEN], SigningKeyError>;
}

macro_rules! forward_key {
    ($($ty:ty),*) => {$(
        #[async_trait]
        impl<T: RequestSigningKey + ?Sized> RequestSigningKey for $ty {
            async fn sign(
                &self,
                signature_base: &[u8],
            ) -> Result<[u8; SIGNATURE_LEN], SigningKeyError> {
                (**self).sign(signature_base).await
            }
        }
    )*};
}
forward_key!(&T, Box<T>, Arc<T>);

/// An in-memory P-384 private key.
///
/// Signs with aws-lc-rs (randomized ECDSA, the fast path), or, after
/// [`with_rfc6979`](Self::with_rfc6979), with RustCrypto `p384`'s deterministic RFC 6979
/// signatures (for known-answer tests). Loads the two PEM forms `openssl` writes: SEC1
/// `EC PRIVATE KEY` (`openssl ecparam -name secp384r1 -genkey -noout`) and PKCS#8 `PRIVATE KEY`
/// (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384`).
///
/// # Security
/// The secret scalar is zeroized when the key is dropped (by `p384` and by AWS-LC), every
/// intermediate buffer holding it is zeroized, the type is not `Clone`, and `Debug` shows the
/// public key only. Loading errors name what was found (label, algorithm, curve), never key
/// bytes.
///
/// ```
/// use chainsig_httpsig::P384SigningKey;
///
/// let key = P384SigningKey::generate()?;
/// let pem = key.public_key_pem(); // register this with PUT /v1/auth/signing
/// assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
///
/// let reloaded: P384SigningKey = key.to_pkcs8_pem()?.parse()?;
/// assert_eq!(reloaded.verifying_key(), key.verifying_key());
/// # Ok::<(), chainsig_httpsig::KeyError>(())
/// ```
pub struct P384SigningKey {
    fast: EcdsaKeyPair,
    rustcrypto: p384::ecdsa::SigningKey,
    verifying_key: P384VerifyingKey,
    rfc6979: bool,
}

impl P384SigningKey {
    /// Generates a key with the operating system's random number generator.
    ///
    /// # Errors
    /// [`KeyError::Rng`] if the generator fails.
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; 48]);
        loop {
            OsRng
                .try_fill_bytes(bytes.as_mut())
                .map_err(|_| KeyError::Rng)?;
            // A uniformly random 384-bit string is a valid scalar with overwhelming probability.
            if let Ok(key) = Self::from_bytes(&bytes) {
                return Ok(key);
            }
        }
    }

    /// Loads a PEM key: SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY` (an `EC PARAMETERS` block
    /// before it is skipped).
    ///
    /// # Errors
    /// [`KeyError::NotPem`], [`KeyError::Encrypted`], [`KeyError::NotEcKey`] (RSA, Ed25519, …),
    /// [`KeyError::WrongCurve`] (P-256, secp256k1, …), [`KeyError::WrongKind`] (a public key),
    /// [`KeyError::UnsupportedPem`], [`KeyError::Invalid`].
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_secret(&key::secret_from_pem(pem)?)
    }

    /// Loads a SEC1 (RFC 5915) DER private key.
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem).
    pub fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_secret(&key::secret_from_sec1_der(der)?)
    }

    /// Loads a PKCS#8 DER private key.
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_secret(&key::secret_from_pkcs8_der(der)?)
    }

    /// Loads the raw 48-byte big-endian scalar.
    ///
    /// # Errors
    /// [`KeyError::Invalid`] if it is zero or not below the group order.
    pub fn from_bytes(scalar: &[u8; 48]) -> Result<Self, KeyError> {
        let secret = p384::SecretKey::from_slice(scalar).map_err(|_| KeyError::Invalid {
            reason: "scalar out of range",
        })?;
        Self::from_secret(&secret)
    }

    /// Loads the raw scalar from a slice, which must be 48 bytes.
    ///
    /// # Errors
    /// [`KeyError::Invalid`] for another length or an out-of-range scalar.
    pub fn from_slice(scalar: &[u8]) -> Result<Self, KeyError> {
        let scalar: &[u8; 48] = scalar.try_into().map_err(|_| KeyError::Invalid {
            reason: "a P-384 scalar is 48 bytes",
        })?;
        Self::from_bytes(scalar)
    }

    fn from_secret(secret: &p384::SecretKey) -> Result<Self, KeyError> {
        let public = secret.public_key();
        let point = public.to_encoded_point(false);
        let scalar = Zeroizing::new(secret.to_bytes());
        let fast = EcdsaKeyPair::from_private_key_and_public_key(
            &ECDSA_P384_SHA384_FIXED_SIGNING,
            scalar.as_slice(),
            point.as_bytes(),
        )
        .map_err(|_| KeyError::Invalid {
            reason: "rejected by AWS-LC",
        })?;
        Ok(Self {
            fast,
            rustcrypto: p384::ecdsa::SigningKey::from(secret),
            verifying_key: P384VerifyingKey::from_public(public)?,
            rfc6979: false,
        })
    }

    /// The same key, signing deterministically (RFC 6979 with HMAC-SHA-384, RustCrypto `p384`)
    /// through [`RequestSigningKey::sign`]. Slower; meant for known-answer tests.
    #[must_use]
    pub fn with_rfc6979(mut self) -> Self {
        self.rfc6979 = true;
        self
    }

    /// Whether [`RequestSigningKey::sign`] makes deterministic RFC 6979 signatures.
    pub fn is_rfc6979(&self) -> bool {
        self.rfc6979
    }

    /// The public half.
    pub fn verifying_key(&self) -> &P384VerifyingKey {
        &self.verifying_key
    }

    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), the form OffBlocks registers.
    pub fn public_key_pem(&self) -> String {
        self.verifying_key.to_public_key_pem()
    }

    /// The private key as PKCS#8 PEM, to store a generated key.
    ///
    /// # Security
    /// The returned text is the secret: it is zeroized on drop, keep it that way.
    ///
    /// # Errors
    /// [`KeyError::Invalid`] if encoding fails (not expected).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        let secret = p384::SecretKey::from(self.rustcrypto.as_nonzero_scalar());
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| KeyError::Invalid {
                reason: "could not encode the key",
            })
    }

    /// The private key as SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`, what
    /// `openssl ecparam -genkey -noout` writes).
    ///
    /// # Security
    /// As [`to_pkcs8_pem`](Self::to_pkcs8_pem).
    ///
    /// # Errors
    /// [`KeyError::Invalid`] if encoding fails (not expected).
    pub fn to_sec1_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        let secret = p384::SecretKey::from(self.rustcrypto.as_nonzero_scalar());
        secret
            .to_sec1_pem(LineEnding::LF)
            .map_err(|_| KeyError::Invalid {
                reason: "could not encode the key",
            })
    }

    /// Signs with aws-lc-rs (randomized ECDSA): SHA-384 over `message`, `r ‖ s`.
    ///
    /// # Errors
    /// [`SigningKeyError::Failed`] if AWS-LC reports an internal error.
    pub fn sign_randomized(&self, message: &[u8]) -> Result<[u8; SIGNATURE_LEN], SigningKeyError> {
        let sig =
            self.fast
                .sign(&SystemRandom::new(), message)
                .map_err(|_| SigningKeyError::Failed {
                    reason: "AWS-LC ECDSA signing failed",
                })?;
        sig.as_ref()
            .try_into()
            .map_err(|_| SigningKeyError::Failed {
                reason: "AWS-LC returned a signature of the wrong length",
            })
    }

    /// Signs deterministically (RFC 6979, HMAC-SHA-384) with RustCrypto `p384`: SHA-384 over
    /// `message`, `r ‖ s`. The same key and message always give the same signature.
    ///
    /// # Errors
    /// [`SigningKeyError::Failed`] (not expected for a valid key).
    pub fn sign_deterministic(
        &self,
        message: &[u8],
    ) -> Result<[u8; SIGNATURE_LEN], SigningKeyError> {
        let sig: p384::ecdsa::Signature =
            self.rustcrypto
                .try_sign(message)
                .map_err(|_| SigningKeyError::Failed {
                    reason: "RFC 6979 signing failed",
                })?;
        sig.to_bytes()
            .as_slice()
            .try_into()
            .map_err(|_| SigningKeyError::Failed {
                reason: "wrong signature length",
            })
    }
}

#[async_trait]
impl RequestSigningKey for P384SigningKey {
    async fn sign(&self, signature_base: &[u8]) -> Result<[u8; SIGNATURE_LEN], SigningKeyError> {
        if self.rfc6979 {
            self.sign_deterministic(signature_base)
        } else {
            self.sign_randomized(signature_base)
        }
    }
}

impl FromStr for P384SigningKey {
    type Err = KeyError;

    /// [`P384SigningKey::from_pem`].
    fn from_str(pem: &str) -> Result<Self, KeyError> {
        Self::from_pem(pem)
    }
}

impl fmt::Debug for P384SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("P384SigningKey")
            .field("public_key", &self.verifying_key)
            .field("rfc6979", &self.rfc6979)
            .finish_non_exhaustive()
    }
}
