//! `--chain` and the key flags that every signing command shares.

use std::path::PathBuf;

use chainsig_core::ChainId;
use clap::Args;

use crate::chain::parse_chain;

/// `--chain`.
#[derive(Debug, Args)]
pub(crate) struct ChainArg {
    /// CAIP-2 chain id (`eip155:<n>`, `solana:<genesis>`, `tron:27Lqcw`) or `evm` (= eip155:1),
    /// `solana` (= mainnet) or `tron` (= tron:27Lqcw).
    #[arg(long, value_parser = parse_chain, value_name = "CHAIN")]
    pub(crate) chain: ChainId,
}

/// Where the key comes from. Never a plain argument: arguments show up in `ps` and shell history.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct KeySource {
    /// File holding the key: EVM 0x-hex or keystore v3 JSON; Solana a solana-keygen JSON array.
    #[arg(long, value_name = "PATH")]
    pub(crate) key_file: Option<PathBuf>,
    /// Environment variable holding the key, in the same formats as --key-file.
    #[arg(long, value_name = "VAR")]
    pub(crate) key_env: Option<String>,
    /// A key in a PKCS#11 token (RFC 7512), e.g. pkcs11:token=custody;object=customer-42;type=private
    /// (module: --pkcs11-module; PIN: --pin-env or --pin-file, or the URI's pin-source).
    #[arg(long, value_name = "PKCS11_URI")]
    pub(crate) key_uri: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct KeyArgs {
    #[command(flatten)]
    pub(crate) source: KeySource,
    /// Environment variable holding the password of an EVM keystore v3 file.
    #[arg(long, value_name = "VAR")]
    pub(crate) password_env: Option<String>,
}
