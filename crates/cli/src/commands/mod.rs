//! One module per subcommand.

mod address;
pub(crate) mod batch;
pub(crate) mod bench;
pub(crate) mod challenge;
mod keygen;
pub(crate) mod onboard;
mod sandbox;
mod sign;
pub(crate) mod signing_key;
mod verify;
pub(crate) mod webhooks;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::CliError;

/// Runs the parsed command; the exit code on success may still be 1 (`verify` of a bad signature).
pub(crate) fn run(cli: Cli) -> Result<ExitCode, CliError> {
    crate::hsm::configure(&cli.hsm);
    match cli.command {
        Command::Keygen(args) => keygen::run(args),
        Command::Address(args) => address::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Onboard(args) => onboard::run(args, &cli.api, cli.json),
        Command::Challenge(command) => challenge::run(command, &cli.api, cli.json),
        Command::SigningKey(command) => signing_key::run(command, &cli.api, cli.json),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Bench(command) => bench::run(command, cli.json),
        Command::Webhooks(command) => webhooks::run(command, &cli.api, cli.json),
    }
}

/// Prints one JSON object on stdout.
fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// This process's peak resident set size (`VmHWM`), where procfs has it (Linux).
fn peak_rss_kib() -> Option<u64> {
    peak_rss_kib_of("self")
}

/// The peak resident set size of process `pid` (`"self"` for this one), from procfs.
fn peak_rss_kib_of(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
