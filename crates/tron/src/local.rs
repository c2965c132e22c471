//! The in-process secp256k1 key, signing with TIP-191.

use std::fmt;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, ChallengeSignerSync,
    SignatureScheme, SignerError,
};
use chainsig_evm::secp256k1::{
    KeyFileKind, SigningKey, classify_key_file, key_from_bytes, key_from_hex, key_from_keystore,
    key_from_mnemonic, key_to_hex, random_key, sign_prehash,
};
use zeroize::Zeroizing;

use crate::address::TronAddress;
use crate::error::KeyError;
use crate::network::TronNetwork;
use crate::tip191::tip191_hash;

/// TronLink's BIP-44 path of the first account (coin type 195).
pub const DEFAULT_DERIVATION_PATH: &str = "m/44'/195'/0'/0/0";

/// A secp256k1 private key held in this process, signing challenges with TIP-191 (TronWeb's
/// `signMessageV2`).
///
/// Signatures are 65 bytes r‖s‖v with v = 27/28 and low s, deterministic (RFC 6979), byte for
/// byte what TronWeb 6 makes. The key is zeroized on drop, the type is not `Clone` (share it
/// behind an `Arc`), and `Debug` shows the account only.
///
/// ```
/// use chainsig_core::{Challenge, ChallengeSigner};
/// use chainsig_tron::LocalTronSigner;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let signer = LocalTronSigner::from_hex(
///     "943c2c025cb1aabbdc9803bbd2793bb997995b4b74f6036d8d00382fbe6b5657",
/// )?;
/// assert_eq!(signer.account().to_string(), "tron:27Lqcw:TD9N5aDsR4HNgEPXm2oSU2w1n5LvawSje4");
///
/// let challenge = Challenge::from_base64("aGVsbG8=")?;
/// let signature = signer.sign_challenge(&challenge).await?;
/// chainsig_tron::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # });
/// ```
///
/// # Security
///
/// Keep the signer in one place and hand out `Arc<LocalTronSigner>`; every copy of a key is one
/// more place it can leak from.
pub struct LocalTronSigner {
    key: SigningKey,
    address: TronAddress,
    account: AccountId,
}

impl LocalTronSigner {
    /// A fresh random key from the operating system's RNG, on Tron mainnet.
    pub fn random() -> Self {
        Self::from_signing_key(random_key())
    }

    /// From the 32 raw bytes of the private key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        Ok(Self::from_signing_key(key_from_bytes(bytes)?))
    }

    /// From hex text: 64 hex digits, with or without `0x` (TronLink and `tronweb` export them
    /// bare), surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Ok(Self::from_signing_key(key_from_hex(text)?))
    }

    /// From a keystore v3 JSON document (the Ethereum format; scrypt or pbkdf2, aes-128-ctr) and
    /// its password. A declared `address` may be the Tron base58 or `41…` hex form, or the
    /// 20-byte hex an Ethereum tool writes; it must be the key's.
    pub fn from_keystore_json(json: &str, password: &[u8]) -> Result<Self, KeyError> {
        let (key, declared) = key_from_keystore(json, password)?;
        let signer = Self::from_signing_key(key);
        if let Some(declared) = declared {
            let declared = declared.trim();
            let digits = declared.strip_prefix("0x").unwrap_or(declared);
            let matches = match TronAddress::parse(declared) {
                Ok(address) => address == signer.address,
                Err(_) => digits.eq_ignore_ascii_case(&hex::encode(signer.address.hash())),
            };
            if !matches {
                return Err(KeyError::Keystore(
                    "the decrypted key does not match the file's `address`".into(),
                ));
            }
        }
        Ok(signer)
    }

    /// From a BIP-39 English mnemonic and an optional BIP-39 passphrase, at TronLink's path
    /// `m/44'/195'/0'/0/{index}` (index 0 is TronLink's first account).
    pub fn from_mnemonic(
        phrase: &str,
        passphrase: Option<&str>,
        index: u32,
    ) -> Result<Self, KeyError> {
        let path = format!("m/44'/195'/0'/0/{index}");
        Self::from_mnemonic_path(phrase, passphrase, &path)
    }

    /// From a BIP-39 English mnemonic, an optional passphrase and any BIP-32 derivation path.
    pub fn from_mnemonic_path(
        phrase: &str,
        passphrase: Option<&str>,
        path: &str,
    ) -> Result<Self, KeyError> {
        Ok(Self::from_signing_key(key_from_mnemonic(
            phrase, passphrase, path,
        )?))
    }

    /// From the text of a key file: hex (with or without `0x`), or keystore v3 JSON (which needs
    /// `password`).
    ///
    /// Another chain's key (a solana-keygen array, a base58 Solana secret) or a mnemonic is
    /// refused with [`KeyError::WrongChain`].
    pub fn from_key_file_contents(text: &str, password: Option<&[u8]>) -> Result<Self, KeyError> {
        // Before the shared classifier, whose message for a mnemonic names the EVM loader (a
        // keystore's JSON also has many words, so it is left to the classifier).
        if !text.trim_start().starts_with('{') && text.split_whitespace().count() >= 12 {
            return Err(KeyError::WrongChain {
                looks_like: "a BIP-39 mnemonic (load it with LocalTronSigner::from_mnemonic)",
            });
        }
        match classify_key_file(text)? {
            KeyFileKind::Keystore => {
                let password = password.ok_or(KeyError::PasswordRequired)?;
                Self::from_keystore_json(text, password)
            }
            _ => Self::from_hex(text),
        }
    }

    /// From a k256 signing key, on Tron mainnet.
    pub fn from_signing_key(key: SigningKey) -> Self {
        let address = TronAddress::from_verifying_key(key.verifying_key());
        let account = account_on(TronNetwork::Mainnet, &address);
        Self {
            key,
            address,
            account,
        }
    }

    /// Names the account on another Tron network (the key and address stay the same).
    pub fn with_network(mut self, network: TronNetwork) -> Self {
        self.account = account_on(network, &self.address);
        self
    }

    /// Names the account on the Tron network `chain`; another namespace or an unknown network
    /// is refused.
    pub fn with_chain(self, chain: ChainId) -> Result<Self, KeyError> {
        Ok(self.with_network(TronNetwork::from_chain(&chain)?))
    }

    /// The address.
    pub fn address(&self) -> TronAddress {
        self.address
    }

    /// The private key as 64 bare hex digits (TronLink's export format), for writing a key file.
    pub fn to_hex(&self) -> Zeroizing<String> {
        key_to_hex(&self.key, false)
    }

    /// Signs `message` with TIP-191, synchronously.
    pub fn sign_message_sync(&self, message: &[u8]) -> [u8; 65] {
        sign_prehash(&self.key, &tip191_hash(message))
    }
}

/// The CAIP-10 account of `address` on `network`.
pub(crate) fn account_on(network: TronNetwork, address: &TronAddress) -> AccountId {
    AccountId::new(network.chain_id(), &address.to_base58())
        .unwrap_or_else(|_| unreachable!("a base58 address is a valid CAIP-10 address"))
}

#[async_trait]
impl ChallengeSigner for LocalTronSigner {
    fn account(&self) -> &AccountId {
        &self.account
    }

    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Tip191Secp256k1
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
/// use chainsig_tron::LocalTronSigner;
///
/// let signer = LocalTronSigner::from_hex(
///     "943c2c025cb1aabbdc9803bbd2793bb997995b4b74f6036d8d00382fbe6b5657",
/// )?;
/// let challenge = Challenge::from_base64("aGVsbG8=")?;
/// let signature = signer.sign_challenge_sync(&challenge)?; // no runtime needed
/// chainsig_tron::verify(signer.account(), challenge.bytes(), &signature)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl ChallengeSignerSync for LocalTronSigner {
    fn sign_challenge_sync(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        let bytes = self.sign_message_sync(challenge.bytes());
        ChallengeSignature::new(SignatureScheme::Tip191Secp256k1, bytes)
            .map_err(|e| SignerError::InvalidSignature(e.to_string()))
    }
}

impl fmt::Debug for LocalTronSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTronSigner")
            .field("account", &self.account.to_string())
            .finish()
    }
}
