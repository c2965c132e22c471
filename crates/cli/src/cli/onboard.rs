//! The arguments of `chainsig onboard`.

use std::path::PathBuf;

use chainsig_core::ChainId;
use clap::Args;

use super::settings::PolicyArgs;
use crate::chain::parse_chain;

/// `chainsig onboard`.
#[derive(Debug, Args)]
pub(crate) struct OnboardArgs {
    /// The customer's chain (CAIP-2, `evm`, `solana` or `tron`).
    #[arg(long, value_parser = parse_chain, value_name = "CHAIN", required_unless_present = "batch")]
    pub(crate) chain: Option<ChainId>,
    /// The customer's wallet key file (EVM 0x-hex, Solana solana-keygen JSON, Tron hex).
    #[arg(long, value_name = "PATH", required_unless_present_any = ["batch", "key_uri"], conflicts_with = "key_uri")]
    pub(crate) key_file: Option<PathBuf>,
    /// The customer's wallet key in a PKCS#11 token (pkcs11:token=…;object=…).
    #[arg(long, value_name = "PKCS11_URI")]
    pub(crate) key_uri: Option<String>,
    /// Your id for the customer.
    #[arg(long, value_name = "ID", required_unless_present = "batch")]
    pub(crate) external_id: Option<String>,
    /// Currency of the card account (ISO 4217).
    #[arg(long, default_value = "EUR")]
    pub(crate) currency: String,
    /// Approve KYC through the simulator (sandboxes only).
    #[arg(long)]
    pub(crate) simulate_kyc: bool,
    /// CSV file with the columns external_id,chain,key_file,currency (key files relative to it).
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["chain", "key_file", "key_uri", "external_id"])]
    pub(crate) batch: Option<PathBuf>,
    /// Rows onboarded at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) concurrency: u16,
    /// Journal of the batch (default: the CSV's path with `.journal` appended).
    #[arg(long, value_name = "PATH")]
    pub(crate) journal: Option<PathBuf>,
    /// Longest wait for KYC approval and for the account's deployment, in seconds.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub(crate) wait: u64,
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
}
