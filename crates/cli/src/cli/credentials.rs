//! The arguments of `chainsig credentials`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub(crate) enum CredentialsCommand {
    /// Replace the API key and secret with new ones (PUT /auth/credentials). Every token issued
    /// before is refused afterwards, and the old secret gets no new one.
    #[command(after_help = ROTATE_HELP)]
    Rotate(RotateArgs),
    /// Revoke the API key and secret for good (DELETE /auth/credentials): API access ends and
    /// cannot be restored with them. Asks for --yes.
    #[command(after_help = "Example:\n  chainsig credentials revoke --yes")]
    Revoke {
        /// Confirms the revocation, which is permanent.
        #[arg(long)]
        yes: bool,
    },
}

const ROTATE_HELP: &str = "\
The new secret comes from a file or a variable, never from the command line (arguments show up
in `ps` and shell history). Make one, e.g.:
  (umask 077; openssl rand -hex 20 > new-secret)
  chainsig credentials rotate --new-api-key 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b --new-secret-file new-secret

chainsig stores no credentials: afterwards, put the new key in OFFBLOCKS_API_KEY and the new secret
where OFFBLOCKS_API_SECRET (or --api-secret-file) comes from; the old secret no longer works.";

#[derive(Debug, Args)]
#[group(skip)]
#[command(group = clap::ArgGroup::new("new_secret").required(true).args(["new_secret_file", "new_secret_env"]))]
pub(crate) struct RotateArgs {
    /// The new API key (a UUID; not a secret).
    #[arg(long, value_name = "UUID")]
    pub(crate) new_api_key: String,
    /// File holding the new API secret (surrounding whitespace is ignored).
    #[arg(long, value_name = "PATH")]
    pub(crate) new_secret_file: Option<PathBuf>,
    /// Environment variable holding the new API secret.
    #[arg(long, value_name = "VAR")]
    pub(crate) new_secret_env: Option<String>,
}
