//! [`RequestSigner`]: adds `Content-Digest`, `Signature-Input` and `Signature` to a request.

use http::header::HOST;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use tracing::Instrument as _;

use crate::base::{RequestTarget, SignatureBase, signature_base_with};
use crate::digest::content_digest;
use crate::error::{ComponentError, ParamsError, SignError};
use crate::params::{SignatureParam, SignatureParams, signature_header};
use crate::profile::{CONTENT_DIGEST_NAME, SIGNATURE_LEN, SigningProfile, header};
use crate::signing_key::RequestSigningKey;

/// What [`RequestSigner`] added to a request, and what it signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestSignature {
    /// The `Content-Digest` value added (`None` for an empty body).
    pub content_digest: Option<String>,
    /// The `Signature-Input` value.
    pub signature_input: String,
    /// The `Signature` value.
    pub signature: String,
    /// The parameters signed.
    pub params: SignatureParams,
    /// The signature base that was signed.
    pub signature_base: SignatureBase,
    /// The raw signature, `r ‖ s`.
    pub signature_bytes: [u8; SIGNATURE_LEN],
}

/// Signs requests with one key under one `keyid`, following a [`SigningProfile`] (by default
/// the OffBlocks one).
///
/// Call it last, once `Authorization`, `Content-Type` and `Idempotency-Key` are set: it covers
/// `@method @authority @path @query authorization` and, when present, `content-digest`,
/// `content-type` and `idempotency-key`; it adds `Content-Digest` when the body is not empty and
/// replaces any `Signature-Input` / `Signature` already there, so a retry simply signs again
/// (with a new `created`).
///
/// ```
/// use chainsig_httpsig::{P384SigningKey, RequestSigner};
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let signer = RequestSigner::new(P384SigningKey::generate()?, "my-key-id");
/// let body = br#"{"chainId":"eip155:1:0xCc9a18e2719249E945F5AfB3B1734a53b42A7D8b"}"#;
/// let (mut parts, ()) = http::Request::post("https://api.offblocks.xyz/v1/customers")
///     .header("authorization", "Bearer t0k3n")
///     .header("content-type", "application/json")
///     .header("idempotency-key", "d2b376dc-553a-4c7d-bffd-9bc4ea9a38bb")
///     .body(())?
///     .into_parts();
///
/// let signed = signer.sign(&mut parts, body, 1767225600).await?;
/// assert_eq!(
///     parts.headers["signature-input"],
///     concat!(
///         r#"sig=("@method" "@authority" "@path" "@query" "authorization" "content-digest" "#,
///         r#""content-type" "idempotency-key");created=1767225600;expires=1767225900;"#,
///         r#"keyid="my-key-id";alg="ecdsa-p384-sha384""#
///     )
/// );
/// assert!(parts.headers["content-digest"].to_str()?.starts_with("sha-256=:"));
/// assert!(signed.signature.starts_with("sig=:"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct RequestSigner<K> {
    key: K,
    keyid: String,
    profile: SigningProfile,
}

impl<K: RequestSigningKey> RequestSigner<K> {
    /// A signer for `key`, registered under `keyid`, with the OffBlocks profile.
    pub fn new(key: K, keyid: impl Into<String>) -> Self {
        Self {
            key,
            keyid: keyid.into(),
            profile: SigningProfile::OFFBLOCKS,
        }
    }

    /// The same signer with another profile.
    #[must_use]
    pub fn with_profile(mut self, profile: SigningProfile) -> Self {
        self.profile = profile;
        self
    }

    /// The key.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// The `keyid` parameter.
    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// The profile.
    pub fn profile(&self) -> &SigningProfile {
        &self.profile
    }

    /// Signs request `parts` whose body is `body`, at Unix time `created`, adding the headers.
    ///
    /// `@authority` comes from the URI (absolute, as reqwest has it) or else from the `Host`
    /// header; the port is dropped when it is the default of the URI's scheme.
    ///
    /// # Errors
    /// [`SignError::Component`] (no `Authorization`, no authority), [`SignError::Params`]
    /// (a `keyid` that is not printable ASCII), [`SignError::TimeOutOfRange`],
    /// [`SignError::Key`] (the key backend failed). On error the request is unchanged.
    pub async fn sign(
        &self,
        parts: &mut Parts,
        body: &[u8],
        created: u64,
    ) -> Result<RequestSignature, SignError> {
        self.sign_headers(&parts.method, &parts.uri, &mut parts.headers, body, created)
            .await
    }

    /// [`sign`](Self::sign) for a whole `http::Request` whose body is bytes.
    ///
    /// # Errors
    /// As [`sign`](Self::sign).
    pub async fn sign_request<B: AsRef<[u8]>>(
        &self,
        request: &mut Request<B>,
        created: u64,
    ) -> Result<RequestSignature, SignError> {
        let mut headers = std::mem::take(request.headers_mut());
        let result = self
            .sign_headers(
                request.method(),
                request.uri(),
                &mut headers,
                request.body().as_ref(),
                created,
            )
            .await;
        *request.headers_mut() = headers;
        result
    }

    /// The core of [`sign`](Self::sign), for clients that keep method, URI and headers apart.
    ///
    /// # Errors
    /// As [`sign`](Self::sign).
    pub async fn sign_headers(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        body: &[u8],
        created: u64,
    ) -> Result<RequestSignature, SignError> {
        let span = tracing::debug_span!(
            "httpsig.sign",
            keyid = %self.keyid,
            method = %method,
            path = uri.path(),
            body_len = body.len(),
        );
        async {
            let prepared = self.prepare(method, uri, headers, body, created)?;
            let signature_bytes = self.key.sign(prepared.base.as_bytes()).await?;
            let signature = signature_header(self.profile.label, &signature_bytes)?;
            let signature_value = header_value(&signature)?;
            let input_value = header_value(&prepared.signature_input)?;
            let digest_value = prepared
                .content_digest
                .as_deref()
                .map(header_value)
                .transpose()?;
            if let Some(v) = digest_value {
                headers.insert(header::CONTENT_DIGEST, v);
            }
            headers.insert(header::SIGNATURE_INPUT, input_value);
            headers.insert(header::SIGNATURE, signature_value);
            tracing::debug!(
                covered = prepared.params.components().len(),
                "request signed"
            );
            Ok(RequestSignature {
                content_digest: prepared.content_digest,
                signature_input: prepared.signature_input,
                signature,
                params: prepared.params,
                signature_base: prepared.base,
                signature_bytes,
            })
        }
        .instrument(span)
        .await
    }

    fn prepare(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        created: u64,
    ) -> Result<Prepared, SignError> {
        let profile = &self.profile;
        let content_digest = (!body.is_empty()).then(|| content_digest(body, profile.digest));

        let mut components: Vec<&str> = profile.required_components.to_vec();
        for name in profile.covered_when_present {
            let present = headers.contains_key(*name)
                || (*name == CONTENT_DIGEST_NAME && content_digest.is_some());
            if present && !components.contains(name) {
                components.push(name);
            }
        }

        let mut params = vec![SignatureParam::Created(created)];
        if let Some(validity) = profile.validity_secs {
            let expires = created
                .checked_add(validity)
                .ok_or(SignError::TimeOutOfRange)?;
            params.push(SignatureParam::Expires(expires));
        }
        params.push(SignatureParam::KeyId(self.keyid.clone()));
        params.push(SignatureParam::Alg(profile.algorithm.to_owned()));
        let params = SignatureParams::new(components, params)?;
        let signature_input = params.to_signature_input(profile.label)?;

        let authority = match uri.authority() {
            Some(a) => a.as_str(),
            None => headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .ok_or(ComponentError::MissingAuthority)?,
        };
        let target = RequestTarget {
            method: method.as_str(),
            scheme: uri.scheme_str().unwrap_or(""),
            authority,
            path_and_query: uri.path_and_query().map_or("/", |pq| pq.as_str()),
        };
        let over = content_digest.as_deref().map(|v| (CONTENT_DIGEST_NAME, v));
        let base = signature_base_with(&target, headers, over, &params)?;
        Ok(Prepared {
            content_digest,
            signature_input,
            params,
            base,
        })
    }
}

struct Prepared {
    content_digest: Option<String>,
    signature_input: String,
    params: SignatureParams,
    base: SignatureBase,
}

fn header_value(s: &str) -> Result<HeaderValue, SignError> {
    // Every value here is a structured field serialization: printable ASCII.
    HeaderValue::from_str(s).map_err(|_| {
        SignError::Params(ParamsError::Malformed {
            reason: "not a valid header value",
        })
    })
}
