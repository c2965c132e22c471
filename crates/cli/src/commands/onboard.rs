//! `chainsig onboard`: one customer from flags, or a batch from a CSV file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chainsig_api::{
    Account, AccountStatus, Client, CreateAccount, CustomerStatus, Error as ApiError, FlowEvent,
    FlowOptions,
};
use chainsig_core::{ChainId, ChallengeSigner};
use clap::Args;
use uuid::Uuid;

use crate::api_config::ApiArgs;
use crate::chain::parse_chain;
use crate::error::CliError;
use crate::journal::{Entry, Journal, Stage};
use crate::keys::load_signer_file;
use crate::policy::Guard;

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
    pub(crate) policy: crate::policy::PolicyArgs,
}

/// One customer to onboard.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) line: usize,
    pub(crate) external_id: String,
    pub(crate) chain: ChainId,
    pub(crate) key_file: PathBuf,
    pub(crate) currency: String,
}

pub(crate) fn run(
    args: OnboardArgs,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    if let Some(csv) = &args.batch {
        return runtime.block_on(super::batch::run(csv, &args, api, json_output));
    }
    // A key URI travels as the row's key "file", as in a batch's key_file column.
    let key_file = args
        .key_file
        .clone()
        .or_else(|| args.key_uri.clone().map(PathBuf::from));
    let (Some(chain), Some(key_file), Some(external_id)) =
        (&args.chain, &key_file, &args.external_id)
    else {
        return Err(CliError::input(
            "give --chain, --key-file and --external-id, or --batch FILE.csv",
        ));
    };
    let row = Row {
        line: 0,
        external_id: external_id.clone(),
        chain: chain.clone(),
        key_file: key_file.clone(),
        currency: args.currency.clone(),
    };
    let signer = load_signer_file(&row.chain, &row.key_file)?;
    let guard = args.policy.load()?;
    runtime.block_on(async {
        let client = api.client().await?;
        let options = flow_options(&args, Uuid::new_v4(), &guard);
        let account = onboard_row(
            &client,
            signer.as_ref(),
            &row,
            args.simulate_kyc,
            &options,
            None,
        )
        .await?;
        if json_output {
            println!("{}", serde_json::to_string(&account).unwrap_or_default());
        } else {
            // The server's words: sanitized before they reach the terminal.
            let p = |text: &str| crate::error::printable(text).into_owned();
            println!("customer {} onboarded", p(&row.external_id));
            println!("customer   {}", p(&account.customer_id));
            println!("account    {}", p(&account.id));
            println!("status     {}", p(account.status.as_str()));
            println!("currencies {}", p(&account.currencies.join(",")));
            println!(
                "chainId    {}",
                p(account.chain_id.as_deref().unwrap_or("-"))
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// The flows' options for one row: its seed, the wait, and the run's policy and audit trail.
pub(crate) fn flow_options(args: &OnboardArgs, seed: Uuid, guard: &Guard) -> FlowOptions {
    let mut options = FlowOptions::default().with_seed(seed);
    options.poll_deadline = Duration::from_secs(args.wait);
    guard.apply(options)
}

/// Onboards one customer end to end, recording progress in `journal` when given: customer and
/// ownership proof, KYC (simulated on request), then the account, signed and active.
pub(crate) async fn onboard_row(
    client: &Client,
    signer: &dyn ChallengeSigner,
    row: &Row,
    simulate_kyc: bool,
    options: &FlowOptions,
    journal: Option<(Arc<Journal>, Option<&Entry>)>,
) -> Result<Account, CliError> {
    let entry = {
        let (external_id, chain, line, seed) = (
            row.external_id.clone(),
            row.chain.to_string(),
            row.line,
            options.seed,
        );
        move |stage, customer_id: Option<&str>, account_id: Option<&str>| Entry {
            external_id: external_id.clone(),
            chain: chain.clone(),
            line,
            seed,
            stage,
            customer_id: customer_id.map(str::to_owned),
            account_id: account_id.map(str::to_owned),
            error: None,
            // Bound by the row's first entry (the batch's `Started`).
            wallet: None,
            currency: None,
        }
    };
    let previous = journal.as_ref().and_then(|(_, previous)| *previous);
    let journal = journal.map(|(journal, _)| journal);
    let record = |e: Entry| match &journal {
        Some(journal) => journal.record(&e),
        None => Ok(()),
    };
    // The ids go into the journal the moment the flow learns them, before it signs anything:
    // a run stopped after that point resumes these very entities.
    let options = match &journal {
        Some(journal) => {
            let (journal, entry, customer) = (
                journal.clone(),
                entry.clone(),
                Arc::new(std::sync::Mutex::new(None::<String>)),
            );
            options.clone().on_event(move |event| {
                let mut customer = customer.lock().unwrap_or_else(|e| e.into_inner());
                let recorded = match event {
                    FlowEvent::CustomerCreated { customer_id, .. } => {
                        *customer = Some(customer_id.clone());
                        journal.record(&entry(Stage::Customer, Some(customer_id), None))
                    }
                    FlowEvent::AccountCreated { account_id, .. } => journal.record(&entry(
                        Stage::Account,
                        customer.as_deref(),
                        Some(account_id),
                    )),
                    _ => Ok(()),
                };
                // A journal that cannot be written is reported when the row ends (below).
                drop(recorded);
            })
        }
        None => options.clone(),
    };
    let options = &options;

    let customer = client
        .onboard_customer(signer, &row.external_id, options)
        .await?;
    record(entry(Stage::Customer, Some(&customer.id), None))?;

    if customer.status != CustomerStatus::Active {
        if simulate_kyc
            && matches!(
                customer.status,
                CustomerStatus::Screening | CustomerStatus::Verifying
            )
        {
            match client
                .simulator_verify(&customer.id, options.key("customer/kyc"))
                .await
            {
                Ok(()) => {}
                // Decided already (e.g. by an earlier run): the wait below tells how.
                Err(ApiError::Api(e)) if e.status.as_u16() == 409 => {}
                Err(e) => return Err(e.into()),
            }
        }
        client
            .wait_for_customer(&customer.id, CustomerStatus::Active, options)
            .await?;
    }

    // An account from an earlier run (of this row, or of `onboard` for this customer) is
    // finished, never duplicated: the journal's, or an open one in the same currency.
    let earlier = match previous.and_then(|p| p.account_id.clone()) {
        Some(id) => Some(id),
        None => client
            .list_customer_accounts(&customer.id)
            .await?
            .into_iter()
            .find(|a| {
                matches!(
                    a.status,
                    AccountStatus::Initiating | AccountStatus::Pending | AccountStatus::Active
                ) && a.currencies.iter().any(|c| c == &row.currency)
            })
            .map(|a| a.id),
    };
    let account = match earlier {
        Some(id) => client.resume_account(&id, signer, options).await?,
        None => {
            client
                .open_account(
                    &customer.id,
                    signer,
                    &CreateAccount::card(row.currency.clone()),
                    options,
                )
                .await?
        }
    };
    record(entry(Stage::Done, Some(&customer.id), Some(&account.id)))?;
    Ok(account)
}

/// The default journal path: the CSV's path with `.journal` appended.
pub(crate) fn default_journal(csv: &Path) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}
