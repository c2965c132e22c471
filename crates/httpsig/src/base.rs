//! Component values and the signature base (RFC 9421 §2, §2.5).

use std::fmt;

use http::HeaderMap;
use http::uri::Authority;

use crate::error::ComponentError;
use crate::params::SignatureParams;

/// The request line facts derived components come from, exactly as on the wire.
///
/// `path_and_query` is the request target in origin form (`/v1/accounts?limit=10`), still
/// percent-encoded: `@path` and `@query` are taken from it verbatim, never decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    /// The method (`GET`, `POST`, …), as sent.
    pub method: &'a str,
    /// `https` or `http` (decides which port is the default one).
    pub scheme: &'a str,
    /// `host[:port]`, as sent (normalized for `@authority` by [`normalize_authority`]).
    pub authority: &'a str,
    /// Path and query, as sent.
    pub path_and_query: &'a str,
}

impl RequestTarget<'_> {
    /// The `@path` value: the path as sent, `/` when empty.
    pub fn path(&self) -> &str {
        let path = self
            .path_and_query
            .split_once('?')
            .map_or(self.path_and_query, |(p, _)| p);
        if path.is_empty() { "/" } else { path }
    }

    /// The raw query after `?` (empty when there is none).
    pub fn query(&self) -> &str {
        self.path_and_query.split_once('?').map_or("", |(_, q)| q)
    }
}

/// The `@authority` value: lower-case host, port kept unless it is the scheme's default
/// (443 for `https`, 80 for `http`), no userinfo.
///
/// ```
/// use chainsig_httpsig::normalize_authority;
///
/// assert_eq!(normalize_authority("https", "API.OffBlocks.xyz:443")?, "api.offblocks.xyz");
/// assert_eq!(normalize_authority("http", "127.0.0.1:8080")?, "127.0.0.1:8080");
/// # Ok::<(), chainsig_httpsig::ComponentError>(())
/// ```
///
/// # Errors
/// [`ComponentError::InvalidAuthority`] if `authority` is not `host[:port]`.
pub fn normalize_authority(scheme: &str, authority: &str) -> Result<String, ComponentError> {
    let parsed: Authority = authority
        .parse()
        .map_err(|_| ComponentError::InvalidAuthority)?;
    let host = parsed.host();
    if host.is_empty() {
        return Err(ComponentError::InvalidAuthority);
    }
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    let mut out = host.to_ascii_lowercase();
    if let Some(port) = parsed.port_u16()
        && Some(port) != default_port
    {
        out.push(':');
        out.push_str(&port.to_string());
    }
    Ok(out)
}

/// The text that is signed (RFC 9421 §2.5): one `"<component>": <value>` line per covered
/// component, joined by `\n`, ending with the `"@signature-params"` line, no trailing newline.
///
/// Its `Debug` shows only the length and the `@signature-params` line: the base contains the
/// `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureBase {
    bytes: Vec<u8>,
    params_start: usize,
}

impl SignatureBase {
    /// The bytes to sign.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The base as text, if every header value was UTF-8 (it always is for the profile's
    /// headers).
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// Consumes the base, returning its bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The `@signature-params` value (last line, after `"@signature-params": `).
    pub fn signature_params(&self) -> &str {
        std::str::from_utf8(&self.bytes[self.params_start..]).unwrap_or_default()
    }
}

impl fmt::Debug for SignatureBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureBase")
            .field("len", &self.bytes.len())
            .field("signature_params", &self.signature_params())
            .finish_non_exhaustive()
    }
}

/// Builds the signature base of a request for the given parameters.
///
/// Derived components: `@method`, `@authority` ([`normalize_authority`]), `@scheme`, `@path`
/// and `@query` (as sent; `@query` is `?` + the raw query, `?` alone when there is none),
/// `@target-uri`, `@request-target`. Header components: every field line of that name, each
/// stripped of leading and trailing spaces and tabs, joined with `", "` (RFC 9421 §2.1); the
/// values are otherwise used as sent.
///
/// ```
/// use chainsig_httpsig::{RequestTarget, SignatureParam, SignatureParams, signature_base};
/// use http::HeaderMap;
///
/// let target = RequestTarget {
///     method: "GET",
///     scheme: "https",
///     authority: "api.offblocks.xyz",
///     path_and_query: "/v1/accounts?limit=10",
/// };
/// let mut headers = HeaderMap::new();
/// headers.insert("authorization", "Bearer t0k3n".parse()?);
/// let params = SignatureParams::new(
///     ["@method", "@authority", "@path", "@query", "authorization"],
///     [SignatureParam::Created(1767225600)],
/// )?;
/// let base = signature_base(&target, &headers, &params)?;
/// assert_eq!(
///     base.as_str(),
///     Some(concat!(
///         "\"@method\": GET\n",
///         "\"@authority\": api.offblocks.xyz\n",
///         "\"@path\": /v1/accounts\n",
///         "\"@query\": ?limit=10\n",
///         "\"authorization\": Bearer t0k3n\n",
///         "\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" ",
///         "\"authorization\");created=1767225600",
///     ))
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`ComponentError::MissingComponent`] (a covered header is absent),
/// [`ComponentError::UnsupportedComponent`], [`ComponentError::InvalidAuthority`].
pub fn signature_base(
    target: &RequestTarget<'_>,
    headers: &HeaderMap,
    params: &SignatureParams,
) -> Result<SignatureBase, ComponentError> {
    signature_base_with(target, headers, None, params)
}

/// [`signature_base`] with one header value overridden (the `Content-Digest` the signer is about
/// to add).
pub(crate) fn signature_base_with(
    target: &RequestTarget<'_>,
    headers: &HeaderMap,
    override_header: Option<(&str, &str)>,
    params: &SignatureParams,
) -> Result<SignatureBase, ComponentError> {
    let mut bytes = Vec::with_capacity(512);
    let mut authority: Option<String> = None;
    for component in params.components() {
        bytes.push(b'"');
        bytes.extend_from_slice(component.as_bytes());
        bytes.extend_from_slice(b"\": ");
        match component.as_str() {
            "@method" => bytes.extend_from_slice(target.method.as_bytes()),
            "@authority" => {
                let a = cached_authority(&mut authority, target)?;
                bytes.extend_from_slice(a.as_bytes());
            }
            "@scheme" => bytes.extend_from_slice(target.scheme.to_ascii_lowercase().as_bytes()),
            "@path" => bytes.extend_from_slice(target.path().as_bytes()),
            "@query" => {
                bytes.push(b'?');
                bytes.extend_from_slice(target.query().as_bytes());
            }
            "@request-target" => bytes.extend_from_slice(target.path_and_query.as_bytes()),
            "@target-uri" => {
                let a = cached_authority(&mut authority, target)?.to_owned();
                bytes.extend_from_slice(target.scheme.to_ascii_lowercase().as_bytes());
                bytes.extend_from_slice(b"://");
                bytes.extend_from_slice(a.as_bytes());
                bytes.extend_from_slice(target.path().as_bytes());
                if !target.query().is_empty() {
                    bytes.push(b'?');
                    bytes.extend_from_slice(target.query().as_bytes());
                }
            }
            derived if derived.starts_with('@') => {
                return Err(ComponentError::UnsupportedComponent {
                    component: derived.to_owned(),
                });
            }
            name => {
                if let Some((over_name, value)) = override_header
                    && over_name == name
                {
                    bytes.extend_from_slice(trim_ows(value.as_bytes()));
                } else {
                    header_value(headers, name, &mut bytes)?;
                }
            }
        }
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"\"@signature-params\": ");
    let params_start = bytes.len();
    bytes.extend_from_slice(params.serialized().as_bytes());
    Ok(SignatureBase {
        bytes,
        params_start,
    })
}

fn cached_authority<'c>(
    cache: &'c mut Option<String>,
    target: &RequestTarget<'_>,
) -> Result<&'c str, ComponentError> {
    if cache.is_none() {
        *cache = Some(normalize_authority(target.scheme, target.authority)?);
    }
    Ok(cache.as_deref().unwrap_or_default())
}

/// Appends every field line of `name`, trimmed, joined with `", "`.
fn header_value(headers: &HeaderMap, name: &str, out: &mut Vec<u8>) -> Result<(), ComponentError> {
    let mut values = headers.get_all(name).iter().peekable();
    if values.peek().is_none() {
        return Err(ComponentError::MissingComponent {
            component: name.to_owned(),
        });
    }
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(trim_ows(v.as_bytes()));
    }
    Ok(())
}

/// Every field line of `name` joined with `", "`, if the header is present and UTF-8.
pub(crate) fn joined_header(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut out = Vec::new();
    header_value(headers, name, &mut out).ok()?;
    String::from_utf8(out).ok()
}

fn trim_ows(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| *b != b' ' && *b != b'\t')
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| *b != b' ' && *b != b'\t')
        .map_or(start, |e| e + 1);
    &v[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_only_spaces_and_tabs() {
        assert_eq!(trim_ows(b"  a b\t"), b"a b");
        assert_eq!(trim_ows(b"   "), b"");
        assert_eq!(trim_ows(b""), b"");
    }

    #[test]
    fn authority_rules() {
        for (scheme, given, expected) in [
            ("https", "Example.COM", "example.com"),
            ("https", "example.com:443", "example.com"),
            ("http", "example.com:80", "example.com"),
            ("http", "example.com:443", "example.com:443"),
            ("https", "[::1]:8443", "[::1]:8443"),
            ("https", "user@host:443", "host"),
        ] {
            let normalized = normalize_authority(scheme, given).unwrap();
            assert_eq!(normalized, expected, "{scheme} {given}");
        }
        assert!(normalize_authority("https", "").is_err());
        assert!(normalize_authority("https", "a b").is_err());
    }

    #[test]
    fn path_and_query_split() {
        let t = |pq| RequestTarget {
            method: "GET",
            scheme: "https",
            authority: "h",
            path_and_query: pq,
        };
        assert_eq!((t("/a?b=c").path(), t("/a?b=c").query()), ("/a", "b=c"));
        assert_eq!((t("/a").path(), t("/a").query()), ("/a", ""));
        assert_eq!((t("").path(), t("?x").query()), ("/", "x"));
        assert_eq!(t("/a%2Fb?c=%20").path(), "/a%2Fb");
    }
}
