//! The curves chainsig signs with, as tokens name them in `CKA_EC_PARAMS`, and the public point
//! of `CKA_EC_POINT` (DER `OCTET STRING` or raw, depending on the token).

use std::fmt;

/// A curve chainsig can sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    /// secp256k1 (EVM, Tron), OID 1.3.132.0.10.
    Secp256k1,
    /// NIST P-384 (request signatures), OID 1.3.132.0.34.
    P384,
    /// edwards25519 (Solana), OID 1.3.101.112 or the printable string `edwards25519`.
    Ed25519,
}

/// DER of the OID 1.3.132.0.10.
const SECP256K1_OID: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a];
/// DER of the OID 1.3.132.0.34.
const P384_OID: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
/// DER of the OID 1.3.101.112 (RFC 8410 id-Ed25519).
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
/// DER `PrintableString "edwards25519"` (SoftHSM 2.6, PKCS#11 3.0's curve-name form).
pub(crate) const ED25519_NAME: &[u8] = &[
    0x13, 0x0c, b'e', b'd', b'w', b'a', b'r', b'd', b's', b'2', b'5', b'5', b'1', b'9',
];

impl Curve {
    /// The `CKA_EC_PARAMS` value to generate a key on this curve (the OID form).
    pub(crate) fn params(self) -> &'static [u8] {
        match self {
            Curve::Secp256k1 => SECP256K1_OID,
            Curve::P384 => P384_OID,
            Curve::Ed25519 => ED25519_OID,
        }
    }

    /// The curve's name in messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Curve::Secp256k1 => "secp256k1",
            Curve::P384 => "P-384 (secp384r1)",
            Curve::Ed25519 => "edwards25519",
        }
    }

    /// The length of the public point: SEC1 uncompressed for the Weierstrass curves, 32 bytes
    /// for edwards25519.
    fn point_len(self) -> usize {
        match self {
            Curve::Secp256k1 => 65,
            Curve::P384 => 97,
            Curve::Ed25519 => 32,
        }
    }
}

/// What a token's `CKA_EC_PARAMS` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NamedCurve {
    /// A curve chainsig signs with.
    Known(Curve),
    /// Another one, named for the message.
    Other(String),
}

impl fmt::Display for NamedCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NamedCurve::Known(curve) => f.write_str(curve.name()),
            NamedCurve::Other(name) => f.write_str(name),
        }
    }
}

/// Names the curve of `CKA_EC_PARAMS`.
pub(crate) fn curve_of(params: &[u8]) -> NamedCurve {
    match params {
        SECP256K1_OID => NamedCurve::Known(Curve::Secp256k1),
        P384_OID => NamedCurve::Known(Curve::P384),
        ED25519_OID | ED25519_NAME => NamedCurve::Known(Curve::Ed25519),
        [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => {
            NamedCurve::Other("P-256 (prime256v1)".into())
        }
        [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23] => NamedCurve::Other("P-521 (secp521r1)".into()),
        [0x06, 0x03, 0x2b, 0x65, 0x71] => NamedCurve::Other("edwards448".into()),
        [0x13, _, name @ ..] if name.iter().all(|b| b.is_ascii_alphanumeric()) => {
            NamedCurve::Other(String::from_utf8_lossy(name).into_owned())
        }
        other => NamedCurve::Other(format!(
            "the curve of parameters {}",
            other
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )),
    }
}

/// The public point of `CKA_EC_POINT`: PKCS#11 says a DER `OCTET STRING` around the point, some
/// tokens return the bare point. Returns the bare point when it has `curve`'s length.
pub(crate) fn point_of(ec_point: &[u8], curve: Curve) -> Option<&[u8]> {
    let len = curve.point_len();
    // Every point here is shorter than 128 bytes: a short-form DER length.
    let unwrapped = match ec_point {
        [0x04, n, rest @ ..] if usize::from(*n) == rest.len() => Some(rest),
        _ => None,
    };
    match unwrapped {
        Some(point) if point.len() == len => Some(point),
        _ if ec_point.len() == len => Some(ec_point),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_by_oid_and_by_name() {
        assert_eq!(
            curve_of(&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]),
            NamedCurve::Known(Curve::Secp256k1)
        );
        assert_eq!(
            curve_of(&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]),
            NamedCurve::Known(Curve::P384)
        );
        assert_eq!(
            curve_of(&[0x06, 0x03, 0x2b, 0x65, 0x70]),
            NamedCurve::Known(Curve::Ed25519)
        );
        // What SoftHSM 2.6 stores (seen with pkcs11-tool: 130c656477617264733235353139).
        assert_eq!(
            curve_of(&[
                0x13, 0x0c, 0x65, 0x64, 0x77, 0x61, 0x72, 0x64, 0x73, 0x32, 0x35, 0x35, 0x31, 0x39
            ]),
            NamedCurve::Known(Curve::Ed25519)
        );
        assert_eq!(
            curve_of(&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).to_string(),
            "P-256 (prime256v1)"
        );
        assert_eq!(curve_of(b"\x13\x0acurve25519").to_string(), "curve25519");
        // A string that is not a plain name is shown as bytes, not echoed.
        assert_eq!(
            curve_of(b"\x13\x03a\nb").to_string(),
            "the curve of parameters 1303610a62"
        );
        assert_eq!(
            curve_of(&[0x30, 0x00]).to_string(),
            "the curve of parameters 3000"
        );
        for curve in [Curve::Secp256k1, Curve::P384, Curve::Ed25519] {
            assert_eq!(curve_of(curve.params()), NamedCurve::Known(curve));
        }
    }

    #[test]
    fn points_wrapped_or_bare() {
        let mut k1 = vec![0x04u8; 65];
        k1[1] = 0x3f; // a bare point whose x starts like a DER length of 63
        assert_eq!(point_of(&k1, Curve::Secp256k1), Some(&k1[..]));
        let wrapped: Vec<u8> = [&[0x04, 65][..], &k1].concat();
        assert_eq!(point_of(&wrapped, Curve::Secp256k1), Some(&k1[..]));

        let ed = [7u8; 32];
        let wrapped: Vec<u8> = [&[0x04, 32][..], &ed].concat();
        assert_eq!(point_of(&wrapped, Curve::Ed25519), Some(&ed[..]));
        assert_eq!(point_of(&ed, Curve::Ed25519), Some(&ed[..]));
        assert_eq!(point_of(&ed[..31], Curve::Ed25519), None);

        let p384 = [0x04u8; 97];
        let wrapped: Vec<u8> = [&[0x04, 97][..], &p384].concat();
        assert_eq!(point_of(&wrapped, Curve::P384), Some(&p384[..]));
        assert_eq!(point_of(&wrapped, Curve::Secp256k1), None);
        // A DER length that is not the content's: neither wrapped nor bare.
        let lying: Vec<u8> = [&[0x04, 0x10][..], &k1].concat();
        assert_eq!(point_of(&lying, Curve::Secp256k1), None);
        // A long-form DER length (no point here is that long).
        let long: Vec<u8> = [&[0x04, 0x81, 200][..], &[0u8; 200]].concat();
        assert_eq!(point_of(&long, Curve::P384), None);
    }
}
