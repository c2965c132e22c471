//! The rule set that ships: [`PolicyRules`], built in code or read from a TOML file;
//! [`StandardPolicy`](crate::StandardPolicy) applies them.

use std::path::Path;
use std::time::Duration;

use crate::{ChainId, ChallengeKindName, ChallengePurpose};
use serde::{Deserialize, Serialize};

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
    pub(crate) fn for_purpose(&self, purpose: ChallengePurpose) -> &[ChallengeKindName] {
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

/// One hour: the OffBlocks challenge lifetime (`chainsig_offblocks::rules::CHALLENGE_TTL_SECS`,
/// which a test of that crate holds this to; core knows nothing of the API).
fn default_max_age() -> u64 {
    3600
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
