//! What can go wrong, with the exit code and hint for each.

use std::process::ExitCode;

/// A command failure: the message goes to stderr, the kind picks the exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad input: unreadable or malformed key, challenge, signature or account (exit 2).
    #[error("{message}")]
    Input {
        message: String,
        hint: Option<String>,
    },
    /// The signer refused or failed (exit 2: the input could not be signed).
    #[error("{0}")]
    Signer(#[from] chainsig_core::SignerError),
}

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
            CliError::Input { hint, .. } => hint.as_deref(),
            CliError::Signer(_) => None,
        }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(2)
    }
}
