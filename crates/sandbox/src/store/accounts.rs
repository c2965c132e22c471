//! Card accounts: creation, reads, activation and closing (the state machine of
//! `offblocks-api.md` 1.10: initiating -> pending -> active <-> inactive -> closed; failed).

use chainsig_core::AccountId;
use chainsig_offblocks::rules::CARD_ACCOUNT;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Record, Select, Store, invalid_state, lookup, page_of, parse_id};
use chainsig_offblocks::codes;

use crate::challenge::{Issued, Issuer, Purpose};
use crate::error::ApiError;
use crate::models::{AccountBody, AccountStatus};
use crate::smart_account::smart_account_address;
use crate::webhooks::EntityKind;

/// Currencies the sandbox accepts for card accounts (one per account).
pub const SUPPORTED_CURRENCIES: &[&str] = &["EUR", "GBP", "USD"];

#[derive(Debug)]
pub(crate) struct Account {
    id: Uuid,
    customer_id: Uuid,
    pub(super) owner: AccountId,
    chain_id: Option<AccountId>,
    pub(super) status: AccountStatus,
    currencies: Vec<String>,
    created_at: OffsetDateTime,
    pub(super) updated_at: OffsetDateTime,
    pub(super) deployed_at: Option<OffsetDateTime>,
    pub(super) challenge: Option<Issued>,
}

impl Record for Account {
    const KIND: EntityKind = EntityKind::Account;
    const ID_NAME: &'static str = "account";
    const NOT_FOUND: &'static str = "Account";
    type Body = AccountBody;

    fn id(&self) -> Uuid {
        self.id
    }

    fn due_at(&self) -> Option<OffsetDateTime> {
        self.deployed_at
            .filter(|_| self.status == AccountStatus::Pending)
    }

    /// The smart account is deployed: the account is active at its address.
    fn advance(&mut self, now: OffsetDateTime) {
        self.status = AccountStatus::Active;
        self.chain_id = Some(smart_account_address(&self.owner, self.id));
        self.updated_at = now;
    }

    fn body(&self, with_challenge: bool) -> AccountBody {
        AccountBody {
            id: self.id.to_string(),
            customer_id: self.customer_id.to_string(),
            chain_id: self.chain_id.as_ref().map(ToString::to_string),
            status: self.status,
            kind: CARD_ACCOUNT,
            currencies: self.currencies.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            challenge: Issued::text(&self.challenge, with_challenge),
        }
    }
}

/// Checks `POST /customers/{id}/accounts`' type and currencies.
fn check_request(kind: &str, currencies: &[String]) -> Result<(), ApiError> {
    if kind != CARD_ACCOUNT {
        return Err(ApiError::bad_request(
            codes::INVALID_TYPE,
            format!("type must be `{CARD_ACCOUNT}`"),
        ));
    }
    match currencies {
        [one] if SUPPORTED_CURRENCIES.contains(&one.as_str()) => Ok(()),
        [_] => Err(ApiError::bad_request(
            codes::UNSUPPORTED_CURRENCY,
            format!("supported currencies: {}", SUPPORTED_CURRENCIES.join(", ")),
        )),
        _ => Err(ApiError::bad_request(
            codes::INVALID_CURRENCIES,
            "exactly one currency is supported",
        )),
    }
}

impl Store {
    pub(crate) fn create_account(
        &mut self,
        customer_id: &str,
        kind: &str,
        currencies: Vec<String>,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        check_request(kind, &currencies)?;
        let (customer_id, owner, active) = self.customer_owner(customer_id, now)?;
        let id = Uuid::new_v4();
        let issuer = Issuer::new(&self.origin, &self.timings, now);
        let challenge = active.then(|| issuer.issue(Purpose::AccountCreation, &owner));
        let account = Account {
            id,
            customer_id,
            owner,
            chain_id: None,
            // An account for a customer who is not active fails its basic validations (1.10).
            status: if active {
                AccountStatus::Initiating
            } else {
                AccountStatus::Failed
            },
            currencies,
            created_at: now,
            updated_at: now,
            deployed_at: None,
            challenge,
        };
        let body = account.body(true);
        self.accounts.insert(id, account);
        self.account_order.push(id);
        self.customer_accounts
            .entry(customer_id)
            .or_default()
            .push(id);
        Ok(body)
    }

    pub(crate) fn get_account(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        Ok(lookup(&mut self.accounts, &self.changes, id, now)?.body(false))
    }

    /// A page of every account, or of a customer's, and whether more follow.
    pub(crate) fn list_accounts(
        &mut self,
        customer: Option<&str>,
        select: Select<'_>,
        now: OffsetDateTime,
    ) -> Result<(Vec<AccountBody>, bool), ApiError> {
        let ids: &[Uuid] = match customer {
            Some(id) => {
                let uuid = parse_id(id, "customer")?;
                if !self.has_customer(uuid) {
                    return Err(ApiError::not_found("Customer"));
                }
                self.customer_accounts.get(&uuid).map_or(&[], Vec::as_slice)
            }
            None => &self.account_order,
        };
        page_of(&mut self.accounts, ids, select, &self.changes, now)
    }

    /// `PATCH /accounts/{id}/activate` and `…/deactivate`.
    pub(crate) fn set_account_active(
        &mut self,
        id: &str,
        active: bool,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        let account = lookup(&mut self.accounts, &self.changes, id, now)?;
        account.status = match (account.status, active) {
            (AccountStatus::Active, false) => AccountStatus::Inactive,
            (AccountStatus::Inactive, true) => AccountStatus::Active,
            (status, _) => {
                return Err(invalid_state(format!(
                    "cannot {} an account that is {}",
                    if active { "activate" } else { "deactivate" },
                    serde_json::to_value(status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                )));
            }
        };
        account.updated_at = now;
        account.changed(&self.changes);
        Ok(account.body(false))
    }

    /// `DELETE /accounts/{id}`: issues the deletion challenge; the account closes once it is signed.
    pub(crate) fn close_account(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        let issuer = Issuer::new(&self.origin, &self.timings, now);
        let account = lookup(&mut self.accounts, &self.changes, id, now)?;
        if !matches!(
            account.status,
            AccountStatus::Active | AccountStatus::Inactive
        ) {
            return Err(invalid_state(
                "only an active or inactive account can be closed",
            ));
        }
        account.challenge = Some(issuer.issue(Purpose::AccountDeletion, &account.owner));
        account.updated_at = now;
        Ok(account.body(true))
    }
}
