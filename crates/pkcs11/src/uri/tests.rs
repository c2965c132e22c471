//! Tests of `uri`.

#![allow(clippy::unwrap_used)]
use super::*;

#[test]
fn rfc_7512_examples_parse() {
    let uri: KeyUri = "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-key;type=private;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin"
        .parse()
        .unwrap();
    assert_eq!(uri.token(), Some("The Software PKCS#11 Softtoken"));
    assert_eq!(uri.manufacturer(), Some("Snake Oil, Inc."));
    assert_eq!(uri.model(), Some("1.0"));
    assert_eq!(uri.serial(), Some(""));
    assert_eq!(uri.object(), Some("my-key"));
    assert_eq!(
        uri.id(),
        Some(&[0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91][..])
    );
    assert_eq!(uri.object_type(), Some(ObjectType::Private));
    assert!(
        matches!(uri.pin_source(), Some(PinSource::File(p)) if p == std::path::Path::new("/etc/token_pin"))
    );

    let uri: KeyUri = "pkcs11:object=k;slot-id=7?module-path=/usr/lib/p11.so&module-name=softhsm2"
        .parse()
        .unwrap();
    assert_eq!(uri.slot_id(), Some(7));
    assert_eq!(
        uri.module_path(),
        Some(std::path::Path::new("/usr/lib/p11.so"))
    );
    assert_eq!(uri.module_name(), Some("softhsm2"));
    assert_eq!(uri.token(), None);
    assert_eq!(uri.serial(), None);
    assert_eq!(
        format!("{uri:?}"),
        "KeyUri(pkcs11:object=k;slot-id=7?module-path=/usr/lib/p11.so&module-name=softhsm2)"
    );
}

#[test]
fn display_round_trips_and_drops_the_pin_value() {
    for text in [
        "pkcs11:token=custody;object=customer-42;type=private",
        "pkcs11:token=a%20b%3Bc;object=x%3Fy;id=%01%FF?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin",
        "pkcs11:slot-id=3",
    ] {
        let uri: KeyUri = text.parse().unwrap();
        assert_eq!(uri.to_string(), text);
        assert_eq!(uri.to_string().parse::<KeyUri>().unwrap().to_string(), text);
    }
    let uri: KeyUri = "pkcs11:token=t;object=k?pin-value=s3cr%65t-PIN"
        .parse()
        .unwrap();
    assert!(matches!(uri.pin_source(), Some(PinSource::Value(_))));
    for shown in [uri.to_string(), format!("{uri:?}")] {
        assert!(!shown.contains("s3cr"), "{shown}");
        assert!(!shown.contains("PIN"), "{shown}");
    }
}

#[test]
fn bad_uris_are_refused_with_the_reason() {
    let cases: &[(&str, UriError)] = &[
        ("file:/x", UriError::NotPkcs11),
        ("pkcs1:token=x", UriError::NotPkcs11),
        (
            "pkcs11:token",
            UriError::Malformed {
                expected: "path attributes of the form name=value, separated by `;`",
            },
        ),
        (
            "pkcs11:token=a;token=b",
            UriError::Duplicate {
                attribute: "token".into(),
            },
        ),
        (
            "pkcs11:tokne=a",
            UriError::UnknownAttribute {
                attribute: "tokne".into(),
            },
        ),
        (
            "pkcs11:object=a?pin-sorce=x",
            UriError::UnknownAttribute {
                attribute: "pin-sorce".into(),
            },
        ),
        (
            "pkcs11:object=a;type=cert",
            UriError::NotPrivateKey { found: "cert" },
        ),
        (
            "pkcs11:object=a;type=public",
            UriError::NotPrivateKey { found: "public" },
        ),
        (
            "pkcs11:type=secret-key",
            UriError::NotPrivateKey {
                found: "secret-key",
            },
        ),
        (
            "pkcs11:type=data",
            UriError::NotPrivateKey { found: "data" },
        ),
        (
            "pkcs11:object=a;type=key",
            UriError::InvalidValue {
                attribute: "type".into(),
                expected: "one of private, public, cert, secret-key, data",
            },
        ),
        (
            "pkcs11:object=%zz",
            UriError::InvalidValue {
                attribute: "object".into(),
                expected: "`%` followed by two hex digits",
            },
        ),
        (
            "pkcs11:object=%ff",
            UriError::InvalidValue {
                attribute: "object".into(),
                expected: "percent-encoded UTF-8 text",
            },
        ),
        (
            "pkcs11:id=%4",
            UriError::InvalidValue {
                attribute: "id".into(),
                expected: "`%` followed by two hex digits",
            },
        ),
        (
            "pkcs11:slot-id=x",
            UriError::InvalidValue {
                attribute: "slot-id".into(),
                expected: "a decimal slot number",
            },
        ),
        ("pkcs11:object=a#frag", UriError::Fragment),
        (
            "pkcs11:object=a?pin-value=1&pin-source=file:/p",
            UriError::ConflictingPin,
        ),
        (
            "pkcs11:object=a?pin-source=|/bin/askpin",
            UriError::UnsupportedPinSource,
        ),
        (
            "pkcs11:library-version=3",
            UriError::Unsupported {
                attribute: "library-version".into(),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(&text.parse::<KeyUri>().unwrap_err(), expected, "{text}");
    }
}

#[test]
fn the_builder_and_the_token_part() {
    let uri = KeyUri::new()
        .with_token("custody")
        .with_object("customer-42")
        .with_id(vec![0x2a])
        .private()
        .with_module_path("/usr/lib/p11.so")
        .with_pin_source(PinSource::File("/run/pin".into()));
    assert_eq!(
        uri.to_string(),
        "pkcs11:token=custody;object=customer-42;id=%2A;type=private?module-path=/usr/lib/p11.so&pin-source=file:/run/pin"
    );
    assert_eq!(
        uri.token_part().to_string(),
        "pkcs11:token=custody?module-path=/usr/lib/p11.so&pin-source=file:/run/pin"
    );
    assert_eq!(KeyUri::new().to_string(), "pkcs11:");
}

#[test]
fn a_value_pasted_as_a_name_is_not_echoed() {
    let err = "pkcs11:0xDEADBEEFcafe=1".parse::<KeyUri>().unwrap_err();
    assert!(!err.to_string().contains("DEADBEEF"), "{err}");
    let err = "pkcs11:object=a?pin-value=%zz"
        .parse::<KeyUri>()
        .unwrap_err();
    assert!(!err.to_string().contains("zz"), "{err}");
}

#[test]
fn vendor_attributes_are_ignored_and_the_scheme_is_case_insensitive() {
    let uri: KeyUri = "PKCS11:x-vendor=1;object=k?x-flag=2".parse().unwrap();
    assert_eq!(uri.object(), Some("k"));
}
