//! Errors of the PKCS#11 crate. They name the key by its URI (never with a `pin-value`), the token
//! function that failed and the PKCS#11 return value; never a PIN.

use std::path::PathBuf;
use std::time::Duration;

use chainsig_core::SignerError;
use chainsig_httpsig::SigningKeyError;

/// A `pkcs11:` URI that could not be parsed. Messages name the attribute, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The text does not start with `pkcs11:`.
    #[error("not a PKCS#11 URI: expected text starting with `pkcs11:`")]
    NotPkcs11,
    /// The attribute list is not of the expected shape.
    #[error("malformed PKCS#11 URI: expected {expected}")]
    Malformed {
        /// What was expected.
        expected: &'static str,
    },
    /// A fragment (`#…`), which RFC 7512 does not allow.
    #[error("malformed PKCS#11 URI: a fragment (`#`) is not allowed; percent-encode `#` as %23")]
    Fragment,
    /// An attribute given twice.
    #[error("the PKCS#11 URI gives `{attribute}` twice")]
    Duplicate {
        /// The attribute.
        attribute: String,
    },
    /// An attribute RFC 7512 does not define (vendor attributes start with `x-`).
    #[error(
        "unknown PKCS#11 URI attribute `{attribute}`: expected token, manufacturer, model, serial, \
         slot-id, object, id, type (path) or module-path, module-name, pin-source, pin-value (query)"
    )]
    UnknownAttribute {
        /// The attribute name (or `<unreadable>` when it does not look like one).
        attribute: String,
    },
    /// An RFC 7512 attribute chainsig does not match on.
    #[error("the PKCS#11 URI attribute `{attribute}` is not supported: name the token instead")]
    Unsupported {
        /// The attribute.
        attribute: String,
    },
    /// A value that is not valid for its attribute.
    #[error("invalid value for the PKCS#11 URI attribute `{attribute}`: expected {expected}")]
    InvalidValue {
        /// The attribute.
        attribute: String,
        /// What was expected.
        expected: &'static str,
    },
    /// `type` names something other than a private key.
    #[error("the PKCS#11 URI names a `{found}` object: expected type=private (or no type)")]
    NotPrivateKey {
        /// The type given.
        found: &'static str,
    },
    /// Both `pin-source` and `pin-value`, or one of them twice.
    #[error("the PKCS#11 URI gives the PIN more than once: use one pin-source or one pin-value")]
    ConflictingPin,
    /// A `pin-source` that is not a file.
    #[error(
        "unsupported pin-source: expected `file:/absolute/path` (or pass the PIN through an environment variable)"
    )]
    UnsupportedPinSource,
}

/// A PIN that could not be read. No variant holds the PIN.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// No PIN source was given.
    #[error(
        "no PIN for the token: expected pin-source in the URI, a PIN file or an environment variable"
    )]
    Missing,
    /// The environment variable is not set (or not UTF-8).
    #[error("the PIN environment variable `{name}` is not set")]
    EnvUnset {
        /// The variable.
        name: String,
    },
    /// The PIN file could not be read.
    #[error("cannot read the PIN file {}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The PIN file is not UTF-8 text.
    #[error("the PIN file {} is not UTF-8 text", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The PIN is empty.
    #[error("the PIN is empty")]
    Empty,
}

/// Anything that went wrong with a module, a token or a key.
///
/// `uri` fields hold the key's URI as [`KeyUri`](crate::KeyUri) displays it: without a
/// `pin-value`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// The key URI is invalid.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// The PIN could not be read.
    #[error(transparent)]
    Pin(#[from] PinError),
    /// No module path in the URI, the builder or `CHAINSIG_PKCS11_MODULE`.
    #[error(
        "no PKCS#11 module for {uri}: expected module-path in the URI, a module path, or CHAINSIG_PKCS11_MODULE"
    )]
    NoModule {
        /// The key's URI.
        uri: String,
    },
    /// The module library could not be loaded.
    #[error("cannot load the PKCS#11 module {}: {source}", path.display())]
    ModuleLoad {
        /// The path tried.
        path: PathBuf,
        /// The loader's error.
        #[source]
        source: cryptoki::error::Error,
    },
    /// No token matches the URI.
    #[error("no token matches {uri}{found}")]
    TokenNotFound {
        /// The URI's token part.
        uri: String,
        /// The token labels that are present, for the message (`; tokens present: …`).
        found: String,
    },
    /// More than one token matches the URI.
    #[error("{count} tokens match {uri}: add serial or slot-id to the URI")]
    TokenAmbiguous {
        /// The URI's token part.
        uri: String,
        /// How many matched.
        count: usize,
    },
    /// The token refused the PIN.
    #[error("the token refused the PIN for {uri}: wrong PIN")]
    WrongPin {
        /// The URI's token part.
        uri: String,
    },
    /// The token's PIN is locked after too many wrong tries.
    #[error("the user PIN of {uri} is locked: the security officer must reset it")]
    PinLocked {
        /// The URI's token part.
        uri: String,
    },
    /// No private key matches the URI.
    #[error("no private key matches {uri}")]
    ObjectNotFound {
        /// The key's URI.
        uri: String,
    },
    /// More than one private key matches the URI.
    #[error("{count} private keys match {uri}: add id= or a unique object= to the URI")]
    ObjectAmbiguous {
        /// The key's URI.
        uri: String,
        /// How many matched.
        count: usize,
    },
    /// A key with this label or id exists already (key generation).
    #[error("a key matching {uri} exists already: choose another object= label")]
    ObjectExists {
        /// The key's URI.
        uri: String,
    },
    /// The URI names no key (key generation needs `object=`).
    #[error("the URI {uri} names no key: expected object=<label>")]
    NoObject {
        /// The URI.
        uri: String,
    },
    /// The key's public half is not on the token.
    #[error(
        "no public key for {uri} on the token: expected a public key object with the same id or label"
    )]
    PublicKeyNotFound {
        /// The key's URI.
        uri: String,
    },
    /// The key is of another type.
    #[error("{uri} is a {found} key: expected {expected}")]
    WrongKeyType {
        /// The key's URI.
        uri: String,
        /// The type required.
        expected: &'static str,
        /// The type found.
        found: String,
    },
    /// The key is on another curve.
    #[error("{uri} is on {found}: expected {expected}")]
    WrongCurve {
        /// The key's URI.
        uri: String,
        /// The curve required.
        expected: &'static str,
        /// The curve found.
        found: String,
    },
    /// The token does not offer a mechanism chainsig needs.
    #[error("the token of {uri} does not support {mechanism}")]
    MechanismUnsupported {
        /// The key's URI.
        uri: String,
        /// The mechanism.
        mechanism: &'static str,
    },
    /// The token is gone (removed, closed, or the module lost it).
    #[error("the token of {uri} is not present (removed, or its sessions were closed): {source}")]
    TokenRemoved {
        /// The key's URI.
        uri: String,
        /// The return value.
        #[source]
        source: cryptoki::error::Error,
    },
    /// The token did not answer in time.
    #[error("the token of {uri} did not answer within {after:?}")]
    Timeout {
        /// The key's URI.
        uri: String,
        /// The time waited.
        after: Duration,
    },
    /// The token returned something malformed.
    #[error("the token returned an unusable {what} for {uri}: {reason}")]
    Malformed {
        /// The key's URI.
        uri: String,
        /// What was returned (signature, public key, …).
        what: &'static str,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// Any other PKCS#11 failure.
    #[error("{function} failed for {uri}: {source}")]
    Token {
        /// The key's URI.
        uri: String,
        /// What chainsig was doing.
        function: &'static str,
        /// The PKCS#11 error.
        #[source]
        source: cryptoki::error::Error,
    },
    /// The async runtime lost the blocking task (it panicked or the runtime is shutting down).
    #[error("the blocking PKCS#11 call for {uri} did not complete: {reason}")]
    Join {
        /// The key's URI.
        uri: String,
        /// Why.
        reason: String,
    },
}

impl Pkcs11Error {
    /// Whether the failure is the token's absence or slowness, which may pass.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Pkcs11Error::TokenRemoved { .. } | Pkcs11Error::Timeout { .. }
        )
    }
}

impl From<Pkcs11Error> for SignerError {
    fn from(err: Pkcs11Error) -> Self {
        if err.is_retryable() {
            SignerError::Unavailable {
                reason: err.to_string(),
                retryable: true,
            }
        } else {
            SignerError::backend(err)
        }
    }
}

impl From<Pkcs11Error> for SigningKeyError {
    fn from(err: Pkcs11Error) -> Self {
        if err.is_retryable() {
            SigningKeyError::Unavailable {
                reason: err.to_string(),
                retryable: true,
            }
        } else {
            SigningKeyError::Other(Box::new(err))
        }
    }
}

/// Names a PKCS#11 failure of `what` (a function or a mechanism) on the key or token `uri`.
pub(crate) fn from_cryptoki(
    uri: &str,
    what: &'static str,
    err: cryptoki::error::Error,
) -> Pkcs11Error {
    use cryptoki::error::{Error, RvError};
    let uri = uri.to_owned();
    match err {
        Error::Pkcs11(
            RvError::TokenNotPresent
            | RvError::TokenNotRecognized
            | RvError::DeviceRemoved
            | RvError::DeviceError
            | RvError::SessionClosed
            | RvError::SessionHandleInvalid
            | RvError::SlotIdInvalid
            | RvError::CryptokiNotInitialized,
            _,
        ) => Pkcs11Error::TokenRemoved { uri, source: err },
        Error::Pkcs11(RvError::PinIncorrect | RvError::PinLenRange, _) => {
            Pkcs11Error::WrongPin { uri }
        }
        Error::Pkcs11(RvError::PinLocked, _) => Pkcs11Error::PinLocked { uri },
        Error::Pkcs11(RvError::MechanismInvalid | RvError::CurveNotSupported, _) => {
            Pkcs11Error::MechanismUnsupported {
                uri,
                mechanism: what,
            }
        }
        source => Pkcs11Error::Token {
            uri,
            function: what,
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use cryptoki::context::Function;
    use cryptoki::error::{Error, RvError};

    use super::*;

    fn map(rv: RvError) -> Pkcs11Error {
        from_cryptoki(
            "pkcs11:token=t;object=k",
            "CKM_ECDSA",
            Error::Pkcs11(rv, Function::Sign),
        )
    }

    #[test]
    fn return_values_become_typed_errors() {
        for rv in [
            RvError::TokenNotPresent,
            RvError::DeviceRemoved,
            RvError::SessionHandleInvalid,
            RvError::SessionClosed,
            RvError::DeviceError,
        ] {
            let err = map(rv);
            assert!(matches!(err, Pkcs11Error::TokenRemoved { .. }), "{err:?}");
            assert!(err.is_retryable());
            let signer: SignerError = err.into();
            assert!(signer.is_retryable(), "{signer}");
        }
        assert!(matches!(
            map(RvError::PinIncorrect),
            Pkcs11Error::WrongPin { .. }
        ));
        assert!(matches!(
            map(RvError::PinLocked),
            Pkcs11Error::PinLocked { .. }
        ));
        let err = map(RvError::MechanismInvalid);
        assert!(
            matches!(
                err,
                Pkcs11Error::MechanismUnsupported {
                    mechanism: "CKM_ECDSA",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the token of pkcs11:token=t;object=k does not support CKM_ECDSA"
        );
        assert!(!err.is_retryable());
        let other = map(RvError::GeneralError);
        assert!(matches!(other, Pkcs11Error::Token { .. }));
        assert!(!SignerError::from(other).is_retryable());
        let key_error: SigningKeyError = map(RvError::DeviceRemoved).into();
        assert!(matches!(
            key_error,
            SigningKeyError::Unavailable {
                retryable: true,
                ..
            }
        ));
    }
}
