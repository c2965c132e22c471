//! `PUT /webhooks`: the subscription models and [`Client::register_webhook`].

use std::fmt;

use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};

use crate::client::{Client, Operation, decode};
use crate::error::{Error, Result};
use crate::idempotency::IdempotencyKey;

/// The path of `PUT /webhooks` (`offblocks-api.md` 1.7 row 23).
const WEBHOOKS_PATH: &str = "/webhooks";

crate::models::open_enum! {
    /// Webhook event types (`offblocks-api.md` 1.12).
    WebhookType {
        /// A customer changed (its status, for one).
        CustomerUpdated => "customer.updated",
        /// An account changed.
        AccountUpdated => "account.updated",
        /// A card changed.
        CardUpdated => "card.updated",
        /// An authorisation changed.
        AuthorisationUpdated => "authorisation.updated",
        /// A transaction changed.
        TransactionUpdated => "transaction.updated",
    }
}

/// The body of `PUT /webhooks`: a new subscription, or (with `id`) a change to one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterWebhook {
    /// The subscription to update; `None` creates one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where events are POSTed.
    pub callback_url: String,
    /// The event types wanted (at least one).
    pub types: Vec<WebhookType>,
}

impl RegisterWebhook {
    /// A new subscription of `callback_url` to `types`.
    pub fn new(
        callback_url: impl Into<String>,
        types: impl IntoIterator<Item = WebhookType>,
    ) -> Self {
        Self {
            id: None,
            callback_url: callback_url.into(),
            types: types.into_iter().collect(),
        }
    }

    /// The same, updating the subscription `id`.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }
}

/// A webhook subscription, as `PUT /webhooks` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSubscription {
    /// Subscription id (UUID): pass it in [`RegisterWebhook::id`] to change it.
    pub id: String,
    /// Where events are POSTed.
    pub callback_url: String,
    /// The event types subscribed to.
    #[serde(default)]
    pub types: Vec<WebhookType>,
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

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
                WEBHOOKS_PATH,
                Some(body),
                key,
            )),
            span,
        )
        .await?;
        decode(&answer)
    }
}
