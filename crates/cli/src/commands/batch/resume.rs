//! One row, resumed from the journal: its binding and any account it names checked first.

use std::sync::Arc;

use chainsig_api::{Account, Client, FlowOptions};
use chainsig_core::AccountId;
use uuid::Uuid;

use crate::error::{CliError, printable};
use crate::journal::{Entry, Journal, Stage};
use crate::keys::load_signer_file;
use crate::onboarding::{Row, onboard_row};

/// A row done: now, or by an earlier run (per the journal, checked against the API).
pub(super) enum RowDone {
    Now(Account),
    Earlier(String),
}

/// Checks what the journal recorded of `row` against the row as it is now: the same wallet (the
/// key file's) and the same currency, or an error that says what changed. A journal's progress
/// is never used for another wallet or another currency.
pub(super) fn check_binding(
    previous: &Entry,
    row: &Row,
    wallet: &AccountId,
) -> Result<(), CliError> {
    let start_over = "restore the row as it was, or give --journal a new path (or remove the \
                      journal) to start the batch over";
    let recorded = previous.wallet.as_deref().ok_or_else(|| {
        CliError::with_hint(
            format!(
                "line {}: the journal binds no wallet to external id `{}`",
                row.line, row.external_id
            ),
            start_over,
        )
    })?;
    let same_wallet = recorded
        .parse::<AccountId>()
        .is_ok_and(|recorded| recorded.same_address(wallet) && recorded.chain() == wallet.chain());
    if !same_wallet {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the key file {} now holds the wallet {wallet}, but the journal recorded \
                 {recorded} for external id `{}`: the key file changed since that run",
                row.line,
                row.key_file.display(),
                row.external_id
            ),
            hint: Some(start_over.to_owned()),
        });
    }
    if let Some(currency) = previous.currency.as_deref()
        && currency != row.currency
    {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the currency of external id `{}` is now {}, but the journal recorded \
                 {currency}: the CSV changed since that run",
                row.line, row.external_id, row.currency
            ),
            hint: Some(start_over.to_owned()),
        });
    }
    Ok(())
}

/// Checks the account the journal recorded for `row` on the API before it is trusted: it must
/// exist, belong to the journal's customer (when it recorded one), in the row's currency, and
/// that customer must be the row's (its external id and its wallet). Returns the account.
pub(super) async fn check_journal_account(
    client: &Client,
    previous: &Entry,
    account_id: &str,
    row: &Row,
    wallet: &AccountId,
) -> Result<Account, CliError> {
    let refused = |why: String| CliError::Failed {
        message: format!(
            "line {}: the journal's account {} for external id `{}` {why}; refusing to use it",
            row.line,
            printable(account_id),
            row.external_id
        ),
        hint: Some(
            "the journal was changed, or belongs to another batch: give --journal a new path \
             (or remove the journal) to start over"
                .to_owned(),
        ),
    };
    let account = match client.get_account(account_id).await {
        Ok(account) => account,
        Err(chainsig_api::Error::Api(e)) if e.status.as_u16() == 404 => {
            return Err(refused("does not exist on the API".to_owned()));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(customer_id) = &previous.customer_id
        && &account.customer_id != customer_id
    {
        return Err(refused(format!(
            "belongs to customer {}, not to the journal's customer {}",
            printable(&account.customer_id),
            printable(customer_id)
        )));
    }
    if !account.currencies.iter().any(|c| c == &row.currency) {
        return Err(refused(format!(
            "is in {}, not {}",
            printable(&account.currencies.join(",")),
            row.currency
        )));
    }
    let customer = client.get_customer(&account.customer_id).await?;
    if customer.external_id != row.external_id {
        return Err(refused(format!(
            "belongs to the customer with external id `{}`",
            printable(&customer.external_id)
        )));
    }
    if !customer
        .account_id()
        .is_ok_and(|a| a.same_address(wallet) && a.chain() == wallet.chain())
    {
        return Err(refused(format!(
            "belongs to the wallet {}, not to the row's {wallet}",
            printable(&customer.chain_id)
        )));
    }
    Ok(account)
}

/// One row, from its key to its active account: the journal's record of it checked (binding,
/// then any account it names) before anything in it is used.
pub(super) async fn run_row(
    client: &Client,
    journal: &Arc<Journal>,
    row: &Row,
    options: &FlowOptions,
    simulate_kyc: bool,
) -> Result<RowDone, CliError> {
    let signer = load_signer_file(&row.chain, &row.key_file)?;
    let wallet = signer.account().clone();
    let chain = row.chain.to_string();
    let previous = match journal.row(&row.external_id, &chain) {
        Some(previous) => {
            check_binding(&previous, row, &wallet)?;
            previous
        }
        None => {
            // The seed, the wallet and the currency are on disk before any request that depends
            // on them goes out.
            let started = Entry {
                wallet: Some(wallet.to_string()),
                currency: Some(row.currency.clone()),
                ..Entry::new(
                    &row.external_id,
                    &chain,
                    row.line,
                    Uuid::new_v4(),
                    Stage::Started,
                )
            };
            journal.record(&started)?;
            started
        }
    };
    if let Some(account_id) = &previous.account_id {
        let account = check_journal_account(client, &previous, account_id, row, &wallet).await?;
        if previous.stage == Stage::Done {
            return Ok(RowDone::Earlier(account.id));
        }
    } else if previous.stage == Stage::Done {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the journal says external id `{}` is done but names no account",
                row.line, row.external_id
            ),
            hint: Some("give --journal a new path (or remove the journal) to start over".into()),
        });
    }
    let options = options.clone().with_seed(previous.seed);
    onboard_row(
        client,
        signer.as_ref(),
        row,
        simulate_kyc,
        &options,
        Some((journal.clone(), Some(&previous))),
    )
    .await
    .map(RowDone::Now)
}
