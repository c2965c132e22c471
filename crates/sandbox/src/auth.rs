//! Credentials, bearer tokens and the registered request-signing key (the middleware that checks
//! them is `middleware/authenticate.rs`).

use std::sync::{Arc, RwLock};

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_httpsig::{P384VerifyingKey, Verifier};
use chainsig_offblocks::codes;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiError;

/// JWT claims of a sandbox token (OffBlocks' tokens are HS256 with `exp`, `Id` and `Generation`;
/// treat them as opaque). `Generation` is the credentials' generation the token was issued under
/// ([`Access`]): a token of an older one is refused.
#[derive(Debug, Serialize)]
struct Claims {
    sub: String,
    exp: u64,
    iat: u64,
    jti: String,
    #[serde(rename = "Generation")]
    generation: u64,
}

/// What a check reads of a token's claims: no `String` is allocated per request for the claims it
/// does not judge (`sub`, `jti`; the HMAC covers them all the same).
#[derive(Debug, Deserialize)]
struct CheckedClaims {
    exp: u64,
    #[serde(rename = "Generation")]
    generation: u64,
}

/// Issues and checks HS256 tokens.
pub(crate) struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(<hs256 secret>)")
    }
}

impl Tokens {
    pub(crate) fn new() -> Self {
        let secret: [u8; 32] = rand::random();
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the sandbox's injectable clock, not the system clock.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
        }
    }

    pub(crate) fn issue(
        &self,
        api_key: &str,
        generation: u64,
        now: u64,
        ttl: u64,
    ) -> Result<(String, u64), ApiError> {
        let exp = now + ttl;
        let claims = Claims {
            sub: api_key.to_owned(),
            exp,
            iat: now,
            jti: Uuid::new_v4().to_string(),
            generation,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "cannot issue a token",
            )
        })?;
        Ok((token, exp))
    }

    /// Checks a token at `now` against the credentials' current `generation`.
    pub(crate) fn check(&self, token: &str, now: u64, generation: u64) -> Result<(), ApiError> {
        let data = jsonwebtoken::decode::<CheckedClaims>(token, &self.decoding, &self.validation)
            .map_err(|_| ApiError::unauthorized("the bearer token is not valid"))?;
        if data.claims.generation != generation {
            return Err(ApiError::unauthorized(
                "the bearer token was invalidated: the API credentials were rotated or revoked \
                 since it was issued",
            ));
        }
        if data.claims.exp <= now {
            return Err(ApiError::unauthorized(
                "the bearer token has expired; get a new one from /auth/token",
            ));
        }
        Ok(())
    }
}

/// API credentials, compared by hash so that the comparison does not leak the secret's prefix.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub(crate) api_key: String,
    pub(crate) api_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    pub(crate) fn matches(&self, api_key: &str, api_secret: &str) -> bool {
        let h = |s: &str| Sha256::digest(s.as_bytes());
        (h(api_key) == h(&self.api_key)) & (h(api_secret) == h(&self.api_secret))
    }
}

/// The API credentials in force and the generation of the tokens issued under them
/// (`offblocks-api.md` 1.3). A rotation (`PUT /auth/credentials`) replaces the credentials and
/// starts a new generation, so every token issued before is refused; a revocation
/// (`DELETE /auth/credentials`) removes them for good and starts a generation no token will ever
/// carry.
#[derive(Debug)]
pub(crate) struct Access {
    state: RwLock<AccessState>,
}

#[derive(Debug)]
struct AccessState {
    /// `None` once revoked.
    credentials: Option<Credentials>,
    generation: u64,
}

impl Access {
    pub(crate) fn new(credentials: Credentials) -> Self {
        Self {
            state: RwLock::new(AccessState {
                credentials: Some(credentials),
                generation: 0,
            }),
        }
    }

    /// The generation a token for these credentials is issued under, if they are the ones in
    /// force.
    pub(crate) fn authenticate(&self, api_key: &str, api_secret: &str) -> Option<u64> {
        let state = self.state.read().unwrap_or_else(|e| e.into_inner());
        state
            .credentials
            .as_ref()
            .filter(|c| c.matches(api_key, api_secret))
            .map(|_| state.generation)
    }

    /// The generation a token must carry to be accepted now.
    pub(crate) fn generation(&self) -> u64 {
        self.state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .generation
    }

    /// Replaces the credentials; every token issued before is refused from now on.
    pub(crate) fn rotate(&self, credentials: Credentials) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.credentials = Some(credentials);
        state.generation += 1;
    }

    /// Removes the credentials for good: no token is accepted or issued any more.
    pub(crate) fn revoke(&self) {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.credentials = None;
        state.generation += 1;
    }
}

/// The registered request-signing key. `PUT /auth/signing` replaces it (as the real endpoint
/// "updates" it); registering the same key again returns the same id.
#[derive(Debug, Default)]
pub(crate) struct SigningKeys {
    current: RwLock<Option<(String, Vec<u8>, P384VerifyingKey)>>,
}

impl SigningKeys {
    pub(crate) fn register(&self, key: P384VerifyingKey) -> String {
        let der = key.to_public_key_der();
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        if let Some((id, existing, _)) = current.as_ref()
            && *existing == der
        {
            return id.clone();
        }
        let id = Uuid::new_v4().to_string();
        *current = Some((id.clone(), der, key));
        id
    }

    /// Removes the registered key (`DELETE /auth/signing`); whether there was one.
    pub(crate) fn remove(&self) -> bool {
        self.current
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .is_some()
    }

    fn resolve(&self, keyid: &str) -> Option<P384VerifyingKey> {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        current
            .as_ref()
            .filter(|(id, _, _)| id == keyid)
            .map(|(_, _, key)| key.clone())
    }
}

/// Builds the request verifier over the registered keys, for requests to `authority` (the
/// sandbox's own: never the request's `Host`).
pub(crate) fn verifier(
    keys: Arc<SigningKeys>,
    authority: &str,
    clock_skew: u64,
    max_age: u64,
) -> Verifier {
    let resolver = move |keyid: &str| keys.resolve(keyid);
    Verifier::new(resolver)
        .with_scheme("http")
        .with_authority(Some(authority.to_owned()))
        .with_clock_skew(clock_skew)
        .with_max_age(Some(max_age))
}

/// Decodes `PUT /auth/signing`'s key: base64 of the SPKI PEM text (A4).
pub(crate) fn decode_public_key(base64_pem: &str) -> Result<P384VerifyingKey, ApiError> {
    let pem = STANDARD
        .decode(base64_pem.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::INVALID_PUBLIC_KEY,
                "publicKey must be base64 of a PEM public key",
            )
        })?;
    P384VerifyingKey::from_public_key_pem(&pem)
        .map_err(|e| ApiError::bad_request(codes::INVALID_PUBLIC_KEY, format!("publicKey: {e}")))
}
