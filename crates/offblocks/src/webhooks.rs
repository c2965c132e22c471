//! Webhooks on the wire (`offblocks-api.md` 1.12, A22): the event types, the body of
//! `PUT /webhooks` and its answer, and the two fields every event adds to its record.

use serde::{Deserialize, Serialize};

use crate::RecordTimes;
use crate::open_enum::open_enum;

/// Field of an event naming its id (the same in every delivery of the event).
pub const EVENT_ID_FIELD: &str = "eventId";
/// Field of an event naming its [`WebhookType`].
pub const WEBHOOK_TYPE_FIELD: &str = "webhookType";

open_enum! {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterWebhook {
    /// The subscription to update; `None` creates one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// Creation and last update times.
    #[serde(flatten)]
    pub times: RecordTimes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registration_is_written_as_the_api_reads_it() {
        let body = RegisterWebhook::new("https://h.example/x", [WebhookType::CustomerUpdated]);
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"callbackUrl": "https://h.example/x", "types": ["customer.updated"]})
        );
        let body = body.with_id("w1");
        assert_eq!(serde_json::to_value(&body).unwrap()["id"], "w1");
        assert_eq!(WebhookType::AccountUpdated.as_str(), "account.updated");
    }
}
