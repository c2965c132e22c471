//! A ready axum receiver (feature `webhooks-axum`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::receiver::WebhookReceiver;

impl WebhookReceiver {
    /// An axum router that takes `POST path` deliveries: `200` once an event is accepted (a
    /// redelivery too), `400` for a body that is no event, `401` for one the verifier refused,
    /// `413` over the body limit, `405` for other methods. Answers carry no server text.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use chainsig_api::webhooks::WebhookReceiver;
    ///
    /// let receiver = WebhookReceiver::new();
    /// let mut events = receiver.subscribe();
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:9000").await?;
    /// tokio::spawn(axum::serve(listener, receiver.axum_router("/offblocks")).into_future());
    /// while let Ok(event) = events.recv().await {
    ///     println!("{}", event.to_json_line());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn axum_router(&self, path: &str) -> Router {
        Router::new()
            .route(path, post(handle))
            // The limit is checked by `accept`; axum's own stops reading a little above it.
            .layer(DefaultBodyLimit::max(self.body_limit().saturating_add(1)))
            .with_state(self.clone())
    }
}

/// One delivery.
async fn handle(
    State(receiver): State<WebhookReceiver>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match receiver.accept(&headers, &body) {
        Ok(_) => StatusCode::OK.into_response(),
        Err(e) => e.status().into_response(),
    }
}
