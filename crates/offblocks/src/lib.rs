#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod codes;
mod error_body;
pub mod fields;
pub mod headers;
mod open_enum;
pub mod paths;
mod records;
mod requests;
pub mod rules;
mod status;
pub mod webhooks;

pub use error_body::{ErrorBody, SIGNATURE_REFUSED_BODY};
pub use paths::{API_PREFIX, PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use records::{Account, Customer, RecordTimes};
pub use requests::{
    ChallengeAnswer, CreateAccount, CreateCustomer, Credentials, RegisterSigningKey, SignChallenge,
    SigningKeyRegistered, TokenAnswer,
};
pub use status::{AccountStatus, AccountType, CustomerStatus};
pub use webhooks::{RegisterWebhook, WebhookSubscription, WebhookType};
