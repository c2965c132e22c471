//! Onboarding one customer end to end (customer, ownership proof, KYC, account), with or
//! without a journal: the one path `onboard` takes for a single customer and for each batch row.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chainsig_api::{
    Account, AccountStatus, Client, CreateAccount, CustomerStatus, Error as ApiError, FlowEvent,
    FlowOptions,
};
use chainsig_core::{ChainId, ChallengeSigner};
use uuid::Uuid;

use crate::cli::OnboardArgs;
use crate::error::CliError;
use crate::journal::{Entry, Journal, Stage};
use crate::policy::Guard;

/// One customer to onboard.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) line: usize,
    pub(crate) external_id: String,
    pub(crate) chain: ChainId,
    pub(crate) key_file: PathBuf,
    pub(crate) currency: String,
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
    let row_entry = Entry::new(
        &row.external_id,
        &row.chain.to_string(),
        row.line,
        options.seed,
        Stage::Started,
    );
    let entry = move |stage, customer_id: Option<&str>, account_id: Option<&str>| {
        row_entry.at(stage, customer_id, account_id)
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
