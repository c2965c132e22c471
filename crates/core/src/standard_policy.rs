//! [`StandardPolicy`]: the shipped policy, applying [`PolicyRules`] in a fixed order.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use crate::policy::{ChallengePolicy, Decision, PolicyInput, PolicyRefusal};
use crate::policy_rules::{PolicyFileError, PolicyRules};
use crate::siwx::{SiwxError, SiwxMessage};
use crate::{ChallengeClass, ChallengeKindName, ChallengePurpose};

/// The shipped policy: [`PolicyRules`] applied in this order, the first refusal winning:
/// `refuse-all`, `chains`, `owner` (the signer is the wallet the challenge is for), the kinds of
/// `allow.<purpose>`, the `siwx` fields of a Sign-In-with-X message, `rate-limit`.
///
/// ```
/// use chainsig_core::{
///     AccountId, Challenge, ChallengePolicy, ChallengePurpose, Decision, PolicyInput,
///     PolicyRules, SigningContext, StandardPolicy, classify,
/// };
///
/// let policy = StandardPolicy::new(PolicyRules::strict());
/// let signer: AccountId = "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".parse()?;
/// let context = SigningContext::new(ChallengePurpose::AccountSessionKey);
/// let decide = |bytes: &[u8]| {
///     let challenge = Challenge::from_bytes(bytes.to_vec()).unwrap();
///     let class = classify(challenge.bytes());
///     policy.evaluate(&PolicyInput {
///         challenge: &challenge, class: &class, signer: &signer, context: &context,
///         now: time::OffsetDateTime::now_utc(),
///     })
/// };
/// assert!(matches!(decide(b"5df359f0-d299-40a1-8023-17c77a50144c"), Decision::Allow { .. }));
/// let Decision::Refuse(refusal) = decide(&[0xab; 32]) else { panic!() };
/// assert_eq!(refusal.rule, "allow.session-key");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StandardPolicy {
    rules: PolicyRules,
    /// Allowed signatures per signing account (namespace, address), oldest first.
    recent: Mutex<HashMap<(String, String), VecDeque<OffsetDateTime>>>,
}

impl fmt::Debug for StandardPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardPolicy")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl StandardPolicy {
    /// A policy applying `rules`.
    pub fn new(rules: PolicyRules) -> Self {
        Self {
            rules,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// [`PolicyRules::strict`].
    pub fn strict() -> Self {
        Self::new(PolicyRules::strict())
    }

    /// Reads the rules from a TOML file.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, PolicyFileError> {
        PolicyRules::from_toml_file(path).map(Self::new)
    }

    /// The rules.
    pub fn rules(&self) -> &PolicyRules {
        &self.rules
    }

    fn check(&self, input: &PolicyInput<'_>) -> Result<String, PolicyRefusal> {
        let rules = &self.rules;
        if rules.refuse_all {
            return Err(
                PolicyRefusal::new("refuse-all", "the policy refuses every challenge")
                    .allow_with("`refuse-all = false`"),
            );
        }
        let chain = input.signer.chain();
        if !rules.chains.is_empty()
            && !rules
                .chains
                .iter()
                .any(|c| c == chain.namespace() || *c == chain.to_string())
        {
            return Err(PolicyRefusal::new(
                "chains",
                format!("a signer on {chain}, which is not among the allowed chains"),
            )
            .allow_with(format!(
                "add `{chain}` (or `{}`) to `chains`",
                chain.namespace()
            )));
        }
        if let Some(owner) = &input.context.owner
            && !owner.same_address(input.signer)
        {
            return Err(PolicyRefusal::new(
                "owner",
                format!(
                    "the challenge is for the wallet {owner}, and the signer is {}",
                    input.signer
                ),
            ));
        }
        let purpose = input.context.purpose;
        let kind = input.class.kind();
        let rule = format!("allow.{purpose}");
        if !rules.allow.for_purpose(purpose).contains(&kind) {
            let mut saw = match purpose {
                ChallengePurpose::Unknown => {
                    format!("the challenge (no purpose given) is {}", input.class)
                }
                _ => format!("the {purpose} challenge is {}", input.class),
            };
            if kind == ChallengeKindName::Text
                && let Some(error) = siwx_parse_error(input)
            {
                saw.push_str(&format!(
                    " (it begins like a Sign-In-with-X message but is not one: {error})"
                ));
            }
            let line = format!("add `\"{kind}\"` to `{rule}`");
            let line = if kind == ChallengeKindName::Transaction {
                format!(
                    "{line} (a signature over a transaction authorizes it: do so only for bytes you have checked)"
                )
            } else {
                line
            };
            return Err(PolicyRefusal::new(rule, saw).allow_with(line));
        }
        if let ChallengeClass::SignInWithX(message) = input.class {
            self.check_siwx(message, input)?;
        }
        self.count_signature(input)?;
        Ok(rule)
    }

    fn check_siwx(
        &self,
        message: &SiwxMessage,
        input: &PolicyInput<'_>,
    ) -> Result<(), PolicyRefusal> {
        let siwx = &self.rules.siwx;
        let api = input.context.api.as_ref();
        let domain_ok = if siwx.domains.is_empty() {
            api.is_some_and(|api| message.domain.eq_ignore_ascii_case(&api.domain))
        } else {
            siwx.domains
                .iter()
                .any(|d| message.domain.eq_ignore_ascii_case(d))
        };
        if !domain_ok {
            let allowed = if siwx.domains.is_empty() {
                api.map(|api| format!("the API's domain `{}`", api.domain))
                    .unwrap_or_else(|| "no domain (no API is configured)".into())
            } else {
                format!("the domains {:?}", siwx.domains)
            };
            return Err(PolicyRefusal::new(
                "siwx.domains",
                format!(
                    "a Sign-In-with-X message for `{}`, where {allowed} is allowed",
                    message.domain
                ),
            )
            .allow_with(format!("add `\"{}\"` to `siwx.domains`", message.domain)));
        }
        let uri = message.uri.trim_end_matches('/');
        let uri_ok = if siwx.uris.is_empty() {
            api.is_some_and(|api| uri == api.origin.trim_end_matches('/'))
        } else {
            siwx.uris.iter().any(|u| uri == u.trim_end_matches('/'))
        };
        if !uri_ok {
            return Err(PolicyRefusal::new(
                "siwx.uris",
                format!("a Sign-In-with-X message with URI `{}`", message.uri),
            )
            .allow_with(format!("add `\"{}\"` to `siwx.uris`", message.uri)));
        }
        message
            .check(
                input.signer,
                &message.domain,
                &message.uri,
                input.now,
                Duration::from_secs(siwx.max_age_secs),
                Duration::from_secs(siwx.clock_skew_secs),
            )
            .map_err(siwx_refusal)
    }

    fn count_signature(&self, input: &PolicyInput<'_>) -> Result<(), PolicyRefusal> {
        let Some(limit) = self.rules.rate_limit else {
            return Ok(());
        };
        let window = time::Duration::seconds(i64::try_from(limit.window_secs).unwrap_or(i64::MAX));
        let since = input.now.saturating_sub(window);
        let key = (
            input.signer.chain().namespace().to_owned(),
            input.signer.address().to_owned(),
        );
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = recent.entry(key).or_default();
        while times.front().is_some_and(|t| *t <= since) {
            times.pop_front();
        }
        if times.len() >= limit.signatures as usize {
            return Err(PolicyRefusal::new(
                "rate-limit",
                format!(
                    "{} signatures by {} in the last {} s, the most allowed",
                    times.len(),
                    input.signer,
                    limit.window_secs
                ),
            )
            .allow_with("raise `rate-limit.signatures` or lower `rate-limit.window-secs`"));
        }
        times.push_back(input.now);
        Ok(())
    }
}

impl ChallengePolicy for StandardPolicy {
    fn evaluate(&self, input: &PolicyInput<'_>) -> Decision {
        match self.check(input) {
            Ok(rule) => Decision::Allow { rule },
            Err(refusal) => Decision::Refuse(refusal),
        }
    }
}

fn siwx_parse_error(input: &PolicyInput<'_>) -> Option<SiwxError> {
    let text = input.challenge.as_text()?;
    if !crate::classify::looks_like_siwx(text) {
        return None;
    }
    SiwxMessage::parse(text).err()
}

fn siwx_refusal(error: SiwxError) -> PolicyRefusal {
    let (rule, allow_with) = match &error {
        // Domain and URI were checked against the rules before (`check_siwx`).
        SiwxError::WrongAddress { .. } => ("siwx.address", None),
        SiwxError::WrongChain { .. } => ("siwx.chain", None),
        SiwxError::WeakNonce => ("siwx.nonce", None),
        SiwxError::NotValidNow(_) => (
            "siwx.max-age-secs",
            Some("raise `siwx.max-age-secs` or `siwx.clock-skew-secs` if the clocks disagree"),
        ),
        _ => ("siwx.format", None),
    };
    let refusal = PolicyRefusal::new(rule, error.to_string());
    match allow_with {
        Some(line) => refusal.allow_with(line),
        None => refusal,
    }
}
