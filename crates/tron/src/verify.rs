//! Recovery and verification of TIP-191 signatures for Tron accounts.

use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme, VerifyError};
use chainsig_evm::secp256k1::recover_prehash;

use crate::address::TronAddress;
use crate::network::TRON_NAMESPACE;
use crate::tip191::tip191_hash;

/// Recovers the address that made `signature` over `message` with TIP-191, strictly: 65 bytes
/// r‖s‖v, v 27 or 28, low s.
pub fn recover(message: &[u8], signature: &[u8]) -> Result<TronAddress, VerifyError> {
    recover_prehash(&tip191_hash(message), signature).map(TronAddress::from_hash)
}

/// Checks that `signature` is `account`'s TIP-191 signature over `message` (the decoded challenge
/// bytes, verbatim).
///
/// # Errors
/// - [`VerifyError::UnsupportedNamespace`] when the account is not a `tron` account;
/// - [`VerifyError::SchemeMismatch`] when the signature is not [`SignatureScheme::Tip191Secp256k1`];
/// - [`VerifyError::Malformed`] for a wrong length, a v other than 27/28, a high s, or an
///   account whose address is not a Tron address;
/// - [`VerifyError::Mismatch`] for a well-formed signature this account did not make over this
///   message (including an Ethereum-prefixed EIP-191 signature by the right key).
///
/// ```
/// use chainsig_core::{AccountId, ChallengeSignature, SignatureScheme};
///
/// // tron-vectors.json, "tron-session-key-uuid-0" (TronWeb 6.5.1 signMessageV2).
/// let account: AccountId = "tron:27Lqcw:TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4".parse()?;
/// let signature = ChallengeSignature::from_hex(
///     SignatureScheme::Tip191Secp256k1,
///     "0xa09579a441da0a4b8e1e213a0402490b9839565e12a586ed5e11e80aadc04a3c4726724ecdff602068a2d0965ddab882d9975e154cdf3aaebae89d533c33ddb91c",
/// )?;
/// chainsig_tron::verify(&account, b"0444a477-9858-4ce2-a801-e825b59fcdab", &signature)?;
/// assert!(chainsig_tron::verify(&account, b"x", &signature).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify(
    account: &AccountId,
    message: &[u8],
    signature: &ChallengeSignature,
) -> Result<(), VerifyError> {
    if account.chain().namespace() != TRON_NAMESPACE {
        return Err(VerifyError::UnsupportedNamespace {
            namespace: account.chain().namespace().to_owned(),
        });
    }
    if signature.scheme() != SignatureScheme::Tip191Secp256k1 {
        return Err(VerifyError::SchemeMismatch {
            scheme: signature.scheme(),
            namespace: TRON_NAMESPACE.to_owned(),
        });
    }
    let expected = TronAddress::parse(account.address()).map_err(|e| VerifyError::Malformed {
        reason: format!("the account's address: {e}"),
    })?;
    if recover(message, signature.as_bytes())? == expected {
        Ok(())
    } else {
        Err(VerifyError::Mismatch {
            account: account.to_string(),
        })
    }
}
