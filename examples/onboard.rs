//! Onboard one customer end to end against whatever API the environment names: OffBlocks'
//! hosted sandbox, production, `chainsig sandbox`, or anything that speaks the API. Prints the
//! final account as JSON on stdout; progress goes to stderr; exits non-zero with a message on
//! failure.
//!
//! ```text
//! OFFBLOCKS_BASE_URL=https://api.sandbox.offblocks.xyz/v1 \
//! OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… \
//! OFFBLOCKS_SIGNING_KEY_FILE=request-key.pem \
//! CHAINSIG_CHAIN=evm CHAINSIG_KEY_FILE=wallet.key OFFBLOCKS_SIMULATE_KYC=1 \
//! cargo run --example onboard
//! ```
//!
//! | variable                     | meaning                                                          |
//! |------------------------------|------------------------------------------------------------------|
//! | `OFFBLOCKS_BASE_URL`         | the API, with `/v1` (`http://` for loopback only)                 |
//! | `OFFBLOCKS_API_KEY`          | API key                                                          |
//! | `OFFBLOCKS_API_SECRET`       | API secret                                                       |
//! | `OFFBLOCKS_SIGNING_KEY_FILE` | the P-384 request-signing private key, PEM (PKCS#8 or SEC1)      |
//! | `OFFBLOCKS_KEY_ID`           | its key id; when unset the key is registered first and the id is printed on stderr |
//! | `CHAINSIG_CHAIN`             | `evm` (`eip155:1`), `solana` (mainnet), `tron` (mainnet) or a CAIP-2 chain id |
//! | `CHAINSIG_KEY_FILE`          | the customer's key, in any format its chain's registry entry reads (EVM 0x-hex or keystore v3, Solana `solana-keygen` JSON or base58, Tron hex or keystore v3) |
//! | `CHAINSIG_KEY_PASSWORD`      | the keystore's password (keystore v3 files only)                |
//! | `OFFBLOCKS_SIMULATE_KYC`     | `1`: approve KYC through the simulator (sandboxes only)           |
//! | `CHAINSIG_EXTERNAL_ID`       | your id for the customer (default `chainsig-<address>`)          |
//! | `CHAINSIG_CURRENCY`          | the account's currency (default `EUR`)                           |
//!
//! Running it again is safe: the flow's idempotency keys are derived from the API, the wallet and
//! the external id, so within the API's idempotency window (1 hour) a second run repeats the same
//! requests and ends with the same account, and later it finds the existing customer.

use std::error::Error;
use std::fmt;
use std::process::ExitCode;
use std::sync::Arc;

use chainsig::ChallengeSigner;
use chainsig::api::{
    Account, Client, CreateAccount, CustomerStatus, FlowEvent, FlowOptions, IdempotencyKey,
};
use chainsig::core::KeyOptions;
use chainsig::httpsig::P384SigningKey;
use uuid::Uuid;

#[tokio::main]
async fn main() -> ExitCode {
    match run(|name| std::env::var(name).ok()).await {
        Ok(account) => match serde_json::to_string_pretty(&account) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("onboard: cannot print the account: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("onboard: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A failure, said for a person.
#[derive(Debug)]
pub(crate) struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for Failure {}

fn fail(message: impl Into<String>) -> Failure {
    Failure(message.into())
}

/// Runs the whole flow with the variables `var` looks up (the process environment in `main`).
pub(crate) async fn run(var: impl Fn(&str) -> Option<String>) -> Result<Account, Failure> {
    let optional = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let required = |name: &str| optional(name).ok_or_else(|| fail(format!("{name} is not set")));

    let base_url = required("OFFBLOCKS_BASE_URL")?;
    let api_key = required("OFFBLOCKS_API_KEY")?;
    let api_secret = required("OFFBLOCKS_API_SECRET")?;
    let signing_key_file = required("OFFBLOCKS_SIGNING_KEY_FILE")?;
    let chain = required("CHAINSIG_CHAIN")?;
    let key_file = required("CHAINSIG_KEY_FILE")?;

    // The request-signing key. Errors name the file, never its content.
    let pem = read(&signing_key_file, "OFFBLOCKS_SIGNING_KEY_FILE")?;
    let request_key = P384SigningKey::from_pem(&pem).map_err(|e| {
        fail(format!(
            "OFFBLOCKS_SIGNING_KEY_FILE ({signing_key_file}) is not a P-384 private key: {e}"
        ))
    })?;
    let public_key = request_key.public_key_pem();

    // The customer's wallet.
    let signer = wallet(
        &chain,
        &key_file,
        optional("CHAINSIG_KEY_PASSWORD").as_deref(),
    )?;
    let external_id = optional("CHAINSIG_EXTERNAL_ID")
        .unwrap_or_else(|| format!("chainsig-{}", signer.account().address()));
    let currency = optional("CHAINSIG_CURRENCY").unwrap_or_else(|| "EUR".to_owned());
    let simulate_kyc = optional("OFFBLOCKS_SIMULATE_KYC").is_some_and(|v| v.trim() == "1");

    let mut builder = Client::builder()
        .base_url(&base_url)
        .credentials(api_key, api_secret)
        .signing_key(request_key);
    let key_id = optional("OFFBLOCKS_KEY_ID");
    if let Some(key_id) = &key_id {
        builder = builder.key_id(key_id);
    }
    let client = builder
        .build()
        .map_err(|e| fail(format!("OFFBLOCKS_BASE_URL: {e}")))?;
    if key_id.is_none() {
        let key_id = client
            .register_signing_key(&public_key)
            .await
            .map_err(|e| fail(format!("registering the request-signing key: {e}")))?;
        eprintln!("registered the request-signing key; set OFFBLOCKS_KEY_ID={key_id} to reuse it");
    }

    // One seed per (API, wallet, external id): a re-run repeats the same requests.
    let seed = Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("{base_url}#{}#{external_id}", signer.account()).as_bytes(),
    );
    let options = FlowOptions::default()
        .with_seed(seed)
        .on_event(|event| eprintln!("{}", describe(event)));

    eprintln!("onboarding {} as `{external_id}`", signer.account());
    let customer = client
        .onboard_customer(signer.as_ref(), &external_id, &options)
        .await
        .map_err(|e| fail(format!("proving wallet ownership: {e}")))?;

    let mut status = customer.status.clone();
    if simulate_kyc
        && matches!(
            status,
            CustomerStatus::Screening | CustomerStatus::Verifying
        )
    {
        client
            .simulator_verify(
                &customer.id,
                IdempotencyKey::derive(seed, &format!("simulator/verify/{}", customer.id)),
            )
            .await
            .map_err(|e| fail(format!("approving KYC through the simulator: {e}")))?;
        status = client
            .get_customer(&customer.id)
            .await
            .map_err(|e| fail(format!("reading the customer: {e}")))?
            .status;
        eprintln!("KYC approved through the simulator");
    }
    if status != CustomerStatus::Active {
        return Err(fail(format!(
            "customer {} is {status}: an account needs an active customer; wait for KYC and \
             run again, or on a sandbox set OFFBLOCKS_SIMULATE_KYC=1",
            customer.id
        )));
    }

    client
        .open_account(
            &customer.id,
            signer.as_ref(),
            &CreateAccount::card(currency),
            &options,
        )
        .await
        .map_err(|e| fail(format!("opening the account: {e}")))
}

fn read(path: &str, variable: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| fail(format!("{variable}: cannot read {path}: {e}")))
}

/// The customer's signer for `chain` (a shorthand such as `evm`, `solana`, `tron`, or a CAIP-2
/// id) from the key file, through the chain registry: every chain the build supports, no list here.
fn wallet(
    chain: &str,
    key_file: &str,
    password: Option<&str>,
) -> Result<Arc<dyn ChallengeSigner>, Failure> {
    let chains = chainsig::chains();
    let chain = chains.parse_chain(chain.trim()).map_err(|e| {
        fail(format!(
            "CHAINSIG_CHAIN must be one of {} or a CAIP-2 id of those: {e}",
            chains.shorthands()
        ))
    })?;
    let keys = chains
        .for_chain(&chain)
        .ok()
        .and_then(|entry| entry.keys())
        .ok_or_else(|| fail(format!("CHAINSIG_CHAIN: no key files for `{chain}`")))?;
    let text = read(key_file, "CHAINSIG_KEY_FILE")?;
    keys.load(
        &chain,
        &text,
        KeyOptions::default().with_password(password.map(str::as_bytes)),
    )
    .map_err(|e| fail(format!("CHAINSIG_KEY_FILE ({key_file}): {e}")))
}

fn describe(event: &FlowEvent) -> String {
    match event {
        FlowEvent::CustomerCreated {
            customer_id,
            status,
            resumed,
        } => format!(
            "customer {customer_id} {} ({status})",
            if *resumed { "found" } else { "created" }
        ),
        FlowEvent::AccountCreated {
            account_id,
            status,
            resumed,
        } => format!(
            "account {account_id} {} ({status})",
            if *resumed { "found" } else { "created" }
        ),
        FlowEvent::ChallengeReceived { subject, round, .. } => {
            format!("signing the challenge for {subject} (round {round})")
        }
        FlowEvent::SignatureAccepted { subject, .. } => format!("signature for {subject} accepted"),
        FlowEvent::SignatureRejected {
            subject, reason, ..
        } => format!("signature for {subject} rejected: {reason}"),
        FlowEvent::Waiting { account_id, status } => format!("account {account_id} is {status}…"),
        FlowEvent::Completed { flow } => format!("{flow} done"),
        other => format!("{other:?}"),
    }
}
