//! The in-process secp256k1 key, signing with TIP-191: evm's [`Secp256k1LocalSigner`] with
//! [`Tip191`], wrapped for Tron's own methods (networks, `TronAddress`, TronLink's mnemonic path).

use std::fmt;

use async_trait::async_trait;
use chainsig_core::{
    AccountId, ChainId, Challenge, ChallengeSignature, ChallengeSigner, ChallengeSignerSync,
    SignatureScheme, SignerError,
};
use chainsig_evm::Secp256k1LocalSigner;
use chainsig_evm::secp256k1::SigningKey;
use zeroize::Zeroizing;

use crate::address::TronAddress;
use crate::error::KeyError;
use crate::network::TronNetwork;
use crate::tip191::Tip191;

/// TronLink's BIP-44 path of the first account (coin type 195).
pub const DEFAULT_DERIVATION_PATH: &str = "m/44'/195'/0'/0/0";

/// A secp256k1 private key held in this process, signing challenges with TIP-191 (TronWeb's
/// `signMessageV2`).
///
/// Signatures are 65 bytes r‖s‖v with v = 27/28 and low s, deterministic (RFC 6979), byte for
/// byte what TronWeb 6 makes. The key is zeroized on drop, the type is not `Clone` (share it
/// behind an `Arc`), and `Debug` shows the account only. Loading and signing are evm's
/// [`Secp256k1LocalSigner`] with [`Tip191`]; this type adds Tron's networks and address.
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
pub struct LocalTronSigner(Secp256k1LocalSigner<Tip191>);

impl LocalTronSigner {
    /// A fresh random key from the operating system's RNG, on Tron mainnet.
    pub fn random() -> Self {
        Self(Secp256k1LocalSigner::random())
    }

    /// From the 32 raw bytes of the private key.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        Secp256k1LocalSigner::from_bytes(bytes).map(Self)
    }

    /// From hex text: 64 hex digits, with or without `0x` (TronLink and `tronweb` export them
    /// bare), surrounding whitespace ignored.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Secp256k1LocalSigner::from_hex(text).map(Self)
    }

    /// From a keystore v3 JSON document (the Ethereum format; scrypt or pbkdf2, aes-128-ctr) and
    /// its password. A declared `address` may be the Tron base58 or `41…` hex form, or the
    /// 20-byte hex an Ethereum tool writes; it must be the key's.
    pub fn from_keystore_json(json: &str, password: &[u8]) -> Result<Self, KeyError> {
        Secp256k1LocalSigner::from_keystore_json(json, password).map(Self)
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
        Secp256k1LocalSigner::from_mnemonic_path(phrase, passphrase, path).map(Self)
    }

    /// From the text of a key file: hex (with or without `0x`), or keystore v3 JSON (which needs
    /// `password`).
    ///
    /// Another chain's key (a solana-keygen array, a base58 Solana secret) or a mnemonic is
    /// refused with [`KeyError::WrongChain`].
    pub fn from_key_file_contents(text: &str, password: Option<&[u8]>) -> Result<Self, KeyError> {
        Secp256k1LocalSigner::from_key_file_contents(text, password).map(Self)
    }

    /// From a k256 signing key, on Tron mainnet.
    pub fn from_signing_key(key: SigningKey) -> Self {
        Self(Secp256k1LocalSigner::from_signing_key(key))
    }

    /// Names the account on another Tron network (the key and address stay the same).
    pub fn with_network(self, network: TronNetwork) -> Self {
        self.with_chain(network.chain_id())
            .unwrap_or_else(|_| unreachable!("a TronNetwork's chain is a Tron network"))
    }

    /// Names the account on the Tron network `chain`; another namespace or an unknown network
    /// is refused.
    pub fn with_chain(self, chain: ChainId) -> Result<Self, KeyError> {
        self.0.with_chain(chain).map(Self)
    }

    /// The address.
    pub fn address(&self) -> TronAddress {
        TronAddress::from_hash(self.0.key_hash())
    }

    /// The private key as 64 bare hex digits (TronLink's export format), for writing a key file.
    pub fn to_hex(&self) -> Zeroizing<String> {
        self.0.to_hex()
    }

    /// Signs `message` with TIP-191, synchronously.
    pub fn sign_message_sync(&self, message: &[u8]) -> [u8; 65] {
        self.0.sign_message_sync(message)
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
        self.0.account()
    }

    fn scheme(&self) -> SignatureScheme {
        self.0.scheme()
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
        self.0.sign_challenge_sync(challenge)
    }
}

impl fmt::Debug for LocalTronSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
