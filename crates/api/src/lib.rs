#![doc = include_str!("../README.md")]

mod client;
mod endpoints;
mod error;
mod flows;
mod idempotency;
mod models;
mod retry;
mod token;

pub use chainsig_core::offblocks::{PRODUCTION_BASE_URL, SANDBOX_BASE_URL};
pub use client::{Client, ClientBuilder};
pub use endpoints::ChallengeSubmission;
pub use error::{ApiError, Error, Result};
pub use flows::{EventSink, FlowEvent, FlowOptions};
pub use idempotency::IdempotencyKey;
pub use models::{
    Account, AccountStatus, AccountType, CreateAccount, CreateCustomer, Customer, CustomerStatus,
};
pub use retry::RetryPolicy;
