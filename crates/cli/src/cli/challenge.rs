//! The arguments of `chainsig challenge`.

use clap::{Args, Subcommand};

use super::key::{ChainArg, KeyArgs};
use super::settings::PolicyArgs;

#[derive(Debug, Subcommand)]
pub(crate) enum ChallengeCommand {
    /// Decode a challenge and say what it is and exactly what each chain would sign.
    #[command(
        after_help = "Example:\n  chainsig challenge inspect NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj"
    )]
    Inspect {
        /// The challenge as the API sent it (base64).
        #[arg(value_name = "B64")]
        challenge: String,
    },
    /// Fetch the current challenge of an account or a customer (earlier ones become invalid).
    #[command(
        after_help = "Examples:\n  chainsig challenge fetch --account 6f1c…\n  chainsig --json challenge fetch --customer 3864…"
    )]
    Fetch(Target),
    /// Fetch the current challenge, sign it and submit it: unsticks an account or a customer.
    #[command(
        after_help = "Examples:\n  chainsig challenge sign --account 6f1c… --chain evm --key-file customer.key\n  chainsig challenge sign --customer 3864… --chain solana --key-file id.json"
    )]
    Sign {
        #[command(flatten)]
        target: Target,
        #[command(flatten)]
        chain: ChainArg,
        #[command(flatten)]
        key: KeyArgs,
        /// Solana: sign bytes shaped like a transaction (refused by default).
        #[arg(long)]
        allow_transaction_shaped: bool,
        #[command(flatten)]
        policy: PolicyArgs,
    },
}

/// Whose challenge.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct Target {
    /// An account id.
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
    /// A customer id.
    #[arg(long, value_name = "ID")]
    pub(crate) customer: Option<String>,
}
