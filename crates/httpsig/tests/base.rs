//! Known-answer tests for the signature base and the signer's output, derived by hand from
//! RFC 9421 §2 and the OffBlocks profile (not from the vectors file).

mod support;

use chainsig_httpsig::{
    ComponentError, P384SigningKey, ParamsError, RequestSigner, RequestTarget, SignError,
    SignatureParam, SignatureParams, normalize_authority, signature_base,
};
use http::HeaderMap;
use support::now_or_never;

const TOKEN: &str = "Bearer abc.def.ghi";

fn profile_params(components: &[&str], created: u64) -> SignatureParams {
    SignatureParams::new(
        components.iter().copied(),
        [
            SignatureParam::Created(created),
            SignatureParam::Expires(created + 300),
            SignatureParam::KeyId("key-1".into()),
            SignatureParam::Alg("ecdsa-p384-sha384".into()),
        ],
    )
    .expect("valid params")
}

#[test]
fn get_with_query_base_by_hand() {
    let target = RequestTarget {
        method: "GET",
        scheme: "https",
        authority: "API.Sandbox.OffBlocks.xyz:443",
        path_and_query: "/v1/accounts?customerId=c%2F1&limit=10",
    };
    let mut headers = HeaderMap::new();
    headers.insert("authorization", TOKEN.parse().unwrap());
    headers.insert("accept", "application/json".parse().unwrap());
    let params = profile_params(
        &["@method", "@authority", "@path", "@query", "authorization"],
        1700000000,
    );
    let base = signature_base(&target, &headers, &params).unwrap();
    let expected = "\"@method\": GET
\"@authority\": api.sandbox.offblocks.xyz
\"@path\": /v1/accounts
\"@query\": ?customerId=c%2F1&limit=10
\"authorization\": Bearer abc.def.ghi
\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\");created=1700000000;expires=1700000300;keyid=\"key-1\";alg=\"ecdsa-p384-sha384\"";
    assert_eq!(base.as_str(), Some(expected));
    assert_eq!(
        base.signature_params(),
        "(\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\");created=1700000000;expires=1700000300;keyid=\"key-1\";alg=\"ecdsa-p384-sha384\""
    );
}

#[test]
fn post_with_body_base_by_hand() {
    // sha-256 of `{"a":1}` is 015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862.
    let body = br#"{"a":1}"#;
    let target = RequestTarget {
        method: "POST",
        scheme: "http",
        authority: "127.0.0.1:8080",
        path_and_query: "/v1/customers",
    };
    let mut headers = HeaderMap::new();
    headers.insert("authorization", TOKEN.parse().unwrap());
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert(
        "idempotency-key",
        "6f1c1f8e-0000-4000-8000-000000000001".parse().unwrap(),
    );
    headers.insert(
        "content-digest",
        "sha-256=:AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX+GI=:"
            .parse()
            .unwrap(),
    );
    let components = [
        "@method",
        "@authority",
        "@path",
        "@query",
        "authorization",
        "content-digest",
        "content-type",
        "idempotency-key",
    ];
    let params = profile_params(&components, 1700000000);
    let base = signature_base(&target, &headers, &params).unwrap();
    let expected = "\"@method\": POST
\"@authority\": 127.0.0.1:8080
\"@path\": /v1/customers
\"@query\": ?
\"authorization\": Bearer abc.def.ghi
\"content-digest\": sha-256=:AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX+GI=:
\"content-type\": application/json
\"idempotency-key\": 6f1c1f8e-0000-4000-8000-000000000001
\"@signature-params\": (\"@method\" \"@authority\" \"@path\" \"@query\" \"authorization\" \"content-digest\" \"content-type\" \"idempotency-key\");created=1700000000;expires=1700000300;keyid=\"key-1\";alg=\"ecdsa-p384-sha384\"";
    assert_eq!(base.as_str(), Some(expected));

    // The signer derives the same base from the same request, adding the digest itself.
    let signer = RequestSigner::new(P384SigningKey::generate().unwrap(), "key-1");
    let (mut parts, ()) = http::Request::post("http://127.0.0.1:8080/v1/customers")
        .header("authorization", TOKEN)
        .header("content-type", "application/json")
        .header("idempotency-key", "6f1c1f8e-0000-4000-8000-000000000001")
        .body(())
        .unwrap()
        .into_parts();
    let signed = now_or_never(signer.sign(&mut parts, body, 1700000000)).unwrap();
    assert_eq!(signed.signature_base.as_str(), Some(expected));
    assert_eq!(
        parts.headers["content-digest"],
        "sha-256=:AVq9f1zFei3ZS3WQ8ErYCEJzkF7jPsXOvq5iJ2qX+GI=:"
    );
    assert_eq!(
        parts.headers["signature-input"],
        format!("sig={}", base.signature_params())
    );
    let sig = parts.headers["signature"].to_str().unwrap();
    assert!(
        sig.starts_with("sig=:") && sig.ends_with(':') && sig.len() == 5 + 128 + 1,
        "{sig}"
    );
}

#[test]
fn header_values_are_trimmed_and_multiple_lines_joined() {
    let target = RequestTarget {
        method: "GET",
        scheme: "https",
        authority: "h",
        path_and_query: "/",
    };
    let mut headers = HeaderMap::new();
    headers.append("x-list", "a,b".parse().unwrap());
    headers.append("x-list", "  c  ".parse().unwrap());
    let params = SignatureParams::new(["x-list"], []).unwrap();
    let base = signature_base(&target, &headers, &params).unwrap();
    // Values are used as sent (no comma normalization), each line trimmed, lines joined by ", ".
    assert_eq!(
        base.as_str(),
        Some("\"x-list\": a,b, c\n\"@signature-params\": (\"x-list\")")
    );
}

#[test]
fn other_derived_components() {
    let target = RequestTarget {
        method: "DELETE",
        scheme: "HTTPS",
        authority: "Example.com:8443",
        path_and_query: "/a%20b?x=%41",
    };
    let params = SignatureParams::new(["@scheme", "@target-uri", "@request-target"], []).unwrap();
    let base = signature_base(&target, &HeaderMap::new(), &params).unwrap();
    assert_eq!(
        base.as_str(),
        Some(
            "\"@scheme\": https\n\"@target-uri\": https://example.com:8443/a%20b?x=%41\n\"@request-target\": /a%20b?x=%41\n\"@signature-params\": (\"@scheme\" \"@target-uri\" \"@request-target\")"
        )
    );
}

#[test]
fn missing_and_unsupported_components_are_typed_errors() {
    let target = RequestTarget {
        method: "GET",
        scheme: "https",
        authority: "h",
        path_and_query: "/",
    };
    let params = SignatureParams::new(["authorization"], []).unwrap();
    assert_eq!(
        signature_base(&target, &HeaderMap::new(), &params).unwrap_err(),
        ComponentError::MissingComponent {
            component: "authorization".into()
        }
    );
    let params = SignatureParams::new(["@status"], []).unwrap();
    assert!(matches!(
        signature_base(&target, &HeaderMap::new(), &params),
        Err(ComponentError::UnsupportedComponent { .. })
    ));
}

#[test]
fn params_validation() {
    assert!(matches!(
        SignatureParams::new(["Authorization"], []),
        Err(ParamsError::InvalidComponent { .. })
    ));
    assert!(matches!(
        SignatureParams::new(["@method", "@method"], []),
        Err(ParamsError::DuplicateComponent { .. })
    ));
    assert!(matches!(
        SignatureParams::new(
            ["@method"],
            [SignatureParam::Created(1_000_000_000_000_000)]
        ),
        Err(ParamsError::InvalidParameter { name: "created" })
    ));
    assert!(matches!(
        SignatureParams::new(["@method"], [SignatureParam::KeyId("bad\u{7f}".into())]),
        Err(ParamsError::InvalidParameter { name: "keyid" })
    ));
    // Strings are escaped canonically.
    let p = SignatureParams::new(["@method"], [SignatureParam::Nonce("a\"b\\c".into())]).unwrap();
    assert_eq!(p.serialized(), r#"("@method");nonce="a\"b\\c""#);
}

#[test]
fn received_signature_input_is_reserialized_canonically_in_received_order() {
    let received =
        r#"other=("x");created=1, sig=( "@method"   "@path" );keyid="k";created=5;alg="a""#;
    let p = SignatureParams::from_signature_input(received, "sig").unwrap();
    assert_eq!(
        p.serialized(),
        r#"("@method" "@path");keyid="k";created=5;alg="a""#
    );
    assert_eq!(
        (p.keyid(), p.created(), p.alg()),
        (Some("k"), Some(5), Some("a"))
    );

    for (input, expected) in [
        (r#"sig=("@method");foo=1"#, "UnknownParameter"),
        (r#"sig=("@method");created=-1"#, "InvalidParameter"),
        (r#"sig=("@method");created="1""#, "InvalidParameter"),
        (r#"sig=("@method");keyid=k"#, "InvalidParameter"),
        (r#"sig=("content-digest";sf)"#, "InvalidComponent"),
        (r#"sig=(@method)"#, "Malformed"),
        (r#"sig="x""#, "Malformed"),
        (r#"other=("@method")"#, "LabelNotFound"),
        (r#"sig=("@method" "@method")"#, "DuplicateComponent"),
        ("not a dictionary (", "Malformed"),
    ] {
        let err = SignatureParams::from_signature_input(input, "sig").unwrap_err();
        assert!(format!("{err:?}").starts_with(expected), "{input}: {err:?}");
    }
}

#[test]
fn signer_requires_authorization_and_an_authority() {
    let signer = RequestSigner::new(P384SigningKey::generate().unwrap(), "k");
    let (mut parts, ()) = http::Request::get("https://h/x")
        .body(())
        .unwrap()
        .into_parts();
    let err = now_or_never(signer.sign(&mut parts, b"", 1)).unwrap_err();
    assert!(
        matches!(
            err,
            SignError::Component(ComponentError::MissingComponent { .. })
        ),
        "{err}"
    );
    assert!(parts.headers.is_empty(), "nothing added on error");

    let (mut parts, ()) = http::Request::get("/x")
        .header("authorization", TOKEN)
        .body(())
        .unwrap()
        .into_parts();
    let err = now_or_never(signer.sign(&mut parts, b"", 1)).unwrap_err();
    assert!(
        matches!(err, SignError::Component(ComponentError::MissingAuthority)),
        "{err}"
    );

    let signer = RequestSigner::new(P384SigningKey::generate().unwrap(), "bad\nkeyid");
    let (mut parts, ()) = http::Request::get("https://h/x")
        .header("authorization", TOKEN)
        .body(())
        .unwrap()
        .into_parts();
    assert!(matches!(
        now_or_never(signer.sign(&mut parts, b"", 1)),
        Err(SignError::Params(_))
    ));
    let signer = RequestSigner::new(P384SigningKey::generate().unwrap(), "k");
    assert!(matches!(
        now_or_never(signer.sign(&mut parts, b"", u64::MAX)),
        Err(SignError::TimeOutOfRange)
    ));
}

#[test]
fn origin_form_request_uses_the_host_header_and_resigning_replaces_the_signature() {
    let signer = RequestSigner::new(P384SigningKey::generate().unwrap(), "k");
    let mut req = http::Request::get("/v1/x?y")
        .header("host", "Example.COM")
        .header("authorization", TOKEN)
        .body(Vec::<u8>::new())
        .unwrap();
    let first = now_or_never(signer.sign_request(&mut req, 10)).unwrap();
    assert!(
        first
            .signature_base
            .as_str()
            .unwrap()
            .contains("\"@authority\": example.com\n")
    );
    let second = now_or_never(signer.sign_request(&mut req, 20)).unwrap();
    assert_eq!(req.headers().get_all("signature").iter().count(), 1);
    assert_eq!(req.headers()["signature"], second.signature.as_str());
    assert!(
        req.headers()["signature-input"]
            .to_str()
            .unwrap()
            .contains("created=20")
    );
}

#[test]
fn authority_normalization() {
    assert_eq!(normalize_authority("https", "a.B.c:443").unwrap(), "a.b.c");
    assert_eq!(normalize_authority("https", "a:80").unwrap(), "a:80");
    assert_eq!(normalize_authority("http", "a:80").unwrap(), "a");
    assert_eq!(normalize_authority("", "a:443").unwrap(), "a:443");
}
