//! The command-line contract: every argument type, in one place (this file and `cli/`). Other
//! tools call it: change it only compatibly.

mod bench;
mod challenge;
mod credentials;
mod customer;
mod key;
mod onboard;
mod settings;
mod signing_key;
mod webhooks;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub(crate) use bench::{BenchArgs, BenchCommand, Wallets};
pub(crate) use challenge::{ChallengeCommand, Target};
pub(crate) use credentials::{CredentialsCommand, RotateArgs};
pub(crate) use customer::CustomerCommand;
pub(crate) use key::{ChainArg, KeyArgs, KeySource};
pub(crate) use onboard::OnboardArgs;
pub(crate) use settings::{ApiArgs, HsmArgs, PolicyArgs};
pub(crate) use signing_key::SigningKeyCommand;
pub(crate) use webhooks::WebhooksCommand;

const EXAMPLES: &str = "\
Examples:
  chainsig sandbox --listen 127.0.0.1:8411          # a local OffBlocks API; prints what to export
  chainsig signing-key new --out signing-key.pem
  chainsig onboard --chain evm --key-file customer.key --external-id c-42 --simulate-kyc
  chainsig onboard --batch customers.csv --concurrency 16 --simulate-kyc
  chainsig challenge inspect NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj
  chainsig keygen --chain evm --out customer.key
  chainsig address --chain evm --key-file customer.key
  chainsig sign --chain evm --key-file customer.key --challenge aGVsbG8=
  chainsig sign --chain solana --key-file id.json --challenge-file challenge.b64
  chainsig keygen --chain tron --out tron.key
  chainsig verify --chain evm --account 0x8facB46919Ee73D84F1641E74C5fBB63647fCF3E \\
      --challenge aGVsbG8= --signature 0x…

Settings for the API commands come from OFFBLOCKS_BASE_URL, OFFBLOCKS_API_KEY,
OFFBLOCKS_API_SECRET, OFFBLOCKS_SIGNING_KEY_FILE and OFFBLOCKS_KEY_ID (or the flags below).

Exit codes: 0 success, 1 verification or flow failure, 2 usage or input error,
3 network or API error.";

/// Sign and verify OffBlocks challenges with EVM, Solana and Tron keys.
#[derive(Debug, Parser)]
#[command(name = "chainsig", version, about, after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Print JSON instead of text (sign, verify, address and keygen always print JSON).
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) api: ApiArgs,
    #[command(flatten)]
    pub(crate) hsm: HsmArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write a new key file (mode 0600; never overwrites) and print its account.
    #[command(after_help = "Example:\n  chainsig keygen --chain solana --out id.json")]
    Keygen(KeygenArgs),
    /// Print the account of a key: {"account": "<CAIP-10>", "address": "<address>"}.
    #[command(after_help = ADDRESS_HELP)]
    Address(AddressArgs),
    /// Sign a base64 challenge with a key; prints the signature as JSON.
    #[command(after_help = SIGN_HELP)]
    Sign(SignArgs),
    /// Verify a signature over a base64 challenge: {"valid": true|false}, exit 0 or 1.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Onboard a customer (or a CSV batch): prove wallet ownership, KYC, open a card account.
    #[command(after_help = ONBOARD_HELP)]
    Onboard(OnboardArgs),
    /// Inspect, fetch or sign challenges.
    #[command(subcommand, after_help = CHALLENGE_HELP)]
    Challenge(ChallengeCommand),
    /// Create, register or remove the P-384 request-signing key.
    #[command(subcommand, name = "signing-key", after_help = SIGNING_KEY_HELP)]
    SigningKey(SigningKeyCommand),
    /// Rotate or revoke the API key and secret.
    #[command(subcommand, after_help = CREDENTIALS_HELP)]
    Credentials(CredentialsCommand),
    /// Change a customer: deactivate.
    #[command(subcommand, after_help = CUSTOMER_HELP)]
    Customer(CustomerCommand),
    /// Run a local OffBlocks-compatible API that checks every signature; prints
    /// {"baseUrl", "apiKey", "apiSecret"} and serves until Ctrl-C or SIGTERM.
    #[command(after_help = SANDBOX_HELP)]
    Sandbox(SandboxArgs),
    /// Measure complete onboardings against an in-process sandbox.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Subscribe to OffBlocks webhooks (register) and receive them (listen).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
}

const ADDRESS_HELP: &str = "\
Example:
  chainsig address --chain eip155:324 --key-file customer.key";

const SIGN_HELP: &str = "\
Example:
  chainsig sign --chain evm --key-file customer.key --challenge aGVsbG8=";

const VERIFY_HELP: &str = "\
Example:
  chainsig verify --chain solana --account 7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv \\
      --challenge aGVsbG8= --signature <base64>";

const ONBOARD_HELP: &str = "\
Examples:
  chainsig onboard --chain evm --key-file customer.key --external-id c-42 --simulate-kyc
  chainsig onboard --batch customers.csv --concurrency 16 --simulate-kyc

The CSV has the columns external_id,chain,key_file,currency. A journal next to it
(FILE.csv.journal) records each row's progress: run the same command again after an
interruption and it finishes the batch without creating anything twice.
On a terminal a batch shows a progress bar and a summary; otherwise (or with --json) it
prints one JSON line per row ({\"line\", \"externalId\", \"status\": \"done\"|\"failed\",
\"alreadyDone\", \"accountId\", \"error\", …}) and a last {\"summary\": …} line. A bad row is
reported with its line number and the batch goes on; the exit code is 1 if any row failed.";

const CHALLENGE_HELP: &str = "\
Examples:
  chainsig challenge inspect NWRmMzU5ZjAtZDI5OS00MGExLTgwMjMtMTdjNzdhNTAxNDRj
  chainsig challenge fetch --account 6f1c…
  chainsig challenge sign --account 6f1c… --chain evm --key-file customer.key";

const SIGNING_KEY_HELP: &str = "\
Examples:
  chainsig signing-key new --out signing-key.pem
  chainsig signing-key register --key-file signing-key.pem
  chainsig signing-key remove";

const CREDENTIALS_HELP: &str = "\
Examples:
  chainsig credentials rotate --new-api-key 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b --new-secret-file new-secret
  chainsig credentials revoke --yes";

const CUSTOMER_HELP: &str = "\
Example:
  chainsig customer deactivate 04c5851c-4386-5bd9-a4a7-3b6e1f0d2c11";

const SANDBOX_HELP: &str = "\
Prints one JSON line on stdout at start: {\"baseUrl\": …, \"apiKey\": …, \"apiSecret\": …},
then on stderr the variables to export (OFFBLOCKS_BASE_URL, OFFBLOCKS_API_KEY,
OFFBLOCKS_API_SECRET) unless --quiet. Stops cleanly on Ctrl-C or SIGTERM, and then prints a
last JSON line: {\"stopped\": true, \"counters\": {\"requests\", \"replays\", …}, \"peakRssKiB\"}.
State is in memory.

--api-key / --api-secret are plain arguments (visible in `ps` and shell history) only because
they are throwaway credentials of a local sandbox; never pass real OffBlocks credentials here.

Examples:
  chainsig sandbox
  chainsig sandbox --listen 127.0.0.1:0 --quiet
  chainsig sandbox --fault-rate 0.2 --fault-seed 7 --deployment-delay-ms 1000
  chainsig sandbox --listen 0.0.0.0:8411 --authority localhost:9000   # behind `-p 9000:8411`";

#[derive(Debug, Args)]
#[group(id = "keygen_target", required = true, multiple = false, args = ["out", "key_uri"])]
pub(crate) struct KeygenArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArg,
    /// Where to write the new key file.
    #[arg(long, value_name = "PATH")]
    pub(crate) out: Option<PathBuf>,
    /// Generate the key inside a PKCS#11 token instead (sensitive, not extractable), labelled by
    /// the URI's object=.
    #[arg(long, value_name = "PKCS11_URI")]
    pub(crate) key_uri: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct AddressArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArg,
    #[command(flatten)]
    pub(crate) key: KeyArgs,
}

#[derive(Debug, Args)]
#[group(id = "challenge_source", required = true, multiple = false, args = ["challenge", "challenge_file"])]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArg,
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// The challenge as the API sent it: standard base64 with padding.
    #[arg(long, value_name = "B64")]
    pub(crate) challenge: Option<String>,
    /// File holding the base64 challenge, or `-` for standard input.
    #[arg(long, value_name = "PATH")]
    pub(crate) challenge_file: Option<PathBuf>,
    /// Solana: sign bytes shaped like a transaction or an off-chain message (refused by default).
    #[arg(long)]
    pub(crate) allow_transaction_shaped: bool,
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) chain: ChainArg,
    /// The signer: an address (0x… or base58) or a CAIP-10 account id.
    #[arg(long, value_name = "ADDRESS_OR_CAIP10")]
    pub(crate) account: String,
    /// The challenge as the API sent it: standard base64 with padding.
    #[arg(long, value_name = "B64")]
    pub(crate) challenge: String,
    /// The signature: base64, 0x-hex (or bare hex, or base58 for Solana).
    #[arg(long, value_name = "B64_OR_0xHEX")]
    pub(crate) signature: String,
}

/// The default address of `chainsig sandbox`: loopback, a fixed port people can put in a config.
pub(crate) const SANDBOX_DEFAULT_LISTEN: &str = "127.0.0.1:8411";

#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port (the JSON line tells which).
    #[arg(long, value_name = "ADDR", default_value = SANDBOX_DEFAULT_LISTEN)]
    pub(crate) listen: std::net::SocketAddr,
    /// The HOST[:PORT] clients reach the sandbox by, when not the listening address (a port
    /// mapping, a plain-HTTP proxy): request signatures are verified for it (never for the
    /// request's Host header), challenges and the base URL name it.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub(crate) authority: Option<String>,
    /// API key clients exchange for a token (generated, a UUID, when absent). Throwaway only.
    #[arg(long, value_name = "K")]
    pub(crate) api_key: Option<String>,
    /// API secret (generated when absent). Throwaway only: arguments are visible to other users.
    #[arg(long, value_name = "S")]
    pub(crate) api_secret: Option<String>,
    /// Fraction of requests that get an injected fault (500, 503, dropped connection, delay).
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    pub(crate) fault_rate: f64,
    /// Seed of the fault generator: the same seed and requests meet the same faults.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) fault_seed: u64,
    /// Time an account spends in `pending` before `active`, in milliseconds (default 200).
    #[arg(long, value_name = "N")]
    pub(crate) deployment_delay_ms: Option<u64>,
    /// Deliver webhooks to callback URLs on any host. By default only loopback callbacks are
    /// accepted, so that whoever can reach the sandbox cannot make it call out.
    #[arg(long)]
    pub(crate) webhooks_any_host: bool,
    /// Print only the JSON line (nothing on stderr).
    #[arg(long)]
    pub(crate) quiet: bool,
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!(
            "the fault rate must be between 0 and 1, not {rate}"
        ))
    }
}
