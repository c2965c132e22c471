//! Inputs found by `cargo fuzz` (see `fuzz/README.md`), kept so that CI runs them.

use chainsig_core::SiwxMessage;

/// Parses `text`; a message that parses must render back to exactly `text`.
fn assert_siwx_round_trip(text: &str) {
    if let Ok(message) = SiwxMessage::parse(text) {
        assert_eq!(message.to_string(), text);
    }
}

/// `siwx_parse`: a `Resources:` line with no resource after it parsed to an empty list, which
/// renders without the `Resources:` line. Now refused as malformed (EIP-4361 needs at least one).
#[test]
fn siwx_empty_resources_is_refused() {
    let text = "a\0\0\u{3}\0\0\0z wants you to sign in with your Ethum account:\n0xcdb\n\nOs w!ntocks.xy%ant\n\n\
                URI: htt:psz\nVersion: 1\nChain ID: 300\nNonce: 5uiEqDaFvmfq78\n\
                Issued At: 2024-01-17T19:21:53Z\nRequest ID: r1\nResources:";
    assert!(matches!(
        SiwxMessage::parse(text),
        Err(chainsig_core::SiwxError::Malformed(_))
    ));
    assert_siwx_round_trip(text);
    // With a resource it still parses and round-trips.
    let with_resource = format!("{text}\n- https://example.com/a");
    assert_eq!(
        SiwxMessage::parse(&with_resource).map(|m| m.resources),
        Ok(vec!["https://example.com/a".to_owned()])
    );
    assert_siwx_round_trip(&with_resource);
}
