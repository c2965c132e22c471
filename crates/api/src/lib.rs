#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod credentials;
mod endpoints;
mod error;
mod flows;
mod idempotency;
mod models;
mod paging;
mod retry;
mod sanitize;
mod token;
pub mod webhooks;

pub use chainsig_offblocks::{PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use client::{Client, ClientBuilder};
pub use endpoints::ChallengeSubmission;
pub use error::{ApiError, Error, Result};
pub use flows::{ChallengeSubject, EventSink, FlowEvent, FlowOptions};
pub use idempotency::IdempotencyKey;
pub use models::{
    Account, AccountStatus, AccountType, CreateAccount, CreateCustomer, Customer, CustomerStatus,
    RecordTimes,
};
/// The proxy type of [`ClientBuilder::proxy`] (reqwest's), so that no direct dependency on
/// reqwest is needed to set one.
pub use reqwest::Proxy;
pub use retry::RetryPolicy;
pub use sanitize::sanitize_server_text;
pub use webhooks::{
    RegisterWebhook, WebhookEvent, WebhookReceiver, WebhookSubscription, WebhookType,
};

/// Entry points into the crate-private response decoding, for `cargo fuzz` (see `fuzz/`).
/// Not a stable API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::{ApiError, Result};

    /// The [`ApiError`] the client builds from a non-2xx answer with this status and body.
    pub fn api_error(status: http::StatusCode, body: &[u8]) -> ApiError {
        let answer = crate::client::Answer {
            status,
            body: bytes::Bytes::copy_from_slice(body),
            url: "https://fuzz.invalid/v1".to_owned(),
            retry_after: None,
        };
        crate::client::api_error(&answer, None)
    }

    /// One page of a list answer (a bare array, or an object with `items` and paging fields),
    /// decoded as the client decodes lists; the items only.
    pub fn decode_list<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<Vec<T>> {
        let answer = crate::client::Answer {
            status: http::StatusCode::OK,
            body: bytes::Bytes::copy_from_slice(body),
            url: "https://fuzz.invalid/v1".to_owned(),
            retry_after: None,
        };
        crate::paging::page_of::<T>(&answer).map(|page| page.items)
    }
}
