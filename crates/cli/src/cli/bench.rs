//! The arguments of `chainsig bench`.

use chainsig_core::ChainId;
use clap::{Args, Subcommand};

use crate::chain::{ChainArgError, parse_chain};

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Run complete onboardings (customer, ownership proof, KYC, account, session key, active)
    /// against an in-process sandbox and compare the throughput with the crypto bound.
    #[command(
        after_help = "Prints flows/s, p50 / p99 latency, requests per flow, the crypto bound (the \
measured cost of the signatures and verifications the flows need, divided by the cores), \
achieved / bound = CPU busy x the bound's share of the CPU used, and peak RSS.\n\n\
Examples:\n  chainsig bench onboard --customers 1000 --concurrency 32\n  \
chainsig bench onboard --customers 1000 --concurrency 32 --wallets mixed --fault-rate 0.2\n  \
chainsig bench onboard --customers 10000 --concurrency 10000 --deployment-delay-ms 2000 --sandbox-process"
    )]
    Onboard(BenchArgs),
}

/// Which wallets the customers have: one chain's, or every registered chain's in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Wallets {
    /// Every customer on this chain.
    One(ChainId),
    /// Customer n on the (n mod chains)-th registered chain.
    Mixed,
}

/// `--wallets`: `mixed`, or a chain as `--chain` takes it (`evm`, `solana`, `tron`, CAIP-2).
fn parse_wallets(text: &str) -> Result<Wallets, ChainArgError> {
    if text == "mixed" {
        Ok(Wallets::Mixed)
    } else {
        parse_chain(text).map(Wallets::One)
    }
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Onboardings to run.
    #[arg(long, default_value_t = 500)]
    pub(crate) customers: usize,
    /// Onboardings in flight at once.
    #[arg(long, default_value_t = 32)]
    pub(crate) concurrency: usize,
    /// Fraction of requests the sandbox fails (500, 503, dropped connection, delay), 0 to 1.
    #[arg(long, default_value_t = 0.0, value_parser = super::parse_rate)]
    pub(crate) fault_rate: f64,
    /// Seed of the injected faults.
    #[arg(long, default_value_t = 1)]
    pub(crate) fault_seed: u64,
    /// The sandbox's account deployment delay, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(crate) deployment_delay_ms: u64,
    /// The customers' wallets: a chain (`evm`, `solana`, `tron`, or a CAIP-2 id), or `mixed`
    /// (every chain chainsig signs for, in turn).
    #[arg(long, value_parser = parse_wallets, default_value = "evm", value_name = "CHAIN|mixed")]
    pub(crate) wallets: Wallets,
    /// Keys in a PKCS#11 token instead of in memory: the token's URI (`pkcs11:token=LABEL`; the
    /// module and PIN from --pkcs11-module and --pin-env / --pin-file). The bench generates the
    /// request-signing key and up to 16 wallet keys in it (labelled `chainsig-bench-<run>-…`;
    /// customers share them in turn), and measures the crypto bound with the token's signatures.
    #[arg(long, value_name = "PKCS11_URI")]
    pub(crate) hsm: Option<String>,
    /// Run the sandbox as a child process (`chainsig sandbox`) instead of in this one: each side
    /// gets its own file-descriptor limit (needed for about 10 000 flows in flight), and the
    /// client's peak memory is reported apart from the sandbox's.
    #[arg(long)]
    pub(crate) sandbox_process: bool,
}
