//! Signature parameters: the `Signature-Input` member and the `@signature-params` line, and the
//! `Signature` header.

use sfv::{
    BareItem, DictSerializer, Dictionary, Integer, KeyRef, ListEntry, ListSerializer, Parser,
    StringRef, Version, key_ref,
};

use crate::error::{ParamsError, VerifyError, truncate};

const CREATED: &KeyRef = key_ref("created");
const EXPIRES: &KeyRef = key_ref("expires");
const NONCE: &KeyRef = key_ref("nonce");
const ALG: &KeyRef = key_ref("alg");
const KEYID: &KeyRef = key_ref("keyid");
const TAG: &KeyRef = key_ref("tag");

/// The most covered components a received `Signature-Input` may list (OffBlocks signs 4 to 6).
pub const MAX_COMPONENTS: usize = 64;

/// One signature parameter (RFC 9421 §2.3). Only the six parameters the OffBlocks verifier
/// accepts exist.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureParam {
    /// `created`: Unix seconds.
    Created(u64),
    /// `expires`: Unix seconds.
    Expires(u64),
    /// `nonce`.
    Nonce(String),
    /// `alg`.
    Alg(String),
    /// `keyid`.
    KeyId(String),
    /// `tag`.
    Tag(String),
}

impl SignatureParam {
    /// The parameter name as it appears in `Signature-Input`.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Created(_) => "created",
            Self::Expires(_) => "expires",
            Self::Nonce(_) => "nonce",
            Self::Alg(_) => "alg",
            Self::KeyId(_) => "keyid",
            Self::Tag(_) => "tag",
        }
    }

    const fn key(&self) -> &'static KeyRef {
        match self {
            Self::Created(_) => CREATED,
            Self::Expires(_) => EXPIRES,
            Self::Nonce(_) => NONCE,
            Self::Alg(_) => ALG,
            Self::KeyId(_) => KEYID,
            Self::Tag(_) => TAG,
        }
    }
}

/// The covered components and parameters of one signature, validated, with their canonical
/// RFC 8941 serialization (the text after `sig=` in `Signature-Input`, and the value of the
/// `@signature-params` line of the signature base).
///
/// ```
/// use chainsig_httpsig::{SignatureParam, SignatureParams};
///
/// let params = SignatureParams::new(
///     ["@method", "@path"],
///     [SignatureParam::Created(1767225600), SignatureParam::KeyId("k1".into())],
/// )?;
/// assert_eq!(params.serialized(), r#"("@method" "@path");created=1767225600;keyid="k1""#);
/// assert_eq!(params.to_signature_input("sig")?, format!("sig={}", params.serialized()));
///
/// let parsed = SignatureParams::from_signature_input(&params.to_signature_input("sig")?, "sig")?;
/// assert_eq!(parsed, params);
/// # Ok::<(), chainsig_httpsig::ParamsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    components: Vec<String>,
    params: Vec<SignatureParam>,
    serialized: String,
}

impl SignatureParams {
    /// Validates and serializes. Components must be lower-case (`@method`, `content-type`), each
    /// listed once; integers must be at most 999 999 999 999 999 (RFC 8941); strings printable
    /// ASCII. A parameter given twice keeps its first position and its last value, as RFC 8941
    /// parsing does.
    ///
    /// # Errors
    /// [`ParamsError::InvalidComponent`], [`ParamsError::DuplicateComponent`],
    /// [`ParamsError::InvalidParameter`].
    pub fn new<C, P>(components: C, params: P) -> Result<Self, ParamsError>
    where
        C: IntoIterator,
        C::Item: Into<String>,
        P: IntoIterator<Item = SignatureParam>,
    {
        let components: Vec<String> = components.into_iter().map(Into::into).collect();
        for (i, c) in components.iter().enumerate() {
            if !valid_component(c) {
                return Err(ParamsError::InvalidComponent {
                    component: truncate(c, 64),
                });
            }
            if components[..i].contains(c) {
                return Err(ParamsError::DuplicateComponent {
                    component: c.clone(),
                });
            }
        }
        let mut deduped: Vec<SignatureParam> = Vec::new();
        for p in params {
            match deduped.iter_mut().find(|q| q.name() == p.name()) {
                Some(q) => *q = p,
                None => deduped.push(p),
            }
        }

        let mut ser = ListSerializer::new();
        {
            let mut inner = ser.inner_list();
            for c in &components {
                let s = StringRef::from_str(c).map_err(|_| ParamsError::InvalidComponent {
                    component: truncate(c, 64),
                })?;
                let _ = inner.bare_item(s);
            }
            let mut ps = inner.finish();
            for p in &deduped {
                let invalid = || ParamsError::InvalidParameter { name: p.name() };
                ps = match p {
                    SignatureParam::Created(v) | SignatureParam::Expires(v) => {
                        let v = Integer::try_from(*v).map_err(|_| invalid())?;
                        ps.parameter(p.key(), v)
                    }
                    SignatureParam::Nonce(s)
                    | SignatureParam::Alg(s)
                    | SignatureParam::KeyId(s)
                    | SignatureParam::Tag(s) => {
                        let s = StringRef::from_str(s).map_err(|_| invalid())?;
                        ps.parameter(p.key(), s)
                    }
                };
            }
        }
        let serialized = ser
            .finish()
            .ok_or(ParamsError::Malformed { reason: "empty" })?;
        Ok(Self {
            components,
            params: deduped,
            serialized,
        })
    }

    /// Parses the member labelled `label` of a received `Signature-Input` value (several header
    /// lines joined with `", "`), keeping the received order of components and parameters.
    ///
    /// # Errors
    /// [`ParamsError::Malformed`], [`ParamsError::LabelNotFound`],
    /// [`ParamsError::UnknownParameter`] (anything but `created`, `expires`, `nonce`, `alg`,
    /// `keyid`, `tag`), [`ParamsError::InvalidParameter`], [`ParamsError::InvalidComponent`],
    /// [`ParamsError::DuplicateComponent`].
    pub fn from_signature_input(header: &str, label: &str) -> Result<Self, ParamsError> {
        let key = KeyRef::from_str(label).map_err(|_| ParamsError::InvalidLabel)?;
        let dict: Dictionary = Parser::new(header)
            .with_version(Version::Rfc8941)
            .parse()
            .map_err(|_| ParamsError::Malformed {
                reason: "not a structured-field dictionary",
            })?;
        let entry = dict.get(key).ok_or_else(|| ParamsError::LabelNotFound {
            label: label.to_owned(),
        })?;
        let ListEntry::InnerList(list) = entry else {
            return Err(ParamsError::Malformed {
                reason: "the member is not an inner list",
            });
        };
        // The header is the sender's: bound the work before anything is built or compared.
        if list.items.len() > MAX_COMPONENTS {
            return Err(ParamsError::Malformed {
                reason: "more than 64 covered components",
            });
        }
        let mut components = Vec::with_capacity(list.items.len());
        for item in &list.items {
            let BareItem::String(s) = &item.bare_item else {
                return Err(ParamsError::Malformed {
                    reason: "a component identifier is not a string",
                });
            };
            if !item.params.is_empty() {
                return Err(ParamsError::InvalidComponent {
                    component: truncate(s.as_str(), 64),
                });
            }
            components.push(s.as_str().to_owned());
        }
        let mut params = Vec::with_capacity(list.params.len());
        for (name, value) in &list.params {
            let param = match name.as_str() {
                "created" => SignatureParam::Created(non_negative(value, "created")?),
                "expires" => SignatureParam::Expires(non_negative(value, "expires")?),
                "nonce" => SignatureParam::Nonce(string(value, "nonce")?),
                "alg" => SignatureParam::Alg(string(value, "alg")?),
                "keyid" => SignatureParam::KeyId(string(value, "keyid")?),
                "tag" => SignatureParam::Tag(string(value, "tag")?),
                other => {
                    return Err(ParamsError::UnknownParameter {
                        name: truncate(other, 64),
                    });
                }
            };
            params.push(param);
        }
        Self::new(components, params)
    }

    /// `<label>=<serialized>`: the `Signature-Input` header value.
    ///
    /// # Errors
    /// [`ParamsError::InvalidLabel`] if `label` is not a structured-field key.
    pub fn to_signature_input(&self, label: &str) -> Result<String, ParamsError> {
        KeyRef::from_str(label).map_err(|_| ParamsError::InvalidLabel)?;
        let mut out = String::with_capacity(label.len() + 1 + self.serialized.len());
        out.push_str(label);
        out.push('=');
        out.push_str(&self.serialized);
        Ok(out)
    }

    /// The canonical inner-list serialization (the `@signature-params` value).
    pub fn serialized(&self) -> &str {
        &self.serialized
    }

    /// The covered component identifiers, in order.
    pub fn components(&self) -> &[String] {
        &self.components
    }

    /// Whether `component` is covered.
    pub fn covers(&self, component: &str) -> bool {
        self.components.iter().any(|c| c == component)
    }

    /// The parameters, in order.
    pub fn params(&self) -> &[SignatureParam] {
        &self.params
    }

    /// `created`, if present.
    pub fn created(&self) -> Option<u64> {
        self.params.iter().find_map(|p| match p {
            SignatureParam::Created(v) => Some(*v),
            _ => None,
        })
    }

    /// `expires`, if present.
    pub fn expires(&self) -> Option<u64> {
        self.params.iter().find_map(|p| match p {
            SignatureParam::Expires(v) => Some(*v),
            _ => None,
        })
    }

    /// `keyid`, if present.
    pub fn keyid(&self) -> Option<&str> {
        self.find_str(|p| matches!(p, SignatureParam::KeyId(_)))
    }

    /// `alg`, if present.
    pub fn alg(&self) -> Option<&str> {
        self.find_str(|p| matches!(p, SignatureParam::Alg(_)))
    }

    /// `nonce`, if present.
    pub fn nonce(&self) -> Option<&str> {
        self.find_str(|p| matches!(p, SignatureParam::Nonce(_)))
    }

    /// `tag`, if present.
    pub fn tag(&self) -> Option<&str> {
        self.find_str(|p| matches!(p, SignatureParam::Tag(_)))
    }

    fn find_str(&self, pred: impl Fn(&SignatureParam) -> bool) -> Option<&str> {
        self.params.iter().find(|p| pred(p)).and_then(|p| match p {
            SignatureParam::Nonce(s)
            | SignatureParam::Alg(s)
            | SignatureParam::KeyId(s)
            | SignatureParam::Tag(s) => Some(s.as_str()),
            SignatureParam::Created(_) | SignatureParam::Expires(_) => None,
        })
    }
}

fn non_negative(value: &BareItem, name: &'static str) -> Result<u64, ParamsError> {
    value
        .as_integer()
        .and_then(|i| u64::try_from(i64::from(i)).ok())
        .ok_or(ParamsError::InvalidParameter { name })
}

fn string(value: &BareItem, name: &'static str) -> Result<String, ParamsError> {
    value
        .as_string()
        .map(|s| s.as_str().to_owned())
        .ok_or(ParamsError::InvalidParameter { name })
}

/// A lower-case derived component (`@` + letters and `-`) or a lower-case field name (token).
fn valid_component(c: &str) -> bool {
    let (derived, name) = match c.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, c),
    };
    !name.is_empty()
        && name.bytes().all(|b| {
            if derived {
                b.is_ascii_lowercase() || b == b'-'
            } else {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
            }
        })
}

/// Serializes the `Signature` header value `<label>=:<base64>:`.
pub(crate) fn signature_header(label: &str, signature: &[u8]) -> Result<String, ParamsError> {
    let key = KeyRef::from_str(label).map_err(|_| ParamsError::InvalidLabel)?;
    let mut ser = DictSerializer::new();
    let _ = ser.bare_item(key, signature);
    ser.finish().ok_or(ParamsError::InvalidLabel)
}

/// Extracts the signature bytes of the member labelled `label` from a received `Signature` value
/// (several header lines joined with `", "`).
///
/// ```
/// use chainsig_httpsig::parse_signature;
///
/// assert_eq!(parse_signature("sig=:AAEC:, other=:BA==:", "sig")?, vec![0, 1, 2]);
/// # Ok::<(), chainsig_httpsig::VerifyError>(())
/// ```
///
/// # Errors
/// [`VerifyError::MalformedSignature`] (not a dictionary, or the member is not a byte sequence),
/// [`VerifyError::LabelNotFound`]. The length is not checked here.
pub fn parse_signature(header: &str, label: &str) -> Result<Vec<u8>, VerifyError> {
    let key = KeyRef::from_str(label).map_err(|_| VerifyError::MalformedSignature {
        reason: "invalid label",
    })?;
    let mut dict: Dictionary = Parser::new(header)
        .with_version(Version::Rfc8941)
        .parse()
        .map_err(|_| VerifyError::MalformedSignature {
            reason: "not a structured-field dictionary",
        })?;
    match dict.swap_remove(key) {
        Some(ListEntry::Item(item)) => match item.bare_item {
            BareItem::ByteSequence(bytes) => Ok(bytes),
            _ => Err(VerifyError::MalformedSignature {
                reason: "the member is not a byte sequence",
            }),
        },
        Some(ListEntry::InnerList(_)) => Err(VerifyError::MalformedSignature {
            reason: "the member is an inner list",
        }),
        None => Err(VerifyError::LabelNotFound {
            label: label.to_owned(),
        }),
    }
}
