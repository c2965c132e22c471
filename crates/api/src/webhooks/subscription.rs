//! `PUT /webhooks`: [`Client::register_webhook`] (the subscription models are the wire's).

use bytes::Bytes;
use chainsig_offblocks::paths;
use http::Method;

use crate::client::{Client, Operation, decode};
use crate::error::{Error, Result};
use crate::idempotency::IdempotencyKey;

pub use chainsig_offblocks::{RegisterWebhook, WebhookSubscription, WebhookType};

impl Client {
    /// `PUT /webhooks`: subscribes `request.callback_url` to `request.types` (or, with
    /// `request.id`, changes that subscription).
    ///
    /// ```no_run
    /// # async fn run(client: chainsig_api::Client) -> chainsig_api::Result<()> {
    /// use chainsig_api::{IdempotencyKey, RegisterWebhook, WebhookType};
    ///
    /// let subscription = client
    ///     .register_webhook(
    ///         &RegisterWebhook::new(
    ///             "https://hooks.example.com/offblocks",
    ///             [WebhookType::CustomerUpdated, WebhookType::AccountUpdated],
    ///         ),
    ///         IdempotencyKey::new(),
    ///     )
    ///     .await?;
    /// println!("subscription {}", subscription.id);
    /// # Ok(()) }
    /// ```
    pub async fn register_webhook(
        &self,
        request: &RegisterWebhook,
        key: IdempotencyKey,
    ) -> Result<WebhookSubscription> {
        let body = serde_json::to_vec(request)
            .map(Bytes::from)
            .map_err(|e| Error::Config(format!("cannot encode the request: {e}")))?;
        let span = tracing::info_span!("register_webhook", types = request.types.len());
        let answer = tracing::Instrument::instrument(
            self.execute(Operation::write(
                Method::PUT,
                paths::WEBHOOKS,
                Some(body),
                key,
            )),
            span,
        )
        .await?;
        decode(&answer)
    }
}
