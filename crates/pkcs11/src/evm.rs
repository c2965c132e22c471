//! [`Pkcs11Secp256k1Key`]: a secp256k1 key on a token, signing digests with `CKM_ECDSA`; the EVM
//! (and Tron) challenge signer through chainsig-evm's digest-signer path.

use std::fmt;

use async_trait::async_trait;
use chainsig_core::{AccountId, CaipError, ChainId, SignerError, to_eip55};
use chainsig_evm::{DigestSigner, KmsSigner, RawEcdsaSignature};
use chainsig_tron::{TronAddress, TronKmsSigner};

use crate::curve::Curve;
use crate::error::Pkcs11Error;
use crate::key::{SignMechanism, TokenKey};
use crate::token::Pkcs11Token;
use crate::uri::KeyUri;

/// A secp256k1 private key on a token.
///
/// It signs 32-byte digests with `CKM_ECDSA` and returns `r ‖ s` as
/// [`RawEcdsaSignature::Scalars`]; [`evm_signer`](Self::evm_signer) wraps it in chainsig-evm's
/// [`KmsSigner`], which hashes the challenge (EIP-191), normalizes s and finds the recovery id by
/// recovering against the address read from the token's `CKA_EC_POINT`, so every signature is
/// checked before it leaves the process.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use chainsig_core::{ChainId, ChallengeSigner};
/// use chainsig_pkcs11::{KeyUri, Pkcs11Secp256k1Key, Pkcs11Token};
///
/// let uri: KeyUri = "pkcs11:token=custody;object=customer-42;type=private\
///     ?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/hsm-pin"
///     .parse()?;
/// let token = Pkcs11Token::open(&uri).await?;
/// let key = Pkcs11Secp256k1Key::open(&token, &uri).await?;
/// let signer = key.evm_signer(ChainId::eip155(1))?;
/// println!("{}", signer.account());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pkcs11Secp256k1Key {
    key: TokenKey,
    public: [u8; 65],
    address: [u8; 20],
}

impl Pkcs11Secp256k1Key {
    /// Finds the key `uri` names on `token` and reads its public point.
    ///
    /// # Errors
    /// [`Pkcs11Error::ObjectNotFound`], [`Pkcs11Error::ObjectAmbiguous`],
    /// [`Pkcs11Error::WrongKeyType`], [`Pkcs11Error::WrongCurve`],
    /// [`Pkcs11Error::PublicKeyNotFound`], [`Pkcs11Error::Malformed`] and the token errors.
    #[tracing::instrument(name = "pkcs11_open_secp256k1", skip_all, fields(uri = %uri), err(Display))]
    pub async fn open(token: &Pkcs11Token, uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        let (key, point) = TokenKey::open(token, uri, Curve::Secp256k1).await?;
        let verifying = k256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(|_| {
            Pkcs11Error::Malformed {
                uri: key.uri().to_owned(),
                what: "public key",
                reason: "CKA_EC_POINT is not a secp256k1 point",
            }
        })?;
        let encoded = verifying.to_encoded_point(false);
        let mut public = [0u8; 65];
        public.copy_from_slice(encoded.as_bytes());
        let hash = alloy_primitives::keccak256(&public[1..]);
        let mut address = [0u8; 20];
        address.copy_from_slice(&hash[12..]);
        Ok(Self {
            key,
            public,
            address,
        })
    }

    /// The 20-byte EVM address (keccak-256 of the public key).
    pub fn address(&self) -> [u8; 20] {
        self.address
    }

    /// The uncompressed SEC1 public key `04 ‖ x ‖ y`.
    pub fn public_key(&self) -> [u8; 65] {
        self.public
    }

    /// The key's URI (without a `pin-value`).
    pub fn uri(&self) -> &str {
        self.key.uri()
    }

    /// The token the key is on.
    pub fn token(&self) -> &Pkcs11Token {
        self.key.token()
    }

    /// Signs a 32-byte digest with `CKM_ECDSA`: `r ‖ s` as the token returns them (s not
    /// normalized).
    ///
    /// # Errors
    /// The token errors; [`Pkcs11Error::Malformed`] if the token returns other than 64 bytes.
    #[tracing::instrument(name = "pkcs11_sign_secp256k1", skip_all, fields(uri = %self.key.uri()), err(Display))]
    pub async fn sign_prehash(&self, digest: &[u8; 32]) -> Result<[u8; 64], Pkcs11Error> {
        self.key
            .sign_exact(
                SignMechanism::Ecdsa,
                digest.to_vec(),
                "CKM_ECDSA on secp256k1 must return 64 bytes (r ‖ s)",
            )
            .await
    }

    /// The EVM [`ChallengeSigner`](chainsig_core::ChallengeSigner) of this key on `chain` (an
    /// `eip155` chain).
    ///
    /// # Errors
    /// [`CaipError`] if `chain` is not an EVM chain.
    pub fn evm_signer(self, chain: ChainId) -> Result<KmsSigner<Self>, CaipError> {
        let account = AccountId::from_evm_address(chain, self.address)?;
        KmsSigner::new(self, account)
    }

    /// The Tron challenge signer of this key on `chain` (a `tron:` network): TIP-191 through
    /// chainsig-tron's digest-signer adapter, which takes the same [`DigestSigner`] as EVM's.
    /// The address is the one EVM derives, as Tron writes it (`0x41` ‖ the same 20 bytes).
    pub fn tron_signer(self, chain: ChainId) -> Result<TronKmsSigner<Self>, CaipError> {
        let address = TronAddress::from_hash(self.address).to_base58();
        let account = AccountId::new(chain, &address)?;
        TronKmsSigner::new(self, account)
    }
}

#[async_trait]
impl DigestSigner for Pkcs11Secp256k1Key {
    async fn sign_digest(&self, digest: &[u8; 32]) -> Result<RawEcdsaSignature, SignerError> {
        let signature = self.sign_prehash(digest).await?;
        let (mut r, mut s) = ([0u8; 32], [0u8; 32]);
        r.copy_from_slice(&signature[..32]);
        s.copy_from_slice(&signature[32..]);
        Ok(RawEcdsaSignature::Scalars { r, s })
    }
}

impl fmt::Debug for Pkcs11Secp256k1Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Secp256k1Key")
            .field("address", &to_eip55(&self.address))
            .field("key", &self.key)
            .finish()
    }
}
