#![doc = include_str!("../README.md")]
// docs.rs (nightly, `--cfg docsrs`): each feature-gated item shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod body;
mod chains;
mod challenge;
mod clock;
mod config;
mod counters;
mod error;
mod faults;
mod handlers;
mod idempotency;
mod middleware;
mod models;
mod paging;
mod server;
mod smart_account;
mod state;
mod store;
mod ticker;
mod webhooks;

pub use chains::registry;
pub use clock::{Clock, OffsetClock, SystemClock};
pub use config::SandboxConfig;
pub use counters::CounterSnapshot;
pub use faults::{FaultConfig, FaultKind};
pub use server::{Sandbox, SandboxError, SandboxHandle};
pub use store::SUPPORTED_CURRENCIES;
pub use webhooks::{WebhookConfig, WebhookCounterSnapshot};
