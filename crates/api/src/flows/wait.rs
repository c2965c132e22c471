//! Waiting between two status reads: a plain sleep, or a wake-up on a webhook event about the
//! record, with a slower poll as the fallback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::options::FlowOptions;
use crate::webhooks::{WebhookEvent, WebhookType};

/// What a wait is for: one record's events.
#[derive(Debug)]
pub(super) struct Waiter {
    events: Option<broadcast::Receiver<Arc<WebhookEvent>>>,
    webhook_type: WebhookType,
    id: String,
    interval: Duration,
}

impl Waiter {
    /// Subscribes (before the first read, so that no event is missed between a read and the
    /// wait) when the options have a webhook receiver.
    pub(super) fn new(options: &FlowOptions, webhook_type: WebhookType, id: &str) -> Self {
        let events = options.webhooks().map(|receiver| receiver.subscribe());
        let interval = if events.is_some() {
            options.event_poll_interval()
        } else {
            options.poll_interval
        };
        Self {
            events,
            webhook_type,
            id: id.to_owned(),
            interval,
        }
    }

    /// The interval between reads when no event comes.
    pub(super) fn interval(&self) -> Duration {
        self.interval
    }

    /// Whether the wait ends on events.
    pub(super) fn on_events(&self) -> bool {
        self.events.is_some()
    }

    /// Waits `interval`, or (with events) until an event about the record, whichever is first,
    /// and never past `deadline`.
    pub(super) async fn wait(&mut self, deadline: Instant) {
        let wait = self
            .interval
            .min(deadline.saturating_duration_since(Instant::now()));
        let Some(events) = &mut self.events else {
            tokio::time::sleep(wait).await;
            return;
        };
        let webhook_type = &self.webhook_type;
        let id = self.id.as_str();
        let _ = tokio::time::timeout(wait, async {
            loop {
                match events.recv().await {
                    Ok(event)
                        if &event.webhook_type == webhook_type
                            && event.subject_id() == Some(id) =>
                    {
                        return;
                    }
                    Ok(_) => {}
                    // Missed events: read the record now.
                    Err(broadcast::error::RecvError::Lagged(_)) => return,
                    // No receiver any more: wait out the interval.
                    Err(broadcast::error::RecvError::Closed) => {
                        std::future::pending::<()>().await;
                    }
                }
            }
        })
        .await;
    }
}
