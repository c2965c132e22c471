//! The JSON the sandbox sends and receives: the wire's models (`chainsig_offblocks`), with the
//! sandbox's own closed statuses and timestamped records on top (they serialize as the wire's).

use chainsig_offblocks as wire;
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub(crate) use chainsig_offblocks::{CreateCustomer, RegisterSigningKey, SignChallenge};

/// `POST /auth/token` and `PUT /auth/credentials`: `{"apiKey", "apiSecret"}`.
pub(crate) type TokenRequest = wire::Credentials;

/// Customer states (`offblocks-api.md` 1.10): the ones the sandbox moves through (the wire's
/// [`wire::CustomerStatus`] also keeps unknown ones, which a server never has).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CustomerStatus {
    Initiating,
    Screening,
    Verifying,
    Active,
    /// Deactivated (`PATCH /customers/{id}/deactivate`).
    Inactive,
    Rejected,
}

impl CustomerStatus {
    /// The status on the wire.
    pub(crate) fn to_wire(self) -> wire::CustomerStatus {
        use wire::CustomerStatus as W;
        match self {
            Self::Initiating => W::Initiating,
            Self::Screening => W::Screening,
            Self::Verifying => W::Verifying,
            Self::Active => W::Active,
            Self::Inactive => W::Inactive,
            Self::Rejected => W::Rejected,
        }
    }
}

impl Serialize for CustomerStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

/// Account states (`offblocks-api.md` 1.10), closed as [`CustomerStatus`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AccountStatus {
    Initiating,
    Pending,
    Active,
    Inactive,
    Closed,
    Failed,
}

impl AccountStatus {
    /// The status on the wire.
    pub(crate) fn to_wire(self) -> wire::AccountStatus {
        use wire::AccountStatus as W;
        match self {
            Self::Initiating => W::Initiating,
            Self::Pending => W::Pending,
            Self::Active => W::Active,
            Self::Inactive => W::Inactive,
            Self::Closed => W::Closed,
            Self::Failed => W::Failed,
        }
    }
}

impl Serialize for AccountStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

/// The wire's timestamps of a record: RFC 3339 text.
fn times<E: serde::ser::Error>(
    created: OffsetDateTime,
    updated: OffsetDateTime,
) -> Result<wire::RecordTimes, E> {
    let text = |time: OffsetDateTime| time.format(&Rfc3339).map(Some).map_err(E::custom);
    Ok(wire::RecordTimes {
        created_at: text(created)?,
        updated_at: text(updated)?,
    })
}

/// A customer record: serialized as the wire's [`wire::Customer`].
#[derive(Debug)]
pub(crate) struct CustomerBody {
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) chain_id: String,
    pub(crate) status: CustomerStatus,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
    pub(crate) challenge: Option<String>,
}

impl Serialize for CustomerBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        wire::Customer {
            id: self.id.clone(),
            external_id: self.external_id.clone(),
            chain_id: self.chain_id.clone(),
            status: self.status.to_wire(),
            times: times(self.created_at, self.updated_at)?,
            challenge: self.challenge.clone(),
        }
        .serialize(serializer)
    }
}

/// An account record: serialized as the wire's [`wire::Account`].
#[derive(Debug)]
pub(crate) struct AccountBody {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    pub(crate) chain_id: Option<String>,
    pub(crate) status: AccountStatus,
    pub(crate) kind: &'static str,
    pub(crate) currencies: Vec<String>,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
    pub(crate) challenge: Option<String>,
}

impl Serialize for AccountBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        wire::Account {
            id: self.id.clone(),
            customer_id: self.customer_id.clone(),
            chain_id: self.chain_id.clone(),
            status: self.status.to_wire(),
            kind: wire::AccountType::from(self.kind.to_owned()),
            currencies: self.currencies.clone(),
            times: times(self.created_at, self.updated_at)?,
            challenge: self.challenge.clone(),
        }
        .serialize(serializer)
    }
}

/// `POST /customers/{id}/accounts`, read strictly: the type as sent (any text, so that an
/// unknown one is refused as `invalid_type`, not as bad JSON), unlike the wire's open
/// [`wire::CreateAccount`].
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateAccount {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) currencies: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_serializes_as_the_wire_model_reads_it() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let body = AccountBody {
            id: "a1".into(),
            customer_id: "c1".into(),
            chain_id: None,
            status: AccountStatus::Pending,
            kind: wire::rules::CARD_ACCOUNT,
            currencies: vec!["EUR".into()],
            created_at: at,
            updated_at: at,
            challenge: Some("q".into()),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["createdAt"], "2023-11-14T22:13:20Z");
        assert_eq!(json["status"], "pending");
        assert_eq!(json["type"], "card_account");
        assert!(json.get("chainId").is_none());
        let back: wire::Account = serde_json::from_value(json).unwrap();
        assert_eq!(back.status, wire::AccountStatus::Pending);
        assert_eq!(back.challenge.as_deref(), Some("q"));
    }
}
