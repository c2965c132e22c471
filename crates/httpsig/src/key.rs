//! Key decoding shared by the signing and verifying keys: PEM blocks, PKCS#8, SEC1, SPKI, and
//! naming what was found when it is not a P-384 key.
//!
//! Every buffer that holds private key bytes is wrapped in [`Zeroizing`].

use p384::pkcs8::{DecodePrivateKey, DecodePublicKey, ObjectIdentifier};
use zeroize::Zeroizing;

use crate::error::KeyError;

const ID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const SECP384R1: &str = "1.3.132.0.34";

/// A decoded PEM block: its label and its DER bytes.
pub(crate) struct PemBlock {
    pub(crate) label: String,
    pub(crate) der: Zeroizing<Vec<u8>>,
}

/// The first PEM block of `text` that is not `EC PARAMETERS` (which `openssl ecparam -genkey`
/// writes before the key).
pub(crate) fn first_key_block(text: &str) -> Result<PemBlock, KeyError> {
    const BEGIN: &str = "-----BEGIN ";
    let mut rest = text;
    loop {
        let start = rest.find(BEGIN).ok_or(KeyError::NotPem)?;
        let block_text = &rest[start..];
        let after_begin = &block_text[BEGIN.len()..];
        let label_len = after_begin.find("-----").ok_or(KeyError::NotPem)?;
        let label = &after_begin[..label_len];
        let end_marker = format!("-----END {label}-----");
        let end = block_text.find(&end_marker).ok_or(KeyError::Invalid {
            reason: "unterminated PEM block",
        })?;
        let block = &block_text[..end + end_marker.len()];
        rest = &block_text[end + end_marker.len()..];
        if label == "EC PARAMETERS" {
            continue;
        }
        let (_, der) =
            pkcs8::der::pem::decode_vec(block.as_bytes()).map_err(|_| KeyError::Invalid {
                reason: "malformed PEM body",
            })?;
        return Ok(PemBlock {
            label: safe_label(label),
            der: Zeroizing::new(der),
        });
    }
}

/// The label if it looks like one (upper-case words), so an error never echoes pasted secrets.
fn safe_label(label: &str) -> String {
    if label.len() <= 40
        && label
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit())
    {
        label.to_owned()
    } else {
        "<unreadable>".to_owned()
    }
}

fn algorithm_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => "RSA".to_owned(),
        "1.2.840.113549.1.1.10" => "RSASSA-PSS".to_owned(),
        "1.3.101.112" => "Ed25519".to_owned(),
        "1.3.101.113" => "Ed448".to_owned(),
        "1.3.101.110" => "X25519".to_owned(),
        "1.2.840.10040.4.1" => "DSA".to_owned(),
        other => format!("algorithm OID {other}"),
    }
}

fn curve_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.2.840.10045.3.1.7" => "P-256 (prime256v1)".to_owned(),
        "1.3.132.0.10" => "secp256k1".to_owned(),
        "1.3.132.0.35" => "P-521 (secp521r1)".to_owned(),
        "1.3.132.0.33" => "P-224 (secp224r1)".to_owned(),
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1".to_owned(),
        other => format!("curve OID {other}"),
    }
}

fn check_ec_p384(
    algorithm: &ObjectIdentifier,
    curve: Option<&ObjectIdentifier>,
) -> Result<(), KeyError> {
    if algorithm.to_string() != ID_EC_PUBLIC_KEY {
        return Err(KeyError::NotEcKey {
            algorithm: algorithm_name(algorithm),
        });
    }
    match curve {
        Some(c) if c.to_string() == SECP384R1 => Ok(()),
        Some(c) => Err(KeyError::WrongCurve {
            curve: curve_name(c),
        }),
        None => Err(KeyError::Invalid {
            reason: "EC key without a named curve",
        }),
    }
}

fn private_label_error(label: &str) -> KeyError {
    match label {
        "ENCRYPTED PRIVATE KEY" => KeyError::Encrypted,
        "RSA PRIVATE KEY" => KeyError::NotEcKey {
            algorithm: "RSA".to_owned(),
        },
        "DSA PRIVATE KEY" => KeyError::NotEcKey {
            algorithm: "DSA".to_owned(),
        },
        "PUBLIC KEY" | "EC PUBLIC KEY" | "RSA PUBLIC KEY" => KeyError::WrongKind {
            expected: "private",
            found: "public",
        },
        other => KeyError::UnsupportedPem {
            label: other.to_owned(),
            expected: "`EC PRIVATE KEY` (SEC1) or `PRIVATE KEY` (PKCS#8)",
        },
    }
}

/// A P-384 private key from PEM: SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY`.
pub(crate) fn secret_from_pem(text: &str) -> Result<p384::SecretKey, KeyError> {
    let block = first_key_block(text)?;
    match block.label.as_str() {
        "EC PRIVATE KEY" => secret_from_sec1_der(&block.der),
        "PRIVATE KEY" => secret_from_pkcs8_der(&block.der),
        other => Err(private_label_error(other)),
    }
}

/// A P-384 private key from SEC1 (RFC 5915) DER.
pub(crate) fn secret_from_sec1_der(der: &[u8]) -> Result<p384::SecretKey, KeyError> {
    let ec = sec1::EcPrivateKey::try_from(der).map_err(|_| KeyError::Invalid {
        reason: "malformed SEC1 EC private key",
    })?;
    if let Some(params) = ec.parameters {
        let curve = params.named_curve().ok_or(KeyError::Invalid {
            reason: "EC key without a named curve",
        })?;
        if curve.to_string() != SECP384R1 {
            return Err(KeyError::WrongCurve {
                curve: curve_name(&curve),
            });
        }
    }
    p384::SecretKey::from_sec1_der(der).map_err(|_| KeyError::Invalid {
        reason: "not a valid P-384 private key",
    })
}

/// A P-384 private key from PKCS#8 DER.
pub(crate) fn secret_from_pkcs8_der(der: &[u8]) -> Result<p384::SecretKey, KeyError> {
    let info = pkcs8::PrivateKeyInfo::try_from(der).map_err(|_| KeyError::Invalid {
        reason: "malformed PKCS#8 private key",
    })?;
    let curve = info.algorithm.parameters_oid().ok();
    check_ec_p384(&info.algorithm.oid, curve.as_ref())?;
    p384::SecretKey::from_pkcs8_der(der).map_err(|_| KeyError::Invalid {
        reason: "not a valid P-384 private key",
    })
}

/// A P-384 public key from SPKI PEM (`PUBLIC KEY`).
pub(crate) fn public_from_pem(text: &str) -> Result<p384::PublicKey, KeyError> {
    let block = first_key_block(text)?;
    match block.label.as_str() {
        "PUBLIC KEY" => public_from_spki_der(&block.der),
        "EC PRIVATE KEY" | "PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" | "RSA PRIVATE KEY" => {
            Err(KeyError::WrongKind {
                expected: "public",
                found: "private",
            })
        }
        "RSA PUBLIC KEY" => Err(KeyError::NotEcKey {
            algorithm: "RSA".to_owned(),
        }),
        other => Err(KeyError::UnsupportedPem {
            label: other.to_owned(),
            expected: "`PUBLIC KEY` (SubjectPublicKeyInfo)",
        }),
    }
}

/// A P-384 public key from SPKI DER.
pub(crate) fn public_from_spki_der(der: &[u8]) -> Result<p384::PublicKey, KeyError> {
    let spki =
        pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|_| KeyError::Invalid {
            reason: "malformed SubjectPublicKeyInfo",
        })?;
    let curve = spki.algorithm.parameters_oid().ok();
    check_ec_p384(&spki.algorithm.oid, curve.as_ref())?;
    p384::PublicKey::from_public_key_der(der).map_err(|_| KeyError::Invalid {
        reason: "not a valid P-384 public key",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_do_not_look_like_labels_are_not_echoed() {
        assert_eq!(safe_label("EC PRIVATE KEY"), "EC PRIVATE KEY");
        assert_eq!(safe_label("MIGkAgEBBDDKgAsEapdq"), "<unreadable>");
    }

    #[test]
    fn no_pem_is_not_pem() {
        assert!(matches!(first_key_block("hello"), Err(KeyError::NotPem)));
        assert!(matches!(
            first_key_block("-----BEGIN X"),
            Err(KeyError::NotPem)
        ));
        assert!(matches!(
            first_key_block("-----BEGIN X-----\nAAAA\n"),
            Err(KeyError::Invalid { .. })
        ));
    }
}
