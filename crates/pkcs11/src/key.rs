//! A private key on a token, found by its URI: the lookup (class, type, curve, public point) and
//! the one signing call all three key kinds share.

use std::fmt;
use std::sync::{Arc, Mutex};

use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;

use crate::curve::{Curve, NamedCurve, curve_of, point_of};
use crate::error::{Pkcs11Error, from_cryptoki};
use crate::token::Pkcs11Token;
use crate::uri::KeyUri;

/// The signing mechanisms chainsig uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignMechanism {
    /// `CKM_ECDSA`: raw ECDSA over a digest the caller made; `r ‖ s` out.
    Ecdsa,
    /// `CKM_EDDSA` without parameters: pure Ed25519 over the message.
    Eddsa,
}

impl SignMechanism {
    pub(crate) fn name(self) -> &'static str {
        match self {
            SignMechanism::Ecdsa => "CKM_ECDSA",
            SignMechanism::Eddsa => "CKM_EDDSA",
        }
    }

    fn mechanism(self) -> Mechanism<'static> {
        match self {
            SignMechanism::Ecdsa => Mechanism::Ecdsa,
            SignMechanism::Eddsa => Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
        }
    }
}

/// A private key on a token, with the template that finds it again (a handle may not outlive a
/// token's reinsertion).
#[derive(Clone)]
pub(crate) struct TokenKey {
    token: Pkcs11Token,
    uri: Arc<str>,
    template: Arc<Vec<Attribute>>,
    handle: Arc<Mutex<ObjectHandle>>,
}

/// The private-key template for `uri`'s `object` and `id`.
pub(crate) fn private_template(uri: &KeyUri) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(ObjectClass::PRIVATE_KEY)];
    if let Some(label) = uri.object() {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = uri.id() {
        template.push(Attribute::Id(id.to_vec()));
    }
    template
}

fn find_one(
    session: &Session,
    template: &[Attribute],
    uri: &str,
) -> Result<ObjectHandle, Pkcs11Error> {
    let found = session
        .find_objects(template)
        .map_err(|e| from_cryptoki(uri, "C_FindObjects", e))?;
    match found.as_slice() {
        [handle] => Ok(*handle),
        [] => Err(Pkcs11Error::ObjectNotFound {
            uri: uri.to_owned(),
        }),
        many => Err(Pkcs11Error::ObjectAmbiguous {
            uri: uri.to_owned(),
            count: many.len(),
        }),
    }
}

fn key_type_name(key_type: KeyType) -> String {
    if key_type == KeyType::EC {
        "CKK_EC (Weierstrass curve)".to_owned()
    } else if key_type == KeyType::EC_EDWARDS {
        "CKK_EC_EDWARDS".to_owned()
    } else {
        key_type.to_string()
    }
}

/// Finds `uri`'s private key, checks its type and curve, and returns its handle and its public
/// point (from the public key object with the same id, or label; some tokens put `CKA_EC_POINT`
/// on the private key too). Blocking.
fn lookup(
    session: &Session,
    template: &[Attribute],
    uri: &str,
    curve: Curve,
) -> Result<(ObjectHandle, Vec<u8>), Pkcs11Error> {
    let handle = find_one(session, template, uri)?;
    let attributes = session
        .get_attributes(
            handle,
            &[
                AttributeType::KeyType,
                AttributeType::EcParams,
                AttributeType::Id,
                AttributeType::Label,
            ],
        )
        .map_err(|e| from_cryptoki(uri, "C_GetAttributeValue", e))?;
    let (mut key_type, mut params, mut id, mut label) = (None, None, None, None);
    for attribute in attributes {
        match attribute {
            Attribute::KeyType(t) => key_type = Some(t),
            Attribute::EcParams(p) => params = Some(p),
            Attribute::Id(i) if !i.is_empty() => id = Some(i),
            Attribute::Label(l) if !l.is_empty() => label = Some(l),
            _ => {}
        }
    }
    let expected_type = match curve {
        Curve::Secp256k1 | Curve::P384 => KeyType::EC,
        Curve::Ed25519 => KeyType::EC_EDWARDS,
    };
    let expected_name = match curve {
        Curve::Secp256k1 => "an EC (CKK_EC) secp256k1 key",
        Curve::P384 => "an EC (CKK_EC) P-384 key",
        Curve::Ed25519 => "an Edwards (CKK_EC_EDWARDS) ed25519 key",
    };
    match key_type {
        Some(t) if t == expected_type => {}
        Some(t) => {
            return Err(Pkcs11Error::WrongKeyType {
                uri: uri.to_owned(),
                expected: expected_name,
                found: key_type_name(t),
            });
        }
        None => {
            return Err(Pkcs11Error::WrongKeyType {
                uri: uri.to_owned(),
                expected: expected_name,
                found: "an object without CKA_KEY_TYPE".to_owned(),
            });
        }
    }
    let params = params.ok_or_else(|| Pkcs11Error::Malformed {
        uri: uri.to_owned(),
        what: "private key",
        reason: "it has no CKA_EC_PARAMS",
    })?;
    match curve_of(&params) {
        NamedCurve::Known(found) if found == curve => {}
        other => {
            return Err(Pkcs11Error::WrongCurve {
                uri: uri.to_owned(),
                expected: curve.name(),
                found: other.to_string(),
            });
        }
    }

    let mut public = vec![
        Attribute::Class(ObjectClass::PUBLIC_KEY),
        Attribute::KeyType(expected_type),
    ];
    match (id, label) {
        (Some(id), _) => public.push(Attribute::Id(id)),
        (None, Some(label)) => public.push(Attribute::Label(label)),
        (None, None) => {}
    }
    // Without an id or a label to match, any public key of the type could be another key's:
    // only the private key's own CKA_EC_POINT is trusted then.
    let mut candidates = if public.len() > 2 {
        session
            .find_objects(&public)
            .map_err(|e| from_cryptoki(uri, "C_FindObjects", e))?
    } else {
        Vec::new()
    };
    // Some tokens keep CKA_EC_POINT on the private key as well: the last resort.
    candidates.push(handle);
    for candidate in candidates {
        let found = match session.get_attributes(
            candidate,
            &[AttributeType::EcPoint, AttributeType::EcParams],
        ) {
            Ok(found) => found,
            Err(Error::Pkcs11(RvError::AttributeTypeInvalid, _)) => continue,
            Err(e) => return Err(from_cryptoki(uri, "C_GetAttributeValue", e)),
        };
        let (mut point, mut same_curve) = (None, false);
        for attribute in found {
            match attribute {
                Attribute::EcPoint(p) => point = Some(p),
                Attribute::EcParams(p) => same_curve = curve_of(&p) == NamedCurve::Known(curve),
                _ => {}
            }
        }
        if let (Some(point), true) = (point, same_curve) {
            return match point_of(&point, curve) {
                Some(bare) => Ok((handle, bare.to_vec())),
                None => Err(Pkcs11Error::Malformed {
                    uri: uri.to_owned(),
                    what: "public key",
                    reason: "CKA_EC_POINT is not a point of the key's curve",
                }),
            };
        }
    }
    Err(Pkcs11Error::PublicKeyNotFound {
        uri: uri.to_owned(),
    })
}

impl TokenKey {
    /// Finds `uri`'s key on `token` and returns it with its bare public point.
    pub(crate) async fn open(
        token: &Pkcs11Token,
        uri: &KeyUri,
        curve: Curve,
    ) -> Result<(Self, Vec<u8>), Pkcs11Error> {
        let display: Arc<str> = Arc::from(uri.to_string());
        let template = Arc::new(private_template(uri));
        let (handle, point) = {
            let (display, template) = (display.clone(), template.clone());
            token
                .run(&display.clone(), move |session| {
                    lookup(session, &template, &display, curve)
                })
                .await?
        };
        Ok((
            TokenKey {
                token: token.clone(),
                uri: display,
                template,
                handle: Arc::new(Mutex::new(handle)),
            },
            point,
        ))
    }

    pub(crate) fn uri(&self) -> &str {
        &self.uri
    }

    pub(crate) fn token(&self) -> &Pkcs11Token {
        &self.token
    }

    /// Signs `data` with `mechanism` in one `C_Sign`. A stale handle (the token was reinserted)
    /// is looked up again once.
    pub(crate) async fn sign(
        &self,
        mechanism: SignMechanism,
        data: Vec<u8>,
    ) -> Result<Vec<u8>, Pkcs11Error> {
        let (uri, template, handle) =
            (self.uri.clone(), self.template.clone(), self.handle.clone());
        self.token
            .run(&self.uri, move |session| {
                let current = *handle.lock().unwrap_or_else(|e| e.into_inner());
                match session.sign(&mechanism.mechanism(), current, &data) {
                    Ok(signature) => Ok(signature),
                    Err(Error::Pkcs11(
                        RvError::ObjectHandleInvalid | RvError::KeyHandleInvalid,
                        _,
                    )) => {
                        let fresh = find_one(session, &template, &uri)?;
                        *handle.lock().unwrap_or_else(|e| e.into_inner()) = fresh;
                        session
                            .sign(&mechanism.mechanism(), fresh, &data)
                            .map_err(|e| from_cryptoki(&uri, mechanism.name(), e))
                    }
                    Err(e) => Err(from_cryptoki(&uri, mechanism.name(), e)),
                }
            })
            .await
    }
}

impl TokenKey {
    /// [`sign`](Self::sign), checked to give exactly `N` bytes: `expected` says what the
    /// mechanism must return, for the error when the token returns anything else.
    pub(crate) async fn sign_exact<const N: usize>(
        &self,
        mechanism: SignMechanism,
        data: Vec<u8>,
        expected: &'static str,
    ) -> Result<[u8; N], Pkcs11Error> {
        let signature = self.sign(mechanism, data).await?;
        signature
            .as_slice()
            .try_into()
            .map_err(|_| Pkcs11Error::Malformed {
                uri: self.uri.to_string(),
                what: "signature",
                reason: expected,
            })
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("uri", &self.uri)
            .field("pool_size", &self.token.pool_size())
            .finish()
    }
}
