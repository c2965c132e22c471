//! `--policy FILE` and `--audit-log FILE`: what may be signed, and the trail of every decision.

use std::sync::Arc;

use chainsig_api::FlowOptions;
use chainsig_core::{
    AllowAll, AuditSink, Challenge, ChallengePolicy, ChallengeSignature, ChallengeSigner,
    JsonLinesAuditSink, SignerError, SigningContext, StandardPolicy, sign_under_policy,
};

use crate::cli::PolicyArgs;
use crate::error::CliError;

/// The loaded policy and audit trail, shared by every signature of a run (one rate limit).
#[derive(Debug, Clone, Default)]
pub(crate) struct Guard {
    policy: Option<Arc<dyn ChallengePolicy>>,
    audit: Option<Arc<dyn AuditSink>>,
}

impl PolicyArgs {
    /// Reads the policy file and opens the audit log.
    pub(crate) fn load(&self) -> Result<Guard, CliError> {
        let policy = match &self.policy {
            Some(path) => Some(Arc::new(StandardPolicy::from_toml_file(path).map_err(|e| {
                CliError::with_hint(
                    e.to_string(),
                    "policy.example.toml in the chainsig repository shows every key",
                )
            })?) as Arc<dyn ChallengePolicy>),
            None => None,
        };
        let audit = match &self.audit_log {
            Some(path) => Some(Arc::new(
                JsonLinesAuditSink::open(path).map_err(|e| CliError::input(e.to_string()))?,
            ) as Arc<dyn AuditSink>),
            None => None,
        };
        Ok(Guard { policy, audit })
    }
}

impl Guard {
    /// Flow options that decide with this policy (or the flows' strict default) and audit here.
    pub(crate) fn apply(&self, mut options: FlowOptions) -> FlowOptions {
        if let Some(policy) = &self.policy {
            options = options.with_shared_policy(Arc::clone(policy));
        }
        if let Some(audit) = &self.audit {
            options = options.with_audit(Arc::clone(audit));
        }
        options
    }

    /// Signs bytes a person handed over (`chainsig sign`): under the policy when one was given,
    /// audited when a log was; otherwise exactly as the signer signs.
    pub(crate) async fn sign(
        &self,
        signer: &dyn ChallengeSigner,
        challenge: &Challenge,
    ) -> Result<ChallengeSignature, SignerError> {
        if self.policy.is_none() && self.audit.is_none() {
            return signer.sign_challenge(challenge).await;
        }
        let policy: &dyn ChallengePolicy = match &self.policy {
            Some(policy) => policy.as_ref(),
            None => &AllowAll,
        };
        sign_under_policy(
            signer,
            challenge,
            &SigningContext::unknown(),
            policy,
            self.audit.as_deref(),
        )
        .await
    }
}
