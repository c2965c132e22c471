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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use futures_util::FutureExt as _;

    use super::*;
    use crate::webhooks::WebhookReceiver;

    fn deliver(receiver: &WebhookReceiver, id: &str, event_type: &str, subject: &str) {
        let body = format!(r#"{{"eventId":"{id}","webhookType":"{event_type}","id":"{subject}"}}"#);
        receiver
            .accept(&http::HeaderMap::new(), body.as_bytes())
            .unwrap();
    }

    #[tokio::test]
    async fn only_an_event_of_the_type_about_the_record_wakes_the_wait() {
        let receiver = WebhookReceiver::new();
        let options = FlowOptions::default()
            .with_webhooks(receiver.clone())
            .with_event_poll_interval(Duration::from_secs(600));
        let mut waiter = Waiter::new(&options, WebhookType::AccountUpdated, "a1");
        assert!(waiter.on_events());
        assert_eq!(waiter.interval(), Duration::from_secs(600));
        let mut wait = Box::pin(waiter.wait(Instant::now() + Duration::from_secs(600)));
        assert!((&mut wait).now_or_never().is_none());
        deliver(&receiver, "1", "account.updated", "a2");
        deliver(&receiver, "2", "customer.updated", "a1");
        deliver(&receiver, "3", "card.updated", "a1");
        assert!(
            (&mut wait).now_or_never().is_none(),
            "woken by another record's event"
        );
        deliver(&receiver, "4", "account.updated", "a1");
        assert!(
            (&mut wait).now_or_never().is_some(),
            "not woken by the record's event"
        );
    }

    #[tokio::test]
    async fn without_a_receiver_the_wait_is_the_poll_interval() {
        let mut options = FlowOptions::default();
        options.poll_interval = Duration::from_millis(1);
        let mut waiter = Waiter::new(&options, WebhookType::AccountUpdated, "a1");
        assert!(!waiter.on_events());
        assert_eq!(waiter.interval(), Duration::from_millis(1));
        waiter.wait(Instant::now() + Duration::from_secs(600)).await;
    }
}
