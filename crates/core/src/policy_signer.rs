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
