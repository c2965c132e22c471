//! `chainsig`: sign and verify OffBlocks challenges from the command line.
//!
//! Exit codes: 0 success, 1 verification or flow failure, 2 usage or input error, 3 network or
//! API error.

// The arguments' doc comments are the --help text, written for a terminal (`<CAIP-10>`,
// `HOST[:PORT]`), and the binary is not documented (`doc = false` in Cargo.toml).
#![allow(rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]

mod api_config;
mod chain;
mod cli;
mod commands;
mod error;
mod hsm;
mod input;
mod journal;
mod keys;
mod onboarding;
mod output;
mod policy;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    // One runtime for the whole process; commands are async functions run on it.
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| error::CliError::input(format!("cannot start the async runtime: {e}")))
        .and_then(|runtime| runtime.block_on(commands::run(cli)));
    match result {
        Ok(code) => code,
        Err(err) => {
            // Errors may quote the API: nothing in them may act on the terminal.
            eprintln!("error: {}", error::printable(&err.to_string()));
            if let Some(hint) = err.hint() {
                eprintln!("hint: {}", error::printable(hint));
            }
            err.exit_code()
        }
    }
}
