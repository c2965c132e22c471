//! Verification of ed25519 challenge signatures for Solana accounts.

use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme, VerifyError};
use ed25519_dalek::{Signature, VerifyingKey};

/// The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian: a
/// canonical `s` is below it.
const GROUP_ORDER: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

/// Checks that `signature` is an ed25519 signature by `account`'s key over `message` (the decoded
/// challenge bytes, verbatim).
///
/// Uses ed25519-dalek's `verify_strict`: non-canonical `s`, small-order `R` and small-order
/// (weak) public keys are refused, as Solana's runtime refuses them.
///
/// # Errors
/// - [`VerifyError::UnsupportedNamespace`] when the account is not a `solana` account;
/// - [`VerifyError::SchemeMismatch`] when the signature is not [`SignatureScheme::Ed25519`];
/// - [`VerifyError::Malformed`] for a public key or an `R` that is not a valid, large-order
///   point, or a non-canonical `s`;
/// - [`VerifyError::Mismatch`] for a well-formed signature that this key did not make over
///   this message.
///
/// ```
/// use chainsig_core::{ChallengeSignature, SignatureScheme, VerifyError};
/// use chainsig_solana::verify;
///
/// let account = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z"
///     .parse()?;
/// // RFC 8032 test 2: the message is the single byte 0x72.
/// let signature = ChallengeSignature::from_hex(
///     SignatureScheme::Ed25519,
///     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da\
///      085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
/// )?;
/// let other = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:586Z7H2vpX9qNhN2T4e9Utugie3ogjbxzGaMtM3E6HR5"
///     .parse()?;
/// assert!(verify(&other, b"r", &signature).is_ok());
/// assert!(matches!(verify(&account, b"r", &signature), Err(VerifyError::Mismatch { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    account: &AccountId,
    message: &[u8],
    signature: &ChallengeSignature,
) -> Result<(), VerifyError> {
    let key = verifying_key(account)?;
    if signature.scheme() != SignatureScheme::Ed25519 {
        return Err(VerifyError::SchemeMismatch {
            scheme: signature.scheme(),
            namespace: account.chain().namespace().to_owned(),
        });
    }
    let bytes: &[u8; 64] = signature
        .as_bytes()
        .try_into()
        .map_err(|_| VerifyError::Malformed {
            reason: format!(
                "an ed25519 signature is 64 bytes, got {}",
                signature.as_bytes().len()
            ),
        })?;
    if key
        .verify_strict(message, &Signature::from_bytes(bytes))
        .is_ok()
    {
        return Ok(());
    }
    Err(diagnose(account, bytes))
}

/// The account's public key, refused when it is not a usable ed25519 key.
fn verifying_key(account: &AccountId) -> Result<VerifyingKey, VerifyError> {
    if !account.chain().is_solana() {
        return Err(VerifyError::UnsupportedNamespace {
            namespace: account.chain().namespace().to_owned(),
        });
    }
    let pubkey = account
        .solana_pubkey()
        .ok_or_else(|| VerifyError::Malformed {
            reason: "the account's address is not a 32-byte public key".into(),
        })?;
    let key = VerifyingKey::from_bytes(&pubkey).map_err(|_| VerifyError::Malformed {
        reason: "the account's public key is not a valid ed25519 point".into(),
    })?;
    if key.is_weak() {
        return Err(VerifyError::Malformed {
            reason: "the account's public key is a small-order (weak) ed25519 point".into(),
        });
    }
    Ok(key)
}

/// Why `verify_strict` refused a signature: only computed on failure, so a valid signature
/// costs one verification.
fn diagnose(account: &AccountId, signature: &[u8; 64]) -> VerifyError {
    let (r, s) = signature.split_at(32);
    let malformed = |reason: &str| VerifyError::Malformed {
        reason: reason.to_owned(),
    };
    let r: &[u8; 32] = match r.try_into() {
        Ok(r) => r,
        Err(_) => return malformed("truncated signature"),
    };
    match VerifyingKey::from_bytes(r) {
        Err(_) => return malformed("the signature's R is not a valid ed25519 point"),
        Ok(point) if point.is_weak() => {
            return malformed("the signature's R is a small-order ed25519 point");
        }
        Ok(_) => {}
    }
    if !is_canonical_scalar(s) {
        return malformed("the signature's s is not reduced modulo the group order");
    }
    VerifyError::Mismatch {
        account: account.to_string(),
    }
}

/// Whether the little-endian 32-byte `s` is below the group order.
fn is_canonical_scalar(s: &[u8]) -> bool {
    for (byte, order) in s.iter().rev().zip(GROUP_ORDER.iter().rev()) {
        if byte != order {
            return byte < order;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use chainsig_core::ChainId;
    use ed25519_dalek::{Signer as _, SigningKey};

    fn setup() -> (AccountId, SigningKey) {
        let key = SigningKey::from_bytes(&[42; 32]);
        let account = AccountId::from_solana_pubkey(
            ChainId::solana_mainnet(),
            key.verifying_key().to_bytes(),
        )
        .unwrap();
        (account, key)
    }

    #[test]
    fn canonical_scalars() {
        let mut below = GROUP_ORDER;
        below[0] -= 1;
        assert!(is_canonical_scalar(&below));
        assert!(!is_canonical_scalar(&GROUP_ORDER));
        assert!(!is_canonical_scalar(&[0xff; 32]));
        assert!(is_canonical_scalar(&[0; 32]));
    }

    #[test]
    fn errors_by_cause() {
        let (account, key) = setup();
        let sig = key.sign(b"hello").to_bytes();
        let good = ChallengeSignature::new(SignatureScheme::Ed25519, sig.to_vec()).unwrap();
        assert_eq!(verify(&account, b"hello", &good), Ok(()));
        assert!(matches!(
            verify(&account, b"hellO", &good),
            Err(VerifyError::Mismatch { .. })
        ));

        // s + ℓ verifies with plain `verify` on some libraries; verify_strict refuses it.
        let mut high_s = sig;
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(high_s[32 + i]) + u16::from(GROUP_ORDER[i]) + carry;
            high_s[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        let high_s = ChallengeSignature::new(SignatureScheme::Ed25519, high_s.to_vec()).unwrap();
        assert!(matches!(
            verify(&account, b"hello", &high_s),
            Err(VerifyError::Malformed { .. })
        ));

        // R = the identity (small order).
        let mut small_r = sig;
        small_r[..32].copy_from_slice(&{
            let mut id = [0u8; 32];
            id[0] = 1;
            id
        });
        let small_r = ChallengeSignature::new(SignatureScheme::Ed25519, small_r.to_vec()).unwrap();
        assert!(matches!(
            verify(&account, b"hello", &small_r),
            Err(VerifyError::Malformed { .. })
        ));

        // Wrong scheme, wrong namespace.
        let evm_sig =
            ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, vec![0u8; 65]).unwrap();
        assert!(matches!(
            verify(&account, b"hello", &evm_sig),
            Err(VerifyError::SchemeMismatch { .. })
        ));
        let evm_account: AccountId = "eip155:1:0x22227A31dd842196A246d8f3b775998560eAa61d"
            .parse()
            .unwrap();
        assert!(matches!(
            chainsig_core::ChallengeVerifier::verify(
                &crate::SolanaVerifier,
                &evm_account,
                b"hello",
                &good
            ),
            Err(VerifyError::UnsupportedNamespace { .. })
        ));
    }

    #[test]
    fn weak_and_invalid_public_keys_are_malformed() {
        let (_, key) = setup();
        let sig = ChallengeSignature::new(
            SignatureScheme::Ed25519,
            key.sign(b"hello").to_bytes().to_vec(),
        )
        .unwrap();
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = AccountId::from_solana_pubkey(ChainId::solana_mainnet(), identity).unwrap();
        assert!(matches!(
            verify(&weak, b"hello", &sig),
            Err(VerifyError::Malformed { .. })
        ));
        // y = 2 is not on the curve.
        let mut off_curve = [0u8; 32];
        off_curve[0] = 2;
        assert!(VerifyingKey::from_bytes(&off_curve).is_err());
        let off = AccountId::from_solana_pubkey(ChainId::solana_mainnet(), off_curve).unwrap();
        assert!(matches!(
            verify(&off, b"hello", &sig),
            Err(VerifyError::Malformed { .. })
        ));
    }
}
