//! The settings several commands share: the API's (`OFFBLOCKS_*`), the HSM's, the policy's.

use std::path::PathBuf;

use clap::Args;

/// The variable that holds the API key unless `--api-key-env` names another.
const API_KEY_VAR: &str = "OFFBLOCKS_API_KEY";
/// The variable that holds the API secret unless `--api-secret-env` names another.
const API_SECRET_VAR: &str = "OFFBLOCKS_API_SECRET";

/// The settings every command that talks to the API takes.
#[derive(Debug, Clone, Args)]
pub(crate) struct ApiArgs {
    /// API base URL, including /v1 [env: OFFBLOCKS_BASE_URL].
    #[arg(long, value_name = "URL", global = true)]
    pub(crate) base_url: Option<String>,
    /// Variable holding the API key.
    #[arg(long, value_name = "VAR", default_value = API_KEY_VAR, global = true)]
    pub(crate) api_key_env: String,
    /// Variable holding the API secret.
    #[arg(long, value_name = "VAR", default_value = API_SECRET_VAR, global = true)]
    pub(crate) api_secret_env: String,
    /// File holding the API secret (instead of a variable).
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) api_secret_file: Option<PathBuf>,
    /// The P-384 request-signing key (PEM) [env: OFFBLOCKS_SIGNING_KEY_FILE].
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) signing_key_file: Option<PathBuf>,
    /// The P-384 request-signing key in a PKCS#11 token, instead of a file
    /// [env: OFFBLOCKS_SIGNING_KEY_URI].
    #[arg(
        long,
        value_name = "PKCS11_URI",
        global = true,
        conflicts_with = "signing_key_file"
    )]
    pub(crate) signing_key_uri: Option<String>,
    /// The registered key's id; without it the key is registered first [env: OFFBLOCKS_KEY_ID].
    #[arg(long, value_name = "ID", global = true)]
    pub(crate) key_id: Option<String>,
}

/// Where the PKCS#11 module and the token's PIN come from. The PIN is never an argument.
#[derive(Debug, Clone, Default, Args)]
pub(crate) struct HsmArgs {
    /// The PKCS#11 module (vendor library) for --key-uri / --signing-key-uri, unless the URI
    /// has module-path [env: CHAINSIG_PKCS11_MODULE].
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) pkcs11_module: Option<PathBuf>,
    /// Environment variable holding the token's user PIN (unless the URI has pin-source).
    #[arg(long, value_name = "VAR", global = true, conflicts_with = "pin_file")]
    pub(crate) pin_env: Option<String>,
    /// File holding the token's user PIN (unless the URI has pin-source).
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) pin_file: Option<PathBuf>,
    /// Sessions opened on a token at most (concurrent signatures in the token).
    #[arg(long, value_name = "N", global = true, default_value_t = chainsig_pkcs11::DEFAULT_POOL_SIZE)]
    pub(crate) pkcs11_sessions: usize,
}

/// The policy flags of the commands that sign.
#[derive(Debug, Clone, Args)]
pub(crate) struct PolicyArgs {
    /// Challenge policy (TOML, see policy.example.toml): what may be signed. Challenges a
    /// server sends are always checked, by default with the strict policy; `sign` checks only
    /// when given one.
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
    /// Append one JSON line per policy decision to FILE (created mode 0600), synced to disk
    /// before the signature is used.
    #[arg(long, value_name = "FILE")]
    pub(crate) audit_log: Option<PathBuf>,
}
