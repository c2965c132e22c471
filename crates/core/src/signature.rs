//! Signatures over challenges, and their encodings.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::SignatureError;

/// How a challenge was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// EIP-191 `personal_sign` over secp256k1: 65 bytes r‖s‖v, v = 27/28, low s.
    Eip191Secp256k1,
    /// Ed25519 (RFC 8032) over the raw bytes: 64 bytes.
    Ed25519,
    /// Tron's TIP-191 (TronWeb `signMessageV2`) over secp256k1: 65 bytes r‖s‖v, v = 27/28, low s.
    Tip191Secp256k1,
}

impl SignatureScheme {
    /// The scheme's name as the CLI prints it: `eip191-secp256k1`, `ed25519` or
    /// `tip191-secp256k1`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureScheme::Eip191Secp256k1 => "eip191-secp256k1",
            SignatureScheme::Ed25519 => "ed25519",
            SignatureScheme::Tip191Secp256k1 => "tip191-secp256k1",
        }
    }

    /// Length of a signature in this scheme, in bytes.
    pub fn signature_len(self) -> usize {
        match self {
            SignatureScheme::Eip191Secp256k1 | SignatureScheme::Tip191Secp256k1 => 65,
            SignatureScheme::Ed25519 => 64,
        }
    }

    /// The CAIP-2 namespace whose accounts sign with this scheme.
    pub fn namespace(self) -> &'static str {
        match self {
            SignatureScheme::Eip191Secp256k1 => "eip155",
            SignatureScheme::Ed25519 => "solana",
            SignatureScheme::Tip191Secp256k1 => "tron",
        }
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A signature over a challenge: the raw bytes and the scheme that made them.
///
/// OffBlocks takes the standard, padded base64 of the raw bytes ([`to_base64`](Self::to_base64)).
///
/// ```
/// use chainsig_core::{ChallengeSignature, SignatureScheme};
///
/// let sig = ChallengeSignature::new(SignatureScheme::Ed25519, vec![7u8; 64])?;
/// let back = ChallengeSignature::from_base64(SignatureScheme::Ed25519, &sig.to_base64())?;
/// assert_eq!(back, sig);
/// assert!(ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, vec![0u8; 64]).is_err());
/// # Ok::<(), chainsig_core::SignatureError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChallengeSignature {
    scheme: SignatureScheme,
    bytes: Vec<u8>,
}

impl ChallengeSignature {
    /// Wraps raw signature bytes, checking their length for the scheme.
    pub fn new(scheme: SignatureScheme, bytes: impl Into<Vec<u8>>) -> Result<Self, SignatureError> {
        let bytes = bytes.into();
        if bytes.len() != scheme.signature_len() {
            return Err(SignatureError::Length {
                scheme,
                expected: scheme.signature_len(),
                len: bytes.len(),
            });
        }
        Ok(Self { scheme, bytes })
    }

    /// Decodes standard base64 (padded).
    pub fn from_base64(scheme: SignatureScheme, text: &str) -> Result<Self, SignatureError> {
        let bytes = STANDARD
            .decode(text)
            .map_err(|_| SignatureError::Encoding { encoding: "base64" })?;
        Self::new(scheme, bytes)
    }

    /// Decodes hex, with or without a `0x` prefix.
    pub fn from_hex(scheme: SignatureScheme, text: &str) -> Result<Self, SignatureError> {
        let digits = text.strip_prefix("0x").unwrap_or(text);
        let bytes =
            hex::decode(digits).map_err(|_| SignatureError::Encoding { encoding: "hex" })?;
        Self::new(scheme, bytes)
    }

    /// Decodes base58 (the Solana convention).
    pub fn from_base58(scheme: SignatureScheme, text: &str) -> Result<Self, SignatureError> {
        let bytes = bs58::decode(text)
            .into_vec()
            .map_err(|_| SignatureError::Encoding { encoding: "base58" })?;
        Self::new(scheme, bytes)
    }

    /// The scheme that made the signature.
    pub fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    /// The raw signature bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Standard base64 with padding: what OffBlocks' `/challenge/sign` takes.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.bytes)
    }

    /// Hex in the scheme's usual form: `0x`-prefixed for secp256k1 (as ethers and TronWeb
    /// print them), bare for ed25519.
    pub fn to_hex(&self) -> String {
        match self.scheme {
            SignatureScheme::Eip191Secp256k1 | SignatureScheme::Tip191Secp256k1 => {
                format!("0x{}", hex::encode(&self.bytes))
            }
            SignatureScheme::Ed25519 => hex::encode(&self.bytes),
        }
    }

    /// Base58, as Solana tools print signatures.
    pub fn to_base58(&self) -> String {
        bs58::encode(&self.bytes).into_string()
    }
}

impl fmt::Debug for ChallengeSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChallengeSignature({}, {})", self.scheme, self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encodings_follow_the_scheme() {
        let evm =
            ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, vec![0xab; 65]).unwrap();
        assert!(evm.to_hex().starts_with("0xabab"));
        let sol = ChallengeSignature::new(SignatureScheme::Ed25519, vec![0xab; 64]).unwrap();
        assert!(sol.to_hex().starts_with("abab"));
        assert!(matches!(
            ChallengeSignature::from_hex(SignatureScheme::Ed25519, "zz"),
            Err(SignatureError::Encoding { encoding: "hex" })
        ));
    }

    proptest! {
        #[test]
        fn encodings_round_trip(bytes in any::<[u8; 32]>(), tail in any::<[u8; 33]>()) {
            let mut raw = bytes.to_vec();
            raw.extend_from_slice(&tail);
            let sig = ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, raw).unwrap();
            let s = SignatureScheme::Eip191Secp256k1;
            prop_assert_eq!(&ChallengeSignature::from_base64(s, &sig.to_base64()).unwrap(), &sig);
            prop_assert_eq!(&ChallengeSignature::from_hex(s, &sig.to_hex()).unwrap(), &sig);
            prop_assert_eq!(&ChallengeSignature::from_base58(s, &sig.to_base58()).unwrap(), &sig);
        }
    }
}
