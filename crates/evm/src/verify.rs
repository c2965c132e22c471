//! Recovery and verification of EIP-191 signatures.

use chainsig_core::{
    AccountId, ChallengeSignature, ChallengeVerifier, SignatureScheme, VerifyError,
};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::eip191::eip191_hash;
use crate::local::address_of;

fn malformed(reason: &str) -> VerifyError {
    VerifyError::Malformed {
        reason: reason.to_owned(),
    }
}

/// Splits a 65-byte r‖s‖v signature, strictly: v must be 27 or 28 and s must be low (EIP-2),
/// as OffBlocks' SIWE verifier requires.
fn parse_strict(bytes: &[u8]) -> Result<(Signature, RecoveryId), VerifyError> {
    let bytes: &[u8; 65] = bytes
        .try_into()
        .map_err(|_| malformed("an EIP-191 signature is 65 bytes r‖s‖v"))?;
    let recid = match bytes[64] {
        27 => RecoveryId::new(false, false),
        28 => RecoveryId::new(true, false),
        _ => return Err(malformed("the recovery byte v must be 27 or 28")),
    };
    let signature = Signature::from_slice(&bytes[..64])
        .map_err(|_| malformed("r or s is zero or out of range"))?;
    if signature.normalize_s().is_some() {
        return Err(malformed(
            "s is not in the lower half of the curve order (EIP-2)",
        ));
    }
    Ok((signature, recid))
}

/// Recovers the 20-byte address that made `signature` (65 bytes r‖s‖v, v = 27/28, low s) over
/// `message` with EIP-191 `personal_sign`.
pub fn recover(message: &[u8], signature: &[u8]) -> Result<[u8; 20], VerifyError> {
    let (signature, recid) = parse_strict(signature)?;
    let hash = eip191_hash(message);
    let key = VerifyingKey::recover_from_prehash(&hash, &signature, recid)
        .map_err(|_| malformed("no public key recovers from this signature"))?;
    Ok(address_of(&key))
}

/// Checks that `signature` is `account`'s EIP-191 signature over `message`.
///
/// ```
/// use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme};
///
/// let account: AccountId = "eip155:1:0x8facB46919Ee73D84F1641E74C5fBB63647fCF3E".parse()?;
/// let signature = ChallengeSignature::from_hex(
///     SignatureScheme::Eip191Secp256k1,
///     "0x2791b734e45bd367ef57d1b96a146b29a627ed8b39e9cba640b6480f6e3683271fa41908e62d7b923177d30b563fe1e70f76bc7234e68d5a155ae0b709dc80a41b",
/// )?;
/// chainsig_evm::verify(&account, b"", &signature)?;
/// assert!(chainsig_evm::verify(&account, b"x", &signature).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    account: &AccountId,
    message: &[u8],
    signature: &ChallengeSignature,
) -> Result<(), VerifyError> {
    if signature.scheme() != SignatureScheme::Eip191Secp256k1 {
        return Err(VerifyError::SchemeMismatch {
            scheme: signature.scheme(),
            namespace: account.chain().namespace().to_owned(),
        });
    }
    let expected = account
        .evm_address()
        .ok_or_else(|| VerifyError::SchemeMismatch {
            scheme: signature.scheme(),
            namespace: account.chain().namespace().to_owned(),
        })?;
    if recover(message, signature.as_bytes())? == expected {
        Ok(())
    } else {
        Err(VerifyError::Mismatch {
            account: account.to_string(),
        })
    }
}

/// [`ChallengeVerifier`] for `eip155` accounts.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvmVerifier;

impl ChallengeVerifier for EvmVerifier {
    fn verify(
        &self,
        account: &AccountId,
        message: &[u8],
        signature: &ChallengeSignature,
    ) -> Result<(), VerifyError> {
        verify(account, message, signature)
    }
}
