//! What a challenge is, read from its bytes: the classification every policy decides on.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::siwx::SiwxMessage;
use crate::txshape::{EvmShape, SolanaShape, evm_shape, solana_shape};

/// Why a signature is asked for: what the flow knows and a bare signer does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChallengePurpose {
    /// Proving that a customer owns its wallet (`POST /customers`): a Sign-In-with-X message.
    #[serde(rename = "ownership")]
    CustomerOwnership,
    /// The session key of a new smart-contract account (`POST /customers/{id}/accounts`).
    #[serde(rename = "session-key")]
    AccountSessionKey,
    /// Closing an account (`DELETE /accounts/{id}`).
    #[serde(rename = "deletion")]
    AccountDeletion,
    /// Nothing is known: a signer called directly with bytes.
    Unknown,
}

impl ChallengePurpose {
    /// The name used in policy files and audit lines: `ownership`, `session-key`, `deletion`,
    /// `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChallengePurpose::CustomerOwnership => "ownership",
            ChallengePurpose::AccountSessionKey => "session-key",
            ChallengePurpose::AccountDeletion => "deletion",
            ChallengePurpose::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ChallengePurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A shape that would make a signature over the bytes an authorization, not a proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransactionShape {
    /// A Solana transaction, transaction message or off-chain message.
    Solana(SolanaShape),
    /// An RLP-encoded EVM transaction (legacy or typed).
    Evm(EvmShape),
    /// Exactly 32 bytes that are not printable text: under EIP-191 a signature over a 32-byte
    /// value is what a Safe accepts as an owner's `eth_sign` approval of a transaction hash.
    Hash32,
}

impl fmt::Display for TransactionShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransactionShape::Solana(shape) => fmt::Display::fmt(shape, f),
            TransactionShape::Evm(shape) => fmt::Display::fmt(shape, f),
            TransactionShape::Hash32 => f.write_str(
                "32 raw bytes, which could be a transaction hash (a Safe takes an EIP-191 \
                 signature over one as an owner's approval)",
            ),
        }
    }
}

/// What a challenge is.
///
/// ```
/// use chainsig_core::{classify, ChallengeClass, ChallengeKindName};
///
/// let class = classify(b"5df359f0-d299-40a1-8023-17c77a50144c");
/// assert_eq!(class, ChallengeClass::SessionKeyUuid);
/// assert_eq!(class.kind(), ChallengeKindName::Uuid);
/// assert_eq!(classify(&[0x42; 32]).kind(), ChallengeKindName::Text);
/// assert_eq!(classify(&[0xfe; 32]).kind(), ChallengeKindName::Transaction);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChallengeClass {
    /// A Sign-In-with-X message (EIP-4361 / CAIP-122), parsed.
    SignInWithX(Box<SiwxMessage>),
    /// The text of a UUID (`5df359f0-d299-40a1-8023-17c77a50144c`): the session-key challenge
    /// OffBlocks' sandbox sends.
    SessionKeyUuid,
    /// A PEM `PUBLIC KEY` (SPKI), as OffBlocks' OpenAPI example decodes to.
    PemPublicKey {
        /// The key's algorithm and curve, e.g. `id-ecPublicKey secp256k1`.
        algorithm: String,
    },
    /// Other UTF-8 text.
    Text,
    /// Bytes that are not UTF-8 and have no known shape.
    Binary,
    /// Bytes shaped like a transaction.
    Transaction(TransactionShape),
}

/// The name of a [`ChallengeClass`], as policy files and audit lines write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ChallengeKindName {
    /// `siwx`.
    Siwx,
    /// `uuid`.
    Uuid,
    /// `pem-public-key`.
    PemPublicKey,
    /// `text`.
    Text,
    /// `binary`.
    Binary,
    /// `transaction`.
    Transaction,
}

impl ChallengeKindName {
    /// The name as written in policy files.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChallengeKindName::Siwx => "siwx",
            ChallengeKindName::Uuid => "uuid",
            ChallengeKindName::PemPublicKey => "pem-public-key",
            ChallengeKindName::Text => "text",
            ChallengeKindName::Binary => "binary",
            ChallengeKindName::Transaction => "transaction",
        }
    }
}

impl fmt::Display for ChallengeKindName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ChallengeClass {
    /// The class's name.
    pub fn kind(&self) -> ChallengeKindName {
        match self {
            ChallengeClass::SignInWithX(_) => ChallengeKindName::Siwx,
            ChallengeClass::SessionKeyUuid => ChallengeKindName::Uuid,
            ChallengeClass::PemPublicKey { .. } => ChallengeKindName::PemPublicKey,
            ChallengeClass::Text => ChallengeKindName::Text,
            ChallengeClass::Binary => ChallengeKindName::Binary,
            ChallengeClass::Transaction(_) => ChallengeKindName::Transaction,
        }
    }
}

impl fmt::Display for ChallengeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChallengeClass::SignInWithX(m) => write!(
                f,
                "a Sign-In-with-X message from `{}` for {} (chain {})",
                m.domain, m.address, m.chain_id
            ),
            ChallengeClass::SessionKeyUuid => f.write_str("the text of a UUID"),
            ChallengeClass::PemPublicKey { algorithm } => {
                write!(f, "a PEM public key ({algorithm})")
            }
            ChallengeClass::Text => f.write_str("UTF-8 text of no known shape"),
            ChallengeClass::Binary => f.write_str("binary data of no known shape"),
            ChallengeClass::Transaction(shape) => fmt::Display::fmt(shape, f),
        }
    }
}

/// Classifies challenge bytes. Transaction shapes are looked for first: they are what makes a
/// signature dangerous, whatever else the bytes could be read as.
pub fn classify(bytes: &[u8]) -> ChallengeClass {
    if let Some(shape) = solana_shape(bytes) {
        return ChallengeClass::Transaction(TransactionShape::Solana(shape));
    }
    if let Some(shape) = evm_shape(bytes) {
        return ChallengeClass::Transaction(TransactionShape::Evm(shape));
    }
    let text = std::str::from_utf8(bytes).ok();
    let printable = text.is_some_and(|t| t.chars().all(|c| !c.is_control() || c == '\n'));
    if bytes.len() == 32 && !printable {
        return ChallengeClass::Transaction(TransactionShape::Hash32);
    }
    let Some(text) = text else {
        return ChallengeClass::Binary;
    };
    if looks_like_siwx(text)
        && let Ok(message) = SiwxMessage::parse(text)
    {
        return ChallengeClass::SignInWithX(Box::new(message));
    }
    if text.len() == 36 && uuid::Uuid::try_parse(text).is_ok() {
        return ChallengeClass::SessionKeyUuid;
    }
    if let Some(algorithm) = pem_public_key(text) {
        return ChallengeClass::PemPublicKey { algorithm };
    }
    ChallengeClass::Text
}

/// Whether the first line is the Sign-In-with-X preamble (the message may still be malformed).
pub(crate) fn looks_like_siwx(text: &str) -> bool {
    let first_line = text.lines().next().unwrap_or_default();
    first_line.contains(" wants you to sign in with your ") && first_line.ends_with("account:")
}

/// The algorithm of a PEM `PUBLIC KEY` block that is the whole text (a final newline allowed).
fn pem_public_key(text: &str) -> Option<String> {
    if !text.starts_with("-----BEGIN PUBLIC KEY-----") {
        return None;
    }
    let (label, der) = pem_rfc7468::decode_vec(text.as_bytes()).ok()?;
    if label != "PUBLIC KEY" {
        return None;
    }
    let spki = spki::SubjectPublicKeyInfoRef::try_from(der.as_slice()).ok()?;
    let algorithm = oid_name(&spki.algorithm.oid.to_string());
    let parameters = spki
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<spki::ObjectIdentifier>().ok())
        .map(|oid| format!(" {}", oid_name(&oid.to_string())))
        .unwrap_or_default();
    Some(format!("{algorithm}{parameters}"))
}

fn oid_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.2.1" => "id-ecPublicKey".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.101.112" => "Ed25519".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The OpenAPI example's account challenge: a PEM secp256k1 public key.
    const PEM_SECP256K1: &str = "-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEX9eVdG4C2DgzfH5p9G4ZoZ3XrLhV2zbq\nkH0rYkP8FZpAzQ8hGqW4UjTnmwHl9hMZk4rqLFl8qQ3Yt9VDBrQ1Ug==\n-----END PUBLIC KEY-----\n";

    #[test]
    fn shapes_offblocks_sends() {
        assert_eq!(
            classify(b"5df359f0-d299-40a1-8023-17c77a50144c"),
            ChallengeClass::SessionKeyUuid
        );
        // Not the hyphenated form, or something around it: text.
        for text in [
            &b"5df359f0d29940a1802317c77a50144c"[..],
            b"{5df359f0-d299-40a1-8023-17c77a50144c}",
            b"5df359f0-d299-40a1-8023-17c77a50144c\n",
            b"5df359f0-d299-40a1-8023-17c77a50144g",
        ] {
            assert_eq!(classify(text), ChallengeClass::Text, "{text:?}");
        }
        assert_eq!(
            classify(PEM_SECP256K1.as_bytes()),
            ChallengeClass::PemPublicKey {
                algorithm: "id-ecPublicKey secp256k1".into()
            }
        );
        // A PEM block with another label, or a damaged body: text.
        let private = PEM_SECP256K1.replace("PUBLIC KEY", "PRIVATE KEY");
        assert_eq!(classify(private.as_bytes()), ChallengeClass::Text);
        let damaged = PEM_SECP256K1.replace("MFYw", "MFYx");
        assert_eq!(classify(damaged.as_bytes()), ChallengeClass::Text);
    }

    #[test]
    fn siwx_parsed_or_text() {
        let siwe = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\n\nOffBlocks wants to verify ownership of your wallet.\n\nURI: https://api.sandbox.offblocks.xyz\nVersion: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\nIssued At: 2024-01-17T18:21:53Z";
        match classify(siwe.as_bytes()) {
            ChallengeClass::SignInWithX(m) => {
                assert_eq!(m.domain, "api.sandbox.offblocks.xyz");
                assert_eq!(m.chain_id, "300");
            }
            other => panic!("{other:?}"),
        }
        let broken = siwe.replace("Version: 1\n", "");
        assert_eq!(classify(broken.as_bytes()), ChallengeClass::Text);
    }

    #[test]
    fn transaction_shapes_come_first() {
        assert_eq!(
            classify(b"\xffsolana offchain"),
            ChallengeClass::Transaction(TransactionShape::Solana(
                SolanaShape::OffchainMessageDomain
            ))
        );
        let mut message = vec![1, 0, 0, 1];
        message.extend([7u8; 32]);
        message.extend([9u8; 32]);
        message.push(0);
        assert!(matches!(
            classify(&message),
            ChallengeClass::Transaction(TransactionShape::Solana(SolanaShape::Message(_)))
        ));
        let tx = [
            0x02, 0xc9, 0x01, 0x80, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0xc0,
        ];
        assert!(matches!(
            classify(&tx),
            ChallengeClass::Transaction(TransactionShape::Evm(EvmShape::Typed { .. }))
        ));
    }

    #[test]
    fn thirty_two_bytes() {
        assert_eq!(
            classify(&[0xab; 32]),
            ChallengeClass::Transaction(TransactionShape::Hash32)
        );
        // 32 bytes of UTF-8 with a control character: still a possible hash.
        let mut with_control = [b'a'; 32];
        with_control[3] = 0x01;
        assert_eq!(
            classify(&with_control),
            ChallengeClass::Transaction(TransactionShape::Hash32)
        );
        assert_eq!(classify(&[b'a'; 32]), ChallengeClass::Text);
        assert_eq!(classify(&[0xab; 31]), ChallengeClass::Binary);
        assert_eq!(classify(&[0xab; 33]), ChallengeClass::Binary);
        assert_eq!(classify(b"line one\nline two"), ChallengeClass::Text);
    }

    #[test]
    fn names_round_trip() {
        for kind in [
            ChallengeKindName::Siwx,
            ChallengeKindName::Uuid,
            ChallengeKindName::PemPublicKey,
            ChallengeKindName::Text,
            ChallengeKindName::Binary,
            ChallengeKindName::Transaction,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for purpose in [
            ChallengePurpose::CustomerOwnership,
            ChallengePurpose::AccountSessionKey,
            ChallengePurpose::AccountDeletion,
            ChallengePurpose::Unknown,
        ] {
            let json = serde_json::to_string(&purpose).unwrap();
            assert_eq!(json, format!("\"{}\"", purpose.as_str()));
        }
    }
}
