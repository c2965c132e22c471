//! The narrow trait a custody backend implements to sign with an ed25519 key.

use std::fmt::Debug;
use std::sync::Arc;

use chainsig_core::{AccountId, ChainId, SignerError, async_trait};

use crate::KeyError;

/// An ed25519 key that signs raw bytes: what a KMS, an HSM, an MPC service or a wallet backend
/// implements to sign OffBlocks challenges as a Solana account.
///
/// Wrap it in [`Ed25519ChallengeSigner`](crate::Ed25519ChallengeSigner) to get a
/// [`ChallengeSigner`](chainsig_core::ChallengeSigner): the adapter refuses transaction-shaped
/// challenges before calling [`sign_bytes`](Self::sign_bytes) and verifies every signature it gets
/// back, so an implementation only signs.
///
/// All methods take `&self`: `&T`, `Box<T>` and `Arc<T>` (also of `dyn Ed25519Signer`) implement
/// the trait too.
///
/// ```
/// use chainsig_core::{async_trait, SignerError};
/// use chainsig_solana::Ed25519Signer;
///
/// #[derive(Debug)]
/// struct RemoteKey {
///     key_id: String,
///     pubkey: [u8; 32], // fetched once, when the client is built
/// }
///
/// #[async_trait]
/// impl Ed25519Signer for RemoteKey {
///     fn pubkey(&self) -> [u8; 32] {
///         self.pubkey
///     }
///
///     async fn sign_bytes(&self, _message: &[u8]) -> Result<[u8; 64], SignerError> {
///         // Call the backend here.
///         Err(SignerError::Unavailable { reason: "backend offline".into(), retryable: true })
///     }
/// }
/// ```
#[async_trait]
pub trait Ed25519Signer: Send + Sync + Debug {
    /// The 32-byte ed25519 public key (the Solana address, before base58).
    fn pubkey(&self) -> [u8; 32];

    /// Signs `message` (pure ed25519, RFC 8032, no prehash and no prefix) and returns the 64-byte
    /// signature `R ‖ s`.
    ///
    /// This is the raw primitive: it signs whatever it is given. The transaction-shape guard runs
    /// in the [`ChallengeSigner`](chainsig_core::ChallengeSigner) layer above it.
    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError>;

    /// Checks that the backend can sign now (reachable, unlocked). Local keys always can.
    async fn health_check(&self) -> Result<(), SignerError> {
        Ok(())
    }
}

macro_rules! forward_ed25519_signer {
    ($($ty:ty),*) => {$(
        #[async_trait]
        impl<T: Ed25519Signer + ?Sized> Ed25519Signer for $ty {
            fn pubkey(&self) -> [u8; 32] {
                (**self).pubkey()
            }
            async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
                (**self).sign_bytes(message).await
            }
            async fn health_check(&self) -> Result<(), SignerError> {
                (**self).health_check().await
            }
        }
    )*};
}
forward_ed25519_signer!(&T, Box<T>, Arc<T>);

/// The CAIP-10 account of `pubkey` on `chain`, which must be a Solana cluster.
pub(crate) fn solana_account(chain: ChainId, pubkey: [u8; 32]) -> Result<AccountId, KeyError> {
    if !chain.is_solana() {
        return Err(KeyError::WrongChain {
            found: chain.to_string(),
        });
    }
    let found = chain.to_string();
    AccountId::from_solana_pubkey(chain, pubkey).map_err(|_| KeyError::WrongChain { found })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_signer<S: Ed25519Signer>() {}
    fn assert_send<F: std::future::Future + Send>(_: F) {}

    #[allow(dead_code)]
    fn dyn_compatible_with_send_futures(signer: &dyn Ed25519Signer) {
        assert_signer::<Box<dyn Ed25519Signer>>();
        assert_signer::<Arc<dyn Ed25519Signer>>();
        assert_signer::<&dyn Ed25519Signer>();
        assert_send(signer.sign_bytes(b"x"));
        assert_send(signer.health_check());
    }

    #[test]
    fn accounts_only_on_solana() {
        assert!(solana_account(ChainId::solana_mainnet(), [1; 32]).is_ok());
        assert_eq!(
            solana_account(ChainId::eip155(1), [1; 32]),
            Err(KeyError::WrongChain {
                found: "eip155:1".into()
            })
        );
    }
}
