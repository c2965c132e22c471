//! Opening and closing accounts: the session-key and deletion challenges, and waiting for the
//! on-chain deployment.

use std::time::Instant;

use chainsig_core::{AccountId, ChallengePurpose, ChallengeSigner};

use super::events::FlowEvent;
use super::options::FlowOptions;
use super::sign_loop::{ChallengeSubject, sign_until_accepted};
use super::wait::Waiter;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{Account, AccountStatus, CreateAccount, Customer, CustomerStatus};
use crate::webhooks::WebhookType;

impl Client {
    /// Opens an account for an active customer: creates it, signs the session-key challenge
    /// with `signer` (the customer's wallet), submits it, and waits (bounded) until the account
    /// is `active`. Returns the final account, with its CAIP-10 `chainId`.
    pub async fn open_account<S: ChallengeSigner + ?Sized>(
        &self,
        customer_id: &str,
        signer: &S,
        request: &CreateAccount,
        options: &FlowOptions,
    ) -> Result<Account> {
        let span = tracing::info_span!("open_account", customer_id, account = %signer.account());
        tracing::Instrument::instrument(
            async {
                let customer = self.get_customer(customer_id).await?;
                if customer.status != CustomerStatus::Active {
                    return Err(Error::Flow(format!(
                        "customer {customer_id} is {}: accounts need an active customer (KYC approved)",
                        customer.status
                    )));
                }
                let owner = wallet_of(&customer)?;
                if !owner.same_address(signer.account()) {
                    return Err(Error::Flow(format!(
                        "the signer {} is not customer {customer_id}'s wallet {}",
                        signer.account(),
                        customer.chain_id
                    )));
                }
                let account = self.create_account(customer_id, request, options.key(&format!("account/create/{customer_id}"))).await?;
                options.emit(FlowEvent::AccountCreated {
                    account_id: account.id.clone(),
                    status: account.status.clone(),
                    resumed: false,
                });
                self.finish_account(account, owner, signer, options).await
            },
            span,
        )
        .await
    }

    /// Resumes an account left part-way (e.g. `initiating` after a crash or a lost challenge):
    /// fetches its challenge, signs, submits and waits for `active`. An account already `pending`
    /// is waited for; an `active` one is returned as it is.
    pub async fn resume_account<S: ChallengeSigner + ?Sized>(
        &self,
        account_id: &str,
        signer: &S,
        options: &FlowOptions,
    ) -> Result<Account> {
        let account = self.get_account(account_id).await?;
        options.emit(FlowEvent::AccountCreated {
            account_id: account.id.clone(),
            status: account.status.clone(),
            resumed: true,
        });
        let owner = wallet_of(&self.get_customer(&account.customer_id).await?)?;
        self.finish_account(account, owner, signer, options).await
    }

    /// Signs an account's session-key challenge (the policy checks that `signer` is `owner`,
    /// the customer's wallet) and waits for `active`.
    async fn finish_account<S: ChallengeSigner + ?Sized>(
        &self,
        account: Account,
        owner: AccountId,
        signer: &S,
        options: &FlowOptions,
    ) -> Result<Account> {
        match account.status {
            AccountStatus::Initiating => {
                let first = match &account.challenge {
                    Some(challenge) => challenge.clone(),
                    None => self.account_challenge(&account.id).await?,
                };
                let context = self
                    .signing_context(ChallengePurpose::AccountSessionKey)
                    .with_owner(owner);
                sign_until_accepted(
                    self,
                    signer,
                    ChallengeSubject::Account(&account.id),
                    "account",
                    first,
                    options,
                    &context,
                )
                .await?;
            }
            AccountStatus::Pending | AccountStatus::Active => {}
            other => {
                return Err(Error::Flow(format!(
                    "account {} is {other}: it cannot be opened",
                    account.id
                )));
            }
        }
        let account = self
            .wait_for_account(&account.id, AccountStatus::Active, options)
            .await?;
        options.emit(FlowEvent::Completed {
            flow: "open_account",
        });
        Ok(account)
    }

    /// Closes an account: requests the closure, signs the deletion challenge with `signer` (the
    /// owner's wallet), submits it, and waits until the account is `closed`.
    pub async fn close_account<S: ChallengeSigner + ?Sized>(
        &self,
        account_id: &str,
        signer: &S,
        options: &FlowOptions,
    ) -> Result<Account> {
        let span = tracing::info_span!("close_account", account_id, account = %signer.account());
        tracing::Instrument::instrument(
            async {
                let account = self
                    .delete_account(
                        account_id,
                        options.key(&format!("account/close/{account_id}")),
                    )
                    .await?;
                if account.status != AccountStatus::Closed {
                    let owner = wallet_of(&self.get_customer(&account.customer_id).await?)?;
                    let context = self
                        .signing_context(ChallengePurpose::AccountDeletion)
                        .with_owner(owner);
                    let first = match &account.challenge {
                        Some(challenge) => challenge.clone(),
                        None => self.account_challenge(account_id).await?,
                    };
                    sign_until_accepted(
                        self,
                        signer,
                        ChallengeSubject::Account(account_id),
                        "account-close",
                        first,
                        options,
                        &context,
                    )
                    .await?;
                }
                let account = self
                    .wait_for_account(account_id, AccountStatus::Closed, options)
                    .await?;
                options.emit(FlowEvent::Completed {
                    flow: "close_account",
                });
                Ok(account)
            },
            span,
        )
        .await
    }

    /// Polls `GET /customers/{id}` until the customer is `target` (e.g. `active` once KYC has
    /// approved it), failing at once if it is `rejected`, and at `options.poll_deadline`. With
    /// [`FlowOptions::with_webhooks`], it reads the customer again as soon as a
    /// `customer.updated` event about it arrives, and polls more slowly.
    pub async fn wait_for_customer(
        &self,
        customer_id: &str,
        target: CustomerStatus,
        options: &FlowOptions,
    ) -> Result<Customer> {
        let started = Instant::now();
        let mut waiter = Waiter::new(options, WebhookType::CustomerUpdated, customer_id);
        loop {
            let customer = self.get_customer(customer_id).await?;
            if customer.status == target {
                return Ok(customer);
            }
            if customer.status == CustomerStatus::Rejected {
                return Err(Error::Flow(format!(
                    "customer {customer_id} was rejected (final), not {target}"
                )));
            }
            if timed_out(started, &waiter, options) {
                return Err(Error::Timeout {
                    what: format!("customer {customer_id} to be {target}"),
                    waited: started.elapsed(),
                    last_status: customer.status.to_string(),
                });
            }
            waiter.wait(started + options.poll_deadline).await;
        }
    }

    /// Polls `GET /accounts/{id}` every `options.poll_interval` until the account is `target`,
    /// failing at once on a final status that is not it, and at `options.poll_deadline`. With
    /// [`FlowOptions::with_webhooks`], it reads the account again as soon as an
    /// `account.updated` event about it arrives, and polls more slowly.
    pub async fn wait_for_account(
        &self,
        account_id: &str,
        target: AccountStatus,
        options: &FlowOptions,
    ) -> Result<Account> {
        let started = Instant::now();
        let mut waiter = Waiter::new(options, WebhookType::AccountUpdated, account_id);
        loop {
            let account = self.get_account(account_id).await?;
            if account.status == target {
                return Ok(account);
            }
            if matches!(
                account.status,
                AccountStatus::Failed | AccountStatus::Closed
            ) {
                return Err(Error::Flow(format!(
                    "account {account_id} is {} (final), not {target}",
                    account.status
                )));
            }
            options.emit(FlowEvent::Waiting {
                account_id: account_id.to_owned(),
                status: account.status.clone(),
            });
            if timed_out(started, &waiter, options) {
                return Err(Error::Timeout {
                    what: format!("account {account_id} to be {target}"),
                    waited: started.elapsed(),
                    last_status: account.status.to_string(),
                });
            }
            waiter.wait(started + options.poll_deadline).await;
        }
    }
}

/// Whether a wait must give up now: without events, when the next poll would pass the deadline
/// (as before events existed); with events, once the deadline has passed (an event may still
/// come before it, however slow the fallback poll).
fn timed_out(started: Instant, waiter: &Waiter, options: &FlowOptions) -> bool {
    if waiter.on_events() {
        started.elapsed() >= options.poll_deadline
    } else {
        started.elapsed() + waiter.interval() > options.poll_deadline
    }
}

/// The customer's wallet: whose key must sign its challenges.
pub(super) fn wallet_of(customer: &Customer) -> Result<AccountId> {
    customer.account_id().map_err(|e| {
        Error::Flow(format!(
            "customer {} has an unusable chainId: {e}",
            customer.id
        ))
    })
}
