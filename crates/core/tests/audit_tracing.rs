//! Every policy decision reaches `tracing` under the `chainsig::audit` target.
//!
//! This test has a binary to itself on purpose: `tracing` caches each callsite's interest
//! process-wide, and a callsite first hit by another test thread while no subscriber is set
//! can be cached as "never" just as this test installs its own, which made it flaky in CI.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use chainsig_core::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme, SignerError,
    SigningContext, StandardPolicy, sign_under_policy,
};

/// Signs with zeros.
#[derive(Debug)]
struct Zeros(AccountId);

#[async_trait]
impl ChallengeSigner for Zeros {
    fn account(&self) -> &AccountId {
        &self.0
    }
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::Eip191Secp256k1
    }
    async fn sign_challenge(&self, _: &Challenge) -> Result<ChallengeSignature, SignerError> {
        ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, vec![0u8; 65])
            .map_err(SignerError::backend)
    }
}

/// Counts the `chainsig::audit` events `tracing` receives.
struct AuditEvents(Arc<AtomicU32>);

impl tracing::Subscriber for AuditEvents {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if event.metadata().target() == "chainsig::audit" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn every_decision_goes_to_tracing() {
    let count = Arc::new(AtomicU32::new(0));
    let signer = Zeros(
        "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
            .parse()
            .unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    tracing::subscriber::with_default(AuditEvents(count.clone()), || {
        // One allowed (a UUID), one refused (32 raw bytes under the strict policy).
        for bytes in [
            b"5df359f0-d299-40a1-8023-17c77a50144c".to_vec(),
            vec![0xab; 32],
        ] {
            let challenge = Challenge::from_bytes(bytes).unwrap();
            let _ = runtime.block_on(sign_under_policy(
                &signer,
                &challenge,
                &SigningContext::unknown(),
                &StandardPolicy::strict(),
                None,
            ));
        }
    });
    assert_eq!(count.load(Ordering::SeqCst), 2);
}
