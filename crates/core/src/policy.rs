//! The decision before any signature: the [`ChallengePolicy`] trait, its input and its verdicts.

use std::fmt::{self, Debug};
use std::sync::Arc;

use time::OffsetDateTime;

use crate::{AccountId, Challenge, ChallengeClass, SigningContext};

/// Everything a policy decides on.
#[derive(Debug, Clone, Copy)]
pub struct PolicyInput<'a> {
    /// The challenge, as received.
    pub challenge: &'a Challenge,
    /// What its bytes are ([`classify`](crate::classify)).
    pub class: &'a ChallengeClass,
    /// The account that would sign.
    pub signer: &'a AccountId,
    /// What the caller knows: purpose, owner, API.
    pub context: &'a SigningContext,
    /// The time to judge Sign-In-with-X times and rate limits by.
    pub now: OffsetDateTime,
}

/// A policy's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Sign; `rule` is the rule that allowed it (for the audit line).
    Allow {
        /// The policy line that allowed the challenge, e.g. `allow.session-key`.
        rule: String,
    },
    /// Do not sign.
    Refuse(PolicyRefusal),
}

impl Decision {
    /// The rule that decided.
    pub fn rule(&self) -> &str {
        match self {
            Decision::Allow { rule } => rule,
            Decision::Refuse(refusal) => &refusal.rule,
        }
    }
}

/// Why a policy refused a challenge: the rule, what it saw, and (when a policy line could allow
/// it) which line. Never holds the challenge's bytes or any key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused by policy rule `{rule}`: {saw}{}", allow_with.as_ref().map(|h| format!("; to allow it: {h}")).unwrap_or_default())]
pub struct PolicyRefusal {
    /// The rule, named as in the policy file (`allow.session-key`, `siwx.domains`,
    /// `rate-limit`, `refuse-all`, `owner`, ...).
    pub rule: String,
    /// What the rule saw.
    pub saw: String,
    /// The policy line that would allow it, when one can.
    pub allow_with: Option<String>,
}

impl PolicyRefusal {
    /// A refusal by `rule` of what it `saw`.
    pub fn new(rule: impl Into<String>, saw: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            saw: saw.into(),
            allow_with: None,
        }
    }

    /// The same, naming the policy line that would allow it.
    pub fn allow_with(mut self, line: impl Into<String>) -> Self {
        self.allow_with = Some(line.into());
        self
    }
}

/// Decides whether a challenge may be signed. Runs before any signer sees the bytes.
///
/// [`StandardPolicy`](crate::StandardPolicy) is the rule set that ships; implement this trait
/// for rules of your own (and wrap any signer in a [`PolicySigner`](crate::PolicySigner)).
///
/// ```
/// use chainsig_core::{ChallengePolicy, ChallengeKindName, Decision, PolicyInput, PolicyRefusal};
///
/// /// Signs nothing but UUID text.
/// #[derive(Debug)]
/// struct UuidsOnly;
///
/// impl ChallengePolicy for UuidsOnly {
///     fn evaluate(&self, input: &PolicyInput<'_>) -> Decision {
///         if input.class.kind() == ChallengeKindName::Uuid {
///             Decision::Allow { rule: "uuids-only".into() }
///         } else {
///             Decision::Refuse(PolicyRefusal::new("uuids-only", input.class.to_string()))
///         }
///     }
/// }
/// ```
pub trait ChallengePolicy: Send + Sync + Debug {
    /// The verdict on one challenge. A policy that keeps state (a rate limit) counts an allowed
    /// challenge here.
    fn evaluate(&self, input: &PolicyInput<'_>) -> Decision;
}

impl<T: ChallengePolicy + ?Sized> ChallengePolicy for &T {
    fn evaluate(&self, input: &PolicyInput<'_>) -> Decision {
        (**self).evaluate(input)
    }
}

impl<T: ChallengePolicy + ?Sized> ChallengePolicy for Box<T> {
    fn evaluate(&self, input: &PolicyInput<'_>) -> Decision {
        (**self).evaluate(input)
    }
}

impl<T: ChallengePolicy + ?Sized> ChallengePolicy for Arc<T> {
    fn evaluate(&self, input: &PolicyInput<'_>) -> Decision {
        (**self).evaluate(input)
    }
}

/// Allows everything: for bytes a person handed over themselves, where no policy was asked for.
/// Decisions are still audited.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl ChallengePolicy for AllowAll {
    fn evaluate(&self, _: &PolicyInput<'_>) -> Decision {
        Decision::Allow {
            rule: "allow-all".into(),
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allow { rule } => write!(f, "allowed by `{rule}`"),
            Decision::Refuse(refusal) => fmt::Display::fmt(refusal, f),
        }
    }
}
