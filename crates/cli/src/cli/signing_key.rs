//! The arguments of `chainsig signing-key`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum SigningKeyCommand {
    /// Write a new P-384 key (SEC1 PEM, as openssl writes it; mode 0600, never overwrites).
    #[command(after_help = "Example:\n  chainsig signing-key new --out signing-key.pem")]
    #[command(group = clap::ArgGroup::new("target").required(true).args(["out", "key_uri"]))]
    New {
        /// Where to write the key.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Generate the key inside a PKCS#11 token instead (sensitive, not extractable); use it
        /// with --signing-key-uri.
        #[arg(long, value_name = "PKCS11_URI")]
        key_uri: Option<String>,
    },
    /// Register the key's public half with the API (PUT /auth/signing) and print its key id.
    #[command(after_help = "Example:\n  chainsig signing-key register --key-file signing-key.pem")]
    Register {
        /// The key (PEM: SEC1 or PKCS#8).
        #[arg(long, value_name = "PATH")]
        key_file: Option<PathBuf>,
    },
    /// Remove the registered key from the API (DELETE /auth/signing): requests signed with it
    /// are refused afterwards, until a key is registered again.
    #[command(after_help = "Example:\n  chainsig signing-key remove")]
    Remove,
}
