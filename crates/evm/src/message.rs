//! What differs between secp256k1 chains: the digest their wallets sign, the form of their
//! accounts and of their key files. One KMS signer and one local signer serve every such chain.

use chainsig_core::{AccountId, CaipError, ChainId, SignatureScheme};

/// How a secp256k1 chain signs a challenge: the message digest its wallets sign, and the
/// 20-byte key hash its accounts name. EIP-191 ([`Eip191`](crate::Eip191)) is EVM's; Tron's
/// TIP-191 lives in `chainsig-tron`. One [`KmsSigner`](crate::Secp256k1KmsSigner) serves every
/// such chain.
pub trait Secp256k1Message: Send + Sync + 'static {
    /// The scheme of the signatures.
    const SCHEME: SignatureScheme;
    /// The digest the key signs for `message`.
    fn digest(message: &[u8]) -> [u8; 32];
    /// The Keccak-256 key hash (last 20 bytes) that `account` names, if it is this chain's.
    ///
    /// # Errors
    /// An account of another chain, or a malformed address.
    fn key_hash(account: &AccountId) -> Result<[u8; 20], CaipError>;
}

/// What a key held in this process needs beyond [`Secp256k1Message`]: how the chain names the
/// key's account, how its key files are written, and how it reads the address a keystore
/// declares. [`Eip191`](crate::Eip191) is EVM's, `chainsig_tron::Tip191` Tron's; one
/// [`Secp256k1LocalSigner`](crate::Secp256k1LocalSigner) serves both.
pub trait Secp256k1Chain: Secp256k1Message {
    /// The chain's name in messages (`EVM`, `Tron`: "invalid Tron private key …").
    const NAME: &'static str;
    /// The local signer's name in `Debug` output (`LocalEvmSigner`, `LocalTronSigner`).
    const SIGNER_NAME: &'static str;
    /// What a key file of this chain holds, ending the message of
    /// [`KeyError::WrongChain`](crate::KeyError::WrongChain) ("expected …").
    const KEY_FILE: &'static str;
    /// Whether the key's hex is written with `0x` (Ethereum tools do; TronLink exports it bare).
    const HEX_PREFIX: bool;

    /// The chain a new signer's account is on (mainnet).
    fn default_chain() -> ChainId;

    /// The CAIP-10 account of the 20-byte key hash on `chain`.
    ///
    /// # Errors
    /// `chain` is not one of this chain's networks.
    fn account(chain: ChainId, key_hash: [u8; 20]) -> Result<AccountId, CaipError>;

    /// The key hash an address written in one of this chain's forms names, or `None` if `text`
    /// is no such address: how a keystore's declared `address` is checked against its key.
    fn address_hash(text: &str) -> Option<[u8; 20]>;
}
