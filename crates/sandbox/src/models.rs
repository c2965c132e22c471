//! The JSON the sandbox sends and receives (camelCase, as in `offblocks-api.md` section 1.8).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Customer states (`offblocks-api.md` 1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// The status as the API writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Initiating => "initiating",
            Self::Screening => "screening",
            Self::Verifying => "verifying",
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Rejected => "rejected",
        }
    }
}

/// Account states (`offblocks-api.md` 1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AccountStatus {
    Initiating,
    Pending,
    Active,
    Inactive,
    Closed,
    Failed,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CustomerBody {
    pub(crate) id: String,
    pub(crate) external_id: String,
    pub(crate) chain_id: String,
    pub(crate) status: CustomerStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) updated_at: OffsetDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) challenge: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountBody {
    pub(crate) id: String,
    pub(crate) customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) chain_id: Option<String>,
    pub(crate) status: AccountStatus,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) currencies: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) updated_at: OffsetDateTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) challenge: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateCustomer {
    pub(crate) chain_id: String,
    pub(crate) external_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateAccount {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) currencies: Vec<String>,
}

/// `POST …/challenge/sign` (field names: `chainsig_core::offblocks::sign_body`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SignChallenge {
    pub(crate) chain_id: String,
    pub(crate) challenge: String,
    pub(crate) signature: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TokenRequest {
    pub(crate) api_key: String,
    pub(crate) api_secret: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RegisterSigningKey {
    pub(crate) public_key: String,
}
