//! What can go wrong, with the exit code and hint for each.
//!
//! Exit codes: 0 success, 1 verification or flow failure, 2 usage or input error, 3 network or
//! API error.

use std::borrow::Cow;
use std::process::ExitCode;

use chainsig_api::sanitize_server_text;

/// Text that may hold a server's words, made safe to print: each line
/// [sanitized](sanitize_server_text) (no escape sequence, carriage return or other control
/// character reaches the terminal), our own line breaks kept.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return sanitize_server_text(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(sanitize_server_text)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A command failure: the message goes to stderr, the kind picks the exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad input: unreadable or malformed key, challenge, signature, setting (exit 2).
    #[error("{message}")]
    Input {
        message: String,
        hint: Option<String>,
    },
    /// A verification or a flow failed (exit 1).
    #[error("{message}")]
    Failed {
        message: String,
        hint: Option<String>,
    },
    /// The API could not be reached or answered an error (exit 3).
    #[error("{message}")]
    Network {
        message: String,
        hint: Option<String>,
        /// Whether the same request may succeed later (no answer, 5xx, 429): a batch tries
        /// such a row again.
        transient: bool,
    },
    /// The signer refused or failed (exit 2: the input could not be signed).
    #[error("{0}")]
    Signer(#[from] chainsig_core::SignerError),
}

/// What to do about a policy refusal.
const POLICY_HINT: &str = "nothing was signed: the challenge policy (--policy FILE; without it the strict \
default for challenges a server sent) decides what may be signed, and `chainsig challenge inspect` \
shows what a challenge is";

/// What to do when the API refuses a request signature (the middleware's 400).
const REQUEST_SIGNATURE_HINT: &str = "the request signature was refused: check that OFFBLOCKS_KEY_ID is the \
key id the API returned for this signing key (or unset it to register the key again), that the key \
registered with the API is this one, and that this machine's clock is right";

impl CliError {
    pub(crate) fn input(message: impl Into<String>) -> Self {
        CliError::Input {
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Input {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub(crate) fn hint(&self) -> Option<&str> {
        match self {
            CliError::Input { hint, .. }
            | CliError::Failed { hint, .. }
            | CliError::Network { hint, .. } => hint.as_deref(),
            CliError::Signer(chainsig_core::SignerError::PolicyRefused(_)) => Some(POLICY_HINT),
            CliError::Signer(_) => None,
        }
    }

    /// Whether trying again later may succeed (the API was unreachable or overloaded).
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            CliError::Network {
                transient: true,
                ..
            }
        )
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Failed { .. } => 1,
            CliError::Input { .. } | CliError::Signer(_) => 2,
            CliError::Network { .. } => 3,
        })
    }
}

impl From<chainsig_api::Error> for CliError {
    fn from(err: chainsig_api::Error) -> Self {
        use chainsig_api::Error as E;
        let message = err.to_string();
        match &err {
            E::Config(_) | E::RequestSigning(_) => CliError::Input {
                message,
                hint: None,
            },
            E::PolicyRefused(_) => CliError::Input {
                message,
                hint: Some(POLICY_HINT.to_owned()),
            },
            E::Api(api) => {
                let hint = match api.status.as_u16() {
                    401 => Some(
                        "check OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET for this base URL"
                            .to_owned(),
                    ),
                    _ => None,
                };
                CliError::Network {
                    message,
                    hint,
                    transient: api.is_retryable(),
                }
            }
            E::CredentialsRefused { .. } | E::CredentialsRevoked => CliError::Network {
                message,
                hint: Some(
                    "check OFFBLOCKS_API_KEY and OFFBLOCKS_API_SECRET for this base URL (after a \
                     rotation, the new ones)"
                        .to_owned(),
                ),
                transient: false,
            },
            E::RequestAuthentication { .. } => CliError::Network {
                message,
                hint: Some(REQUEST_SIGNATURE_HINT.to_owned()),
                transient: false,
            },
            E::Transport { .. } => CliError::Network {
                transient: true,
                message,
                hint: Some(
                    "is the base URL right and the API up? (`chainsig sandbox` runs one locally)"
                        .to_owned(),
                ),
            },
            E::Decode { .. } => CliError::Network {
                message,
                hint: None,
                transient: false,
            },
            E::Redirect { .. } => CliError::Network {
                message,
                hint: Some(
                    "set OFFBLOCKS_BASE_URL (or --base-url) to the API's own address, with /v1; \
                     chainsig never follows a redirect, which could take the API secret elsewhere"
                        .to_owned(),
                ),
                transient: false,
            },
            E::Timeout { .. } => CliError::Failed {
                message,
                hint: Some(
                    "run the same command again later: it resumes where it stopped".to_owned(),
                ),
            },
            _ => CliError::Failed {
                message,
                hint: None,
            },
        }
    }
}
