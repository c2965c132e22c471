#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod curve;
mod error;
mod evm;
mod key;
mod keygen;
mod module;
mod pin;
mod request_key;
mod solana;
mod token;
mod uri;

pub use error::{PinError, Pkcs11Error, UriError};
pub use evm::Pkcs11Secp256k1Key;
pub use module::MODULE_ENV;
pub use pin::PinSource;
pub use request_key::Pkcs11P384Key;
pub use solana::Pkcs11Ed25519Key;
pub use token::{DEFAULT_POOL_SIZE, Pkcs11Token, TokenBuilder};
pub use uri::{KeyUri, ObjectType};

/// Re-exported so that callers name the same PKCS#11 binding version (tests, tools).
pub use cryptoki;
