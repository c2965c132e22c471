//! [`KeyUri`]: an RFC 7512 `pkcs11:` URI naming a token, a key on it, and (optionally) the module
//! and the PIN source.
//!
//! Parsed here rather than with a crate: the two on crates.io are `pkcs11-uri` (built on the
//! older `pkcs11` binding, a second PKCS#11 layer next to `cryptoki`) and `pk11-uri-parser` (a
//! regex-based parser that leaves values percent-encoded and shows `pin-value` in its `Debug`).
//! The grammar is small: `;`-separated path attributes, `&`-separated query attributes, each
//! value percent-decoded; `percent-encoding` does the decoding.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use secrecy::SecretString;

use crate::error::UriError;
use crate::pin::PinSource;

/// The object class of RFC 7512's `type` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectType {
    /// `type=private`: a private key (the only kind chainsig signs with).
    Private,
    /// `type=public`: a public key.
    Public,
    /// `type=cert`: a certificate.
    Cert,
    /// `type=secret-key`: a symmetric key.
    SecretKey,
    /// `type=data`: a data object.
    Data,
}

impl ObjectType {
    fn as_str(self) -> &'static str {
        match self {
            ObjectType::Private => "private",
            ObjectType::Public => "public",
            ObjectType::Cert => "cert",
            ObjectType::SecretKey => "secret-key",
            ObjectType::Data => "data",
        }
    }
}

/// A PKCS#11 URI (RFC 7512) naming a key:
/// `pkcs11:token=custody;object=customer-42;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin`.
///
/// Path attributes select the token (`token`, `manufacturer`, `model`, `serial`, `slot-id`) and
/// the key (`object` = `CKA_LABEL`, `id` = `CKA_ID`, `type`, which must be `private` when given).
/// Query attributes give the module (`module-path`; `module-name` is kept but not searched for)
/// and the PIN (`pin-source=file:/path` or an absolute path; `pin-value`, which RFC 7512 allows
/// but which puts the PIN in the URI). Unknown standard attributes are refused (a typo must not
/// widen a match); vendor attributes (`x-…`) are ignored.
///
/// # Security
/// `pin-value` is held as a secret: [`Display`](fmt::Display) and [`Debug`] leave it out, so an
/// error message that names the URI never shows a PIN.
///
/// ```
/// use chainsig_pkcs11::KeyUri;
///
/// let uri: KeyUri = "pkcs11:token=custody;object=customer-42;type=private?pin-value=1234".parse()?;
/// assert_eq!(uri.token(), Some("custody"));
/// assert_eq!(uri.object(), Some("customer-42"));
/// assert!(!uri.to_string().contains("1234"));
/// # Ok::<(), chainsig_pkcs11::UriError>(())
/// ```
#[derive(Clone, Default)]
pub struct KeyUri {
    token: Option<String>,
    manufacturer: Option<String>,
    model: Option<String>,
    serial: Option<String>,
    slot_id: Option<u64>,
    object: Option<String>,
    id: Option<Vec<u8>>,
    object_type: Option<ObjectType>,
    module_path: Option<PathBuf>,
    module_name: Option<String>,
    pin_source: Option<PinSource>,
}

impl KeyUri {
    /// An empty URI (`pkcs11:`), to fill with the setters below.
    pub fn new() -> Self {
        Self::default()
    }

    /// The token label (`token`, `CKT_TOKEN_INFO.label`).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// The token's manufacturer (`manufacturer`).
    pub fn manufacturer(&self) -> Option<&str> {
        self.manufacturer.as_deref()
    }

    /// The token's model (`model`).
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The token's serial number (`serial`).
    pub fn serial(&self) -> Option<&str> {
        self.serial.as_deref()
    }

    /// The slot id (`slot-id`).
    pub fn slot_id(&self) -> Option<u64> {
        self.slot_id
    }

    /// The key's label (`object`, `CKA_LABEL`).
    pub fn object(&self) -> Option<&str> {
        self.object.as_deref()
    }

    /// The key's id (`id`, `CKA_ID`), decoded bytes.
    pub fn id(&self) -> Option<&[u8]> {
        self.id.as_deref()
    }

    /// The object class (`type`).
    pub fn object_type(&self) -> Option<ObjectType> {
        self.object_type
    }

    /// The module to load (`module-path`).
    pub fn module_path(&self) -> Option<&std::path::Path> {
        self.module_path.as_deref()
    }

    /// The module's name (`module-name`); kept, not searched for.
    pub fn module_name(&self) -> Option<&str> {
        self.module_name.as_deref()
    }

    /// Where the PIN comes from (`pin-source` or `pin-value`).
    pub fn pin_source(&self) -> Option<&PinSource> {
        self.pin_source.as_ref()
    }

    /// Sets the token label.
    #[must_use]
    pub fn with_token(mut self, label: impl Into<String>) -> Self {
        self.token = Some(label.into());
        self
    }

    /// Sets the key label (`object`).
    #[must_use]
    pub fn with_object(mut self, label: impl Into<String>) -> Self {
        self.object = Some(label.into());
        self
    }

    /// Sets the key id (`id`).
    #[must_use]
    pub fn with_id(mut self, id: impl Into<Vec<u8>>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets `type=private`.
    #[must_use]
    pub fn private(mut self) -> Self {
        self.object_type = Some(ObjectType::Private);
        self
    }

    /// Sets the module path.
    #[must_use]
    pub fn with_module_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.module_path = Some(path.into());
        self
    }

    /// Sets the PIN source.
    #[must_use]
    pub fn with_pin_source(mut self, source: PinSource) -> Self {
        self.pin_source = Some(source);
        self
    }

    /// The same URI naming the token only (the key attributes dropped), for messages about the
    /// token.
    pub(crate) fn token_part(&self) -> KeyUri {
        KeyUri {
            object: None,
            id: None,
            object_type: None,
            ..self.clone()
        }
    }
}

fn decode_text(name: &str, value: &str) -> Result<String, UriError> {
    check_escapes(name, value)?;
    percent_decode_str(value)
        .decode_utf8()
        .map(|v| v.into_owned())
        .map_err(|_| UriError::InvalidValue {
            attribute: name.to_owned(),
            expected: "percent-encoded UTF-8 text",
        })
}

/// Every `%` starts a two-hex-digit escape (`percent_decode_str` passes a bad one through).
fn check_escapes(name: &str, value: &str) -> Result<(), UriError> {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err(UriError::InvalidValue {
                attribute: name.to_owned(),
                expected: "`%` followed by two hex digits",
            });
        }
    }
    Ok(())
}

fn set_once<T>(slot: &mut Option<T>, name: &str, value: T) -> Result<(), UriError> {
    if slot.is_some() {
        return Err(UriError::Duplicate {
            attribute: name.to_owned(),
        });
    }
    *slot = Some(value);
    Ok(())
}

impl FromStr for KeyUri {
    type Err = UriError;

    fn from_str(text: &str) -> Result<Self, UriError> {
        let text = text.trim();
        let rest = text
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("pkcs11:"))
            .map(|_| &text[7..])
            .ok_or(UriError::NotPkcs11)?;
        if rest.contains('#') {
            return Err(UriError::Fragment);
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let mut uri = KeyUri::default();
        for attribute in path.split(';').filter(|a| !a.is_empty()) {
            let (name, value) = attribute.split_once('=').ok_or(UriError::Malformed {
                expected: "path attributes of the form name=value, separated by `;`",
            })?;
            match name {
                "token" => set_once(&mut uri.token, name, decode_text(name, value)?)?,
                "manufacturer" => set_once(&mut uri.manufacturer, name, decode_text(name, value)?)?,
                "model" => set_once(&mut uri.model, name, decode_text(name, value)?)?,
                "serial" => set_once(&mut uri.serial, name, decode_text(name, value)?)?,
                "object" => set_once(&mut uri.object, name, decode_text(name, value)?)?,
                "id" => {
                    check_escapes(name, value)?;
                    set_once(&mut uri.id, name, percent_decode_str(value).collect())?
                }
                "slot-id" => {
                    let id = decode_text(name, value)?.parse::<u64>().map_err(|_| {
                        UriError::InvalidValue {
                            attribute: name.to_owned(),
                            expected: "a decimal slot number",
                        }
                    })?;
                    set_once(&mut uri.slot_id, name, id)?
                }
                "type" => {
                    let kind = match decode_text(name, value)?.as_str() {
                        "private" => ObjectType::Private,
                        "public" => ObjectType::Public,
                        "cert" => ObjectType::Cert,
                        "secret-key" => ObjectType::SecretKey,
                        "data" => ObjectType::Data,
                        _ => {
                            return Err(UriError::InvalidValue {
                                attribute: name.to_owned(),
                                expected: "one of private, public, cert, secret-key, data",
                            });
                        }
                    };
                    set_once(&mut uri.object_type, name, kind)?
                }
                // Library and slot descriptions select among several modules or slots; a key URI
                // that names its token does not need them, and matching them is not supported.
                "library-manufacturer"
                | "library-description"
                | "library-version"
                | "slot-manufacturer"
                | "slot-description" => {
                    return Err(UriError::Unsupported {
                        attribute: name.to_owned(),
                    });
                }
                vendor if vendor.starts_with("x-") => {}
                other => {
                    return Err(UriError::UnknownAttribute {
                        attribute: safe_name(other),
                    });
                }
            }
        }
        for attribute in query.into_iter().flat_map(|q| q.split('&')) {
            if attribute.is_empty() {
                continue;
            }
            let (name, value) = attribute.split_once('=').ok_or(UriError::Malformed {
                expected: "query attributes of the form name=value, separated by `&`",
            })?;
            match name {
                "module-path" => set_once(
                    &mut uri.module_path,
                    name,
                    PathBuf::from(decode_text(name, value)?),
                )?,
                "module-name" => set_once(&mut uri.module_name, name, decode_text(name, value)?)?,
                "pin-source" => {
                    let source = PinSource::from_uri_value(&decode_text(name, value)?)?;
                    if uri.pin_source.is_some() {
                        return Err(UriError::ConflictingPin);
                    }
                    uri.pin_source = Some(source);
                }
                "pin-value" => {
                    check_escapes(name, value)?;
                    let pin = percent_decode_str(value).decode_utf8().map_err(|_| {
                        UriError::InvalidValue {
                            attribute: name.to_owned(),
                            expected: "percent-encoded UTF-8 text",
                        }
                    })?;
                    if uri.pin_source.is_some() {
                        return Err(UriError::ConflictingPin);
                    }
                    uri.pin_source = Some(PinSource::Value(SecretString::from(pin.into_owned())));
                }
                vendor if vendor.starts_with("x-") => {}
                other => {
                    return Err(UriError::UnknownAttribute {
                        attribute: safe_name(other),
                    });
                }
            }
        }
        if uri
            .object_type
            .is_some_and(|kind| kind != ObjectType::Private)
        {
            return Err(UriError::NotPrivateKey {
                found: uri.object_type.map(ObjectType::as_str).unwrap_or_default(),
            });
        }
        Ok(uri)
    }
}

/// An attribute name if it looks like one, so an error never echoes a value pasted in its place.
fn safe_name(name: &str) -> String {
    if name.len() <= 32 && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        name.to_owned()
    } else {
        "<unreadable>".to_owned()
    }
}

/// RFC 7512's `pchar` minus the attribute separators: unreserved characters and `:`, `[`, `]`,
/// `@`, `!`, `$`, `'`, `(`, `)`, `*`, `+`, `,`, `=` stay as they are.
const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',');

/// As [`PATH_VALUE`], and `/` and `?` may stay in a query value.
const QUERY_VALUE: &AsciiSet = &PATH_VALUE.remove(b'/').remove(b'?');

impl fmt::Display for KeyUri {
    /// The canonical URI text, without `pin-value` (a `pin-source` is shown: it names a file,
    /// not the PIN).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("pkcs11:")?;
        let mut path = Vec::new();
        for (name, value) in [
            ("token", &self.token),
            ("manufacturer", &self.manufacturer),
            ("model", &self.model),
            ("serial", &self.serial),
            ("object", &self.object),
        ] {
            if let Some(value) = value {
                path.push(format!("{name}={}", utf8_percent_encode(value, PATH_VALUE)));
            }
        }
        if let Some(slot) = self.slot_id {
            path.push(format!("slot-id={slot}"));
        }
        if let Some(id) = &self.id {
            let hex: String = id.iter().map(|b| format!("%{b:02X}")).collect();
            path.push(format!("id={hex}"));
        }
        if let Some(kind) = self.object_type {
            path.push(format!("type={}", kind.as_str()));
        }
        f.write_str(&path.join(";"))?;
        let mut query = Vec::new();
        if let Some(module) = &self.module_path {
            query.push(format!(
                "module-path={}",
                utf8_percent_encode(&module.to_string_lossy(), QUERY_VALUE)
            ));
        }
        if let Some(name) = &self.module_name {
            query.push(format!(
                "module-name={}",
                utf8_percent_encode(name, QUERY_VALUE)
            ));
        }
        if let Some(PinSource::File(path)) = &self.pin_source {
            query.push(format!(
                "pin-source=file:{}",
                utf8_percent_encode(&path.to_string_lossy(), QUERY_VALUE)
            ));
        }
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyUri({self})")
    }
}

#[cfg(test)]
mod tests;
