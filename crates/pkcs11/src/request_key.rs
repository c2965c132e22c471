//! [`Pkcs11P384Key`]: the company's P-384 request-signing key on a token, as an httpsig
//! [`RequestSigningKey`].

use std::fmt;

use async_trait::async_trait;
use chainsig_httpsig::{P384VerifyingKey, RequestSigningKey, SigningKeyError};
use sha2::{Digest, Sha384};

use crate::curve::Curve;
use crate::error::Pkcs11Error;
use crate::key::{SignMechanism, TokenKey};
use crate::token::Pkcs11Token;
use crate::uri::KeyUri;

/// A P-384 private key on a token that signs RFC 9421 signature bases: SHA-384 in the process,
/// then `CKM_ECDSA` over the 48-byte digest in the token, `r ‖ s` (96 bytes) out.
///
/// Its [`public_key_pem`](Self::public_key_pem) is what `PUT /auth/signing` registers.
#[derive(Clone)]
pub struct Pkcs11P384Key {
    key: TokenKey,
    verifying_key: P384VerifyingKey,
}

impl Pkcs11P384Key {
    /// Finds the key `uri` names on `token` and reads its public key.
    ///
    /// # Errors
    /// As [`Pkcs11Secp256k1Key::open`](crate::Pkcs11Secp256k1Key::open).
    #[tracing::instrument(name = "pkcs11_open_p384", skip_all, fields(uri = %uri), err(Display))]
    pub async fn open(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        let (key, point) = TokenKey::open(token, uri, Curve::P384).await?;
        let verifying_key =
            P384VerifyingKey::from_sec1_bytes(&point).map_err(|_| Pkcs11Error::Malformed {
                uri: key.uri().to_owned(),
                what: "public key",
                reason: "CKA_EC_POINT is not a P-384 point",
            })?;
        Ok(Self { key, verifying_key })
    }

    /// The public key.
    pub fn verifying_key(&self) -> &P384VerifyingKey {
        &self.verifying_key
    }

    /// The public key as SPKI PEM, the form OffBlocks registers.
    pub fn public_key_pem(&self) -> String {
        self.verifying_key.to_public_key_pem()
    }

    /// The key's URI (without a `pin-value`).
    pub fn uri(&self) -> &str {
        self.key.uri()
    }

    /// SHA-384 over `message`, then `CKM_ECDSA` in the token.
    ///
    /// # Errors
    /// The token errors; [`Pkcs11Error::Malformed`] if the token returns other than 96 bytes.
    #[tracing::instrument(name = "pkcs11_sign_p384", skip_all, fields(uri = %self.key.uri(), len = message.len()), err(Display))]
    pub async fn sign_message(&self, message: &[u8]) -> Result<[u8; 96], Pkcs11Error> {
        let digest = Sha384::digest(message);
        self.key
            .sign_exact(
                SignMechanism::Ecdsa,
                digest.to_vec(),
                "CKM_ECDSA on P-384 must return 96 bytes (r ‖ s)",
            )
            .await
    }
}

#[async_trait]
impl RequestSigningKey for Pkcs11P384Key {
    async fn sign(&self, signature_base: &[u8]) -> Result<[u8; 96], SigningKeyError> {
        Ok(self.sign_message(signature_base).await?)
    }
}

impl fmt::Debug for Pkcs11P384Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11P384Key")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
