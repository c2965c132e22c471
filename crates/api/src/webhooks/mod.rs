//! OffBlocks webhooks (`offblocks-api.md` 1.12, A22): subscribing ([`Client::register_webhook`]),
//! and receiving: typed [`WebhookEvent`]s (unknown types and fields kept), de-duplication by
//! `eventId` ([`Dedup`]), a place for a signature check ([`WebhookVerifier`]; OffBlocks documents
//! none), a framework-neutral [`WebhookReceiver`] and a ready axum router (feature
//! `webhooks-axum`).
//!
//! Delivery is at least once: the same event may arrive more than once, and the receiver
//! publishes it once. The flows can wait on events instead of polling alone
//! ([`FlowOptions::with_webhooks`](crate::FlowOptions::with_webhooks)).
//!
//! [`Client::register_webhook`]: crate::Client::register_webhook

#[cfg(feature = "webhooks-axum")]
mod axum;
mod dedup;
mod error;
mod event;
mod receiver;
mod subscription;
mod verify;

pub use dedup::Dedup;
pub use error::WebhookError;
pub use event::{EventData, WebhookEvent, parse};
pub use receiver::{Accepted, DEFAULT_BODY_LIMIT, WebhookReceiver};
pub use subscription::{RegisterWebhook, WebhookSubscription, WebhookType};
pub use verify::{AcceptAll, WebhookVerifier};
