//! Customers: creation, reads, the KYC decision and deactivation (the state machine of
//! `offblocks-api.md` 1.10: initiating -> screening -> verifying -> active/rejected -> inactive).

use chainsig_core::{AccountId, RegistryError};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Record, Select, Store, invalid_state, lookup, page_of};
use chainsig_offblocks::codes;

use crate::chains::registry;
use crate::challenge::{Issued, Issuer, Purpose};
use crate::error::ApiError;
use crate::models::{CustomerBody, CustomerStatus};
use crate::webhooks::EntityKind;

/// Namespace of the sandbox's UUIDv5 customer ids (OffBlocks' ids look like v5, A18).
const CUSTOMER_ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f66_6662_6c6f_636b_7300_0000_0000_0001);

#[derive(Debug)]
pub(crate) struct Customer {
    pub(super) id: Uuid,
    external_id: String,
    pub(super) chain_id: AccountId,
    pub(super) status: CustomerStatus,
    created_at: OffsetDateTime,
    pub(super) updated_at: OffsetDateTime,
    pub(super) screening_until: Option<OffsetDateTime>,
    pub(super) challenge: Option<Issued>,
}

impl Record for Customer {
    const KIND: EntityKind = EntityKind::Customer;
    const ID_NAME: &'static str = "customer";
    const NOT_FOUND: &'static str = "Customer";
    type Body = CustomerBody;

    fn id(&self) -> Uuid {
        self.id
    }

    fn due_at(&self) -> Option<OffsetDateTime> {
        self.screening_until
            .filter(|_| self.status == CustomerStatus::Screening)
    }

    /// Screening ends: the KYC decision is awaited.
    fn advance(&mut self, now: OffsetDateTime) {
        self.status = CustomerStatus::Verifying;
        self.updated_at = now;
    }

    fn body(&self, with_challenge: bool) -> CustomerBody {
        CustomerBody {
            id: self.id.to_string(),
            external_id: self.external_id.clone(),
            chain_id: self.chain_id.to_string(),
            status: self.status,
            created_at: self.created_at,
            updated_at: self.updated_at,
            challenge: Issued::text(&self.challenge, with_challenge),
        }
    }
}

impl Store {
    pub(crate) fn create_customer(
        &mut self,
        chain_id: &str,
        external_id: &str,
        now: OffsetDateTime,
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
            format!("{}|{external_id}", index_key.0).as_bytes(),
        );
        let issuer = Issuer::new(&self.origin, &self.timings, now);
        let challenge = issuer.issue(Purpose::Ownership, &owner);
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

    pub(crate) fn get_customer(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<CustomerBody, ApiError> {
        Ok(lookup(&mut self.customers, &self.changes, id, now)?.body(false))
    }

    /// A page of every customer, and whether more follow.
    pub(crate) fn list_customers(
        &mut self,
        select: Select<'_>,
        now: OffsetDateTime,
    ) -> Result<(Vec<CustomerBody>, bool), ApiError> {
        page_of(
            &mut self.customers,
            &self.customer_order,
            select,
            &self.changes,
            now,
        )
    }

    /// Whether customer `id` exists.
    pub(super) fn has_customer(&self, id: Uuid) -> bool {
        self.customers.contains_key(&id)
    }

    /// The owner of customer `id` (its due transition applied) and whether it is active.
    pub(super) fn customer_owner(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<(Uuid, AccountId, bool), ApiError> {
        let customer = lookup(&mut self.customers, &self.changes, id, now)?;
        Ok((
            customer.id,
            customer.chain_id.clone(),
            customer.status == CustomerStatus::Active,
        ))
    }

    /// `PATCH /customers/{id}/deactivate`: only an `active` customer can be deactivated
    /// (`offblocks-api.md` 1.10); an inactive one gets no new account (it fails its
    /// validations, as for any customer who is not active).
    pub(crate) fn deactivate_customer(
        &mut self,
        id: &str,
        now: OffsetDateTime,
    ) -> Result<CustomerBody, ApiError> {
        let customer = lookup(&mut self.customers, &self.changes, id, now)?;
        if customer.status != CustomerStatus::Active {
            return Err(invalid_state(format!(
                "cannot deactivate a customer that is {}; only an active one",
                customer.status.to_wire()
            )));
        }
        customer.status = CustomerStatus::Inactive;
        customer.updated_at = now;
        customer.changed(&self.changes);
        Ok(customer.body(false))
    }

    pub(crate) fn simulate_kyc(
        &mut self,
        id: &str,
        approve: bool,
        now: OffsetDateTime,
    ) -> Result<(), ApiError> {
        let customer = lookup(&mut self.customers, &self.changes, id, now)?;
        match customer.status {
            CustomerStatus::Screening | CustomerStatus::Verifying => {
                customer.status = if approve {
                    CustomerStatus::Active
                } else {
                    CustomerStatus::Rejected
                };
                customer.updated_at = now;
                customer.changed(&self.changes);
                Ok(())
            }
            _ => Err(invalid_state(
                "KYC can only be decided for a customer in screening or verifying",
            )),
        }
    }
}
