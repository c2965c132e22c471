//! Tests of `siwx`.

use super::*;
use crate::ChainId;
use proptest::prelude::*;

const ADDRESS: &str = "0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb";

fn sample() -> SiwxMessage {
    SiwxMessage {
        scheme: None,
        domain: "api.sandbox.offblocks.xyz".into(),
        chain_name: "Ethereum".into(),
        address: ADDRESS.into(),
        statement: Some("OffBlocks wants to verify ownership of your wallet.".into()),
        uri: "https://api.sandbox.offblocks.xyz".into(),
        version: "1".into(),
        chain_id: "300".into(),
        nonce: "5ufoiEqDaFvmfo78".into(),
        issued_at: "2024-01-17T18:21:53Z".into(),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: vec![],
    }
}

fn account() -> AccountId {
    AccountId::new(ChainId::eip155(300), ADDRESS).unwrap()
}

fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap()
}

const HOUR: Duration = Duration::from_secs(3600);
const SKEW: Duration = Duration::from_secs(60);

#[test]
fn round_trips_with_every_optional_field() {
    let mut m = sample();
    assert_eq!(SiwxMessage::parse(&m.to_string()).unwrap(), m);
    m.statement = None;
    assert!(m.to_string().contains(&format!("{ADDRESS}\n\n\nURI:")));
    assert_eq!(SiwxMessage::parse(&m.to_string()).unwrap(), m);
    m.scheme = Some("https".into());
    m.expiration_time = Some("2024-01-17T19:21:53Z".into());
    m.not_before = Some("2024-01-17T18:21:53Z".into());
    m.request_id = Some("req-1".into());
    m.resources = vec!["https://a.example/x".into(), "ipfs://b".into()];
    assert_eq!(SiwxMessage::parse(&m.to_string()).unwrap(), m);
}

#[test]
fn checks_pass_for_the_right_message() {
    sample()
        .check(
            &account(),
            "api.sandbox.offblocks.xyz",
            "https://api.sandbox.offblocks.xyz",
            at("2024-01-17T18:30:00Z"),
            HOUR,
            SKEW,
        )
        .unwrap();
}

#[test]
fn times_at_the_ends_of_the_calendar_are_checked_without_overflow() {
    // A server controls these dates: adding the skew to them must saturate, not panic.
    let mut m = sample();
    m.expiration_time = Some("9999-12-31T23:59:59Z".into());
    m.not_before = Some("9999-12-31T23:59:59Z".into());
    let far = Duration::from_secs(u64::MAX);
    assert!(matches!(
        m.check(
            &account(),
            "api.sandbox.offblocks.xyz",
            "https://api.sandbox.offblocks.xyz",
            at("2024-01-17T18:30:00Z"),
            far,
            SKEW,
        ),
        Err(SiwxError::NotValidNow(_))
    ));
    m.not_before = None;
    sample()
        .check(
            &account(),
            "api.sandbox.offblocks.xyz",
            "https://api.sandbox.offblocks.xyz",
            at("9999-12-31T23:59:59Z"),
            far,
            far,
        )
        .unwrap();
    m.check(
        &account(),
        "api.sandbox.offblocks.xyz",
        "https://api.sandbox.offblocks.xyz",
        at("2024-01-17T18:30:00Z"),
        HOUR,
        SKEW,
    )
    .unwrap();
}

#[test]
fn each_check_refuses_its_mismatch() {
    let now = at("2024-01-17T18:30:00Z");
    let domain = "api.sandbox.offblocks.xyz";
    let uri = "https://api.sandbox.offblocks.xyz";
    let other = AccountId::new(
        ChainId::eip155(300),
        "0x22227A31dd842196A246d8f3b775998560eAa61d",
    )
    .unwrap();
    assert!(matches!(
        sample().check(&other, domain, uri, now, HOUR, SKEW),
        Err(SiwxError::WrongAddress { .. })
    ));
    assert!(matches!(
        sample().check(&account(), "evil.example", uri, now, HOUR, SKEW),
        Err(SiwxError::WrongDomain { .. })
    ));
    assert!(matches!(
        sample().check(&account(), domain, "https://evil.example", now, HOUR, SKEW),
        Err(SiwxError::WrongUri { .. })
    ));
    let mainnet = AccountId::new(ChainId::eip155(1), ADDRESS).unwrap();
    assert!(matches!(
        sample().check(&mainnet, domain, uri, now, HOUR, SKEW),
        Err(SiwxError::WrongChain { .. })
    ));
    // EIP-4361: at least 8 alphanumeric characters.
    for (nonce, weak) in [
        ("abc", true),
        ("abcdefg", true),
        ("abcdefg!", true),
        ("abcd efgh", true),
        ("abcdefgh", false),
    ] {
        let mut message = sample();
        message.nonce = nonce.into();
        assert_eq!(
            matches!(
                message.check(&account(), domain, uri, now, HOUR, SKEW),
                Err(SiwxError::WeakNonce)
            ),
            weak,
            "{nonce:?}"
        );
    }
    let late = at("2024-01-17T19:30:00Z");
    assert!(matches!(
        sample().check(&account(), domain, uri, late, HOUR, SKEW),
        Err(SiwxError::NotValidNow(_))
    ));
    let early = at("2024-01-17T18:00:00Z");
    assert!(matches!(
        sample().check(&account(), domain, uri, early, HOUR, SKEW),
        Err(SiwxError::NotValidNow(_))
    ));
    let mut expiring = sample();
    expiring.expiration_time = Some("2024-01-17T18:25:00Z".into());
    assert!(matches!(
        expiring.check(&account(), domain, uri, now, HOUR, SKEW),
        Err(SiwxError::NotValidNow(_))
    ));
}

#[test]
fn malformed_messages_are_refused() {
    let good = sample().to_string();
    for bad in [
        String::new(),
        "hello".to_string(),
        good.replace("Version: 1", "Version: 2"),
        good.replace("Issued At: 2024-01-17T18:21:53Z", "Issued At: yesterday"),
        good.replace("\nURI:", "URI:"),
        format!("{good}\nextra"),
        good.replace(" account:", " account"),
    ] {
        assert!(SiwxMessage::parse(&bad).is_err(), "{bad:?}");
    }
}

proptest! {
    #[test]
    fn parsing_never_panics(text in "\\PC{0,300}") {
        let _ = SiwxMessage::parse(&text);
    }
}
