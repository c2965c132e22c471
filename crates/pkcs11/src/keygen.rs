//! Key generation inside the token: sensitive, non-extractable private keys for all three kinds.

use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, KeyType};

use crate::curve::{Curve, ED25519_NAME};
use crate::error::{Pkcs11Error, from_cryptoki};
use crate::evm::Pkcs11Secp256k1Key;
use crate::key::private_template;
use crate::request_key::Pkcs11P384Key;
use crate::solana::Pkcs11Ed25519Key;
use crate::token::Pkcs11Token;
use crate::uri::KeyUri;

/// Generates a key pair on `curve` labelled `uri`'s `object` (its `CKA_ID` is the URI's `id`, or
/// the label's bytes). The private key is a token object, private, sensitive, not extractable,
/// sign-only. Blocking work runs in the pool.
async fn generate_pair(token: &Pkcs11Token, uri: &KeyUri, curve: Curve) -> Result<(), Pkcs11Error> {
    let display = uri.to_string();
    let label = uri
        .object()
        .ok_or_else(|| Pkcs11Error::NoObject {
            uri: display.clone(),
        })?
        .as_bytes()
        .to_vec();
    let id = uri
        .id()
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| label.clone());
    let existing = private_template(uri);
    let uri_text = display.clone();
    let _turn = token.generation_turn().await;
    token
        .run(&display, move |session| {
            let uri = uri_text.as_str();
            let found = session
                .find_objects(&existing)
                .map_err(|e| from_cryptoki(uri, "C_FindObjects", e))?;
            if !found.is_empty() {
                return Err(Pkcs11Error::ObjectExists {
                    uri: uri.to_owned(),
                });
            }
            let (mechanism, key_type, mechanism_name) = match curve {
                Curve::Secp256k1 | Curve::P384 => {
                    (Mechanism::EccKeyPairGen, KeyType::EC, "CKM_EC_KEY_PAIR_GEN")
                }
                Curve::Ed25519 => (
                    Mechanism::EccEdwardsKeyPairGen,
                    KeyType::EC_EDWARDS,
                    "CKM_EC_EDWARDS_KEY_PAIR_GEN",
                ),
            };
            let private = [
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
                Attribute::Derive(false),
                Attribute::KeyType(key_type),
                Attribute::Label(label.clone()),
                Attribute::Id(id.clone()),
            ];
            let public = |params: &[u8]| {
                vec![
                    Attribute::Token(true),
                    Attribute::Private(false),
                    Attribute::Verify(true),
                    Attribute::KeyType(key_type),
                    Attribute::EcParams(params.to_vec()),
                    Attribute::Label(label.clone()),
                    Attribute::Id(id.clone()),
                ]
            };
            let generated =
                session.generate_key_pair(&mechanism, &public(curve.params()), &private);
            let generated = match generated {
                // Tokens that name edwards25519 by its PKCS#11 3.0 printable string only.
                Err(Error::Pkcs11(
                    RvError::CurveNotSupported
                    | RvError::DomainParamsInvalid
                    | RvError::AttributeValueInvalid
                    | RvError::TemplateInconsistent,
                    _,
                )) if curve == Curve::Ed25519 => {
                    session.generate_key_pair(&mechanism, &public(ED25519_NAME), &private)
                }
                other => other,
            };
            generated
                .map(|_| ())
                .map_err(|e| from_cryptoki(uri, mechanism_name, e))
        })
        .await
}

impl Pkcs11Secp256k1Key {
    /// Generates a secp256k1 key in the token, labelled `uri`'s `object`, and opens it.
    ///
    /// # Errors
    /// [`Pkcs11Error::NoObject`], [`Pkcs11Error::ObjectExists`],
    /// [`Pkcs11Error::MechanismUnsupported`] and the token errors.
    #[tracing::instrument(name = "pkcs11_generate_secp256k1", skip_all, fields(uri = %uri), err(Display))]
    pub async fn generate(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        generate_pair(token, uri, Curve::Secp256k1).await?;
        Self::open(token, uri).await
    }
}

impl Pkcs11Ed25519Key {
    /// Generates an ed25519 key in the token, labelled `uri`'s `object`, and opens it.
    ///
    /// # Errors
    /// As [`Pkcs11Secp256k1Key::generate`].
    #[tracing::instrument(name = "pkcs11_generate_ed25519", skip_all, fields(uri = %uri), err(Display))]
    pub async fn generate(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        generate_pair(token, uri, Curve::Ed25519).await?;
        Self::open(token, uri).await
    }
}

impl Pkcs11P384Key {
    /// Generates a P-384 key in the token, labelled `uri`'s `object`, and opens it.
    ///
    /// # Errors
    /// As [`Pkcs11Secp256k1Key::generate`].
    #[tracing::instrument(name = "pkcs11_generate_p384", skip_all, fields(uri = %uri), err(Display))]
    pub async fn generate(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        generate_pair(token, uri, Curve::P384).await?;
        Self::open(token, uri).await
    }
}
