//! Webhooks: `PUT /webhooks` subscriptions, and the delivery of `customer.updated` and
//! `account.updated` events on every status change (`offblocks-api.md` 1.12, A22).
//!
//! The store reports each status change, under its lock, into a [`ChangeSink`]: an unbounded
//! channel, so a request never waits for a delivery. One dispatcher task turns each change into
//! an event (the record as `GET` returns it, plus `eventId` and `webhookType`) and queues it on a
//! lane per (subscription, record): lanes deliver in order and retry independently, so a slow or
//! failing receiver delays only its own events. Nothing is serialized unless a subscription
//! exists.

mod config;
mod counters;
mod delivery;
mod subscriptions;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chainsig_offblocks::codes;
use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::ApiError;

pub use config::WebhookConfig;
pub use counters::WebhookCounterSnapshot;
pub(crate) use subscriptions::{PutWebhook, Subscription};

use counters::WebhookCounters;
use subscriptions::{Subscriptions, check_callback_url, check_types};

/// The kind of record that changed, and so the event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityKind {
    Customer,
    Account,
}

impl EntityKind {
    /// The `webhookType` of its events.
    pub(crate) fn webhook_type(self) -> &'static str {
        match self {
            EntityKind::Customer => "customer.updated",
            EntityKind::Account => "account.updated",
        }
    }
}

/// A status change: the record's id and its body as `GET` returns it.
#[derive(Debug)]
pub(crate) struct Change {
    pub(crate) kind: EntityKind,
    pub(crate) id: Uuid,
    pub(crate) body: serde_json::Value,
}

/// Where the store reports status changes. The default one (no channel) drops them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeSink {
    tx: Option<mpsc::UnboundedSender<Change>>,
    /// Whether any subscription exists: until one does, nothing is serialized or sent.
    active: Arc<AtomicBool>,
}

impl ChangeSink {
    /// Reports a change of record `id`; `body` is only called when someone is subscribed.
    pub(crate) fn emit<B: Serialize>(&self, kind: EntityKind, id: Uuid, body: impl FnOnce() -> B) {
        let Some(tx) = &self.tx else { return };
        if !self.active.load(Ordering::Relaxed) {
            return;
        }
        match serde_json::to_value(body()) {
            Ok(body) => {
                // A closed channel means the sandbox is stopping: nothing to deliver to.
                let _ = tx.send(Change { kind, id, body });
            }
            Err(e) => tracing::error!(error = %e, "cannot serialize a webhook event"),
        }
    }
}

/// The webhook state of a sandbox.
#[derive(Debug)]
pub(crate) struct Webhooks {
    pub(crate) config: WebhookConfig,
    subscriptions: Arc<Subscriptions>,
    active: Arc<AtomicBool>,
    counters: Arc<WebhookCounters>,
    /// The change channel's receiving end, until [`Webhooks::start`] hands it to the dispatcher.
    changes: std::sync::Mutex<Option<mpsc::UnboundedReceiver<Change>>>,
}

impl Webhooks {
    /// The state and the sink the store reports into.
    pub(crate) fn new(config: WebhookConfig) -> (Self, ChangeSink) {
        let (tx, rx) = mpsc::unbounded_channel();
        let active = Arc::new(AtomicBool::new(false));
        let sink = ChangeSink {
            tx: Some(tx),
            active: active.clone(),
        };
        let webhooks = Self {
            config,
            subscriptions: Arc::new(Subscriptions::default()),
            active,
            counters: Arc::new(WebhookCounters::default()),
            changes: std::sync::Mutex::new(Some(rx)),
        };
        (webhooks, sink)
    }

    /// Starts the dispatcher (once; needs a Tokio runtime). It ends when the store, and so the
    /// sink, is dropped.
    pub(crate) fn start(&self) {
        let rx = self
            .changes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(rx) = rx {
            delivery::spawn_dispatcher(
                rx,
                self.subscriptions.clone(),
                self.counters.clone(),
                self.config.clone(),
            );
        }
    }

    /// `PUT /webhooks`: creates (no `id`) or replaces (an existing `id`) a subscription, once its
    /// callback URL and event types are checked; events flow from now on.
    pub(crate) fn subscribe(
        &self,
        request: PutWebhook,
        now: OffsetDateTime,
    ) -> Result<Subscription, ApiError> {
        let id = request
            .id
            .as_deref()
            .map(|id| {
                Uuid::parse_str(id).map_err(|_| {
                    ApiError::bad_request(codes::INVALID_ID, "webhook id must be a UUID")
                })
            })
            .transpose()?;
        let url = check_callback_url(&request.callback_url, self.config.allow_any_host)?;
        let types = check_types(request.types)?;
        let subscription = self.subscriptions.put(id, url, types, now)?;
        self.active.store(true, Ordering::Relaxed);
        tracing::info!(id = %subscription.id, url = %subscription.callback_url, "webhook subscription saved");
        Ok(subscription)
    }

    /// Whether any subscription exists.
    pub(crate) fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// The delivery counters, now.
    pub(crate) fn counters(&self) -> WebhookCounterSnapshot {
        self.counters.snapshot()
    }
}
