//! A Solana key held in this process.

use std::fmt;

use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, ChallengeSignerSync,
    SignatureScheme, SignerError, async_trait,
};
use ed25519_dalek::{Signer as _, SigningKey};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::guard::guard;
use crate::keyfile::{self, KEYPAIR_LEN};
use crate::mnemonic;
use crate::signer::solana_account;
use crate::{Ed25519Signer, KeyError};

/// A Solana (ed25519) key in memory, signing challenges as `solana:<genesis ref>:<base58 pubkey>`.
///
/// It signs [`Challenge::bytes`] verbatim with pure ed25519 (RFC 8032), after the
/// [transaction-shape guard](crate::check_transaction_shape). Its output is tested against
/// independent vectors, so it is not verified again after signing (custody backends are, through
/// [`Ed25519ChallengeSigner`](crate::Ed25519ChallengeSigner)).
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_solana::{verify, LocalSolanaSigner};
///
/// let signer = LocalSolanaSigner::from_seed(&[7u8; 32]);
/// let challenge = Challenge::from_base64("NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj")?;
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let signature = signer.sign_challenge(&challenge).await?;
/// verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Security
///
/// The key is zeroized when the signer is dropped. The signer is deliberately not `Clone`: share
/// one through an `Arc`. `Debug` shows the account and nothing secret; no error of this crate
/// contains key material. Parsing key files writes into zeroized buffers; the BIP-39 library
/// used for mnemonics does not zeroize its own copies of the entropy and phrase.
pub struct LocalSolanaSigner {
    key: SigningKey,
    account: AccountId,
    allow_transaction_shaped: bool,
}

impl LocalSolanaSigner {
    /// A new key from the operating system's random number generator, on Solana mainnet.
    pub fn random() -> Self {
        Self::from_signing_key(SigningKey::generate(&mut OsRng))
    }

    /// The key whose 32-byte ed25519 seed (the "secret key" in RFC 8032 terms) is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_signing_key(SigningKey::from_bytes(seed))
    }

    /// A 64-byte Solana keypair: the seed followed by the public key. The public-key half must be
    /// the seed's public key ([`KeyError::PubkeyMismatch`] otherwise).
    pub fn from_keypair_bytes(bytes: &[u8; 64]) -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[..32]);
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes()[..] != bytes[32..] {
            return Err(KeyError::PubkeyMismatch);
        }
        Ok(Self::from_signing_key(key))
    }

    /// A solana-keygen key file: a JSON array of 64 numbers in `0..=255` (seed, then public key).
    pub fn from_keypair_json(json: &str) -> Result<Self, KeyError> {
        Self::from_keypair_bytes(&*keyfile::parse_keypair_json(json)?)
    }

    /// The base58 encoding of the 64-byte keypair, as Phantom and Solflare export private keys.
    /// Surrounding whitespace is ignored.
    pub fn from_base58_secret(text: &str) -> Result<Self, KeyError> {
        Self::from_keypair_bytes(&*keyfile::parse_base58_keypair(text)?)
    }

    /// The key Solana wallets derive from a BIP-39 mnemonic: the SLIP-10 ed25519 child at `path`
    /// (default `m/44'/501'/0'/0'`, the first account of Phantom, Solflare and Backpack) of the
    /// BIP-39 seed of `phrase` and `passphrase` (`""` for none).
    ///
    /// The phrase is English; letter case and whitespace between words do not matter; phrase and
    /// passphrase are NFKD-normalized as BIP-39 requires. SLIP-10 ed25519 only has hardened
    /// children, so every path component needs a `'` (or `h`).
    ///
    /// ```
    /// use chainsig_solana::LocalSolanaSigner;
    ///
    /// let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
    ///               abandon abandon about";
    /// let signer = LocalSolanaSigner::from_mnemonic(phrase, "", None)?;
    /// assert_eq!(
    ///     signer.to_string(),
    ///     "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:HAgk14JpMQLgt6rVgv7cBQFJWFto5Dqxi472uT3DKpqk"
    /// );
    /// # Ok::<(), chainsig_solana::KeyError>(())
    /// ```
    pub fn from_mnemonic(
        phrase: &str,
        passphrase: &str,
        path: Option<&str>,
    ) -> Result<Self, KeyError> {
        let path = mnemonic::parse_path(path.unwrap_or(mnemonic::DEFAULT_PATH))?;
        let seed = mnemonic::seed_from_mnemonic(phrase, passphrase)?;
        let key = mnemonic::derive_slip10(&seed[..], &path);
        Ok(Self::from_seed(&key))
    }

    /// The contents of a key file in either format: a JSON array (solana-keygen) or base58
    /// (Phantom export), told apart by the first character; surrounding whitespace is ignored.
    ///
    /// Keys of other kinds are recognized and named in the error ([`KeyError::LooksLikeOtherKey`]):
    /// an EVM private key, an Ethereum keystore, a mnemonic, a PEM file, an xprv.
    pub fn from_key_file_contents(text: &str) -> Result<Self, KeyError> {
        Self::from_keypair_bytes(&*keyfile::parse_key_file(text)?)
    }

    /// The same key on another Solana cluster (devnet, testnet): the account's chain changes, the
    /// address does not. [`KeyError::WrongChain`] unless `chain` is a `solana` chain.
    pub fn with_chain(mut self, chain: ChainId) -> Result<Self, KeyError> {
        self.account = solana_account(chain, self.pubkey())?;
        Ok(self)
    }

    /// Whether to sign challenges that [look like a transaction](crate::check_transaction_shape)
    /// (default `false`: they are refused with [`SignerError::InvalidChallenge`]).
    ///
    /// # Security
    /// A signature over a transaction message authorizes that transaction. Only opt out when the
    /// challenge's origin is trusted and its bytes are known not to be a transaction.
    pub fn allow_transaction_shaped(mut self, allow: bool) -> Self {
        self.allow_transaction_shaped = allow;
        self
    }

    /// The 32-byte ed25519 public key.
    pub fn pubkey(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The key in solana-keygen's file format (a JSON array of the 64 keypair bytes, no spaces),
    /// as `chainsig keygen` writes it. Zeroized when dropped.
    pub fn to_keypair_json(&self) -> Zeroizing<String> {
        let keypair = Zeroizing::new(self.key.to_keypair_bytes());
        let keypair: &[u8; KEYPAIR_LEN] = &keypair;
        keyfile::keypair_to_json(keypair)
    }

    fn from_signing_key(key: SigningKey) -> Self {
        let pubkey = key.verifying_key().to_bytes();
        // Mainnet is a `solana` chain, so this cannot fail.
        let account = AccountId::from_solana_pubkey(ChainId::solana_mainnet(), pubkey)
            .expect("mainnet is a solana chain");
        Self {
            key,
            account,
            allow_transaction_shaped: false,
        }
    }

    fn sign_guarded(&self, message: &[u8]) -> Result<ChallengeSignature, SignerError> {
        guard(message, self.allow_transaction_shaped)?;
        let signature = self.key.sign(message).to_bytes();
        ChallengeSignature::new(SignatureScheme::Ed25519, signature).map_err(SignerError::backend)
    }
}

impl fmt::Debug for LocalSolanaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSolanaSigner")
            .field("account", &format_args!("{}", self.account))
            .field("allow_transaction_shaped", &self.allow_transaction_shaped)
            .finish_non_exhaustive()
    }
}

/// The account id, `solana:<genesis ref>:<base58 pubkey>`.
impl fmt::Display for LocalSolanaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.account, f)
    }
}

#[async_trait]
impl ChallengeSigner for LocalSolanaSigner {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Ed25519
    }

    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        self.sign_challenge_sync(challenge)
    }
}

/// The one code path of this signer (transaction-shape guard included):
/// [`ChallengeSigner::sign_challenge`] calls it.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner, ChallengeSignerSync};
/// use chainsig_solana::{verify, LocalSolanaSigner};
///
/// let signer = LocalSolanaSigner::from_seed(&[7u8; 32]);
/// let challenge = Challenge::from_base64("NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj")?;
/// let signature = signer.sign_challenge_sync(&challenge)?; // no runtime needed
/// verify(signer.account(), challenge.bytes(), &signature)?;
///
/// // Transaction-shaped bytes are refused here as in the async path.
/// let shaped = Challenge::from_bytes(vec![0xff, 1, 2, 3])?;
/// assert!(signer.sign_challenge_sync(&shaped).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl ChallengeSignerSync for LocalSolanaSigner {
    fn sign_challenge_sync(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        self.sign_guarded(challenge.bytes())
    }
}

/// The raw primitive: `sign_bytes` signs any bytes, without the transaction-shape guard (which
/// runs in [`Ed25519ChallengeSigner`](crate::Ed25519ChallengeSigner) and in this type's own
/// [`ChallengeSigner`] implementation).
#[async_trait]
impl Ed25519Signer for LocalSolanaSigner {
    fn pubkey(&self) -> [u8; 32] {
        LocalSolanaSigner::pubkey(self)
    }

    async fn sign_bytes(&self, message: &[u8]) -> Result<[u8; 64], SignerError> {
        Ok(self.key.sign(message).to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keypair_json_round_trip() {
        let signer = LocalSolanaSigner::random();
        let json = signer.to_keypair_json();
        let back = LocalSolanaSigner::from_keypair_json(&json).unwrap();
        assert_eq!(back.pubkey(), signer.pubkey());
        assert_eq!(back.account(), signer.account());
    }

    #[test]
    fn spliced_keypairs_are_refused() {
        let a = LocalSolanaSigner::from_seed(&[1; 32]);
        let mut bytes = [1u8; 64];
        bytes[32..].copy_from_slice(&LocalSolanaSigner::from_seed(&[2; 32]).pubkey());
        assert_eq!(
            LocalSolanaSigner::from_keypair_bytes(&bytes).unwrap_err(),
            KeyError::PubkeyMismatch
        );
        bytes[32..].copy_from_slice(&a.pubkey());
        assert_eq!(
            LocalSolanaSigner::from_keypair_bytes(&bytes)
                .unwrap()
                .pubkey(),
            a.pubkey()
        );
    }

    #[test]
    fn chains() {
        let devnet: ChainId = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1".parse().unwrap();
        let signer = LocalSolanaSigner::from_seed(&[3; 32])
            .with_chain(devnet.clone())
            .unwrap();
        assert_eq!(signer.account().chain(), &devnet);
        assert!(matches!(
            LocalSolanaSigner::from_seed(&[3; 32]).with_chain(ChainId::eip155(1)),
            Err(KeyError::WrongChain { .. })
        ));
    }

    #[test]
    fn debug_shows_the_account_only() {
        let signer = LocalSolanaSigner::from_seed(&[5; 32]);
        let debug = format!("{signer:?}");
        assert!(debug.starts_with("LocalSolanaSigner { account: solana:5eykt"));
        assert!(debug.contains(signer.account().address()));
        assert!(!debug.contains("SigningKey"));
    }
}
