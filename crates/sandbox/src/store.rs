//! The sandbox's state: customers, accounts and their challenges, and the rules that move them.
//!
//! Time-driven transitions (screening -> verifying, pending -> active) are applied lazily when a
//! record is read, against the injectable clock, so a test that moves the clock sees the
//! transition at once; while webhooks are subscribed, a ticker also applies them
//! ([`Store::apply_due`]). Every status change is reported to the webhooks' [`ChangeSink`].

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{
    AccountId, ChallengeSignature, ChallengeVerifier, RegistryError, SiwxMessage, format_siwx_time,
};
use chainsig_offblocks::codes;
use chainsig_offblocks::rules::{CARD_ACCOUNT, SIWE_STATEMENT};
use rand::Rng;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::chains::registry;
use crate::error::ApiError;
use crate::models::{AccountBody, AccountStatus, CustomerBody, CustomerStatus};
use crate::webhooks::{ChangeSink, EntityKind};

/// Currencies the sandbox accepts for card accounts (one per account).
pub const SUPPORTED_CURRENCIES: &[&str] = &["EUR", "GBP", "USD"];

/// Namespace of the sandbox's UUIDv5 customer ids (OffBlocks' ids look like v5, A18).
const CUSTOMER_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f66_6662_6c6f_636b_7300_0000_0000_0001);

/// What a challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Ownership,
    AccountCreation,
    AccountDeletion,
}

/// A challenge as issued: the base64 text and when it stops being valid.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) purpose: Purpose,
    pub(crate) base64: String,
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug)]
pub(crate) struct Customer {
    id: Uuid,
    external_id: String,
    chain_id: AccountId,
    status: CustomerStatus,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    screening_until: Option<OffsetDateTime>,
    challenge: Option<Issued>,
}

#[derive(Debug)]
pub(crate) struct Account {
    id: Uuid,
    customer_id: Uuid,
    owner: AccountId,
    chain_id: Option<AccountId>,
    status: AccountStatus,
    currencies: Vec<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    deployed_at: Option<OffsetDateTime>,
    challenge: Option<Issued>,
}

/// Lifetimes and delays the rules need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timings {
    pub(crate) challenge_ttl: Duration,
    pub(crate) screening_delay: Duration,
    pub(crate) deployment_delay: Duration,
}

/// The origin the SIWE challenges name: the sandbox's own host and URL.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) domain: String,
    pub(crate) uri: String,
}

/// Outcome of a challenge submission, for the counters.
pub(crate) enum SignOutcome {
    Verified,
    Rejected {
        error: ApiError,
        /// Whether a new challenge was issued in place of the refused one.
        reissued: bool,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    customers: HashMap<Uuid, Customer>,
    customer_index: HashMap<(String, String), Uuid>,
    customer_order: Vec<Uuid>,
    accounts: HashMap<Uuid, Account>,
    account_order: Vec<Uuid>,
    /// Each customer's accounts, in creation order: a customer's listing reads only its own.
    customer_accounts: HashMap<Uuid, Vec<Uuid>>,
    /// Where status changes are reported (webhooks).
    changes: ChangeSink,
    /// Records waiting for a time-driven transition.
    scheduled: Vec<(EntityKind, Uuid)>,
}

fn parse_id(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::bad_request(codes::INVALID_ID, format!("{what} id must be a UUID")))
}

fn invalid_state(message: impl Into<String>) -> ApiError {
    ApiError::conflict(codes::INVALID_STATE, message)
}

impl Customer {
    /// Applies a due transition; whether the status changed.
    fn refresh(&mut self, now: OffsetDateTime) -> bool {
        let due = self.status == CustomerStatus::Screening
            && self.screening_until.is_some_and(|t| now >= t);
        if due {
            self.status = CustomerStatus::Verifying;
            self.updated_at = now;
        }
        due
    }

    /// Reports the customer's new status.
    fn changed(&self, changes: &ChangeSink) {
        changes.emit(EntityKind::Customer, self.id, || self.body(false));
    }

    fn body(&self, with_challenge: bool) -> CustomerBody {
        CustomerBody {
            id: self.id.to_string(),
            external_id: self.external_id.clone(),
            chain_id: self.chain_id.to_string(),
            status: self.status,
            created_at: self.created_at,
            updated_at: self.updated_at,
            challenge: if with_challenge {
                self.challenge.as_ref().map(|c| c.base64.clone())
            } else {
                None
            },
        }
    }
}

impl Account {
    /// Applies a due transition; whether the status changed.
    fn refresh(&mut self, now: OffsetDateTime) -> bool {
        let due =
            self.status == AccountStatus::Pending && self.deployed_at.is_some_and(|t| now >= t);
        if due {
            self.status = AccountStatus::Active;
            self.chain_id = Some(smart_account_address(&self.owner, self.id));
            self.updated_at = now;
        }
        due
    }

    /// Reports the account's new status.
    fn changed(&self, changes: &ChangeSink) {
        changes.emit(EntityKind::Account, self.id, || self.body(false));
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
            challenge: if with_challenge {
                self.challenge.as_ref().map(|c| c.base64.clone())
            } else {
                None
            },
        }
    }
}

/// The address of the smart-contract account "deployed" for `owner`: derived from the account
/// id, on the owner's chain.
fn smart_account_address(owner: &AccountId, account: Uuid) -> AccountId {
    registry()
        .get(owner.chain().namespace())
        .ok()
        .and_then(|chain| {
            chain
                .derived_account(owner.chain(), account.as_bytes())
                .ok()
        })
        .unwrap_or_else(|| owner.clone())
}

fn random_nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

fn issue(purpose: Purpose, bytes: Vec<u8>, now: OffsetDateTime, timings: &Timings) -> Issued {
    Issued {
        purpose,
        base64: STANDARD.encode(&bytes),
        expires_at: now + timings.challenge_ttl,
    }
}

/// The ownership challenge: EIP-4361 for EVM customers; for the other chains the same layout
/// (CAIP-122) with the registry's name for the chain (`Solana account`, `Tron account`), the
/// address in its canonical form and `Chain ID:` the CAIP-2 reference (a sandbox extension:
/// OffBlocks documents Sign-In-with-X for EVM only).
fn ownership_challenge(
    owner: &AccountId,
    origin: &Origin,
    now: OffsetDateTime,
    timings: &Timings,
) -> Issued {
    let message = SiwxMessage {
        scheme: None,
        domain: origin.domain.clone(),
        chain_name: registry()
            .get(owner.chain().namespace())
            .map(|chain| chain.siwx_name())
            .unwrap_or("Ethereum")
            .to_owned(),
        address: owner.address().to_owned(),
        statement: Some(SIWE_STATEMENT.to_owned()),
        uri: origin.uri.clone(),
        version: "1".to_owned(),
        chain_id: owner.chain().reference().to_owned(),
        nonce: random_nonce(),
        issued_at: format_siwx_time(now),
        expiration_time: None,
        not_before: None,
        request_id: None,
        resources: Vec::new(),
    };
    issue(
        Purpose::Ownership,
        message.to_string().into_bytes(),
        now,
        timings,
    )
}

/// A session-key (or deletion) challenge: the text of a fresh UUID, as OffBlocks' sandbox sends
/// (`offblocks-api.md` 1.9), signed by the owner over the decoded bytes.
fn account_challenge(purpose: Purpose, now: OffsetDateTime, timings: &Timings) -> Issued {
    issue(
        purpose,
        Uuid::new_v4().to_string().into_bytes(),
        now,
        timings,
    )
}

/// Why a challenge submission was refused.
pub(crate) struct Refusal {
    /// The answer (400, or 409 when nothing waits for a signature).
    pub(crate) error: ApiError,
    /// Whether a new challenge replaced the current one.
    pub(crate) reissued: bool,
    /// Whether a submission was judged (and refused); `false` when nothing waited for one.
    pub(crate) counted: bool,
}

impl Refusal {
    fn judged(error: ApiError, reissued: bool) -> Self {
        Self {
            error,
            reissued,
            counted: true,
        }
    }
}

impl From<Refusal> for SignOutcome {
    fn from(refusal: Refusal) -> Self {
        SignOutcome::Rejected {
            error: refusal.error,
            reissued: refusal.reissued,
        }
    }
}

/// Whether a submitted signature verifies: by the account `chain_id` names, over the bytes of the
/// base64 `challenge` as submitted; `Err` holds the reason.
///
/// Handlers call this before they take the store's lock: it is the costliest part of the
/// request (an EVM recovery is about 150 µs), and holding the one lock through it stalled every
/// other request (seen as idle CPU in `chainsig bench onboard`). The verdict is only used once
/// [`check_submission`], under the lock, has found that `chain_id` is the owner's and
/// `challenge` the current one, so it is the verdict for the owner over the issued bytes.
pub(crate) fn verify_submission(
    chain_id: &str,
    challenge: &str,
    signature: &str,
) -> Result<(), String> {
    let signer = registry()
        .parse_account(chain_id)
        .map_err(|e| e.to_string())?;
    let bytes = STANDARD
        .decode(challenge)
        .map_err(|_| "the challenge is not base64".to_owned())?;
    let scheme = registry()
        .get(signer.chain().namespace())
        .map_err(|e| e.to_string())?
        .scheme();
    let signature =
        ChallengeSignature::from_base64(scheme, signature).map_err(|e| e.to_string())?;
    registry()
        .verify(&signer, &bytes, &signature)
        .map_err(|e| e.to_string())
}

/// Checks a submission against the current challenge, with the signature's `verdict` from
/// [`verify_submission`]; on a bad signature or an expired challenge, a new challenge replaces
/// it (as OffBlocks does). A submission naming another signer or an invalidated challenge is
/// refused and leaves the current challenge in place.
fn check_submission(
    current: &mut Option<Issued>,
    owner: &AccountId,
    submitted_chain_id: &str,
    submitted_challenge: &str,
    verdict: Result<(), String>,
    regenerate: impl FnOnce() -> Issued,
    now: OffsetDateTime,
) -> Result<Purpose, Refusal> {
    let Some(issued) = current.as_ref() else {
        return Err(Refusal {
            error: invalid_state(
                "there is no challenge to sign (nothing is waiting for a signature)",
            ),
            reissued: false,
            counted: false,
        });
    };
    let signer = registry().parse_account(submitted_chain_id).map_err(|e| {
        Refusal::judged(
            ApiError::bad_request(codes::INVALID_CHAIN_ID, format!("chainId: {e}")),
            false,
        )
    })?;
    if !signer.same_address(owner) {
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::WRONG_SIGNER,
                format!("the challenge must be signed by the owner {owner}, not {signer}"),
            ),
            false,
        ));
    }
    if issued.base64 != submitted_challenge {
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::STALE_CHALLENGE,
                "this challenge is not the current one: it was invalidated by a newer one; fetch it with GET …/challenge",
            ),
            false,
        ));
    }
    if now > issued.expires_at {
        *current = Some(regenerate());
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::CHALLENGE_EXPIRED,
                "the challenge has expired; a new one was issued: fetch it with GET …/challenge",
            ),
            true,
        ));
    }
    match verdict {
        Ok(()) => {
            let purpose = issued.purpose;
            *current = None;
            Ok(purpose)
        }
        Err(reason) => {
            *current = Some(regenerate());
            Err(Refusal::judged(
                ApiError::bad_request(
                    codes::CHALLENGE_SIGNATURE_INVALID,
                    format!(
                        "the signature does not verify ({reason}); a new challenge was issued: fetch it with GET …/challenge"
                    ),
                ),
                true,
            ))
        }
    }
}

impl Store {
    /// An empty store reporting status changes to `changes`.
    pub(crate) fn new(changes: ChangeSink) -> Self {
        Self {
            changes,
            ..Self::default()
        }
    }

    /// Applies the time-driven transitions that are due (the webhooks' ticker calls it).
    pub(crate) fn apply_due(&mut self, now: OffsetDateTime) {
        let Self {
            customers,
            accounts,
            changes,
            scheduled,
            ..
        } = self;
        scheduled.retain(|(kind, id)| match kind {
            EntityKind::Customer => customers.get_mut(id).is_some_and(|c| {
                if c.refresh(now) {
                    c.changed(changes);
                }
                c.status == CustomerStatus::Screening
            }),
            EntityKind::Account => accounts.get_mut(id).is_some_and(|a| {
                if a.refresh(now) {
                    a.changed(changes);
                }
                a.status == AccountStatus::Pending
            }),
        });
    }

    pub(crate) fn create_customer(
        &mut self,
        chain_id: &str,
        external_id: &str,
        origin: &Origin,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<CustomerBody, ApiError> {
        let owner = registry().parse_account(chain_id).map_err(|e| match e {
            RegistryError::UnknownNamespace { .. } => {
                ApiError::bad_request(codes::UNSUPPORTED_CHAIN, format!("chainId: {e}"))
            }
            e => ApiError::bad_request(codes::INVALID_CHAIN_ID, format!("chainId: {e}")),
        })?;
        if external_id.is_empty() || external_id.len() > 256 {
            return Err(ApiError::bad_request(
                codes::INVALID_EXTERNAL_ID,
                "externalId must be 1 to 256 characters",
            ));
        }
        let index_key = (owner.to_string(), external_id.to_owned());
        if self.customer_index.contains_key(&index_key) {
            return Err(ApiError::conflict(
                codes::CUSTOMER_ALREADY_EXISTS,
                "Customer already exists",
            ));
        }
        let id = Uuid::new_v5(
            &CUSTOMER_ID_NAMESPACE,
            format!("{owner}|{external_id}").as_bytes(),
        );
        let challenge = ownership_challenge(&owner, origin, now, timings);
        let customer = Customer {
            id,
            external_id: external_id.to_owned(),
            chain_id: owner,
            status: CustomerStatus::Initiating,
            created_at: now,
            updated_at: now,
            screening_until: None,
            challenge: Some(challenge),
        };
        let body = customer.body(true);
        self.customer_index.insert(index_key, id);
        self.customers.insert(id, customer);
        self.customer_order.push(id);
        Ok(body)
    }

    fn customer_mut(&mut self, id: &str, now: OffsetDateTime) -> Result<&mut Customer, ApiError> {
        let id = parse_id(id, "customer")?;
        let customer = self
            .customers
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("Customer"))?;
        if customer.refresh(now) {
            customer.changed(&self.changes);
        }
        Ok(customer)
    }

    pub(crate) fn get_customer(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<CustomerBody, ApiError> {
        Ok(self.customer_mut(id, now)?.body(false))
    }

    pub(crate) fn list_customers(&mut self, now: OffsetDateTime) -> Vec<CustomerBody> {
        let mut out = Vec::with_capacity(self.customer_order.len());
        for id in &self.customer_order {
            if let Some(customer) = self.customers.get_mut(id) {
                if customer.refresh(now) {
                    customer.changed(&self.changes);
                }
                out.push(customer.body(false));
            }
        }
        out
    }

    pub(crate) fn customer_challenge(
        &mut self,
        id: &str,
        origin: &Origin,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<String, ApiError> {
        let customer = self.customer_mut(id, now)?;
        if customer.status != CustomerStatus::Initiating {
            return Err(invalid_state("the customer's ownership is already proven"));
        }
        let issued = ownership_challenge(&customer.chain_id, origin, now, timings);
        let text = issued.base64.clone();
        customer.challenge = Some(issued);
        Ok(text)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sign_customer_challenge(
        &mut self,
        id: &str,
        chain_id: &str,
        challenge: &str,
        verdict: Result<(), String>,
        origin: &Origin,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<SignOutcome, ApiError> {
        let changes = self.changes.clone();
        let customer = self.customer_mut(id, now)?;
        if customer.status != CustomerStatus::Initiating {
            return Err(invalid_state("the customer's ownership is already proven"));
        }
        let owner = customer.chain_id.clone();
        let result = check_submission(
            &mut customer.challenge,
            &owner,
            chain_id,
            challenge,
            verdict,
            || ownership_challenge(&owner, origin, now, timings),
            now,
        );
        match result {
            Ok(_) => {
                customer.status = CustomerStatus::Screening;
                customer.screening_until = Some(now + timings.screening_delay);
                customer.updated_at = now;
                customer.changed(&changes);
                let id = customer.id;
                if customer.refresh(now) {
                    customer.changed(&changes);
                } else {
                    self.scheduled.push((EntityKind::Customer, id));
                }
                Ok(SignOutcome::Verified)
            }
            Err(refusal) if refusal.counted => Ok(refusal.into()),
            Err(refusal) => Err(refusal.error),
        }
    }

    /// `PATCH /customers/{id}/deactivate`: only an `active` customer can be deactivated
    /// (`offblocks-api.md` 1.10); an inactive one gets no new account (it fails its
    /// validations, as for any customer who is not active).
    pub(crate) fn deactivate_customer(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<CustomerBody, ApiError> {
        let changes = self.changes.clone();
        let customer = self.customer_mut(id, now)?;
        if customer.status != CustomerStatus::Active {
            return Err(invalid_state(format!(
                "cannot deactivate a customer that is {}; only an active one",
                customer.status.as_str()
            )));
        }
        customer.status = CustomerStatus::Inactive;
        customer.updated_at = now;
        customer.changed(&changes);
        Ok(customer.body(false))
    }

    pub(crate) fn simulate_kyc(
        &mut self,
        id: &str,
        approve: bool,
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let changes = self.changes.clone();
        let customer = self.customer_mut(id, now)?;
        match customer.status {
            CustomerStatus::Screening | CustomerStatus::Verifying => {
                customer.status = if approve {
                    CustomerStatus::Active
                } else {
                    CustomerStatus::Rejected
                };
                customer.updated_at = now;
                customer.changed(&changes);
                Ok(())
            }
            _ => Err(invalid_state(
                "KYC can only be decided for a customer in screening or verifying",
            )),
        }
    }

    pub(crate) fn create_account(
        &mut self,
        customer_id: &str,
        kind: &str,
        currencies: &[String],
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<AccountBody, ApiError> {
        if kind != CARD_ACCOUNT {
            return Err(ApiError::bad_request(
                codes::INVALID_TYPE,
                format!("type must be `{CARD_ACCOUNT}`"),
            ));
        }
        match currencies {
            [one] if SUPPORTED_CURRENCIES.contains(&one.as_str()) => {}
            [_] => {
                return Err(ApiError::bad_request(
                    codes::UNSUPPORTED_CURRENCY,
                    format!("supported currencies: {}", SUPPORTED_CURRENCIES.join(", ")),
                ));
            }
            _ => {
                return Err(ApiError::bad_request(
                    codes::INVALID_CURRENCIES,
                    "exactly one currency is supported",
                ));
            }
        }
        let customer = self.customer_mut(customer_id, now)?;
        let active = customer.status == CustomerStatus::Active;
        let owner = customer.chain_id.clone();
        let customer_id = customer.id;
        let id = Uuid::new_v4();
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
            currencies: currencies.to_vec(),
            created_at: now,
            updated_at: now,
            deployed_at: None,
            challenge: active.then(|| account_challenge(Purpose::AccountCreation, now, timings)),
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

    fn account_mut(&mut self, id: &str, now: OffsetDateTime) -> Result<&mut Account, ApiError> {
        let id = parse_id(id, "account")?;
        let account = self
            .accounts
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("Account"))?;
        if account.refresh(now) {
            account.changed(&self.changes);
        }
        Ok(account)
    }

    pub(crate) fn get_account(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        Ok(self.account_mut(id, now)?.body(false))
    }

    pub(crate) fn list_accounts(
        &mut self,
        customer: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Vec<AccountBody>, ApiError> {
        let ids: &[Uuid] = match customer {
            Some(id) => {
                let uuid = parse_id(id, "customer")?;
                if !self.customers.contains_key(&uuid) {
                    return Err(ApiError::not_found("Customer"));
                }
                self.customer_accounts.get(&uuid).map_or(&[], Vec::as_slice)
            }
            None => &self.account_order,
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(account) = self.accounts.get_mut(id) {
                if account.refresh(now) {
                    account.changed(&self.changes);
                }
                out.push(account.body(false));
            }
        }
        Ok(out)
    }

    /// `GET /accounts/{id}/challenge`: a fresh challenge for whatever waits for a signature
    /// (creation or deletion); every earlier challenge is invalidated.
    pub(crate) fn account_challenge(
        &mut self,
        id: &str,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<String, ApiError> {
        let account = self.account_mut(id, now)?;
        let purpose = match (&account.challenge, account.status) {
            (Some(issued), _) => issued.purpose,
            (None, AccountStatus::Initiating) => Purpose::AccountCreation,
            _ => {
                return Err(invalid_state(
                    "nothing waits for a signature on this account",
                ));
            }
        };
        let issued = account_challenge(purpose, now, timings);
        let text = issued.base64.clone();
        account.challenge = Some(issued);
        Ok(text)
    }

    pub(crate) fn sign_account_challenge(
        &mut self,
        id: &str,
        chain_id: &str,
        challenge: &str,
        verdict: Result<(), String>,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<SignOutcome, ApiError> {
        let changes = self.changes.clone();
        let account = self.account_mut(id, now)?;
        let purpose = match &account.challenge {
            Some(issued) => issued.purpose,
            None => {
                return Err(invalid_state(
                    "nothing waits for a signature on this account",
                ));
            }
        };
        let owner = account.owner.clone();
        let result = check_submission(
            &mut account.challenge,
            &owner,
            chain_id,
            challenge,
            verdict,
            || account_challenge(purpose, now, timings),
            now,
        );
        match result {
            Ok(Purpose::AccountDeletion) => {
                account.status = AccountStatus::Closed;
                account.updated_at = now;
                account.changed(&changes);
                Ok(SignOutcome::Verified)
            }
            Ok(_) => {
                account.status = AccountStatus::Pending;
                account.deployed_at = Some(now + timings.deployment_delay);
                account.updated_at = now;
                account.changed(&changes);
                let id = account.id;
                if account.refresh(now) {
                    account.changed(&changes);
                } else {
                    self.scheduled.push((EntityKind::Account, id));
                }
                Ok(SignOutcome::Verified)
            }
            Err(refusal) if refusal.counted => Ok(refusal.into()),
            Err(refusal) => Err(refusal.error),
        }
    }

    pub(crate) fn set_account_active(
        &mut self,
        id: &str,
        active: bool,
        now: OffsetDateTime,
    ) -> Result<AccountBody, ApiError> {
        let changes = self.changes.clone();
        let account = self.account_mut(id, now)?;
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
        account.changed(&changes);
        Ok(account.body(false))
    }

    /// `DELETE /accounts/{id}`: issues the deletion challenge; the account closes once it is signed.
    pub(crate) fn close_account(
        &mut self,
        id: &str,
        now: OffsetDateTime,
        timings: &Timings,
    ) -> Result<AccountBody, ApiError> {
        let account = self.account_mut(id, now)?;
        if !matches!(
            account.status,
            AccountStatus::Active | AccountStatus::Inactive
        ) {
            return Err(invalid_state(
                "only an active or inactive account can be closed",
            ));
        }
        account.challenge = Some(account_challenge(Purpose::AccountDeletion, now, timings));
        account.updated_at = now;
        Ok(account.body(true))
    }
}
