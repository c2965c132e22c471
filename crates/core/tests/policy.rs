//! The shipped policy, rule by rule: each test fails if its rule is removed or loosened.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::time::Duration;

use chainsig_core::{
    AccountId, Challenge, ChallengeClass, ChallengePolicy, ChallengePurpose, Decision, PolicyInput,
    PolicyRules, RateLimit, SigningContext, SiwxMessage, StandardPolicy, classify,
    format_siwx_time,
};
use time::OffsetDateTime;

const EVM: &str = "eip155:300:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb";
const OTHER_EVM: &str = "eip155:300:0x8facB46919Ee73D84F1641E74C5fBB63647fCF3E";
const SOLANA: &str =
    "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv";
const UUID: &[u8] = b"5df359f0-d299-40a1-8023-17c77a50144c";
const DOMAIN: &str = "api.sandbox.offblocks.xyz";
const ORIGIN: &str = "https://api.sandbox.offblocks.xyz";

fn account(text: &str) -> AccountId {
    text.parse().unwrap()
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn siwe(signer: &AccountId, domain: &str, uri: &str, issued: OffsetDateTime) -> Vec<u8> {
    SiwxMessage {
        scheme: None,
        domain: domain.into(),
        chain_name: "Ethereum".into(),
        address: signer.address().into(),
        statement: Some("OffBlocks wants to verify ownership of your wallet.".into()),
        uri: uri.into(),
        version: "1".into(),
        chain_id: signer.chain().reference().into(),
        nonce: "5ufoiEqDaFvmfo78".into(),
        issued_at: format_siwx_time(issued),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    }
    .to_string()
    .into_bytes()
}

/// The verdict of `policy` on `bytes` signed by `signer` for `context`, at `at`.
fn decide_at(
    policy: &StandardPolicy,
    signer: &AccountId,
    context: &SigningContext,
    bytes: &[u8],
    at: OffsetDateTime,
) -> Decision {
    let challenge = Challenge::from_bytes(bytes.to_vec()).unwrap();
    let class = classify(challenge.bytes());
    policy.evaluate(&PolicyInput {
        challenge: &challenge,
        class: &class,
        signer,
        context,
        now: at,
    })
}

fn decide(
    policy: &StandardPolicy,
    signer: &str,
    context: &SigningContext,
    bytes: &[u8],
) -> Decision {
    decide_at(policy, &account(signer), context, bytes, now())
}

#[track_caller]
fn refused_by(decision: Decision, rule: &str) -> String {
    match decision {
        Decision::Refuse(refusal) => {
            assert_eq!(refusal.rule, rule, "{refusal}");
            refusal.to_string()
        }
        Decision::Allow { rule: allowed } => {
            panic!("allowed by {allowed}, expected a refusal by {rule}")
        }
    }
}

#[track_caller]
fn allowed(decision: Decision) -> String {
    match decision {
        Decision::Allow { rule } => rule,
        Decision::Refuse(refusal) => panic!("refused: {refusal}"),
    }
}

fn ctx(purpose: ChallengePurpose) -> SigningContext {
    SigningContext::new(purpose).with_api(DOMAIN, ORIGIN)
}

#[test]
fn account_challenges_take_only_the_two_shapes_offblocks_has_shown() {
    let policy = StandardPolicy::strict();
    for purpose in [
        ChallengePurpose::AccountSessionKey,
        ChallengePurpose::AccountDeletion,
    ] {
        assert_eq!(
            allowed(decide(&policy, EVM, &ctx(purpose), UUID)),
            format!("allow.{purpose}")
        );
        let pem = b"-----BEGIN PUBLIC KEY-----\nMFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEX9eVdG4C2DgzfH5p9G4ZoZ3XrLhV2zbq\nkH0rYkP8FZpAzQ8hGqW4UjTnmwHl9hMZk4rqLFl8qQ3Yt9VDBrQ1Ug==\n-----END PUBLIC KEY-----\n";
        allowed(decide(&policy, EVM, &ctx(purpose), pem));
        // A SIWE message for another site, text, binary, a hash: refused, naming the line.
        let other_site = siwe(
            &account(EVM),
            "app.uniswap.org",
            "https://app.uniswap.org",
            now(),
        );
        let message = refused_by(
            decide(&policy, EVM, &ctx(purpose), &other_site),
            &format!("allow.{purpose}"),
        );
        assert!(
            message.contains(&format!("add `\"siwx\"` to `allow.{purpose}`")),
            "{message}"
        );
        refused_by(
            decide(&policy, EVM, &ctx(purpose), b"hello"),
            &format!("allow.{purpose}"),
        );
        refused_by(
            decide(&policy, EVM, &ctx(purpose), &[0xfe, 0x00, 0x01]),
            &format!("allow.{purpose}"),
        );
        let message = refused_by(
            decide(&policy, EVM, &ctx(purpose), &[0xab; 32]),
            &format!("allow.{purpose}"),
        );
        assert!(message.contains("authorizes it"), "{message}");
    }
}

#[test]
fn ownership_takes_only_the_siwx_message_of_the_configured_api() {
    let policy = StandardPolicy::strict();
    let signer = account(EVM);
    let own = ctx(ChallengePurpose::CustomerOwnership);
    allowed(decide(
        &policy,
        EVM,
        &own,
        &siwe(&signer, DOMAIN, ORIGIN, now()),
    ));
    refused_by(decide(&policy, EVM, &own, UUID), "allow.ownership");
    // Another domain, another URI.
    let message = refused_by(
        decide(
            &policy,
            EVM,
            &own,
            &siwe(&signer, "app.uniswap.org", ORIGIN, now()),
        ),
        "siwx.domains",
    );
    assert!(
        message.contains("app.uniswap.org") && message.contains(DOMAIN),
        "{message}"
    );
    refused_by(
        decide(
            &policy,
            EVM,
            &own,
            &siwe(&signer, DOMAIN, "https://app.uniswap.org", now()),
        ),
        "siwx.uris",
    );
    // Without an API in the context, no domain is allowed unless the rules name it.
    let bare = SigningContext::new(ChallengePurpose::CustomerOwnership);
    refused_by(
        decide(&policy, EVM, &bare, &siwe(&signer, DOMAIN, ORIGIN, now())),
        "siwx.domains",
    );
    let mut rules = PolicyRules::strict();
    rules.siwx.domains = vec![DOMAIN.into()];
    rules.siwx.uris = vec![format!("{ORIGIN}/")];
    let listed = StandardPolicy::new(rules);
    allowed(decide(
        &listed,
        EVM,
        &bare,
        &siwe(&signer, DOMAIN, ORIGIN, now()),
    ));
    // Listed domains replace the API's.
    refused_by(
        decide(
            &listed,
            EVM,
            &ctx(ChallengePurpose::CustomerOwnership),
            &siwe(
                &signer,
                "api.offblocks.xyz",
                "https://api.offblocks.xyz",
                now(),
            ),
        ),
        "siwx.domains",
    );
}

#[test]
fn siwx_fields_must_be_the_signers_and_current() {
    let policy = StandardPolicy::strict();
    let signer = account(EVM);
    let own = ctx(ChallengePurpose::CustomerOwnership);
    // Another address.
    refused_by(
        decide_at(
            &policy,
            &signer,
            &own,
            &siwe(&account(OTHER_EVM), DOMAIN, ORIGIN, now()),
            now(),
        ),
        "siwx.address",
    );
    // Another chain.
    let mainnet = account("eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb");
    refused_by(
        decide_at(
            &policy,
            &signer,
            &own,
            &siwe(&mainnet, DOMAIN, ORIGIN, now()),
            now(),
        ),
        "siwx.chain",
    );
    // Expired: issued more than max-age (+ skew) ago; and issued in the future.
    let old = now() - time::Duration::seconds(3600 + 61);
    let message = refused_by(
        decide_at(
            &policy,
            &signer,
            &own,
            &siwe(&signer, DOMAIN, ORIGIN, old),
            now(),
        ),
        "siwx.max-age-secs",
    );
    assert!(message.contains("expired"), "{message}");
    allowed(decide_at(
        &policy,
        &signer,
        &own,
        &siwe(
            &signer,
            DOMAIN,
            ORIGIN,
            now() - time::Duration::seconds(3600 + 59),
        ),
        now(),
    ));
    refused_by(
        decide_at(
            &policy,
            &signer,
            &own,
            &siwe(
                &signer,
                DOMAIN,
                ORIGIN,
                now() + time::Duration::seconds(120),
            ),
            now(),
        ),
        "siwx.max-age-secs",
    );
    // A weak nonce.
    let weak = String::from_utf8(siwe(&signer, DOMAIN, ORIGIN, now()))
        .unwrap()
        .replace("Nonce: 5ufoiEqDaFvmfo78", "Nonce: 1234567");
    refused_by(
        decide_at(&policy, &signer, &own, weak.as_bytes(), now()),
        "siwx.nonce",
    );
    // The time limits come from the rules.
    let short = StandardPolicy::new(
        PolicyRules::strict().with_siwx_times(Duration::from_secs(60), Duration::ZERO),
    );
    refused_by(
        decide_at(
            &short,
            &signer,
            &own,
            &siwe(&signer, DOMAIN, ORIGIN, now() - time::Duration::seconds(61)),
            now(),
        ),
        "siwx.max-age-secs",
    );
}

#[test]
fn a_broken_siwx_message_is_text_and_the_refusal_says_why() {
    let policy = StandardPolicy::strict();
    let signer = account(EVM);
    let broken = String::from_utf8(siwe(&signer, DOMAIN, ORIGIN, now()))
        .unwrap()
        .replace("Version: 1\n", "");
    assert_eq!(classify(broken.as_bytes()), ChallengeClass::Text);
    let message = refused_by(
        decide(
            &policy,
            EVM,
            &ctx(ChallengePurpose::CustomerOwnership),
            broken.as_bytes(),
        ),
        "allow.ownership",
    );
    assert!(
        message.contains("begins like a Sign-In-with-X message"),
        "{message}"
    );
    // Other text, even one half of the preamble, gets no such note.
    for text in [
        &b"hello"[..],
        b"please sign into my account:",
        b"x wants you to sign in with your wallet",
    ] {
        let message = refused_by(
            decide(
                &policy,
                EVM,
                &ctx(ChallengePurpose::CustomerOwnership),
                text,
            ),
            "allow.ownership",
        );
        assert!(!message.contains("Sign-In-with-X"), "{message}");
    }
}

#[test]
fn a_policy_shows_its_rules() {
    let mut rules = PolicyRules::strict();
    rules.chains = vec!["solana".into()];
    let policy = StandardPolicy::new(rules.clone());
    assert_eq!(policy.rules(), &rules);
    let debug = format!("{policy:?}");
    assert!(
        debug.starts_with("StandardPolicy") && debug.contains("solana"),
        "{debug}"
    );
}

#[test]
fn the_owner_must_be_the_signer() {
    let policy = StandardPolicy::strict();
    let context = ctx(ChallengePurpose::AccountSessionKey).with_owner(account(OTHER_EVM));
    let message = refused_by(decide(&policy, EVM, &context, UUID), "owner");
    assert!(message.contains(OTHER_EVM), "{message}");
    // The same wallet on another EVM chain is the same owner.
    let context = ctx(ChallengePurpose::AccountSessionKey).with_owner(account(
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
    ));
    allowed(decide(&policy, EVM, &context, UUID));
}

#[test]
fn refuse_all_and_chains() {
    let mut rules = PolicyRules::strict();
    rules.refuse_all = true;
    let stop = StandardPolicy::new(rules);
    refused_by(
        decide(&stop, EVM, &ctx(ChallengePurpose::AccountSessionKey), UUID),
        "refuse-all",
    );

    let mut rules = PolicyRules::strict();
    rules.chains = vec!["solana".into(), "eip155:324".into()];
    let chains = StandardPolicy::new(rules);
    let context = ctx(ChallengePurpose::AccountSessionKey);
    let message = refused_by(decide(&chains, EVM, &context, UUID), "chains");
    assert!(message.contains("eip155:300"), "{message}");
    allowed(decide(&chains, SOLANA, &context, UUID));
    allowed(decide(
        &chains,
        "eip155:324:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
        &context,
        UUID,
    ));
}

#[test]
fn a_bare_signer_takes_the_offblocks_shapes_and_nothing_else() {
    let policy = StandardPolicy::strict();
    let bare = SigningContext::unknown();
    allowed(decide(&policy, EVM, &bare, UUID));
    let message = refused_by(decide(&policy, EVM, &bare, b"hello"), "allow.unknown");
    assert!(
        message.contains("the challenge (no purpose given) is UTF-8 text"),
        "{message}"
    );
    refused_by(decide(&policy, EVM, &bare, &[0xab; 32]), "allow.unknown");
    // An RLP transaction to an EVM signer.
    let tx = [
        0x02, 0xc9, 0x01, 0x80, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0xc0,
    ];
    let message = refused_by(decide(&policy, EVM, &bare, &tx), "allow.unknown");
    assert!(
        message.contains("EVM transaction of type 0x02"),
        "{message}"
    );
}

#[test]
fn the_rate_limit_counts_allowed_signatures_per_account_in_a_sliding_window() {
    let mut rules = PolicyRules::strict();
    rules.rate_limit = Some(RateLimit {
        signatures: 3,
        window_secs: 60,
    });
    let policy = StandardPolicy::new(rules);
    let context = ctx(ChallengePurpose::AccountSessionKey);
    let (a, b) = (account(EVM), account(SOLANA));
    let t0 = now();
    for i in 0..3 {
        allowed(decide_at(
            &policy,
            &a,
            &context,
            UUID,
            t0 + time::Duration::seconds(i),
        ));
    }
    let message = refused_by(
        decide_at(
            &policy,
            &a,
            &context,
            UUID,
            t0 + time::Duration::seconds(10),
        ),
        "rate-limit",
    );
    assert!(message.contains("3 signatures"), "{message}");
    // Refusals do not count; another account has its own budget.
    allowed(decide_at(
        &policy,
        &b,
        &context,
        UUID,
        t0 + time::Duration::seconds(10),
    ));
    refused_by(
        decide_at(
            &policy,
            &a,
            &context,
            b"text",
            t0 + time::Duration::seconds(11),
        ),
        "allow.session-key",
    );
    // The window slides: the first signature leaves it at t0 + 60.
    refused_by(
        decide_at(
            &policy,
            &a,
            &context,
            UUID,
            t0 + time::Duration::seconds(59),
        ),
        "rate-limit",
    );
    allowed(decide_at(
        &policy,
        &a,
        &context,
        UUID,
        t0 + time::Duration::seconds(60),
    ));
    refused_by(
        decide_at(
            &policy,
            &a,
            &context,
            UUID,
            t0 + time::Duration::seconds(60),
        ),
        "rate-limit",
    );
}

#[test]
fn the_example_file_is_the_strict_default() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policy.example.toml");
    let rules = PolicyRules::from_toml_file(path).unwrap();
    assert_eq!(rules, PolicyRules::strict());
    let limited = std::fs::read_to_string(path).unwrap().replace(
        "# [rate-limit]\n# signatures = 20\n# window-secs = 60",
        "[rate-limit]\nsignatures = 20\nwindow-secs = 60",
    );
    assert_eq!(
        PolicyRules::from_toml_str(&limited).unwrap().rate_limit,
        Some(RateLimit {
            signatures: 20,
            window_secs: 60
        })
    );
}

#[test]
fn policy_files_refuse_typos_and_nonsense() {
    for (text, needle) in [
        ("refuse_all = true", "refuse_all"),
        ("[allow]\nsession_key = [\"text\"]", "session_key"),
        ("[alow]\nownership = [\"siwx\"]", "alow"),
        ("[allow]\nownership = [\"anything\"]", "anything"),
        ("[siwx]\ndomain = [\"x\"]", "domain"),
        ("chains = [\"Eip155\"]", "Eip155"),
        ("chains = [\"eip155:0x1\"]", "eip155:0x1"),
        (
            "[rate-limit]\nsignatures = 0\nwindow-secs = 60",
            "at least 1",
        ),
        (
            "[rate-limit]\nsignatures = 5\nwindow-secs = 0",
            "at least 1",
        ),
        ("[rate-limit]\nsignatures = 5", "window-secs"),
        ("refuse-all = \"no\"", "refuse-all"),
    ] {
        let error = PolicyRules::from_toml_str(text).unwrap_err().to_string();
        assert!(error.contains(needle), "{text:?}: {error}");
    }
    // Namespaces are 3 to 8 of [-a-z0-9].
    let rules =
        PolicyRules::from_toml_str("chains = [\"eip155\", \"sol-1\", \"tron:27Lqcw\"]").unwrap();
    assert_eq!(rules.chains, ["eip155", "sol-1", "tron:27Lqcw"]);
    let error = PolicyRules::from_toml_file("/nonexistent/policy.toml").unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/policy.toml"),
        "{error}"
    );
}
