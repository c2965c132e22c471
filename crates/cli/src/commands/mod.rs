//! One module per subcommand.

mod address;
mod batch;
mod bench;
mod challenge;
mod credentials;
mod customer;
mod keygen;
mod onboard;
mod sandbox;
mod sign;
mod signing_key;
mod verify;
mod webhooks;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command on the process's one runtime; the exit code on success may still be 1
/// (`verify` of a bad signature).
pub(crate) async fn run(cli: Cli) -> Result<ExitCode, CliError> {
    crate::hsm::configure(&cli.hsm);
    match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Address(args) => address::run(args),
        Command::Sign(args) => sign::run(args).await,
        Command::Verify(args) => verify::run(args),
        Command::Onboard(args) => onboard::run(args, &cli.api, cli.json).await,
        Command::Challenge(command) => challenge::run(command, &cli.api, cli.json).await,
        Command::SigningKey(command) => signing_key::run(command, &cli.api, cli.json).await,
        Command::Credentials(command) => credentials::run(command, &cli.api, cli.json).await,
        Command::Customer(command) => customer::run(command, &cli.api, cli.json).await,
        Command::Webhooks(command) => webhooks::run(command, &cli.api, cli.json).await,
        Command::Sandbox(args) => sandbox::run(args).await,
        Command::Bench(command) => bench::run(command, cli.json).await,
    }
}
