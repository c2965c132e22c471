//! [`Pkcs11Ed25519Key`]: an ed25519 key on a token (`CKK_EC_EDWARDS`), signing with `CKM_EDDSA`;
//! the Solana challenge signer through chainsig-solana's verifying adapter.

use std::fmt;

use async_trait::async_trait;
use chainsig_core::SignerError;
use chainsig_solana::{Ed25519ChallengeSigner, Ed25519Signer, KeyError};

use crate::curve::Curve;
use crate::error::Pkcs11Error;
use crate::key::{SignMechanism, TokenKey};
use crate::token::Pkcs11Token;
use crate::uri::KeyUri;

/// An ed25519 private key on a token.
///
/// Tokens name the curve in `CKA_EC_PARAMS` by OID (1.3.101.112, RFC 8410) or as the printable
/// string `edwards25519` (SoftHSM 2.6): both are accepted.
/// [`solana_signer`](Self::solana_signer) wraps it in chainsig-solana's
/// [`Ed25519ChallengeSigner`], which refuses transaction-shaped challenges and verifies every
/// signature strictly before returning it.
#[derive(Clone)]
pub struct Pkcs11Ed25519Key {
    key: TokenKey,
    pubkey: [u8; 32],
}

impl Pkcs11Ed25519Key {
    /// Finds the key `uri` names on `token` and reads its public key.
    ///
    /// # Errors
    /// As [`Pkcs11Secp256k1Key::open`](crate::Pkcs11Secp256k1Key::open).
    #[tracing::instrument(name = "pkcs11_open_ed25519", skip_all, fields(uri = %uri), err(Display))]
    pub async fn open(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        let (key, point) = TokenKey::open(token, uri, Curve::Ed25519).await?;
        let pubkey = point
            .as_slice()
            .try_into()
            .map_err(|_| Pkcs11Error::Malformed {
                uri: key.uri().to_owned(),
                what: "public key",
                reason: "an ed25519 public key is 32 bytes",
            })?;
        Ok(Self { key, pubkey })
    }

    /// The key's URI (without a `pin-value`).
    pub fn uri(&self) -> &str {
        self.key.uri()
    }

    /// The token the key is on.
    pub fn token(&self) -> &Pkcs11Token {
        self.key.token()
    }

    /// Signs `message` with `CKM_EDDSA` (pure Ed25519, no prehash, no context).
    ///
    /// # Errors
    /// The token errors; [`Pkcs11Error::Malformed`] if the token returns other than 64 bytes.
    #[tracing::instrument(name = "pkcs11_sign_ed25519", skip_all, fields(uri = %self.key.uri(), len = message.len()), err(Display))]
    pub async fn sign_message(&self, message: &[u8]) -> Result<[u8; 64], Pkcs11Error> {
        self.key
            .sign_exact(
                SignMechanism::Eddsa,
                message.to_vec(),
                "CKM_EDDSA on edwards25519 must return 64 bytes (R ‖ s)",
            )
            .await
    }

    /// The Solana [`ChallengeSigner`](chainsig_core::ChallengeSigner) of this key (mainnet; see
    /// [`Ed25519ChallengeSigner::with_chain`]).
    ///
    /// # Errors
    /// [`KeyError::InvalidPublicKey`] if the token's public key is not a usable ed25519 point.
    pub fn solana_signer(self) -> Result<Ed25519ChallengeSigner<Self>, KeyError> {
        Ed25519ChallengeSigner::new(self)
    }
}

#[async_trait]
impl Ed25519Signer for Pkcs11Ed25519Key {
    fn pubkey(&self) -> [u8; 32] {
        self.pubkey
    }

    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        Ok(self.sign_message(message).await?)
    }

    async fn health_check(&self) -> Result<(), SignerError> {
        Ok(self.key.token().health_check().await?)
    }
}

impl fmt::Debug for Pkcs11Ed25519Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Ed25519Key")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
