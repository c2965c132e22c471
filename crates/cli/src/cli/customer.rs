//! The arguments of `chainsig customer`.

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum CustomerCommand {
    /// Deactivate an active customer (PATCH /customers/{id}/deactivate): active -> inactive.
    /// Prints the customer's id and new status.
    #[command(
        after_help = "Example:\n  chainsig customer deactivate 04c5851c-4386-5bd9-a4a7-3b6e1f0d2c11"
    )]
    Deactivate {
        /// The customer's id.
        #[arg(value_name = "ID")]
        id: String,
    },
}
