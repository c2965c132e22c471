//! The in-process secp256k1 key, generic over the chain's message scheme: [`LocalEvmSigner`]
//! here, `chainsig_tron::LocalTronSigner` over the same type.

use std::fmt;
use std::marker::PhantomData;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, ChallengeSignerSync,
    SignatureScheme, SignerError,
};
use k256::ecdsa::SigningKey;
use zeroize::Zeroizing;

use crate::eip191::Eip191;
use crate::error::KeyError;
use crate::message::Secp256k1Chain;
use crate::secp256k1::{
    KeyFileKind, classify_key_file, keccak_address, key_from_bytes, key_from_hex,
    key_from_keystore, key_from_mnemonic, key_to_hex, random_key, sign_prehash,
};

/// The BIP-44 path of the first Ethereum account, used when a mnemonic comes without one.
pub const DEFAULT_DERIVATION_PATH: &str = "m/44'/60'/0'/0/0";

/// A secp256k1 private key held in this process, signing with EIP-191 `personal_sign`.
///
/// Signatures are 65 bytes r‖s‖v with v = 27/28 and low s, deterministic (RFC 6979). The key is
/// zeroized on drop, the type is not `Clone` (share it behind an `Arc`), and `Debug` shows the
/// account only.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_evm::LocalEvmSigner;
///
/// # tokio_test_block_on(async {
/// let signer = LocalEvmSigner::from_hex(
///     "0xa76a939a40391bec11bb627c135d249fb5f36ca49249fa2bf5c4928d206ca7e8",
/// )?;
/// assert_eq!(signer.account().to_string(), "eip155:1:0x8facB46919Ee73D84F1641E74C5fBB63647fCF3E");
///
/// let challenge = Challenge::from_base64("aGVsbG8=")?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// chainsig_evm::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
///
/// # Security
///
/// Keep the signer in one place and hand out `Arc<LocalEvmSigner>`; every copy of a key is one
/// more place it can leak from.
pub type LocalEvmSigner = Secp256k1LocalSigner<Eip191>;

/// A secp256k1 private key held in this process, signing challenges for chain `M`:
/// [`LocalEvmSigner`] for EVM, `chainsig_tron::LocalTronSigner` (a thin wrapper) for Tron.
///
/// Loading (hex, keystore v3, BIP-39), signing (65 bytes r‖s‖v, v = 27/28, low s, RFC 6979) and
/// the account's naming are written once here; `M` supplies the digest, the account form and the
/// key-file conventions. The key is zeroized on drop, the type is not `Clone`, and `Debug` shows
/// the account only.
pub struct Secp256k1LocalSigner<M> {
    key: SigningKey,
    key_hash: [u8; 20],
    account: AccountId,
    message: PhantomData<fn() -> M>,
}

impl<M: Secp256k1Chain> Secp256k1LocalSigner<M> {
    /// A fresh random key from the operating system's RNG, on the chain's mainnet.
    pub fn random() -> Self {
        Self::from_signing_key(random_key())
    }

    /// From the 32 raw bytes of the private key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        Ok(Self::from_signing_key(key_from_bytes(bytes)?))
    }

    /// From hex text: 64 hex digits, optionally `0x`-prefixed, surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Ok(Self::from_signing_key(key_from_hex(text, M::NAME)?))
    }

    /// From an Ethereum keystore v3 JSON document (scrypt or pbkdf2, aes-128-ctr) and its
    /// password. An `address` the file declares, in any of the chain's forms or as the 20-byte
    /// hex Ethereum tools write, must be the key's.
    pub fn from_keystore_json(json: &str, password: &[u8]) -> Result<Self, KeyError> {
        let (key, declared) = key_from_keystore(json, password)?;
        let signer = Self::from_signing_key(key);
        if let Some(declared) = declared
            && M::address_hash(&declared) != Some(signer.key_hash)
        {
            return Err(KeyError::Keystore(
                "the decrypted key does not match the file's `address`".into(),
            ));
        }
        Ok(signer)
    }

    /// From a BIP-39 English mnemonic, an optional BIP-39 passphrase and any BIP-32 derivation
    /// path.
    pub fn from_mnemonic_path(
        phrase: &str,
        passphrase: Option<&str>,
        path: &str,
    ) -> Result<Self, KeyError> {
        let key = key_from_mnemonic(phrase, passphrase, path)?;
        Ok(Self::from_signing_key(key))
    }

    /// From the text of a key file: hex, or keystore v3 JSON (which needs `password`).
    ///
    /// Another chain's key (a solana-keygen array, a base58 Solana secret) or a mnemonic is
    /// refused with [`KeyError::WrongChain`].
    pub fn from_key_file_contents(text: &str, password: Option<&[u8]>) -> Result<Self, KeyError> {
        match classify_key_file(text, M::KEY_FILE)? {
            KeyFileKind::Keystore => {
                let password = password.ok_or(KeyError::PasswordRequired)?;
                Self::from_keystore_json(text, password)
            }
            KeyFileKind::Hex => Self::from_hex(text),
        }
    }

    /// From a k256 signing key, on the chain's mainnet.
    pub fn from_signing_key(key: SigningKey) -> Self {
        let key_hash = keccak_address(key.verifying_key());
        let account = M::account(M::default_chain(), key_hash)
            .unwrap_or_else(|_| unreachable!("the default chain names every key hash"));
        Self {
            key,
            key_hash,
            account,
            message: PhantomData,
        }
    }

    /// Names the account on another network of the chain (the key and address stay the same);
    /// another chain is refused with [`KeyError::Caip`].
    pub fn with_chain(mut self, chain: ChainId) -> Result<Self, KeyError> {
        self.account = M::account(chain, self.key_hash)?;
        Ok(self)
    }

    /// The 20-byte key hash: the last 20 bytes of keccak256 of the public key.
    pub fn key_hash(&self) -> [u8; 20] {
        self.key_hash
    }

    /// The private key as hex (`0x`-prefixed where the chain's tools write it so), for writing a
    /// key file.
    pub fn to_hex(&self) -> Zeroizing<String> {
        key_to_hex(&self.key, M::HEX_PREFIX)
    }

    /// Signs `message` with the chain's scheme, synchronously.
    pub fn sign_message_sync(&self, message: &[u8]) -> [u8; 65] {
        sign_prehash(&self.key, &M::digest(message))
    }
}

impl LocalEvmSigner {
    /// From a BIP-39 English mnemonic, an optional BIP-39 passphrase, and a BIP-32 derivation
    /// path ([`DEFAULT_DERIVATION_PATH`] when `None`).
    pub fn from_mnemonic(
        phrase: &str,
        passphrase: Option<&str>,
        path: Option<&str>,
    ) -> Result<Self, KeyError> {
        Self::from_mnemonic_path(phrase, passphrase, path.unwrap_or(DEFAULT_DERIVATION_PATH))
    }

    /// The 20-byte address.
    pub fn address(&self) -> [u8; 20] {
        self.key_hash
    }
}

#[async_trait]
impl<M: Secp256k1Chain> ChallengeSigner for Secp256k1LocalSigner<M> {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        M::SCHEME
    }

    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        self.sign_challenge_sync(challenge)
    }
}

/// The one code path of this signer: [`ChallengeSigner::sign_challenge`] calls it.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner, ChallengeSignerSync};
/// use chainsig_evm::LocalEvmSigner;
///
/// let signer = LocalEvmSigner::from_hex(
///     "0xa76a939a40391bec11bb627c135d249fb5f36ca49249fa2bf5c4928d206ca7e8",
/// )?;
/// let challenge = Challenge::from_base64("aGVsbG8=")?;
/// let signature = signer.sign_challenge_sync(&challenge)?; // no runtime needed
/// chainsig_evm::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<M: Secp256k1Chain> ChallengeSignerSync for Secp256k1LocalSigner<M> {
    fn sign_challenge_sync(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let bytes = self.sign_message_sync(challenge.bytes());
        ChallengeSignature::new(M::SCHEME, bytes)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl<M: Secp256k1Chain> fmt::Debug for Secp256k1LocalSigner<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(M::SIGNER_NAME)
            .field("account", &self.account.to_string())
            .finish()
    }
}
