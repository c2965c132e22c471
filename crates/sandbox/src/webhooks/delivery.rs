//! Delivering events: a dispatcher that fans each change out to the subscriptions for its type,
//! and one lane per (subscription, record) that posts its events in order, retrying each with
//! backoff (same `eventId`, same body) until a 2xx or [`WebhookConfig::retry_for`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chainsig_offblocks::webhooks::{EVENT_ID_FIELD, WEBHOOK_TYPE_FIELD};
use reqwest::Url;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::counters::WebhookCounters;
use super::subscriptions::Subscriptions;
use super::{Change, WebhookConfig};

/// A lane with nothing to deliver for this long ends (a later event starts a new one).
const LANE_IDLE: Duration = Duration::from_secs(5);

/// Closed lanes are swept from the dispatcher's map every this many changes.
const SWEEP_EVERY: u64 = 256;

/// One event for one subscription.
#[derive(Debug)]
struct Delivery {
    url: Url,
    event_id: Uuid,
    webhook_type: &'static str,
    body: Bytes,
}

/// What a lane needs to deliver.
#[derive(Debug, Clone)]
struct Sender {
    http: reqwest::Client,
    counters: Arc<WebhookCounters>,
    config: WebhookConfig,
}

/// Starts the dispatcher: it reads `changes` until the store is dropped.
pub(super) fn spawn_dispatcher(
    changes: mpsc::UnboundedReceiver<Change>,
    subscriptions: Arc<Subscriptions>,
    counters: Arc<WebhookCounters>,
    config: WebhookConfig,
) {
    // No proxy (a loopback callback must not be sent elsewhere) and no redirects (a callback
    // must not lead the sandbox to another host).
    let http = match reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "chainsig-sandbox/",
            env!("CARGO_PKG_VERSION"),
            " webhooks"
        ))
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook HTTP client: no webhooks will be delivered");
            return;
        }
    };
    let sender = Sender {
        http,
        counters,
        config,
    };
    tokio::spawn(dispatch(changes, subscriptions, sender));
}

async fn dispatch(
    mut changes: mpsc::UnboundedReceiver<Change>,
    subscriptions: Arc<Subscriptions>,
    sender: Sender,
) {
    let mut lanes: HashMap<(Uuid, Uuid), mpsc::UnboundedSender<Delivery>> = HashMap::new();
    let mut seen: u64 = 0;
    while let Some(change) = changes.recv().await {
        seen += 1;
        if seen.is_multiple_of(SWEEP_EVERY) {
            lanes.retain(|_, lane| !lane.is_closed());
        }
        let webhook_type = change.kind.webhook_type();
        let targets = subscriptions.matching(webhook_type);
        if targets.is_empty() {
            continue;
        }
        let event_id = Uuid::new_v4();
        let mut event = change.body;
        if let Some(fields) = event.as_object_mut() {
            fields.remove("challenge");
            fields.insert(EVENT_ID_FIELD.to_owned(), event_id.to_string().into());
            fields.insert(WEBHOOK_TYPE_FIELD.to_owned(), webhook_type.into());
        }
        let body = match serde_json::to_vec(&event) {
            Ok(body) => Bytes::from(body),
            Err(e) => {
                tracing::error!(error = %e, "cannot serialize a webhook event");
                continue;
            }
        };
        for (subscription, url) in targets {
            WebhookCounters::bump(&sender.counters.events);
            let mut delivery = Delivery {
                url,
                event_id,
                webhook_type,
                body: body.clone(),
            };
            let key = (subscription, change.id);
            if let Some(lane) = lanes.get(&key) {
                match lane.send(delivery) {
                    Ok(()) => continue,
                    // The lane went idle and closed: a new one takes over.
                    Err(mpsc::error::SendError(back)) => delivery = back,
                }
            }
            let (tx, rx) = mpsc::unbounded_channel();
            // Cannot fail: `rx` is alive.
            let _ = tx.send(delivery);
            lanes.insert(key, tx);
            tokio::spawn(lane(rx, sender.clone()));
        }
    }
}

/// Delivers a lane's events one after the other; ends when idle or when the dispatcher is gone.
async fn lane(mut queue: mpsc::UnboundedReceiver<Delivery>, sender: Sender) {
    loop {
        match tokio::time::timeout(LANE_IDLE, queue.recv()).await {
            Ok(Some(delivery)) => deliver(&sender, &delivery).await,
            Ok(None) => return,
            Err(_idle) => {
                // Refuse new events (the dispatcher starts another lane), deliver what came in
                // meanwhile, and end.
                queue.close();
                while let Some(delivery) = queue.recv().await {
                    deliver(&sender, &delivery).await;
                }
                return;
            }
        }
    }
}

/// The wait before retry number `retry` (0 for the first): doubling from the first delay, capped.
fn backoff(config: &WebhookConfig, retry: u32) -> Duration {
    config
        .first_retry_delay
        .saturating_mul(1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX))
        .min(config.max_retry_delay)
}

/// Posts one event until a 2xx answer, retrying with backoff for at most `retry_for`.
async fn deliver(sender: &Sender, delivery: &Delivery) {
    let span = tracing::info_span!(
        "webhook_delivery",
        event_id = %delivery.event_id,
        webhook_type = delivery.webhook_type,
        url = %delivery.url,
    );
    tracing::Instrument::instrument(attempts(sender, delivery), span).await;
}

/// The attempts of [`deliver`].
async fn attempts(sender: &Sender, delivery: &Delivery) {
    let config = &sender.config;
    let started = Instant::now();
    let mut retry = 0u32;
    loop {
        WebhookCounters::bump(&sender.counters.attempts);
        let outcome = sender
            .http
            .post(delivery.url.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(delivery.body.clone())
            .timeout(config.attempt_timeout)
            .send()
            .await;
        let failure = match outcome {
            Ok(answer) if answer.status().is_success() => {
                WebhookCounters::bump(&sender.counters.delivered);
                tracing::debug!(attempt = retry + 1, "webhook delivered");
                return;
            }
            Ok(answer) => format!("answered {}", answer.status()),
            Err(e) if e.is_timeout() => "timed out".to_owned(),
            Err(e) => format!("failed: {e}"),
        };
        WebhookCounters::bump(&sender.counters.failed_attempts);
        let wait = backoff(config, retry);
        if started.elapsed() + wait > config.retry_for {
            WebhookCounters::bump(&sender.counters.abandoned);
            tracing::warn!(attempts = retry + 1, last = %failure, "webhook abandoned");
            return;
        }
        tracing::debug!(attempt = retry + 1, last = %failure, ?wait, "webhook delivery failed; retrying");
        tokio::time::sleep(wait).await;
        retry += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let config = WebhookConfig {
            first_retry_delay: Duration::from_millis(10),
            max_retry_delay: Duration::from_millis(70),
            ..WebhookConfig::default()
        };
        let waits: Vec<u128> = (0..6).map(|n| backoff(&config, n).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 70, 70, 70]);
        assert_eq!(backoff(&config, 1000), Duration::from_millis(70));
    }
}
