//! Request bodies and the small answers that go with them: creating customers and accounts,
//! submitting a signed challenge, the credentials, the token, the request-signing key.
//!
//! Request bodies refuse unknown fields when read (a server's strictness); a client only writes
//! them.

use std::fmt;

#[cfg(feature = "caip")]
use chainsig_core::{AccountId, Challenge, ChallengeSignature};
use serde::{Deserialize, Serialize};

use crate::status::AccountType;

/// `POST /customers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCustomer {
    /// The customer's wallet, CAIP-10.
    pub chain_id: String,
    /// Your own id for the customer.
    pub external_id: String,
}

/// `POST /customers/{id}/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// `POST …/challenge/sign` (A5; field names also in
/// [`fields::sign_body`](crate::fields::sign_body)): who signed, the challenge as received, the
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignChallenge {
    /// The signer's CAIP-10 account id.
    pub chain_id: String,
    /// The challenge exactly as the API sent it (base64).
    pub challenge: String,
    /// Standard padded base64 of the raw signature bytes (A6).
    pub signature: String,
}

#[cfg(feature = "caip")]
impl SignChallenge {
    /// The submission of `signature`, made by `signer` over `challenge`.
    pub fn new(signer: &AccountId, challenge: &Challenge, signature: &ChallengeSignature) -> Self {
        Self {
            chain_id: signer.to_string(),
            challenge: challenge.as_base64().to_owned(),
            signature: signature.to_base64(),
        }
    }
}

/// `{"apiKey", "apiSecret"}`: the body of `POST /auth/token` and of `PUT /auth/credentials`.
///
/// Generic over the string type so that a client writes borrowed strings (and keeps the secret
/// in its own zeroizing storage) while a server reads owned ones. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credentials<S = String> {
    /// The API key (a UUID).
    pub api_key: S,
    /// The API secret.
    pub api_secret: S,
}

impl<S: fmt::Debug> fmt::Debug for Credentials<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("api_secret", &"<redacted>")
            .finish()
    }
}

/// The answer of `POST /auth/token`: a bearer token and when it expires. `Debug` never shows the
/// token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenAnswer {
    /// The bearer token.
    pub token: String,
    /// Expiry, Unix seconds.
    pub expires_at: u64,
    /// `Bearer` (the sandbox sends it; the client does not need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("expires_at", &self.expires_at)
            .field("token_type", &self.token_type)
            .finish_non_exhaustive()
    }
}

/// `PUT /auth/signing` (A4): base64 of the SPKI PEM public key that signs requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterSigningKey {
    /// Base64 (standard, padded) of the PEM text.
    pub public_key: String,
}

/// The answer of `PUT /auth/signing` (A2): the key id requests then carry as `keyid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningKeyRegistered {
    /// The key id.
    pub key_id: String,
}

/// The answer of `GET …/challenge` (A10): the current challenge (base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAnswer {
    /// The challenge, base64.
    pub challenge: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields;

    #[test]
    fn field_names_match_the_named_ones() {
        let sign = serde_json::to_value(SignChallenge {
            chain_id: "c".into(),
            challenge: "q".into(),
            signature: "s".into(),
        })
        .unwrap();
        assert_eq!(sign[fields::sign_body::CHAIN_ID], "c");
        assert_eq!(sign[fields::sign_body::CHALLENGE], "q");
        assert_eq!(sign[fields::sign_body::SIGNATURE], "s");
        let key = serde_json::to_value(RegisterSigningKey {
            public_key: "k".into(),
        })
        .unwrap();
        assert_eq!(key[fields::SIGNING_KEY], "k");
        let id = serde_json::to_value(SigningKeyRegistered { key_id: "i".into() }).unwrap();
        assert_eq!(id[fields::SIGNING_KEY_ID], "i");
        let challenge = serde_json::to_value(ChallengeAnswer {
            challenge: "q".into(),
        })
        .unwrap();
        assert_eq!(challenge[fields::CHALLENGE], "q");
        let account = serde_json::to_value(CreateAccount::card("EUR")).unwrap();
        assert_eq!(
            account,
            serde_json::json!({"type": "card_account", "currencies": ["EUR"]})
        );
    }

    #[test]
    fn request_bodies_refuse_unknown_fields() {
        let extra = r#"{"chainId":"c","externalId":"e","x":1}"#;
        assert!(serde_json::from_str::<CreateCustomer>(extra).is_err());
        let extra = r#"{"apiKey":"k","apiSecret":"s","x":1}"#;
        assert!(serde_json::from_str::<Credentials>(extra).is_err());
    }

    #[test]
    fn debug_shows_no_secret_and_no_token() {
        let credentials = Credentials {
            api_key: "key-1",
            api_secret: "hunter2-secret",
        };
        let shown = format!("{credentials:?}");
        assert!(
            shown.contains("key-1") && !shown.contains("hunter2"),
            "{shown}"
        );
        let token: TokenAnswer =
            serde_json::from_str(r#"{"token":"tok-secret","expiresAt":9}"#).unwrap();
        let shown = format!("{token:?}");
        assert!(
            shown.contains('9') && !shown.contains("tok-secret"),
            "{shown}"
        );
    }
}
