//! [`PinSource`]: where a token's user PIN comes from, read into zeroizing memory when the token is
//! opened and never shown.

use std::fmt;
use std::path::PathBuf;

use cryptoki::types::AuthPin;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{PinError, UriError};

/// Where the user PIN of a token comes from.
///
/// ```
/// use chainsig_pkcs11::PinSource;
///
/// let from_env = PinSource::Env("CUSTODY_PIN".into());
/// let from_file = PinSource::File("/run/secrets/hsm-pin".into());
/// let given = PinSource::Value("1234".to_owned().into());
/// assert_eq!(format!("{given:?}"), "Value(<redacted>)");
/// # let _ = (from_env, from_file);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub enum PinSource {
    /// The PIN itself.
    Value(SecretString),
    /// The environment variable of this name holds the PIN.
    Env(String),
    /// The file at this path holds the PIN (one trailing line ending is dropped).
    File(PathBuf),
}

impl PinSource {
    /// RFC 7512's `pin-source`: `file:/path`, `file:///path` or an absolute path.
    pub(crate) fn from_uri_value(value: &str) -> Result<Self, UriError> {
        let path = if let Some(rest) = value.strip_prefix("file://") {
            rest
        } else if let Some(rest) = value.strip_prefix("file:") {
            rest
        } else {
            value
        };
        if path.starts_with('/') {
            Ok(PinSource::File(PathBuf::from(path)))
        } else {
            Err(UriError::UnsupportedPinSource)
        }
    }

    /// Reads the PIN.
    pub(crate) fn read(&self) -> Result<AuthPin, PinError> {
        let text: Zeroizing<String> = match self {
            PinSource::Value(pin) => Zeroizing::new(pin.expose_secret().to_owned()),
            PinSource::Env(name) => Zeroizing::new(
                std::env::var(name).map_err(|_| PinError::EnvUnset { name: name.clone() })?,
            ),
            PinSource::File(path) => {
                let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| PinError::File {
                    path: path.clone(),
                    source: e,
                })?);
                Zeroizing::new(
                    std::str::from_utf8(&bytes)
                        .map_err(|_| PinError::NotUtf8 { path: path.clone() })?
                        .to_owned(),
                )
            }
        };
        let pin = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(&text);
        if pin.is_empty() {
            return Err(PinError::Empty);
        }
        Ok(AuthPin::from(pin.to_owned()))
    }
}

impl fmt::Debug for PinSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PinSource::Value(_) => f.write_str("Value(<redacted>)"),
            PinSource::Env(name) => f.debug_tuple("Env").field(name).finish(),
            PinSource::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_pin_file_loses_one_line_ending_only() {
        let dir = tempfile::tempdir().unwrap();
        for (content, pin) in [
            ("1234\n", "1234"),
            ("1234\r\n", "1234"),
            ("12 34\n\n", "12 34\n"),
        ] {
            let path = dir.path().join("pin");
            std::fs::write(&path, content).unwrap();
            let read = PinSource::File(path).read().unwrap();
            assert_eq!(read.expose_secret(), pin);
        }
    }

    #[test]
    fn missing_and_empty_pins_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty");
        std::fs::write(&path, "\n").unwrap();
        assert!(matches!(PinSource::File(path).read(), Err(PinError::Empty)));
        assert!(matches!(
            PinSource::File(dir.path().join("absent")).read(),
            Err(PinError::File { .. })
        ));
        assert!(matches!(
            PinSource::Env("CHAINSIG_PKCS11_TEST_SURELY_UNSET".into()).read(),
            Err(PinError::EnvUnset { .. })
        ));
    }

    #[test]
    fn debug_names_the_source_not_the_pin() {
        assert_eq!(
            format!("{:?}", PinSource::Env("HSM_PIN".into())),
            "Env(\"HSM_PIN\")"
        );
        assert_eq!(
            format!("{:?}", PinSource::File("/run/pin".into())),
            "File(\"/run/pin\")"
        );
        assert_eq!(
            format!("{:?}", PinSource::Value("1234".to_owned().into())),
            "Value(<redacted>)"
        );
    }

    #[test]
    fn uri_pin_sources() {
        for value in ["file:/run/pin", "file:///run/pin", "/run/pin"] {
            assert!(
                matches!(PinSource::from_uri_value(value), Ok(PinSource::File(p)) if p == std::path::Path::new("/run/pin"))
            );
        }
        for value in ["|/bin/ask", "relative/pin", "env:PIN"] {
            assert_eq!(
                PinSource::from_uri_value(value).unwrap_err(),
                UriError::UnsupportedPinSource
            );
        }
    }
}
