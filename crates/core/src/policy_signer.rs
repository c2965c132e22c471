//! The one path from a challenge to a signature under a policy ([`sign_under_policy`]), and
//! [`PolicySigner`], which puts any signer behind it.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::audit::{AuditEvent, AuditSink, Outcome, Verdict};
use crate::policy::{ChallengePolicy, Decision, PolicyInput};
use crate::{
    AccountId, Challenge, ChallengeSignature, ChallengeSigner, SignatureScheme, SignerError,
    SigningContext, classify, format_siwx_time,
};

/// Classifies `challenge`, asks `policy`, and signs with `signer` only if it allows; every
/// decision is an [`AuditEvent`], sent to `tracing` and to `audit`. An allowed challenge's
/// signature is returned only once its audit line is written.
///
/// A refusal is [`SignerError::PolicyRefused`], and the signer never saw the bytes.
pub async fn sign_under_policy<S: ChallengeSigner + ?Sized>(
    signer: &S,
    challenge: &Challenge,
    context: &SigningContext,
    policy: &dyn ChallengePolicy,
    audit: Option<&dyn AuditSink>,
) -> Result<ChallengeSignature, SignerError> {
    let now = OffsetDateTime::now_utc();
    let class = classify(challenge.bytes());
    let decision = policy.evaluate(&PolicyInput {
        challenge,
        class: &class,
        signer: signer.account(),
        context,
        now,
    });
    let event = |verdict, outcome, reason| AuditEvent {
        time: format_siwx_time(now),
        account: signer.account().to_string(),
        owner: context.owner.as_ref().map(AccountId::to_string),
        purpose: context.purpose,
        kind: class.kind(),
        challenge_sha256: AuditEvent::digest(challenge.bytes()),
        challenge_len: challenge.len(),
        rule: decision.rule().to_owned(),
        verdict,
        reason,
        outcome,
        backend: signer.backend().to_owned(),
    };
    match &decision {
        Decision::Refuse(refusal) => {
            let event = event(
                Verdict::Refused,
                Outcome::NotSigned,
                Some(refusal.to_string()),
            );
            trace(&event);
            if let Some(audit) = audit
                && let Err(error) = audit.record(&event)
            {
                // The refusal stands either way; the missing line is said loudly.
                tracing::error!(%error, "audit line of a refusal not written");
            }
            Err(SignerError::PolicyRefused(refusal.clone()))
        }
        Decision::Allow { .. } => {
            let signed = signer.sign_challenge_in(challenge, context).await;
            let event = match &signed {
                Ok(_) => event(Verdict::Allowed, Outcome::Signed, None),
                Err(e) => event(Verdict::Allowed, Outcome::SignFailed, Some(e.to_string())),
            };
            trace(&event);
            if let Some(audit) = audit {
                audit.record(&event).map_err(SignerError::backend)?;
            }
            signed
        }
    }
}

fn trace(event: &AuditEvent) {
    tracing::info!(
        target: "chainsig::audit",
        account = %event.account,
        purpose = %event.purpose,
        kind = %event.kind,
        challenge_sha256 = %event.challenge_sha256,
        rule = %event.rule,
        verdict = ?event.verdict,
        outcome = ?event.outcome,
        backend = %event.backend,
        reason = event.reason.as_deref().unwrap_or(""),
        "challenge policy decision"
    );
}

/// Any [`ChallengeSigner`] behind a [`ChallengePolicy`], with an audit trail: a custody service
/// that receives raw bytes gets the same protection as the flows, in one line.
///
/// Called directly ([`sign_challenge`](ChallengeSigner::sign_challenge)) it decides with an
/// unknown purpose; driven by a flow ([`sign_challenge_in`](ChallengeSigner::sign_challenge_in))
/// it knows the purpose, the wallet and the API.
///
/// ```
/// use std::sync::Arc;
/// use chainsig_core::{
///     async_trait, AccountId, Challenge, ChallengeSignature, ChallengeSigner, MemoryAuditSink,
///     PolicySigner, SignatureScheme, SignerError, StandardPolicy,
/// };
///
/// # #[derive(Debug)] struct Custody(AccountId);
/// # #[async_trait] impl ChallengeSigner for Custody {
/// #     fn account(&self) -> &AccountId { &self.0 }
/// #     fn scheme(&self) -> SignatureScheme { SignatureScheme::Ed25519 }
/// #     async fn sign_challenge(&self, _: &Challenge) -> Result<ChallengeSignature, SignerError> {
/// #         ChallengeSignature::new(SignatureScheme::Ed25519, vec![0; 64]).map_err(SignerError::backend)
/// #     }
/// # }
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let account: AccountId = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv".parse()?;
/// let audit = Arc::new(MemoryAuditSink::new());
/// let signer = PolicySigner::new(Custody(account), StandardPolicy::strict()).with_audit(audit.clone());
///
/// let session_key = Challenge::from_bytes(b"5df359f0-d299-40a1-8023-17c77a50144c".to_vec())?;
/// assert!(signer.sign_challenge(&session_key).await.is_ok());
/// let transfer = Challenge::from_bytes(vec![0xab; 32])?; // could be a transaction hash
/// assert!(matches!(signer.sign_challenge(&transfer).await, Err(SignerError::PolicyRefused(_))));
/// assert_eq!(audit.events().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(()) })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PolicySigner<S> {
    inner: S,
    policy: Arc<dyn ChallengePolicy>,
    audit: Option<Arc<dyn AuditSink>>,
}

impl<S: fmt::Debug> fmt::Debug for PolicySigner<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySigner")
            .field("inner", &self.inner)
            .field("policy", &self.policy)
            .field("audited", &self.audit.is_some())
            .finish()
    }
}

impl<S: ChallengeSigner> PolicySigner<S> {
    /// `inner` behind `policy`; decisions go to `tracing` only until [`with_audit`](Self::with_audit).
    pub fn new(inner: S, policy: impl ChallengePolicy + 'static) -> Self {
        Self::with_shared_policy(inner, Arc::new(policy))
    }

    /// The same, with a policy shared by several signers (one rate limit for all).
    pub fn with_shared_policy(inner: S, policy: Arc<dyn ChallengePolicy>) -> Self {
        Self {
            inner,
            policy,
            audit: None,
        }
    }

    /// Sends every decision to `audit` too.
    pub fn with_audit(mut self, audit: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(audit);
        self
    }

    /// The wrapped signer.
    pub fn inner(&self) -> &S {
        &self.inner
    }
}

#[async_trait]
impl<S: ChallengeSigner> ChallengeSigner for PolicySigner<S> {
    fn account(&self) -> &AccountId {
        self.inner.account()
    }

    fn scheme(&self) -> SignatureScheme {
        self.inner.scheme()
    }

    async fn sign_challenge(
        &self,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        self.sign_challenge_in(challenge, &SigningContext::unknown())
            .await
    }

    async fn sign_challenge_in(
        &self,
        challenge: &Challenge,
        context: &SigningContext,
    ) -> Result<ChallengeSignature, SignerError> {
        sign_under_policy(
            &self.inner,
            challenge,
            context,
            &*self.policy,
            self.audit.as_deref(),
        )
        .await
    }

    async fn health_check(&self) -> Result<(), SignerError> {
        self.inner.health_check().await
    }

    fn backend(&self) -> &str {
        self.inner.backend()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::{AuditError, ChallengePurpose, MemoryAuditSink, StandardPolicy};

    /// Signs with zeros, counting its calls, or fails (signing and health checks) when asked to.
    #[derive(Debug)]
    struct Fake {
        account: AccountId,
        calls: AtomicU32,
        fail: bool,
    }

    impl Fake {
        fn new(fail: bool) -> Self {
            Self {
                account: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb"
                    .parse()
                    .unwrap(),
                calls: AtomicU32::new(0),
                fail,
            }
        }
    }

    #[async_trait]
    impl ChallengeSigner for Fake {
        fn account(&self) -> &AccountId {
            &self.account
        }
        fn scheme(&self) -> SignatureScheme {
            SignatureScheme::Eip191Secp256k1
        }
        async fn sign_challenge(&self, _: &Challenge) -> Result<ChallengeSignature, SignerError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail {
                return Err(SignerError::Rejected("operator said no".into()));
            }
            ChallengeSignature::new(SignatureScheme::Eip191Secp256k1, vec![0u8; 65])
                .map_err(SignerError::backend)
        }
        async fn health_check(&self) -> Result<(), SignerError> {
            if self.fail {
                return Err(SignerError::Unavailable {
                    reason: "down".into(),
                    retryable: true,
                });
            }
            Ok(())
        }
        fn backend(&self) -> &str {
            "fake"
        }
    }

    #[derive(Debug)]
    struct Full;

    impl AuditSink for Full {
        fn record(&self, _: &AuditEvent) -> Result<(), AuditError> {
            Err(AuditError::new("full", std::io::Error::other("disk full")))
        }
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    const UUID: &[u8] = b"5df359f0-d299-40a1-8023-17c77a50144c";

    /// `sign_under_policy` with the strict policy, no context, and `audit`.
    fn sign_strictly(
        fake: &Fake,
        challenge: &Challenge,
        audit: &dyn AuditSink,
    ) -> Result<ChallengeSignature, SignerError> {
        block_on(sign_under_policy(
            fake,
            challenge,
            &SigningContext::unknown(),
            &StandardPolicy::strict(),
            Some(audit),
        ))
    }

    #[test]
    fn allowed_signed_and_audited_with_the_context() {
        let (fake, audit) = (Fake::new(false), MemoryAuditSink::new());
        let challenge = Challenge::from_bytes(UUID.to_vec()).unwrap();
        let context =
            SigningContext::new(ChallengePurpose::AccountDeletion).with_owner(fake.account.clone());
        block_on(sign_under_policy(
            &fake,
            &challenge,
            &context,
            &StandardPolicy::strict(),
            Some(&audit),
        ))
        .unwrap();
        assert_eq!(fake.calls.load(Ordering::SeqCst), 1);
        let events = audit.events();
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(
            (event.verdict, event.outcome),
            (Verdict::Allowed, Outcome::Signed)
        );
        assert_eq!(event.purpose, ChallengePurpose::AccountDeletion);
        assert_eq!(event.rule, "allow.deletion");
        assert_eq!(event.backend, "fake");
        assert_eq!(event.owner.as_deref(), Some(&*fake.account.to_string()));
        assert_eq!(event.account, fake.account.to_string());
        assert_eq!(event.challenge_sha256, AuditEvent::digest(UUID));
        assert_eq!(event.challenge_len, UUID.len());
        assert!(event.reason.is_none());
    }

    #[test]
    fn refused_never_reaches_the_signer() {
        let (fake, audit) = (Fake::new(false), MemoryAuditSink::new());
        let signer = PolicySigner::new(&fake, StandardPolicy::strict())
            .with_audit(std::sync::Arc::new(MemoryAuditSink::new()));
        let hash = Challenge::from_bytes(vec![0xab; 32]).unwrap();
        assert!(matches!(
            block_on(signer.sign_challenge(&hash)),
            Err(SignerError::PolicyRefused(r)) if r.rule == "allow.unknown"
        ));
        assert_eq!(fake.calls.load(Ordering::SeqCst), 0);
        // Refused even when the audit line cannot be written.
        let error = sign_strictly(&fake, &hash, &Full).unwrap_err();
        assert!(matches!(error, SignerError::PolicyRefused(_)));
        assert_eq!(fake.calls.load(Ordering::SeqCst), 0);
        drop(audit);
    }

    #[test]
    fn a_failed_signature_is_audited_and_returned() {
        let (fake, audit) = (Fake::new(true), MemoryAuditSink::new());
        let challenge = Challenge::from_bytes(UUID.to_vec()).unwrap();
        let error = sign_strictly(&fake, &challenge, &audit).unwrap_err();
        assert!(matches!(error, SignerError::Rejected(_)));
        let event = &audit.events()[0];
        assert_eq!(
            (event.verdict, event.outcome),
            (Verdict::Allowed, Outcome::SignFailed)
        );
        assert!(
            event
                .reason
                .as_deref()
                .unwrap()
                .contains("operator said no")
        );
    }

    #[test]
    fn no_signature_without_its_audit_line() {
        let fake = Fake::new(false);
        let challenge = Challenge::from_bytes(UUID.to_vec()).unwrap();
        let error = sign_strictly(&fake, &challenge, &Full).unwrap_err();
        assert!(error.to_string().contains("audit trail"), "{error}");
    }

    #[test]
    fn the_policy_signer_forwards_account_scheme_backend_and_context() {
        let fake = Fake::new(false);
        let audit = std::sync::Arc::new(MemoryAuditSink::new());
        let signer = PolicySigner::new(&fake, StandardPolicy::strict()).with_audit(audit.clone());
        assert_eq!(signer.account(), &fake.account);
        assert_eq!(signer.scheme(), SignatureScheme::Eip191Secp256k1);
        assert_eq!(signer.backend(), "fake");
        let challenge = Challenge::from_bytes(UUID.to_vec()).unwrap();
        let context = SigningContext::new(ChallengePurpose::AccountSessionKey);
        block_on(signer.sign_challenge_in(&challenge, &context)).unwrap();
        assert_eq!(
            audit.events()[0].purpose,
            ChallengePurpose::AccountSessionKey
        );
        let debug = format!("{signer:?}");
        assert!(
            debug.starts_with("PolicySigner") && debug.contains("audited: true"),
            "{debug}"
        );
        assert!(block_on(signer.health_check()).is_ok());
        let down = PolicySigner::new(Fake::new(true), StandardPolicy::strict());
        assert!(block_on(down.health_check()).is_err());
    }
}
