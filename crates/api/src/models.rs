//! The API's resources (`offblocks-api.md` 1.8), decoded tolerantly: unknown fields are ignored
//! and unknown enum values are kept, so a newer API does not break an older client.

use std::fmt;

use chainsig_core::{AccountId, CaipError};
use serde::{Deserialize, Serialize};

macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this client does not know (kept as sent).
            Unknown(String),
        }

        impl $name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($text => $name::$variant,)*
                    _ => $name::Unknown(s),
                }
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_owned()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use open_enum;

open_enum! {
    /// Customer states (`offblocks-api.md` 1.10).
    CustomerStatus {
        /// Created; waits for the ownership challenge signature.
        Initiating => "initiating",
        /// Ownership proven; blockchain screening.
        Screening => "screening",
        /// KYC in progress.
        Verifying => "verifying",
        /// Ready for accounts.
        Active => "active",
        /// Deactivated.
        Inactive => "inactive",
        /// Refused (final).
        Rejected => "rejected",
    }
}

open_enum! {
    /// Account states (`offblocks-api.md` 1.10).
    AccountStatus {
        /// Created; waits for the session-key challenge signature.
        Initiating => "initiating",
        /// Signature accepted; the smart account is being deployed.
        Pending => "pending",
        /// Deployed and usable.
        Active => "active",
        /// Deactivated.
        Inactive => "inactive",
        /// Closed (final).
        Closed => "closed",
        /// Failed its validations (final).
        Failed => "failed",
    }
}

open_enum! {
    /// Account types.
    AccountType {
        /// A card account.
        CardAccount => "card_account",
    }
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
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The ownership challenge (base64), in the create answer only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}

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
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// The challenge to sign (base64), in create and close answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<String>,
}

/// `POST /customers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomer {
    /// The customer's wallet, CAIP-10.
    pub chain_id: String,
    /// Your own id for the customer.
    pub external_id: String,
}

/// `POST /customers/{id}/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateAccount {
    /// Type (`card_account`).
    #[serde(rename = "type")]
    pub kind: AccountType,
    /// ISO-4217 currencies (one, for now).
    pub currencies: Vec<String>,
}

impl CreateAccount {
    /// A card account in one currency.
    pub fn card(currency: impl Into<String>) -> Self {
        Self {
            kind: AccountType::CardAccount,
            currencies: vec![currency.into()],
        }
    }
}

/// A bearer token.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenResponse {
    pub(crate) token: String,
    pub(crate) expires_at: u64,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
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
    fn known_values_round_trip() {
        for s in [
            "initiating",
            "pending",
            "active",
            "inactive",
            "closed",
            "failed",
        ] {
            let status: AccountStatus = serde_json::from_value(serde_json::json!(s)).unwrap();
            assert!(!matches!(status, AccountStatus::Unknown(_)));
            assert_eq!(status.as_str(), s);
        }
    }
}
