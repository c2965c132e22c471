//! The sandbox's records: customers and accounts, their indexes, and the lookups and time-driven
//! transitions common to both.
//!
//! Time-driven transitions (screening -> verifying, pending -> active) are applied lazily when a
//! record is read, against the injectable clock, so a test that moves the clock sees the
//! transition at once; while webhooks are subscribed, a ticker also applies them
//! ([`Store::apply_due`]). Every status change is reported to the webhooks' [`ChangeSink`].

mod accounts;
mod challenges;
mod customers;

use std::collections::HashMap;
use std::ops::Range;

use chainsig_offblocks::codes;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::challenge::{Origin, Timings};
use crate::error::ApiError;
use crate::webhooks::{ChangeSink, EntityKind};

pub use accounts::SUPPORTED_CURRENCIES;
pub(crate) use challenges::Subject;

use accounts::Account;
use customers::Customer;

/// Every record, and what the rules need to move them.
#[derive(Debug)]
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
    /// The origin the ownership challenges name.
    origin: Origin,
    /// Lifetimes and delays.
    timings: Timings,
}

/// A customer or an account, as the common lookups and transitions see it.
pub(super) trait Record {
    /// The kind of its webhook events.
    const KIND: EntityKind;
    /// Its name in an error message about its id (`customer id must be a UUID`).
    const ID_NAME: &'static str;
    /// Its name in a 404 (`Customer not found`).
    const NOT_FOUND: &'static str;
    /// Its body, as `GET` returns it.
    type Body: Serialize;

    fn id(&self) -> Uuid;
    /// When its time-driven transition is due, while it waits for one.
    fn due_at(&self) -> Option<OffsetDateTime>;
    /// Applies its time-driven transition, at `now`.
    fn advance(&mut self, now: OffsetDateTime);
    /// Its body; with its current challenge when `with_challenge`.
    fn body(&self, with_challenge: bool) -> Self::Body;

    /// Applies its time-driven transition if it is due; whether the status changed.
    fn refresh(&mut self, now: OffsetDateTime) -> bool {
        let due = self.due_at().is_some_and(|at| now >= at);
        if due {
            self.advance(now);
        }
        due
    }

    /// Reports its new status.
    fn changed(&self, changes: &ChangeSink) {
        changes.emit(Self::KIND, self.id(), || self.body(false));
    }
}

fn parse_id(id: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::bad_request(codes::INVALID_ID, format!("{what} id must be a UUID")))
}

/// The 409 of a request that the record's state does not allow.
pub(super) fn invalid_state(message: impl Into<String>) -> ApiError {
    ApiError::conflict(codes::INVALID_STATE, message)
}

/// The record `id` names, with its due transition applied (and reported).
fn lookup<'a, R: Record>(
    records: &'a mut HashMap<Uuid, R>,
    changes: &ChangeSink,
    id: &str,
    now: OffsetDateTime,
) -> Result<&'a mut R, ApiError> {
    let id = parse_id(id, R::ID_NAME)?;
    let record = records
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(R::NOT_FOUND))?;
    if record.refresh(now) {
        record.changed(changes);
    }
    Ok(record)
}

/// A page of a list: which positions of the list's ids it shows (see `PageQuery::window`).
pub(crate) type Select<'q> = &'q dyn Fn(&[Uuid]) -> Result<Range<usize>, ApiError>;

/// The bodies of the page `select` picks of the records `ids` names, in that order, with their
/// due transitions applied; and whether more follow. Only the page's records are read.
fn page_of<R: Record>(
    records: &mut HashMap<Uuid, R>,
    ids: &[Uuid],
    select: Select<'_>,
    changes: &ChangeSink,
    now: OffsetDateTime,
) -> Result<(Vec<R::Body>, bool), ApiError> {
    let window = select(ids)?;
    let more = window.end < ids.len();
    let ids = ids.get(window).unwrap_or_default();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(record) = records.get_mut(id) {
            if record.refresh(now) {
                record.changed(changes);
            }
            out.push(record.body(false));
        }
    }
    Ok((out, more))
}

/// After a transition that starts a delay: reports it, then applies the delayed one at once when
/// it is already due, or schedules the record for the ticker.
fn started_delay<R: Record>(
    record: &mut R,
    changes: &ChangeSink,
    scheduled: &mut Vec<(EntityKind, Uuid)>,
    now: OffsetDateTime,
) {
    record.changed(changes);
    if record.refresh(now) {
        record.changed(changes);
    } else {
        scheduled.push((R::KIND, record.id()));
    }
}

impl Store {
    /// An empty store reporting status changes to `changes`, issuing challenges that name
    /// `origin`.
    pub(crate) fn new(changes: ChangeSink, origin: Origin, timings: Timings) -> Self {
        Self {
            customers: HashMap::new(),
            customer_index: HashMap::new(),
            customer_order: Vec::new(),
            accounts: HashMap::new(),
            account_order: Vec::new(),
            customer_accounts: HashMap::new(),
            changes,
            scheduled: Vec::new(),
            origin,
            timings,
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
        fn due<R: Record>(
            records: &mut HashMap<Uuid, R>,
            id: &Uuid,
            changes: &ChangeSink,
            now: OffsetDateTime,
        ) -> bool {
            records.get_mut(id).is_some_and(|record| {
                if record.refresh(now) {
                    record.changed(changes);
                }
                record.due_at().is_some()
            })
        }
        scheduled.retain(|(kind, id)| match kind {
            EntityKind::Customer => due(customers, id, changes, now),
            EntityKind::Account => due(accounts, id, changes, now),
        });
    }
}
