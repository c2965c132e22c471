//! `chainsig bench onboard`: complete onboardings against an in-process sandbox, measured against
//! the cost of the cryptography they cannot avoid and against the bare loopback HTTP floor.

use std::process::ExitCode;

use crate::cli::BenchCommand;
use crate::error::CliError;

mod backend;
mod cpu;
mod crypto;
mod floor;
mod keys;
mod onboard;
mod report;
mod sandbox_process;
mod wallets;

pub(crate) async fn run(command: BenchCommand, json_output: bool) -> Result<ExitCode, CliError> {
    let BenchCommand::Onboard(args) = command;
    if args.customers == 0 || args.concurrency == 0 {
        return Err(CliError::input(
            "--customers and --concurrency must be at least 1",
        ));
    }
    onboard::onboard(args, json_output).await
}
