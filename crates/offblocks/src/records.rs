//! The records the API answers with (`offblocks-api.md` 1.8): customers and accounts, decoded
//! tolerantly (unknown fields ignored, unknown enum values kept).

#[cfg(feature = "caip")]
use chainsig_core::{AccountId, CaipError};
use serde::{Deserialize, Serialize};

use crate::status::{AccountStatus, AccountType, CustomerStatus};

/// When a record was created and last changed (`createdAt`, `updatedAt`, RFC 3339), as every
/// record carries them: customers, accounts, webhook subscriptions. Either may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordTimes {
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer id (UUID).
    pub id: String,
    /// Your own id for the customer.
    pub external_id: String,
    /// The customer's wallet, CAIP-10.
    pub chain_id: String,
    /// Status.
    pub status: CustomerStatus,
    /// Creation and last update times.
    #[serde(flatten)]
    pub times: RecordTimes,
    /// The ownership challenge (base64), in the create answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}

#[cfg(feature = "caip")]
impl Customer {
    /// The wallet as a parsed CAIP-10 id.
    pub fn account_id(&self) -> Result<AccountId, CaipError> {
        self.chain_id.parse()
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// Account id (UUID).
    pub id: String,
    /// The owning customer's id.
    pub customer_id: String,
    /// The smart-contract account, CAIP-10; assigned once `active`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<String>,
    /// Status.
    pub status: AccountStatus,
    /// Type.
    #[serde(rename = "type")]
    pub kind: AccountType,
    /// ISO-4217 currencies.
    #[serde(default)]
    pub currencies: Vec<String>,
    /// Creation and last update times.
    #[serde(flatten)]
    pub times: RecordTimes,
    /// The challenge to sign (base64), in create and close answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_and_values_are_kept_not_fatal() {
        let json = r#"{"id":"a","customerId":"b","status":"frozen","type":"virtual_card","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","newField":{"x":1}}"#;
        let account: Account = serde_json::from_str(json).unwrap();
        assert_eq!(account.status, AccountStatus::Unknown("frozen".into()));
        assert_eq!(account.kind.as_str(), "virtual_card");
        assert_eq!(serde_json::to_value(&account).unwrap()["status"], "frozen");
    }

    #[test]
    fn a_customer_reads_and_writes_camel_case() {
        let json = serde_json::json!({
            "id": "c1", "externalId": "e1",
            "chainId": "eip155:1:0x0000000000000000000000000000000000000001",
            "status": "active", "createdAt": "2024-01-12T15:07:17Z",
        });
        let customer: Customer = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(customer.status, CustomerStatus::Active);
        assert_eq!(
            customer.times.created_at.as_deref(),
            Some("2024-01-12T15:07:17Z")
        );
        assert_eq!(customer.times.updated_at, None);
        #[cfg(feature = "caip")]
        assert!(customer.account_id().is_ok());
        assert_eq!(serde_json::to_value(&customer).unwrap(), json);
    }
}
