//! The chain registry: from a CAIP-2 namespace to the code that parses, verifies and loads keys
//! for it. Core names no chain here; each chain crate implements [`Chain`] and the programs that
//! choose code by chain (the sandbox, the CLI, the bench) list the chains they support, one line
//! each.

use std::fmt::{self, Debug};
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{
    AccountId, CaipError, ChainId, ChallengeSignature, ChallengeSigner, SignatureScheme,
    VerifyError,
};

/// A chain's signature check: `Ok(())` when `signature` was made by `account` over `message` (the
/// decoded challenge bytes); an account of another namespace is
/// [`VerifyError::UnsupportedNamespace`].
pub type VerifyFn = fn(&AccountId, &[u8], &ChallengeSignature) -> Result<(), VerifyError>;

/// The constant facts of a chain namespace, returned by [`Chain::info`]; [`Chain`]'s
/// `namespace`, `shorthand`, `siwx_name` and `scheme` read them, and the chain's
/// [`ChallengeVerifier`](crate::ChallengeVerifier) is its `verify`.
#[derive(Debug, Clone, Copy)]
pub struct ChainInfo {
    /// The CAIP-2 namespace, e.g. `eip155`.
    pub namespace: &'static str,
    /// The shorthand the command line accepts for the default chain, e.g. `evm`.
    pub shorthand: &'static str,
    /// The name in a Sign-In-with-X header line, e.g. `Ethereum`.
    pub siwx_name: &'static str,
    /// The scheme the chain's accounts sign challenges with.
    pub scheme: SignatureScheme,
    /// The chain crate's verification function (e.g. `chainsig_evm::verify`), which every
    /// [`Chain`] is a [`ChallengeVerifier`](crate::ChallengeVerifier) through.
    pub verify: VerifyFn,
}

/// Everything chain-specific that chain-agnostic code needs, for one CAIP-2 namespace.
///
/// Every chain is a [`ChallengeVerifier`](crate::ChallengeVerifier) through its
/// [`ChainInfo::verify`], which refuses accounts of another namespace with
/// [`VerifyError::UnsupportedNamespace`].
pub trait Chain: Send + Sync + Debug {
    /// The chain's constant facts (namespace, shorthand, SIWX name, scheme, verification), as
    /// data.
    fn info(&self) -> ChainInfo;

    /// The CAIP-2 namespace, e.g. `eip155`.
    fn namespace(&self) -> &'static str {
        self.info().namespace
    }

    /// The shorthand the command line accepts for [`default_chain`](Self::default_chain), e.g.
    /// `evm`.
    fn shorthand(&self) -> &'static str {
        self.info().shorthand
    }

    /// The chain a shorthand stands for (the namespace's main network).
    fn default_chain(&self) -> ChainId;

    /// The chain's name in a Sign-In-with-X header line (`… with your <name> account:`), e.g.
    /// `Ethereum` (EIP-4361) or `Solana` (CAIP-122).
    fn siwx_name(&self) -> &'static str {
        self.info().siwx_name
    }

    /// The scheme this chain's accounts sign challenges with.
    fn scheme(&self) -> SignatureScheme {
        self.info().scheme
    }

    /// Checks that `chain` (of this namespace) is one this chain crate signs for; the default
    /// accepts every reference the CAIP-2 grammar allows.
    fn check_chain(&self, chain: &ChainId) -> Result<(), CaipError> {
        let _ = chain;
        Ok(())
    }

    /// Parses `address` (in any input form the chain accepts) into the canonical account on
    /// `chain`, with a typed error naming what was expected.
    fn account(&self, chain: &ChainId, address: &str) -> Result<AccountId, CaipError> {
        AccountId::new(chain.clone(), address)
    }

    /// An account on `chain` derived from `seed` by hashing (fixtures, the sandbox's contract
    /// accounts): the same bytes always give the same account, and nobody holds its key.
    fn derived_account(&self, chain: &ChainId, seed: &[u8]) -> Result<AccountId, CaipError>;

    /// Other spellings of the account's address worth printing, as `(json_key, text)` pairs
    /// (e.g. Tron's `addressHex`).
    fn address_forms(&self, account: &AccountId) -> Vec<(&'static str, String)> {
        let _ = account;
        Vec::new()
    }

    /// The chain's key formats, when this build can load keys for it.
    fn keys(&self) -> Option<&dyn KeyLoader> {
        None
    }
}

/// Options for [`KeyLoader::load`].
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub struct KeyOptions<'a> {
    /// The password of an encrypted key file (keystore v3).
    pub password: Option<&'a [u8]>,
    /// Let the signer sign bytes shaped like a transaction (Solana's guard); chains without such
    /// a guard ignore it.
    pub allow_transaction_shaped: bool,
}

impl<'a> KeyOptions<'a> {
    /// With the password of an encrypted key file.
    pub fn with_password(mut self, password: Option<&'a [u8]>) -> Self {
        self.password = password;
        self
    }

    /// Lifting (or not) a chain's transaction-shape guard.
    pub fn allow_transaction_shaped(mut self, allow: bool) -> Self {
        self.allow_transaction_shaped = allow;
        self
    }
}

impl fmt::Debug for KeyOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyOptions")
            .field("password", &self.password.map(|_| "<redacted>"))
            .field("allow_transaction_shaped", &self.allow_transaction_shaped)
            .finish()
    }
}

/// A freshly generated key: its signer, and the text of the key file that holds it.
pub struct NewKey {
    /// The signer of the new key.
    pub signer: Arc<dyn ChallengeSigner>,
    /// The key file's text in the chain's usual format, ending in a newline.
    pub key_file: Zeroizing<String>,
}

impl NewKey {
    /// The new key's signer and its key file: `key_text` and a final newline, in a buffer sized
    /// once (growing it could leave a copy of the key in freed memory).
    pub fn new(signer: Arc<dyn ChallengeSigner>, key_text: &str) -> Self {
        let mut key_file = Zeroizing::new(String::with_capacity(key_text.len() + 1));
        key_file.push_str(key_text);
        key_file.push('\n');
        Self { signer, key_file }
    }
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewKey")
            .field("signer", &self.signer)
            .field("key_file", &"<redacted>")
            .finish()
    }
}

/// A chain's local key formats: loading a key file's text and making new keys.
pub trait KeyLoader: Send + Sync + fmt::Debug {
    /// A signer for `chain` from the text of a key file.
    fn load(&self, chain: &ChainId, text: &str, options: KeyOptions<'_>) -> KeyLoadResult;

    /// A new random key on `chain`.
    fn generate(&self, chain: &ChainId) -> Result<NewKey, KeyLoadError>;

    /// What a key file for this chain holds, for messages (e.g. "the JSON array that
    /// `solana-keygen new` writes").
    fn key_file_hint(&self) -> &'static str;
}

/// What [`KeyLoader::load`] gives: a signer for the key, or why the key did not load.
pub type KeyLoadResult = Result<Arc<dyn ChallengeSigner>, KeyLoadError>;

/// Why a key could not be loaded. Never carries key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyLoadError {
    /// The key file is encrypted and no password was given.
    #[error("this is an encrypted key file: a password is required")]
    PasswordRequired,
    /// A password was given for a chain whose key files are never encrypted.
    #[error("`{namespace}` key files are not encrypted: a password is not used")]
    PasswordNotUsed {
        /// The namespace.
        namespace: &'static str,
    },
    /// The text looks like another chain's key.
    #[error("{source}")]
    WrongChain {
        /// The chain crate's error, which says what the text looks like.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The key is invalid (the chain crate's error says why).
    #[error(transparent)]
    Invalid(Box<dyn std::error::Error + Send + Sync>),
    /// The chain is not one of this namespace's.
    #[error(transparent)]
    Chain(#[from] CaipError),
}

impl KeyLoadError {
    /// The text is another chain's key; `source` (the chain crate's error) says what it looks
    /// like.
    pub fn wrong_chain(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::WrongChain {
            source: Box::new(source),
        }
    }

    /// The key is invalid; `source` (the chain crate's error) says why.
    pub fn invalid(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Invalid(Box::new(source))
    }
}

/// A namespace no registered chain handles, or an id refused by its chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// No chain is registered for the namespace.
    #[error("unsupported chain namespace `{namespace}`: expected one of {known}")]
    UnknownNamespace {
        /// The namespace that was given.
        namespace: String,
        /// The registered namespaces, e.g. "`eip155`, `solana`, `tron`".
        known: String,
    },
    /// The chain or account id is invalid.
    #[error(transparent)]
    Caip(#[from] CaipError),
}

/// The chains a program supports, found by CAIP-2 namespace.
///
/// ```
/// use chainsig_core::{ChainRegistry, RegistryError};
///
/// let registry = ChainRegistry::new(); // a program adds its chains with `.with(…)`
/// assert!(matches!(
///     registry.parse_chain("cosmos:cosmoshub-4"),
///     Err(RegistryError::UnknownNamespace { .. })
/// ));
/// ```
#[derive(Clone, Default)]
pub struct ChainRegistry {
    chains: Vec<Arc<dyn Chain>>,
}

impl ChainRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `chain`, replacing a chain of the same namespace.
    pub fn with(mut self, chain: impl Chain + 'static) -> Self {
        self.chains.retain(|c| c.namespace() != chain.namespace());
        self.chains.push(Arc::new(chain));
        self
    }

    /// The registered chains, in registration order.
    pub fn chains(&self) -> impl Iterator<Item = &dyn Chain> {
        self.chains.iter().map(|c| c.as_ref())
    }

    /// The chain of `namespace`.
    pub fn get(&self, namespace: &str) -> Result<&dyn Chain, RegistryError> {
        self.chains
            .iter()
            .find(|c| c.namespace() == namespace)
            .map(|c| c.as_ref())
            .ok_or_else(|| RegistryError::UnknownNamespace {
                namespace: namespace.to_owned(),
                known: self.known(),
            })
    }

    /// The chain of `chain`'s namespace, once it has accepted the chain's reference.
    pub fn for_chain(&self, chain: &ChainId) -> Result<&dyn Chain, RegistryError> {
        let found = self.get(chain.namespace())?;
        found.check_chain(chain)?;
        Ok(found)
    }

    /// A chain from a shorthand (`evm`, …) or a CAIP-2 id of a registered namespace.
    pub fn parse_chain(&self, text: &str) -> Result<ChainId, RegistryError> {
        if let Some(chain) = self.chains.iter().find(|c| c.shorthand() == text) {
            return Ok(chain.default_chain());
        }
        let chain: ChainId = text.parse()?;
        self.for_chain(&chain)?;
        Ok(chain)
    }

    /// An account on `chain` from an address in any form its chain accepts, canonicalized.
    pub fn account(&self, chain: &ChainId, address: &str) -> Result<AccountId, RegistryError> {
        Ok(self.for_chain(chain)?.account(chain, address)?)
    }

    /// A CAIP-10 account id of a registered namespace, with its address checked by its chain.
    pub fn parse_account(&self, text: &str) -> Result<AccountId, RegistryError> {
        let (chain, address) = text.rsplit_once(':').ok_or(CaipError::Malformed {
            expected: "a CAIP-10 account id `namespace:reference:address`",
        })?;
        self.account(&chain.parse()?, address)
    }

    /// The registered namespaces, for messages: "`eip155`, `solana`".
    pub fn known(&self) -> String {
        let names: Vec<String> = self
            .chains
            .iter()
            .map(|c| format!("`{}`", c.namespace()))
            .collect();
        if names.is_empty() {
            "none (no chain is registered)".to_owned()
        } else {
            names.join(", ")
        }
    }

    /// The shorthands, for messages: "`evm` (= eip155:1)".
    pub fn shorthands(&self) -> String {
        self.chains
            .iter()
            .map(|c| format!("`{}` (= {})", c.shorthand(), c.default_chain()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Verifies with the account's chain; an unregistered namespace is
/// [`VerifyError::UnsupportedNamespace`].
impl crate::verifier::sealed::VerifyLookup for ChainRegistry {
    fn verify_fn(&self, account: &AccountId) -> Result<VerifyFn, VerifyError> {
        let namespace = account.chain().namespace();
        let chain = self
            .get(namespace)
            .map_err(|_| VerifyError::UnsupportedNamespace {
                namespace: namespace.to_owned(),
            })?;
        Ok(chain.info().verify)
    }
}

impl fmt::Debug for ChainRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.chains.iter().map(|c| c.namespace()))
            .finish()
    }
}

#[cfg(test)]
mod tests;
