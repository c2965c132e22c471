//! Full request signing and verification (digest + base + P-384 + header serialization / parsing)
//! against the bare P-384 operation on the same signature base, with aws-lc-rs and RustCrypto
//! `p384`.
//!
//! `cargo bench -p chainsig-httpsig -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used)]

use std::collections::HashMap;
use std::hint::black_box;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P384_SHA384_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, ParsedPublicKey,
};
use chainsig_benchkit::ready as now_or_never;
use chainsig_httpsig::{P384SigningKey, RequestSigner, Verifier};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use p384::ecdsa::signature::{Signer as _, Verifier as _};
use p384::pkcs8::DecodePrivateKey as _;

const CREATED: u64 = 1_767_225_602;
const BODY: &[u8] =
    br#"{"chainId":"eip155:1:0xCc9a18e2719249E945F5AfB3B1734a53b42A7D8b","externalId":"cust-0001-Zo\xc3\xab"}"#;

fn request() -> http::request::Parts {
    let (parts, ()) = http::Request::post("https://api.sandbox.offblocks.xyz/v1/customers")
        .header("authorization", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJHZW5lcmF0aW9uIjoxLCJJZCI6IjYxYmM4ZDAxLWNkMTYtNGE0Yy05NTkzLTU5NjQyNmRlZTE0ZCIsImV4cCI6MTc2NzIyOTIwMH0.ZZecywbvTGakb8q7fl8itvVa-EM7g9guPOVHLKgQo2k")
        .header("content-type", "application/json")
        .header("idempotency-key", "d2b376dc-553a-4c7d-bffd-9bc4ea9a38bb")
        .header("accept", "application/json")
        .body(())
        .unwrap()
        .into_parts();
    parts
}

fn bench(c: &mut Criterion) {
    let key = P384SigningKey::generate().unwrap();
    let pkcs8_pem = key.to_pkcs8_pem().unwrap();
    let public = key.verifying_key().clone();
    let signer = RequestSigner::new(key, "3ff1e847-f3c9-45ad-87b9-4cb325f5da07");
    let verifier = Verifier::new(HashMap::from([(signer.keyid().to_owned(), public.clone())]));

    // A signed request and its base, for the verifiers and the bare operations.
    let mut signed = request();
    let out = now_or_never(signer.sign(&mut signed, BODY, CREATED)).unwrap();
    let base = out.signature_base.as_bytes().to_vec();
    let sig = out.signature_bytes;

    // The same key for bare aws-lc-rs and RustCrypto.
    let secret = p384::SecretKey::from_pkcs8_pem(&pkcs8_pem).unwrap();
    let der = p384::pkcs8::EncodePrivateKey::to_pkcs8_der(&secret).unwrap();
    let aws_key =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P384_SHA384_FIXED_SIGNING, der.as_bytes()).unwrap();
    let aws_pub = ParsedPublicKey::new(&ECDSA_P384_SHA384_FIXED, public.to_sec1_bytes()).unwrap();
    let rc_key = p384::ecdsa::SigningKey::from(&secret);
    let rc_pub = p384::ecdsa::VerifyingKey::from(public.as_p384());
    let rc_sig = p384::ecdsa::Signature::from_slice(&sig).unwrap();
    let rng = SystemRandom::new();

    let mut g = c.benchmark_group("sign");
    g.bench_function("request_full_aws_lc", |b| {
        b.iter_batched(
            request,
            |mut parts| now_or_never(signer.sign(&mut parts, black_box(BODY), CREATED)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    g.bench_function("bare_aws_lc", |b| {
        b.iter(|| aws_key.sign(&rng, black_box(&base)).unwrap())
    });
    g.bench_function("bare_rustcrypto_p384_rfc6979", |b| {
        b.iter(|| -> p384::ecdsa::Signature { rc_key.sign(black_box(&base)) })
    });
    g.finish();

    let mut g = c.benchmark_group("verify");
    g.bench_function("request_full_aws_lc", |b| {
        b.iter(|| {
            verifier
                .verify(black_box(&signed), black_box(BODY), CREATED + 1)
                .unwrap()
        })
    });
    g.bench_function("bare_aws_lc", |b| {
        b.iter(|| {
            aws_pub
                .verify_sig(black_box(&base), black_box(&sig))
                .unwrap()
        })
    });
    g.bench_function("bare_rustcrypto_p384", |b| {
        b.iter(|| rc_pub.verify(black_box(&base), black_box(&rc_sig)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
