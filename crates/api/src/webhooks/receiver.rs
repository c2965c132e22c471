//! The framework-neutral receiver: verify, parse, de-duplicate, publish.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::dedup::Dedup;
use super::error::WebhookError;
use super::event::{WebhookEvent, parse};
use super::verify::{AcceptAll, WebhookVerifier};
use crate::sanitize::sanitize_server_text;

/// Largest body accepted by default (64 KiB).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Events buffered for each subscriber that has not read them yet.
const CHANNEL_CAPACITY: usize = 1024;

/// What [`WebhookReceiver::accept`] did with a delivery.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Accepted {
    /// A new event, published to the subscribers.
    New(Arc<WebhookEvent>),
    /// An event seen before (a redelivery), not published again.
    Duplicate {
        /// Its id.
        event_id: String,
    },
}

/// Receives webhook deliveries: checks them with a [`WebhookVerifier`], parses them, drops
/// redeliveries ([`Dedup`]) and publishes each new event to every [`WebhookReceiver::subscribe`]r.
/// Clones share everything.
///
/// Use [`WebhookReceiver::accept`] from any HTTP framework, or the ready axum router
/// (`axum_router`, feature `webhooks-axum`). Pass a clone to
/// [`FlowOptions::with_webhooks`](crate::FlowOptions::with_webhooks) to let the flows wake on
/// events.
///
/// ```
/// use chainsig_api::webhooks::{Accepted, WebhookReceiver};
///
/// let receiver = WebhookReceiver::new();
/// let mut events = receiver.subscribe();
/// let body = br#"{"eventId":"e1","webhookType":"account.updated","id":"a1"}"#;
/// assert!(matches!(receiver.accept(&http::HeaderMap::new(), body), Ok(Accepted::New(_))));
/// assert!(matches!(receiver.accept(&http::HeaderMap::new(), body), Ok(Accepted::Duplicate { .. })));
/// assert_eq!(events.try_recv().unwrap().event_id, "e1");
/// assert!(events.try_recv().is_err()); // published once
/// ```
#[derive(Debug, Clone)]
pub struct WebhookReceiver {
    verifier: Arc<dyn WebhookVerifier>,
    dedup: Arc<Dedup>,
    events: broadcast::Sender<Arc<WebhookEvent>>,
    body_limit: usize,
}

impl Default for WebhookReceiver {
    fn default() -> Self {
        Self::new()
    }
}

impl WebhookReceiver {
    /// A receiver that accepts every delivery ([`AcceptAll`]), de-duplicates with
    /// [`Dedup::default`] and takes bodies up to [`DEFAULT_BODY_LIMIT`].
    pub fn new() -> Self {
        Self {
            verifier: Arc::new(AcceptAll),
            dedup: Arc::new(Dedup::default()),
            events: broadcast::channel(CHANNEL_CAPACITY).0,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Checks every delivery with `verifier` first.
    pub fn with_verifier(mut self, verifier: impl WebhookVerifier + 'static) -> Self {
        self.verifier = Arc::new(verifier);
        self
    }

    /// Remembers at most `capacity` event ids, each for `window` (see [`Dedup`]).
    pub fn with_dedup(mut self, capacity: usize, window: Duration) -> Self {
        self.dedup = Arc::new(Dedup::new(capacity, window));
        self
    }

    /// Refuses bodies over `limit` bytes.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The largest body accepted.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// A stream of the new events accepted from now on. A subscriber that falls more than 1024
    /// events behind gets `Lagged` and continues with the newest.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WebhookEvent>> {
        self.events.subscribe()
    }

    /// Handles one delivery: `Ok` means answer 2xx (a duplicate too, so that the sender stops
    /// retrying), `Err` means answer [`WebhookError::status`].
    pub fn accept(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Accepted, WebhookError> {
        let result = self.accept_inner(headers, body);
        match &result {
            Ok(Accepted::New(event)) => tracing::debug!(
                event_id = %sanitize_server_text(&event.event_id),
                webhook_type = %sanitize_server_text(event.webhook_type.as_str()),
                "webhook accepted"
            ),
            Ok(Accepted::Duplicate { event_id }) => tracing::debug!(
                event_id = %sanitize_server_text(event_id),
                "webhook redelivered; ignored"
            ),
            Err(e) => {
                tracing::warn!(error = %sanitize_server_text(&e.to_string()), "webhook refused")
            }
        }
        result
    }

    fn accept_inner(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Accepted, WebhookError> {
        if body.len() > self.body_limit {
            return Err(WebhookError::TooLarge {
                limit: self.body_limit,
            });
        }
        self.verifier
            .verify(headers, body)
            .map_err(WebhookError::Unverified)?;
        let event = parse(body)?;
        if !self.dedup.first_time(&event.event_id) {
            return Ok(Accepted::Duplicate {
                event_id: event.event_id,
            });
        }
        let event = Arc::new(event);
        // No subscriber is not an error: the event is simply not waited for.
        let _ = self.events.send(event.clone());
        Ok(Accepted::New(event))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Debug)]
    struct NeedsHeader;

    impl WebhookVerifier for NeedsHeader {
        fn verify(&self, headers: &http::HeaderMap, _body: &[u8]) -> Result<(), String> {
            headers
                .get("x-shared")
                .filter(|v| *v == "yes")
                .map(drop)
                .ok_or_else(|| "no x-shared header".to_owned())
        }
    }

    const BODY: &[u8] = br#"{"eventId":"e1","webhookType":"customer.updated"}"#;

    #[test]
    fn the_verifier_runs_before_anything_is_remembered() {
        let receiver = WebhookReceiver::new().with_verifier(NeedsHeader);
        let e = receiver.accept(&http::HeaderMap::new(), BODY).unwrap_err();
        assert_eq!(e.status(), http::StatusCode::UNAUTHORIZED);
        let mut headers = http::HeaderMap::new();
        headers.insert("x-shared", http::HeaderValue::from_static("yes"));
        // The refused delivery did not mark `e1` as seen.
        assert!(matches!(
            receiver.accept(&headers, BODY),
            Ok(Accepted::New(_))
        ));
    }

    #[test]
    fn the_default_limit_is_64_kib_and_the_limit_itself_is_accepted() {
        let event = |len: usize| {
            let body = format!(r#"{{"eventId":"e{len}","webhookType":"x","pad":""}}"#);
            let pad = len - body.len();
            format!(
                r#"{{"eventId":"e{len}","webhookType":"x","pad":"{}"}}"#,
                "a".repeat(pad)
            )
        };
        let receiver = WebhookReceiver::new();
        assert_eq!(receiver.body_limit(), 65_536);
        assert!(
            receiver
                .accept(&http::HeaderMap::new(), event(65_536).as_bytes())
                .is_ok()
        );
        let e = receiver
            .accept(&http::HeaderMap::new(), event(65_537).as_bytes())
            .unwrap_err();
        assert_eq!(e, WebhookError::TooLarge { limit: 65_536 });
    }

    #[test]
    fn with_dedup_bounds_what_is_remembered() {
        let receiver = WebhookReceiver::new().with_dedup(1, Duration::from_secs(60));
        let body = |id: &str| format!(r#"{{"eventId":"{id}","webhookType":"x"}}"#);
        let headers = http::HeaderMap::new();
        assert!(matches!(
            receiver.accept(&headers, body("a").as_bytes()),
            Ok(Accepted::New(_))
        ));
        assert!(matches!(
            receiver.accept(&headers, body("b").as_bytes()),
            Ok(Accepted::New(_))
        ));
        // One id remembered: `a` was forgotten for `b`.
        assert!(matches!(
            receiver.accept(&headers, body("a").as_bytes()),
            Ok(Accepted::New(_))
        ));
    }

    #[test]
    fn oversized_bodies_are_refused() {
        let receiver = WebhookReceiver::new().with_body_limit(10);
        let e = receiver.accept(&http::HeaderMap::new(), BODY).unwrap_err();
        assert_eq!(e, WebhookError::TooLarge { limit: 10 });
        assert_eq!(e.status(), http::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(receiver.body_limit(), 10);
    }

    #[test]
    fn garbage_is_not_remembered_or_published() {
        let receiver = WebhookReceiver::new().with_dedup(10, Duration::from_secs(60));
        let mut events = receiver.subscribe();
        assert!(receiver.accept(&http::HeaderMap::new(), b"{}").is_err());
        assert!(events.try_recv().is_err());
        assert!(receiver.dedup.is_empty());
    }
}
