//! Challenges as the OffBlocks API sends them: base64 text whose decoded bytes are signed verbatim.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::ChallengeError;

/// What a challenge's bytes look like. Informational: every kind is signed as the bytes it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeKind {
    /// A Sign-In-with-X message (EIP-4361 / CAIP-122): `<domain> wants you to sign in with your … account:`.
    SignInWithX,
    /// Other valid UTF-8 text (e.g. an account session-key challenge).
    Text,
    /// Bytes that are not UTF-8.
    Binary,
}

/// A challenge: the base64 text exactly as the API sent it, and its decoded bytes.
///
/// Signers sign [`bytes`](Self::bytes) verbatim: nothing is trimmed, re-rendered or re-encoded.
/// The text is kept so that it can be sent back unchanged with the signature.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeError, ChallengeKind};
///
/// let challenge = Challenge::from_base64("NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj")?;
/// assert_eq!(challenge.bytes(), b"5df359f0-d299-40a1-8023-17c77a50144c");
/// assert_eq!(challenge.kind(), ChallengeKind::Text);
///
/// assert_eq!(Challenge::from_base64(""), Err(ChallengeError::Empty));
/// assert!(matches!(Challenge::from_base64("not base64!"), Err(ChallengeError::InvalidBase64 { .. })));
/// # Ok::<(), ChallengeError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    text: String,
    bytes: Vec<u8>,
    kind: ChallengeKind,
}

impl Challenge {
    /// The largest challenge accepted, in decoded bytes (64 KiB).
    pub const MAX_BYTES: usize = 64 * 1024;

    /// Decodes the base64 text the API sent (standard alphabet, `=` padding, no whitespace).
    pub fn from_base64(text: impl Into<String>) -> Result<Self, ChallengeError> {
        let text = text.into();
        if text.is_empty() {
            return Err(ChallengeError::Empty);
        }
        // Refuse oversized input before decoding it, so a hostile size costs nothing.
        let max_text = Self::MAX_BYTES.div_ceil(3) * 4;
        if text.len() > max_text {
            return Err(ChallengeError::TooLarge {
                len: text.len() / 4 * 3,
                max: Self::MAX_BYTES,
            });
        }
        let bytes =
            STANDARD
                .decode(text.as_bytes())
                .map_err(|e| ChallengeError::InvalidBase64 {
                    reason: e.to_string(),
                })?;
        Self::check_size(bytes.len())?;
        let kind = classify(&bytes);
        Ok(Self { text, bytes, kind })
    }

    /// Builds a challenge from raw bytes (encoding them as the API would).
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, ChallengeError> {
        let bytes = bytes.into();
        Self::check_size(bytes.len())?;
        let text = STANDARD.encode(&bytes);
        let kind = classify(&bytes);
        Ok(Self { text, bytes, kind })
    }

    /// The base64 text exactly as received.
    pub fn as_base64(&self) -> &str {
        &self.text
    }

    /// The decoded bytes: what gets signed.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The decoded bytes as text, when they are UTF-8.
    pub fn as_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// What the bytes look like.
    pub fn kind(&self) -> ChallengeKind {
        self.kind
    }

    /// Number of decoded bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: an empty challenge cannot be built.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn check_size(len: usize) -> Result<(), ChallengeError> {
        match len {
            0 => Err(ChallengeError::Empty),
            n if n > Self::MAX_BYTES => Err(ChallengeError::TooLarge {
                len: n,
                max: Self::MAX_BYTES,
            }),
            _ => Ok(()),
        }
    }
}

fn classify(bytes: &[u8]) -> ChallengeKind {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let first_line = text.lines().next().unwrap_or_default();
            if first_line.contains(" wants you to sign in with your ")
                && first_line.ends_with("account:")
            {
                ChallengeKind::SignInWithX
            } else {
                ChallengeKind::Text
            }
        }
        Err(_) => ChallengeKind::Binary,
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("kind", &self.kind)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn size_limits() {
        let max = vec![0x42u8; Challenge::MAX_BYTES];
        let ok = Challenge::from_base64(STANDARD.encode(&max)).unwrap();
        assert_eq!(ok.len(), Challenge::MAX_BYTES);
        let over = vec![0x42u8; Challenge::MAX_BYTES + 1];
        assert!(matches!(
            Challenge::from_base64(STANDARD.encode(&over)),
            Err(ChallengeError::TooLarge { .. })
        ));
        assert!(matches!(
            Challenge::from_bytes(over),
            Err(ChallengeError::TooLarge { .. })
        ));
        assert_eq!(
            Challenge::from_bytes(Vec::new()),
            Err(ChallengeError::Empty)
        );
        // Padding alone decodes to nothing.
        assert!(Challenge::from_base64("====").is_err());
    }

    #[test]
    fn only_standard_padded_base64() {
        for bad in ["aGk", "aGk=\n", " aGk=", "aG-_", "aGk==", "a", "aGk=aGk="] {
            assert!(
                matches!(
                    Challenge::from_base64(bad),
                    Err(ChallengeError::InvalidBase64 { .. })
                ),
                "{bad:?} should be refused"
            );
        }
        assert_eq!(Challenge::from_base64("aGk=").unwrap().bytes(), b"hi");
    }

    #[test]
    fn kinds() {
        let siwe = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\n";
        assert_eq!(
            Challenge::from_bytes(siwe).unwrap().kind(),
            ChallengeKind::SignInWithX
        );
        assert_eq!(
            Challenge::from_bytes(vec![0xff, 0xfe]).unwrap().kind(),
            ChallengeKind::Binary
        );
    }

    #[test]
    fn debug_shows_no_payload() {
        let c = Challenge::from_bytes(b"secret-nonce-123".to_vec()).unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("secret") && !debug.contains(c.as_base64()));
    }

    proptest! {
        #[test]
        fn base64_round_trip(bytes in proptest::collection::vec(any::<u8>(), 1..2048)) {
            let c = Challenge::from_bytes(bytes.clone()).unwrap();
            let d = Challenge::from_base64(c.as_base64()).unwrap();
            prop_assert_eq!(d.bytes(), &bytes[..]);
            prop_assert_eq!(d.as_base64(), c.as_base64());
        }

        #[test]
        fn decoding_never_panics(s in "\\PC{0,200}") {
            let _ = Challenge::from_base64(s);
        }
    }
}
