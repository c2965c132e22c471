//! [`Verifier`]: checks a received request against the profile, the registered key and the body.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use http::header::HOST;
use http::request::Parts;
use http::{HeaderMap, Method, Request, Uri};

use crate::base::{RequestTarget, joined_header, signature_base};
use crate::digest::verify_content_digest;
use crate::error::{ParamsError, VerifyError, truncate};
use crate::params::{SignatureParams, parse_signature};
use crate::profile::{CONTENT_DIGEST_NAME, SIGNATURE_LEN, SigningProfile, header};
use crate::verifying_key::P384VerifyingKey;

/// Finds the public key registered under a `keyid`.
///
/// Implemented for closures `Fn(&str) -> Option<P384VerifyingKey>` and for
/// `HashMap<String, P384VerifyingKey>`. A server whose keys live in a database can also resolve
/// the key itself first: [`SignatureParams::from_signature_input`] gives the `keyid`, then
/// [`Verifier::verify_with_key`] checks the request.
pub trait KeyResolver: Send + Sync {
    /// The key registered under `keyid`, if any.
    fn resolve(&self, keyid: &str) -> Option<P384VerifyingKey>;
}

impl<F> KeyResolver for F
where
    F: Fn(&str) -> Option<P384VerifyingKey> + Send + Sync,
{
    fn resolve(&self, keyid: &str) -> Option<P384VerifyingKey> {
        self(keyid)
    }
}

impl<S: std::hash::BuildHasher + Send + Sync> KeyResolver for HashMap<String, P384VerifyingKey, S> {
    fn resolve(&self, keyid: &str) -> Option<P384VerifyingKey> {
        self.get(keyid).cloned()
    }
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedSignature {
    /// The `keyid` whose key verified it.
    pub keyid: String,
    /// The received parameters (components, `created`, `expires`, …).
    pub params: SignatureParams,
}

/// Verifies OffBlocks request signatures, as a server does.
///
/// Checks, in this order: `Signature-Input` and `Signature` parse, only `created`, `expires`,
/// `nonce`, `alg`, `keyid`, `tag` are used, the signature is 96 bytes, `keyid` names a registered
/// key, `alg` (when present) is `ecdsa-p384-sha384`, `created` is not in the future and
/// `expires` has not passed (both within the clock skew, default 0 s), the optional maximum age,
/// every profile component is covered (`@method @authority @path @query authorization`, plus
/// `content-digest`, `content-type`, `idempotency-key` when present, and `content-digest` for any
/// body), every covered component is present, `Content-Digest` matches the body, and finally the
/// signature over the rebuilt base. `@signature-params` is the received inner list re-serialized
/// canonically, in its received order.
///
/// The server's scheme (default `https`) decides which port is the default one in `@authority`;
/// the authority is the request URI's (HTTP/2) or the `Host` header's, unless pinned with
/// [`with_authority`](Self::with_authority). The current time is always a parameter.
///
/// ```
/// use std::collections::HashMap;
/// use chainsig_httpsig::{P384SigningKey, RequestSigner, Verifier};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let key = P384SigningKey::generate()?;
/// let keys = HashMap::from([("k1".to_owned(), key.verifying_key().clone())]);
/// let signer = RequestSigner::new(key, "k1");
/// let verifier = Verifier::new(keys);
///
/// let mut request = http::Request::get("https://api.offblocks.xyz/v1/accounts?limit=10")
///     .header("authorization", "Bearer t0k3n")
///     .body(Vec::new())?;
/// signer.sign_request(&mut request, 1767225600).await?;
///
/// let verified = verifier.verify_request(&request, 1767225630)?;
/// assert_eq!(verified.keyid, "k1");
/// assert_eq!(
///     verifier.verify_request(&request, 1767226000).unwrap_err().reason(),
///     "expired"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: Arc<dyn KeyResolver>,
    profile: SigningProfile,
    scheme: String,
    authority: Option<String>,
    clock_skew: u64,
    max_age: Option<u64>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("profile", &self.profile)
            .field("scheme", &self.scheme)
            .field("authority", &self.authority)
            .field("clock_skew", &self.clock_skew)
            .field("max_age", &self.max_age)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for an `https` server with the OffBlocks profile, no clock skew, and a maximum
    /// age of [`DEFAULT_VALIDITY_SECS`](crate::DEFAULT_VALIDITY_SECS): a signature without
    /// `expires` is not valid forever unless [`with_max_age(None)`](Self::with_max_age) says so.
    pub fn new(keys: impl KeyResolver + 'static) -> Self {
        Self {
            keys: Arc::new(keys),
            profile: SigningProfile::OFFBLOCKS,
            scheme: "https".to_owned(),
            authority: None,
            clock_skew: 0,
            max_age: Some(crate::DEFAULT_VALIDITY_SECS),
        }
    }

    /// The server's scheme (`https` or `http`).
    #[must_use]
    pub fn with_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = scheme.into();
        self
    }

    /// Pins `@authority` to the server's own `host[:port]` instead of trusting the request's.
    #[must_use]
    pub fn with_authority(mut self, authority: Option<String>) -> Self {
        self.authority = authority;
        self
    }

    /// Seconds of clock difference tolerated for `created` (future) and `expires` (past).
    #[must_use]
    pub fn with_clock_skew(self, clock_skew: u64) -> Self {
        Self { clock_skew, ..self }
    }

    /// Rejects signatures whose `created` is more than `secs` old (`None`: no limit, for tests
    /// against fixed vectors).
    #[must_use]
    pub fn with_max_age(self, max_age: Option<u64>) -> Self {
        Self { max_age, ..self }
    }

    /// Another profile (label, required components).
    #[must_use]
    pub fn with_profile(mut self, profile: SigningProfile) -> Self {
        self.profile = profile;
        self
    }

    /// Verifies request `parts` with body `body` at Unix time `now`.
    ///
    /// # Errors
    /// A [`VerifyError`] naming the first check that failed (see the type's docs for the order).
    pub fn verify(
        &self,
        parts: &Parts,
        body: &[u8],
        now: u64,
    ) -> Result<VerifiedSignature, VerifyError> {
        self.verify_headers(&parts.method, &parts.uri, &parts.headers, body, now)
    }

    /// [`verify`](Self::verify) for a whole `http::Request` whose body is bytes.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_request<B: AsRef<[u8]>>(
        &self,
        request: &Request<B>,
        now: u64,
    ) -> Result<VerifiedSignature, VerifyError> {
        self.verify_headers(
            request.method(),
            request.uri(),
            request.headers(),
            request.body().as_ref(),
            now,
        )
    }

    /// The core of [`verify`](Self::verify), for servers that keep method, URI and headers apart.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verify_headers(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        now: u64,
    ) -> Result<VerifiedSignature, VerifyError> {
        let span = tracing::debug_span!(
            "httpsig.verify",
            method = %method,
            path = uri.path(),
            body_len = body.len(),
            keyid = tracing::field::Empty,
        );
        let _guard = span.enter();
        let request = Received {
            method,
            uri,
            headers,
            body,
        };
        let result = self.verify_inner(request, now, None);
        match &result {
            Ok(v) => {
                span.record("keyid", v.keyid.as_str());
                tracing::debug!("signature verified");
            }
            Err(e) => tracing::debug!(reason = e.reason(), error = %e, "signature rejected"),
        }
        result
    }

    /// Verifies with a key the caller resolved itself (for instance with an async database
    /// lookup of [`SignatureParams::keyid`]); the `keyid` is not looked up again.
    ///
    /// # Errors
    /// As [`verify`](Self::verify), without [`VerifyError::UnknownKeyId`].
    pub fn verify_with_key(
        &self,
        parts: &Parts,
        body: &[u8],
        key: &P384VerifyingKey,
        now: u64,
    ) -> Result<VerifiedSignature, VerifyError> {
        let span =
            tracing::debug_span!("httpsig.verify", method = %parts.method, path = parts.uri.path());
        let _guard = span.enter();
        let request = Received {
            method: &parts.method,
            uri: &parts.uri,
            headers: &parts.headers,
            body,
        };
        self.verify_inner(request, now, Some(key))
    }

    fn verify_inner(
        &self,
        request: Received<'_>,
        now: u64,
        given_key: Option<&P384VerifyingKey>,
    ) -> Result<VerifiedSignature, VerifyError> {
        let Received {
            method,
            uri,
            headers,
            body,
        } = request;
        let profile = &self.profile;

        // 1. Parse.
        let input = required_header(headers, &header::SIGNATURE_INPUT, "Signature-Input", || {
            ParamsError::Malformed {
                reason: "not UTF-8",
            }
            .into()
        })?;
        let signature = required_header(headers, &header::SIGNATURE, "Signature", || {
            VerifyError::MalformedSignature {
                reason: "not UTF-8",
            }
        })?;
        let params = SignatureParams::from_signature_input(&input, profile.label)?;
        let signature = parse_signature(&signature, profile.label)?;
        if signature.len() != SIGNATURE_LEN {
            return Err(VerifyError::SignatureLength {
                len: signature.len(),
            });
        }

        // 2. Key and algorithm.
        let keyid = params
            .keyid()
            .ok_or(VerifyError::MissingParameter { name: "keyid" })?;
        let resolved;
        let key = match given_key {
            Some(k) => k,
            None => {
                resolved = self
                    .keys
                    .resolve(keyid)
                    .ok_or_else(|| VerifyError::UnknownKeyId {
                        keyid: truncate(keyid, 64),
                    })?;
                &resolved
            }
        };
        if let Some(alg) = params.alg()
            && alg != profile.algorithm
        {
            return Err(VerifyError::AlgMismatch {
                alg: truncate(alg, 64),
            });
        }

        // 3. Time.
        let created = params
            .created()
            .ok_or(VerifyError::MissingParameter { name: "created" })?;
        if created > now.saturating_add(self.clock_skew) {
            return Err(VerifyError::CreatedInFuture { created, now });
        }
        if let Some(expires) = params.expires()
            && now > expires.saturating_add(self.clock_skew)
        {
            return Err(VerifyError::Expired { expires, now });
        }
        if let Some(max_age) = self.max_age
            && now.saturating_sub(created) > max_age
        {
            return Err(VerifyError::TooOld { created, max_age });
        }

        // 4. Coverage required by the profile.
        for component in profile.required_components {
            if !params.covers(component) {
                return Err(VerifyError::ComponentNotCovered {
                    component: (*component).to_owned(),
                });
            }
        }
        let digest_name = CONTENT_DIGEST_NAME;
        if !body.is_empty() && !params.covers(digest_name) {
            return Err(VerifyError::DigestMissing);
        }
        for name in profile.covered_when_present {
            if headers.contains_key(*name) && !params.covers(name) {
                return Err(VerifyError::ComponentNotCovered {
                    component: (*name).to_owned(),
                });
            }
        }

        // 5. The base (every covered component present).
        let authority = match (&self.authority, uri.authority()) {
            (Some(pinned), _) => pinned.as_str(),
            (None, Some(a)) => a.as_str(),
            (None, None) => headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .ok_or(VerifyError::InvalidAuthority)?,
        };
        let target = RequestTarget {
            method: method.as_str(),
            scheme: &self.scheme,
            authority,
            path_and_query: uri.path_and_query().map_or("/", |pq| pq.as_str()),
        };
        let base = signature_base(&target, headers, &params)?;

        // 6. Content-Digest against the body.
        if params.covers(digest_name) {
            let value =
                joined_header(headers, digest_name).ok_or(VerifyError::MalformedContentDigest {
                    reason: "not a valid header value",
                })?;
            verify_content_digest(&value, body)?;
        }

        // 7. The signature.
        key.verify(base.as_bytes(), &signature)?;
        Ok(VerifiedSignature {
            keyid: keyid.to_owned(),
            params,
        })
    }
}

/// A received request as the checks see it: the parts they read and the body bytes.
struct Received<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

/// A header the verification cannot do without, its field lines joined: missing and not UTF-8
/// are different errors.
fn required_header(
    headers: &HeaderMap,
    name: &http::HeaderName,
    display: &'static str,
    not_utf8: impl FnOnce() -> VerifyError,
) -> Result<String, VerifyError> {
    match joined_header(headers, name.as_str()) {
        Some(value) => Ok(value),
        None if headers.contains_key(name) => Err(not_utf8()),
        None => Err(VerifyError::MissingHeader { header: display }),
    }
}
