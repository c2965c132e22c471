//! The rule set that ships: [`PolicyRules`] (built in code or read from a TOML file) and
//! [`StandardPolicy`], which applies them.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::policy::{ChallengePolicy, Decision, PolicyInput, PolicyRefusal};
use crate::siwx::{SiwxError, SiwxMessage};
use crate::{ChainId, ChallengeClass, ChallengeKindName, ChallengePurpose};

/// Which challenge kinds each purpose accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AllowRules {
    /// Customer ownership (`POST /customers`). Default: `["siwx"]`.
    #[serde(default = "default_ownership")]
    pub ownership: Vec<ChallengeKindName>,
    /// Account session keys. Default: `["uuid", "pem-public-key"]`, the two shapes OffBlocks
    /// has shown.
    #[serde(default = "default_account")]
    pub session_key: Vec<ChallengeKindName>,
    /// Account deletion. Default: `["uuid", "pem-public-key"]`.
    #[serde(default = "default_account")]
    pub deletion: Vec<ChallengeKindName>,
    /// A signer called with bytes and no purpose. Default: `["siwx", "uuid", "pem-public-key"]`.
    #[serde(default = "default_unknown")]
    pub unknown: Vec<ChallengeKindName>,
}

fn default_ownership() -> Vec<ChallengeKindName> {
    vec![ChallengeKindName::Siwx]
}

fn default_account() -> Vec<ChallengeKindName> {
    vec![ChallengeKindName::Uuid, ChallengeKindName::PemPublicKey]
}

fn default_unknown() -> Vec<ChallengeKindName> {
    vec![
        ChallengeKindName::Siwx,
        ChallengeKindName::Uuid,
        ChallengeKindName::PemPublicKey,
    ]
}

impl Default for AllowRules {
    fn default() -> Self {
        Self {
            ownership: default_ownership(),
            session_key: default_account(),
            deletion: default_account(),
            unknown: default_unknown(),
        }
    }
}

impl AllowRules {
    fn for_purpose(&self, purpose: ChallengePurpose) -> &[ChallengeKindName] {
        match purpose {
            ChallengePurpose::CustomerOwnership => &self.ownership,
            ChallengePurpose::AccountSessionKey => &self.session_key,
            ChallengePurpose::AccountDeletion => &self.deletion,
            ChallengePurpose::Unknown => &self.unknown,
        }
    }
}

/// What a Sign-In-with-X message must say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiwxRules {
    /// Domains (host\[:port\]) a message may name. Empty: only the API the client talks to.
    #[serde(default)]
    pub domains: Vec<String>,
    /// URIs a message may name. Empty: only the origin of the API the client talks to.
    #[serde(default)]
    pub uris: Vec<String>,
    /// How long after `Issued At` a message without `Expiration Time` is valid (default 3600 s,
    /// the API's challenge lifetime).
    #[serde(default = "default_max_age")]
    pub max_age_secs: u64,
    /// Clock tolerance for `Issued At`, `Expiration Time` and `Not Before` (default 60 s).
    #[serde(default = "default_skew")]
    pub clock_skew_secs: u64,
}

fn default_max_age() -> u64 {
    crate::offblocks::CHALLENGE_TTL_SECS
}

fn default_skew() -> u64 {
    60
}

impl Default for SiwxRules {
    fn default() -> Self {
        Self {
            domains: Vec::new(),
            uris: Vec::new(),
            max_age_secs: default_max_age(),
            clock_skew_secs: default_skew(),
        }
    }
}

/// At most `signatures` allowed challenges per signing account in any `window_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RateLimit {
    /// Signatures allowed per window.
    pub signatures: u32,
    /// The window, in seconds.
    pub window_secs: u64,
}

/// A policy as data: built in code, or read from TOML. Unknown keys are an error, so that a typo
/// never silently allows anything. The format, with every key and its default, is in
/// `policy.example.toml` at the repository's root.
///
/// ```
/// use chainsig_core::{ChallengeKindName, PolicyRules};
///
/// let rules = PolicyRules::from_toml_str(r#"
///     chains = ["eip155:324", "solana"]
///     [allow]
///     session-key = ["uuid"]
///     [siwx]
///     domains = ["api.offblocks.xyz"]
///     uris = ["https://api.offblocks.xyz"]
///     [rate-limit]
///     signatures = 10
///     window-secs = 60
/// "#)?;
/// assert_eq!(rules.allow.session_key, [ChallengeKindName::Uuid]);
/// assert_eq!(rules.allow.ownership, [ChallengeKindName::Siwx]); // the default
///
/// // A typo is an error, not a silent default.
/// assert!(PolicyRules::from_toml_str("[alow]\nsession-key = [\"text\"]").is_err());
/// # Ok::<(), chainsig_core::PolicyFileError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyRules {
    /// Refuse every challenge (an emergency stop).
    #[serde(default)]
    pub refuse_all: bool,
    /// Chains whose accounts may sign: CAIP-2 ids (`eip155:324`) or whole namespaces (`solana`).
    /// Empty: any.
    #[serde(default)]
    pub chains: Vec<String>,
    /// Which kinds each purpose accepts.
    #[serde(default)]
    pub allow: AllowRules,
    /// What a Sign-In-with-X message must say.
    #[serde(default)]
    pub siwx: SiwxRules,
    /// Signatures per account per window; none by default.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

/// A policy file that could not be read or is not a valid policy.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyFileError {
    /// The file could not be read.
    #[error("cannot read the policy file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid policy (unknown key, wrong type, bad value).
    #[error("invalid policy{}: {reason}", path.as_ref().map(|p| format!(" file {p}")).unwrap_or_default())]
    Invalid {
        /// The file, when read from one.
        path: Option<String>,
        /// What is wrong, with the line.
        reason: String,
    },
}

impl PolicyRules {
    /// The strict default for bytes a server chose: ownership challenges must be Sign-In-with-X
    /// messages for the API the client talks to; account challenges the text of a UUID or a PEM
    /// public key; nothing else.
    pub fn strict() -> Self {
        Self::default()
    }

    /// Reads rules from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyFileError> {
        let rules: Self = toml::from_str(text).map_err(|e| PolicyFileError::Invalid {
            path: None,
            reason: e.to_string().trim_end().to_owned(),
        })?;
        rules
            .validate()
            .map_err(|reason| PolicyFileError::Invalid { path: None, reason })?;
        Ok(rules)
    }

    /// Reads rules from a TOML file.
    pub fn from_toml_file(path: impl AsRef<Path>) -> Result<Self, PolicyFileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| PolicyFileError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml_str(&text).map_err(|e| match e {
            PolicyFileError::Invalid { reason, .. } => PolicyFileError::Invalid {
                path: Some(path.display().to_string()),
                reason,
            },
            other => other,
        })
    }

    /// The same rules with the Sign-In-with-X time limits given.
    pub fn with_siwx_times(mut self, max_age: Duration, clock_skew: Duration) -> Self {
        self.siwx.max_age_secs = max_age.as_secs();
        self.siwx.clock_skew_secs = clock_skew.as_secs();
        self
    }

    fn validate(&self) -> Result<(), String> {
        for chain in &self.chains {
            let valid = if chain.contains(':') {
                chain.parse::<ChainId>().is_ok()
            } else {
                (3..=8).contains(&chain.len())
                    && chain
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            if !valid {
                return Err(format!(
                    "`chains`: `{chain}` is neither a CAIP-2 chain id (`eip155:1`) nor a namespace (`solana`)"
                ));
            }
        }
        if let Some(limit) = self.rate_limit
            && (limit.signatures == 0 || limit.window_secs == 0)
        {
            return Err(
                "`rate-limit`: `signatures` and `window-secs` must be at least 1 (use `refuse-all` to refuse everything)"
                    .into(),
            );
        }
        Ok(())
    }
}

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
