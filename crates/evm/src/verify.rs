//! Recovery and verification of EIP-191 signatures.

use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme, VerifyError};

use crate::eip191::eip191_hash;
use crate::secp256k1::recover_prehash;

/// Recovers the 20-byte address that made `signature` (65 bytes r‖s‖v, v = 27/28, low s) over
/// `message` with EIP-191 `personal_sign`.
pub fn recover(message: &[u8], signature: &[u8]) -> Result<[u8; 20], VerifyError> {
    recover_prehash(&eip191_hash(message), signature)
}

/// Checks that `signature` is `account`'s EIP-191 signature over `message`.
///
/// # Errors
/// - [`VerifyError::UnsupportedNamespace`] when the account is not an `eip155` account (the
///   error every chain crate gives for another chain's account);
/// - [`VerifyError::SchemeMismatch`] when the signature is not [`SignatureScheme::Eip191Secp256k1`];
/// - [`VerifyError::Malformed`] for a wrong length, a v other than 27/28 or a high s;
/// - [`VerifyError::Mismatch`] for a well-formed signature this account did not make.
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
    let expected = account
        .evm_address()
        .ok_or_else(|| VerifyError::UnsupportedNamespace {
            namespace: account.chain().namespace().to_owned(),
        })?;
    if signature.scheme() != SignatureScheme::Eip191Secp256k1 {
        return Err(VerifyError::SchemeMismatch {
            scheme: signature.scheme(),
            namespace: account.chain().namespace().to_owned(),
        });
    }
    if recover(message, signature.as_bytes())? == expected {
        Ok(())
    } else {
        Err(VerifyError::Mismatch {
            account: account.to_string(),
        })
    }
}
