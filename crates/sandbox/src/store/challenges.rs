//! The challenge round trip on a record, one path for both subjects: fetching the current
//! challenge, and applying a judged submission (the transition it authorizes, or a new challenge
//! in place of a refused one).

use std::collections::HashMap;

use chainsig_core::AccountId;
use time::OffsetDateTime;
use uuid::Uuid;

use super::accounts::Account;
use super::customers::Customer;
use super::{Record, Store, invalid_state, lookup, started_delay};
use crate::challenge::{
    Issued, Issuer, Purpose, SignOutcome, Submission, Timings, check_submission,
};
use crate::error::ApiError;
use crate::models::{AccountStatus, CustomerStatus};
use crate::webhooks::{ChangeSink, EntityKind};

/// Whose challenge a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    /// `/customers/{id}/challenge…`: the ownership proof.
    Customer,
    /// `/accounts/{id}/challenge…`: the session key or the closing.
    Account,
}

/// A record that waits for challenge signatures.
trait Challenged: Record {
    /// What its next signature is for; the 409 when nothing waits for one.
    fn waiting(&self) -> Result<Purpose, ApiError>;
    /// The owner who signs, and the current challenge.
    fn challenge_slot(&mut self) -> (&AccountId, &mut Option<Issued>);
    /// Applies the transition a verified `purpose` authorizes; whether a delayed transition
    /// follows.
    fn verified(&mut self, purpose: Purpose, now: OffsetDateTime, timings: &Timings) -> bool;
}

impl Challenged for Customer {
    fn waiting(&self) -> Result<Purpose, ApiError> {
        if self.status == CustomerStatus::Initiating {
            Ok(Purpose::Ownership)
        } else {
            Err(invalid_state("the customer's ownership is already proven"))
        }
    }

    fn challenge_slot(&mut self) -> (&AccountId, &mut Option<Issued>) {
        (&self.chain_id, &mut self.challenge)
    }

    fn verified(&mut self, _: Purpose, now: OffsetDateTime, timings: &Timings) -> bool {
        self.status = CustomerStatus::Screening;
        self.screening_until = Some(now + timings.screening_delay);
        self.updated_at = now;
        true
    }
}

impl Challenged for Account {
    fn waiting(&self) -> Result<Purpose, ApiError> {
        // An initiating account always holds its creation challenge (issued with the account,
        // replaced when refused, consumed only by the transition to pending), and a closing one
        // its deletion challenge: the challenge held says what waits.
        self.challenge
            .as_ref()
            .map(|issued| issued.purpose)
            .ok_or_else(|| invalid_state("nothing waits for a signature on this account"))
    }

    fn challenge_slot(&mut self) -> (&AccountId, &mut Option<Issued>) {
        (&self.owner, &mut self.challenge)
    }

    fn verified(&mut self, purpose: Purpose, now: OffsetDateTime, timings: &Timings) -> bool {
        self.updated_at = now;
        if purpose == Purpose::AccountDeletion {
            self.status = AccountStatus::Closed;
            false
        } else {
            self.status = AccountStatus::Pending;
            self.deployed_at = Some(now + timings.deployment_delay);
            true
        }
    }
}

/// `GET …/challenge`: a fresh challenge for whatever waits for a signature; every earlier one is
/// invalidated.
fn fetch<R: Challenged>(
    records: &mut HashMap<Uuid, R>,
    changes: &ChangeSink,
    id: &str,
    issuer: Issuer<'_>,
) -> Result<String, ApiError> {
    let record = lookup(records, changes, id, issuer.now)?;
    let purpose = record.waiting()?;
    let (owner, slot) = record.challenge_slot();
    let issued = issuer.issue(purpose, owner);
    let text = issued.base64.clone();
    *slot = Some(issued);
    Ok(text)
}

/// `POST …/challenge/sign`, with the signature already judged.
fn sign<R: Challenged>(
    records: &mut HashMap<Uuid, R>,
    changes: &ChangeSink,
    scheduled: &mut Vec<(EntityKind, Uuid)>,
    id: &str,
    submission: Submission<'_>,
    issuer: Issuer<'_>,
) -> Result<SignOutcome, ApiError> {
    let now = issuer.now;
    let record = lookup(records, changes, id, now)?;
    let purpose = record.waiting()?;
    let (owner, slot) = record.challenge_slot();
    let result = check_submission(
        slot,
        owner,
        submission,
        || issuer.issue(purpose, owner),
        now,
    );
    match result {
        Ok(purpose) => {
            if record.verified(purpose, now, issuer.timings) {
                started_delay(record, changes, scheduled, now);
            } else {
                record.changed(changes);
            }
            Ok(SignOutcome::Verified)
        }
        Err(refusal) => refusal.into_outcome(),
    }
}

impl Store {
    /// `GET /customers/{id}/challenge` and `GET /accounts/{id}/challenge`.
    pub(crate) fn fetch_challenge(
        &mut self,
        subject: Subject,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        let issuer = Issuer::new(&self.origin, &self.timings, now);
        match subject {
            Subject::Customer => fetch(&mut self.customers, &self.changes, id, issuer),
            Subject::Account => fetch(&mut self.accounts, &self.changes, id, issuer),
        }
    }

    /// `POST /customers/{id}/challenge/sign` and `POST /accounts/{id}/challenge/sign`.
    pub(crate) fn sign_challenge(
        &mut self,
        subject: Subject,
        id: &str,
        submission: Submission<'_>,
        now: OffsetDateTime,
    ) -> Result<SignOutcome, ApiError> {
        let Self {
            customers,
            accounts,
            changes,
            scheduled,
            origin,
            timings,
            ..
        } = self;
        let issuer = Issuer::new(origin, timings, now);
        match subject {
            Subject::Customer => sign(customers, changes, scheduled, id, submission, issuer),
            Subject::Account => sign(accounts, changes, scheduled, id, submission, issuer),
        }
    }
}
