//! `Verifier::verify` on `http::request::Parts` built from arbitrary input.
//!
//! Input layout (text, lossy): `METHOD SP URI LF (NAME ":" VALUE LF)* LF BODY`; lines that do not
//! make a valid method, URI or header are skipped. Checks: no panic, a stable verdict, a verified
//! signature names the registered keyid. With the first byte odd, the same request is first
//! signed with the registered key (when it can be signed) and must then verify (unless the caller
//! put a `Content-Digest` that does not match an empty body: then a digest error).
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use chainsig_httpsig::{
    P384SigningKey, RequestSigner, Verifier, VerifyError, verify_content_digest,
};
use http::{HeaderName, HeaderValue, Method, Request, Uri};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_767_225_600;

fn signer() -> &'static RequestSigner<P384SigningKey> {
    static S: OnceLock<RequestSigner<P384SigningKey>> = OnceLock::new();
    S.get_or_init(|| {
        let key = P384SigningKey::from_bytes(&[7u8; 48])
            .expect("valid scalar")
            .with_rfc6979();
        RequestSigner::new(key, "k1")
    })
}

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let keys = HashMap::from([("k1".to_owned(), signer().key().verifying_key().clone())]);
        Verifier::new(keys)
            .with_clock_skew(5)
            .with_max_age(Some(300))
    })
}

fn build(data: &[u8]) -> (http::request::Parts, Vec<u8>) {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(i) => (&data[..i], data[i + 2..].to_vec()),
        None => (data, Vec::new()),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let mut builder = Request::builder();
    if let Some(first) = lines.next() {
        let mut it = first.splitn(2, |&b| b == b' ');
        if let Some(m) = it.next().and_then(|m| Method::from_bytes(m).ok()) {
            builder = builder.method(m);
        }
        if let Some(u) = it.next().and_then(|u| Uri::try_from(u).ok()) {
            builder = builder.uri(u);
        }
    }
    let (mut parts, ()) = builder
        .body(())
        .unwrap_or_else(|_| Request::new(()))
        .into_parts();
    for line in lines {
        let mut it = line.splitn(2, |&b| b == b':');
        let (Some(name), Some(value)) = (it.next(), it.next()) else {
            continue;
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            parts.headers.append(n, v);
        }
    }
    (parts, body)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    })
    .block_on(f)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (mut parts, body) = build(rest);
    let now = NOW + u64::from(mode >> 1);
    if mode & 1 == 1 {
        // With no body the signer covers, but keeps, a caller's own `Content-Digest` (it only
        // writes one for a body); one that does not match the empty body is the caller's error
        // and the verifier rightly refuses it, as a digest error.
        let caller_digest_ok = parts
            .headers
            .get_all("content-digest")
            .iter()
            .map(|v| v.to_str())
            .collect::<Result<Vec<_>, _>>()
            .is_ok_and(|v| v.is_empty() || verify_content_digest(&v.join(", "), &body).is_ok());
        if block_on(signer().sign(&mut parts, &body, NOW)).is_ok() {
            let verified = verifier().verify(&parts, &body, now);
            if body.is_empty() && !caller_digest_ok {
                assert!(
                    matches!(
                        verified,
                        Err(VerifyError::MalformedContentDigest { .. }
                            | VerifyError::UnsupportedContentDigest
                            | VerifyError::ContentDigestMismatch { .. })
                    ),
                    "a signed request with a stale Content-Digest: {verified:?}"
                );
            } else {
                assert!(
                    verified.is_ok(),
                    "a request signed by the registered key does not verify: {verified:?}"
                );
            }
        }
        return;
    }
    let verdict = verifier().verify(&parts, &body, now);
    assert_eq!(
        verifier().verify(&parts, &body, now),
        verdict,
        "the verdict is not stable"
    );
    if let Ok(v) = verdict {
        assert_eq!(v.keyid, "k1");
    }
});
