//! The challenge policy against a hostile API and against the sandbox: each attack is refused with
//! nothing signed, nothing submitted and one audit line; the happy onboarding still works under
//! the shipped policy file; `PolicySigner` gives a bare signer the same protection.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::sync::Arc;

use chainsig::api::{Error, FlowOptions};
use chainsig::core::testkit::{ConformanceOptions, find_secret, run_conformance};
use chainsig::core::{
    AccountId, AllowAll, AuditEvent, AuditSink, ChallengeKindName, ChallengePurpose,
    ChallengeSigner, JsonLinesAuditSink, MemoryAuditSink, Outcome, PolicyRules, PolicySigner,
    RateLimit, SignerError, SiwxMessage, StandardPolicy, Verdict, format_siwx_time,
};
use chainsig::evm::{EvmVerifier, LocalEvmSigner};
use chainsig::solana::{LocalSolanaSigner, SolanaVerifier};
use support::hostile;
use support::{Counting, onboard_and_open, options};

const UUID: &[u8] = b"5df359f0-d299-40a1-8023-17c77a50144c";

fn siwe(signer: &AccountId, domain: &str, uri: &str, issued: time::OffsetDateTime) -> Vec<u8> {
    SiwxMessage {
        scheme: None,
        domain: domain.into(),
        chain_name: "Ethereum".into(),
        address: signer.address().into(),
        statement: Some("Sign in to Uniswap.".into()),
        uri: uri.into(),
        version: "1".into(),
        chain_id: signer.chain().reference().into(),
        nonce: "Qx7mP2vL9sKd4TfB".into(),
        issued_at: format_siwx_time(issued),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    }
    .to_string()
    .into_bytes()
}

/// A Solana system-program transfer: a legacy message that moves lamports from the signer.
fn solana_transfer(from: [u8; 32]) -> Vec<u8> {
    let mut message = vec![1, 0, 1, 3]; // 1 signer, 0 readonly signed, 1 readonly unsigned, 3 keys
    message.extend(from);
    message.extend([0x77; 32]); // the thief
    message.extend([0u8; 32]); // the system program
    message.extend([0x42; 32]); // recent blockhash
    message.extend([1, 2, 2, 0, 1, 12]); // 1 instruction: program 2, accounts [0, 1], 12 data bytes
    message.extend(2u32.to_le_bytes()); // Transfer
    message.extend(5_000_000_000u64.to_le_bytes()); // 5 SOL
    message
}

/// An EIP-1559 transfer's signing payload: 0x02 ‖ rlp([chainId, nonce, tip, maxFee, gas, to,
/// value, data, accessList]).
fn evm_transfer() -> Vec<u8> {
    let mut fields = vec![
        0x01, 0x80, 0x84, 0x3b, 0x9a, 0xca, 0x00, 0x85, 0x04, 0xa8, 0x17, 0xc8, 0x00,
    ];
    fields.extend([0x82, 0x52, 0x08, 0x94]);
    fields.extend([0x77; 20]);
    fields.extend([
        0x88, 0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00, 0x80, 0xc0,
    ]);
    let mut tx = vec![0x02, 0xc0 + u8::try_from(fields.len()).unwrap()];
    tx.extend(fields);
    tx
}

/// Flow options deciding with `policy` and auditing to memory.
fn audited(policy: PolicyRules) -> (FlowOptions, Arc<MemoryAuditSink>) {
    let audit = Arc::new(MemoryAuditSink::new());
    let options = options()
        .with_policy(StandardPolicy::new(policy))
        .with_audit(audit.clone());
    (options, audit)
}

#[track_caller]
fn assert_refused(error: &Error, rule: &str) {
    match error {
        Error::PolicyRefused(refusal) => assert_eq!(refusal.rule, rule, "{refusal}"),
        other => panic!("expected a refusal by `{rule}`, got {other:?}"),
    }
    assert!(!error.is_retryable());
}

/// Exactly one audit line: this refusal.
#[track_caller]
fn assert_one_refusal(
    audit: &MemoryAuditSink,
    purpose: ChallengePurpose,
    kind: ChallengeKindName,
    bytes: &[u8],
    rule: &str,
) {
    let events = audit.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event.verdict, Verdict::Refused);
    assert_eq!(event.outcome, Outcome::NotSigned);
    assert_eq!(event.purpose, purpose);
    assert_eq!(event.kind, kind);
    assert_eq!(event.rule, rule);
    assert_eq!(event.challenge_sha256, AuditEvent::digest(bytes));
    assert_eq!(event.challenge_len, bytes.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_siwe_message_for_another_site_is_refused() {
    let api = hostile::start().await;
    let wallet = Counting::new(LocalEvmSigner::random());
    let phishing = siwe(
        wallet.account(),
        "app.uniswap.org",
        "https://app.uniswap.org",
        time::OffsetDateTime::now_utc(),
    );
    api.script.set_challenge(&phishing);
    let (options, audit) = audited(PolicyRules::strict());
    let error = api
        .client
        .onboard_customer(&wallet, "victim", &options)
        .await
        .unwrap_err();
    assert_refused(&error, "siwx.domains");
    assert!(error.to_string().contains("app.uniswap.org"), "{error}");
    assert_eq!(wallet.calls(), 0, "nothing was signed");
    assert_eq!(api.script.submissions(), 0, "nothing was submitted");
    assert_one_refusal(
        &audit,
        ChallengePurpose::CustomerOwnership,
        ChallengeKindName::Siwx,
        &phishing,
        "siwx.domains",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_siwe_message_of_the_right_api_is_refused() {
    let api = hostile::start().await;
    let wallet = Counting::new(LocalEvmSigner::random());
    let stale = siwe(
        wallet.account(),
        api.client.domain(),
        api.client.origin(),
        time::OffsetDateTime::now_utc() - time::Duration::hours(2),
    );
    api.script.set_challenge(&stale);
    let (options, audit) = audited(PolicyRules::strict());
    let error = api
        .client
        .onboard_customer(&wallet, "victim", &options)
        .await
        .unwrap_err();
    assert_refused(&error, "siwx.max-age-secs");
    assert_eq!(wallet.calls(), 0);
    assert_eq!(api.script.submissions(), 0);
    assert_one_refusal(
        &audit,
        ChallengePurpose::CustomerOwnership,
        ChallengeKindName::Siwx,
        &stale,
        "siwx.max-age-secs",
    );
    // The same message, fresh, passes: the refusal was about time.
    let fresh = siwe(
        wallet.account(),
        api.client.domain(),
        api.client.origin(),
        time::OffsetDateTime::now_utc(),
    );
    api.script.set_challenge(&fresh);
    api.client
        .onboard_customer(&wallet, "victim", &options)
        .await
        .unwrap();
    assert_eq!(wallet.calls(), 1);
    assert_eq!(api.script.submissions(), 1);
}

/// Opens an account for `wallet` on the hostile API, which hands out `challenge` as the session
/// key: the policy must refuse it with `allow.session-key`, with nothing signed or submitted
/// and one audit line. Returns the refusal's text.
async fn refused_as_session_key<S: ChallengeSigner>(
    api: &hostile::Hostile,
    wallet: &Counting<S>,
    challenge: &[u8],
) -> String {
    *api.script.customer_wallet.lock().unwrap() = Some(wallet.account().to_string());
    api.script.set_challenge(challenge);
    let (options, audit) = audited(PolicyRules::strict());
    let error = api
        .client
        .open_account(
            "c-1",
            wallet,
            &chainsig::api::CreateAccount::card("EUR"),
            &options,
        )
        .await
        .unwrap_err();
    assert_refused(&error, "allow.session-key");
    assert_eq!(wallet.calls(), 0);
    assert_eq!(api.script.submissions(), 0);
    assert_one_refusal(
        &audit,
        ChallengePurpose::AccountSessionKey,
        ChallengeKindName::Transaction,
        challenge,
        "allow.session-key",
    );
    error.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_solana_transfer_disguised_as_a_session_key_is_refused() {
    let api = hostile::start().await;
    let wallet = Counting::new(LocalSolanaSigner::random());
    let transfer = solana_transfer(wallet.account().solana_pubkey().unwrap());
    let error = refused_as_session_key(&api, &wallet, &transfer).await;
    assert!(
        error.contains("legacy Solana transaction message"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rlp_transaction_to_an_evm_signer_is_refused() {
    let api = hostile::start().await;
    let wallet = Counting::new(LocalEvmSigner::random());
    let error = refused_as_session_key(&api, &wallet, &evm_transfer()).await;
    assert!(error.contains("EVM transaction of type 0x02"), "{error}");
    let options = options().with_policy(StandardPolicy::strict());
    // 32 raw bytes (a Safe transaction hash under EIP-191) as a deletion challenge: refused too.
    api.script.set_challenge(&[0x5a; 32]);
    let error = api
        .client
        .close_account("a-1", &wallet, &options)
        .await
        .unwrap_err();
    assert_refused(&error, "allow.deletion");
    assert_eq!(wallet.calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_for_an_account_the_signer_does_not_own_is_refused() {
    let api = hostile::start().await;
    let wallet = Counting::new(LocalEvmSigner::random());
    let owner = LocalEvmSigner::random();
    // The account's customer is another wallet; the challenge itself has a valid shape.
    *api.script.customer_wallet.lock().unwrap() = Some(owner.account().to_string());
    api.script.set_challenge(UUID);
    let (options, audit) = audited(PolicyRules::strict());
    let error = api
        .client
        .resume_account("a-1", &wallet, &options)
        .await
        .unwrap_err();
    assert_refused(&error, "owner");
    assert!(
        error.to_string().contains(&owner.account().to_string()),
        "{error}"
    );
    assert_eq!(wallet.calls(), 0);
    assert_eq!(api.script.submissions(), 0);
    assert_one_refusal(
        &audit,
        ChallengePurpose::AccountSessionKey,
        ChallengeKindName::Uuid,
        UUID,
        "owner",
    );
    assert_eq!(
        audit.events()[0].owner.as_deref(),
        Some(&*owner.account().to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_over_the_rate_limit_is_refused() {
    let env = support::start().await;
    let mut rules = PolicyRules::strict();
    rules.rate_limit = Some(RateLimit {
        signatures: 2,
        window_secs: 3600,
    });
    let (options, audit) = audited(rules);
    let wallet = Counting::new(LocalEvmSigner::random());
    // Ownership and session key: two signatures, both allowed.
    let (_, account) = onboard_and_open(&env.client, &wallet, "burst", &options)
        .await
        .unwrap();
    assert_eq!(wallet.calls(), 2);
    // The third (the deletion challenge) is over the limit.
    let error = env
        .client
        .close_account(&account.id, &wallet, &options)
        .await
        .unwrap_err();
    assert_refused(&error, "rate-limit");
    assert_eq!(wallet.calls(), 2, "the third challenge was not signed");
    let events = audit.events();
    let verdicts: Vec<_> = events
        .iter()
        .map(|e| (e.purpose, e.verdict, e.outcome))
        .collect();
    assert_eq!(
        verdicts,
        [
            (
                ChallengePurpose::CustomerOwnership,
                Verdict::Allowed,
                Outcome::Signed
            ),
            (
                ChallengePurpose::AccountSessionKey,
                Verdict::Allowed,
                Outcome::Signed
            ),
            (
                ChallengePurpose::AccountDeletion,
                Verdict::Refused,
                Outcome::NotSigned
            ),
        ]
    );
    // The sandbox verified two signatures and saw no third.
    assert_eq!(env.sandbox.counters().challenges_verified, 2);
}

/// The happy path under the shipped policy file, for every chain (EVM, Solana, Tron), with the audit in a file that
/// holds no key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_file_onboards_every_chain() {
    let env = support::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let audit: Arc<dyn AuditSink> = Arc::new(JsonLinesAuditSink::open(&audit_path).unwrap());
    let policy =
        StandardPolicy::from_toml_file(concat!(env!("CARGO_MANIFEST_DIR"), "/policy.example.toml"))
            .unwrap();
    let options = options().with_policy(policy).with_audit(audit);

    let evm_key = [0x11u8; 32];
    let evm = LocalEvmSigner::from_bytes(&evm_key).unwrap();
    let solana_seed = [0x22u8; 32];
    let solana = LocalSolanaSigner::from_seed(&solana_seed);
    let tron_key = [0x44u8; 32];
    let tron = chainsig::tron::LocalTronSigner::from_bytes(&tron_key).unwrap();
    let wallets: [(&dyn ChallengeSigner, &[u8]); 3] = [
        (&evm, &evm_key),
        (&solana, &solana_seed),
        (&tron, &tron_key),
    ];
    for (i, (wallet, _)) in wallets.iter().enumerate() {
        let (_, account) = onboard_and_open(&env.client, *wallet, &format!("ok-{i}"), &options)
            .await
            .unwrap();
        env.client
            .close_account(&account.id, *wallet, &options)
            .await
            .unwrap();
    }
    let text = std::fs::read_to_string(&audit_path).unwrap();
    let events: Vec<AuditEvent> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 9, "{text}");
    for event in &events {
        assert_eq!(
            (event.verdict, event.outcome),
            (Verdict::Allowed, Outcome::Signed),
            "{event:?}"
        );
    }
    let kinds: Vec<_> = events.iter().map(|e| (e.purpose, e.kind)).collect();
    for chain in kinds.chunks(3) {
        assert_eq!(
            chain,
            [
                (ChallengePurpose::CustomerOwnership, ChallengeKindName::Siwx),
                (ChallengePurpose::AccountSessionKey, ChallengeKindName::Uuid),
                (ChallengePurpose::AccountDeletion, ChallengeKindName::Uuid),
            ]
        );
    }
    for (_, secret) in wallets {
        assert_eq!(
            find_secret(&text, secret),
            None,
            "the audit trail holds a key"
        );
    }
    assert!(
        !text.contains(env.sandbox.api_secret()),
        "the audit trail holds the API secret"
    );
}

/// Rules under which the conformance kit's challenges (text, binary, 64 KiB) may be signed by a
/// bare signer.
fn conformance_rules() -> PolicyRules {
    let mut rules = PolicyRules::strict();
    rules.allow.unknown = vec![ChallengeKindName::Text, ChallengeKindName::Binary];
    rules
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_signers_pass_the_conformance_kit() {
    let key = [0x33u8; 32];
    let audit = Arc::new(MemoryAuditSink::new());
    let evm = PolicySigner::new(
        LocalEvmSigner::from_bytes(&key).unwrap(),
        StandardPolicy::new(conformance_rules()),
    )
    .with_audit(audit.clone());
    let report = run_conformance(
        Arc::new(evm),
        &EvmVerifier,
        &ConformanceOptions::default().secret(key),
    )
    .await
    .unwrap();
    assert!(report.passed.contains(&"concurrent"));
    assert!(audit.events().len() > 100, "every signature is audited");
    let solana = PolicySigner::new(
        LocalSolanaSigner::from_seed(&key),
        StandardPolicy::new(conformance_rules()),
    );
    run_conformance(
        Arc::new(solana),
        &SolanaVerifier,
        &ConformanceOptions::default().secret(key),
    )
    .await
    .unwrap();
}

/// An audit sink that cannot write.
#[derive(Debug)]
struct BrokenDisk;

impl AuditSink for BrokenDisk {
    fn record(&self, _: &AuditEvent) -> Result<(), chainsig::core::AuditError> {
        Err(chainsig::core::AuditError::new(
            "/dev/full",
            std::io::Error::other("no space left"),
        ))
    }
}

#[tokio::test]
async fn no_signature_is_released_without_its_audit_line() {
    let signer = PolicySigner::new(LocalEvmSigner::random(), StandardPolicy::strict())
        .with_audit(Arc::new(BrokenDisk));
    let challenge = chainsig::Challenge::from_bytes(UUID.to_vec()).unwrap();
    let error = signer.sign_challenge(&challenge).await.unwrap_err();
    assert!(error.to_string().contains("audit trail"), "{error}");
    // A refusal stands even when its line cannot be written.
    let hash = chainsig::Challenge::from_bytes(vec![1u8; 32]).unwrap();
    assert!(matches!(
        signer.sign_challenge(&hash).await,
        Err(SignerError::PolicyRefused(_))
    ));
}

/// A custody service wraps its signer once; flows then tell it the purpose, so the signer side
/// refuses a disguised transfer even when the flow's own policy allows everything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_signer_knows_the_purpose_when_a_flow_drives_it() {
    let api = hostile::start().await;
    let audit = Arc::new(MemoryAuditSink::new());
    let custody = Counting::new(LocalSolanaSigner::random().allow_transaction_shaped(true));
    let guarded = PolicySigner::new(&custody, StandardPolicy::strict()).with_audit(audit.clone());
    *api.script.customer_wallet.lock().unwrap() = Some(guarded.account().to_string());
    let transfer = solana_transfer(guarded.account().solana_pubkey().unwrap());
    api.script.set_challenge(&transfer);
    let careless = options().with_policy(AllowAll);
    let error = api
        .client
        .open_account(
            "c-1",
            &guarded,
            &chainsig::api::CreateAccount::card("EUR"),
            &careless,
        )
        .await
        .unwrap_err();
    assert_refused(&error, "allow.session-key");
    assert_eq!(custody.calls(), 0);
    assert_eq!(api.script.submissions(), 0);
    let events = audit.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].purpose, ChallengePurpose::AccountSessionKey);
    // The same custody signer signs a real session key.
    api.script.set_challenge(UUID);
    api.client
        .open_account(
            "c-1",
            &guarded,
            &chainsig::api::CreateAccount::card("EUR"),
            &careless,
        )
        .await
        .ok(); // the hostile API never activates the account; the signature is what counts
    assert_eq!(custody.calls(), 1);
    assert_eq!(api.script.submissions(), 1);
}
