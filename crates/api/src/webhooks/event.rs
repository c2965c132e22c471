//! Webhook events: the record the event is about, parsed into the client's models where it
//! fits, and the whole JSON kept.

use chainsig_offblocks::fields;
use chainsig_offblocks::webhooks::{EVENT_ID_FIELD, WEBHOOK_TYPE_FIELD};
use serde_json::Value;

use super::error::WebhookError;
use super::subscription::WebhookType;
use crate::models::{Account, Customer};
use crate::sanitize::sanitize_server_text;

/// Longest `eventId` accepted (they are UUIDs).
const MAX_EVENT_ID_LEN: usize = 256;

/// One webhook event (`offblocks-api.md` 1.12): the record's fields plus `eventId` and
/// `webhookType`.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    /// The event's id: the same in every delivery of the event (de-duplicate by it).
    pub event_id: String,
    /// The event type; unknown types are kept as [`WebhookType::Unknown`].
    pub webhook_type: WebhookType,
    /// The record, when the type is known and its fields fit the model.
    pub data: EventData,
    /// The whole event as received, unknown fields included.
    pub raw: Value,
}

/// The record an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventData {
    /// `customer.updated`.
    Customer(Customer),
    /// `account.updated`.
    Account(Account),
    /// Another type, or fields that do not fit the model: see [`WebhookEvent::raw`].
    Other,
}

impl WebhookEvent {
    /// The customer of a `customer.updated` event.
    pub fn customer(&self) -> Option<&Customer> {
        match &self.data {
            EventData::Customer(customer) => Some(customer),
            _ => None,
        }
    }

    /// The account of an `account.updated` event.
    pub fn account(&self) -> Option<&Account> {
        match &self.data {
            EventData::Account(account) => Some(account),
            _ => None,
        }
    }

    /// The `id` of the record the event is about, if it has one.
    pub fn subject_id(&self) -> Option<&str> {
        self.raw.get(fields::ID).and_then(Value::as_str)
    }

    /// The event as one line of JSON, made safe to print ([`sanitize_server_text`]: JSON
    /// escapes control characters already; bidirectional formatting characters are replaced).
    pub fn to_json_line(&self) -> String {
        sanitize_server_text(&self.raw.to_string()).into_owned()
    }
}

/// Parses a webhook body: a JSON object with string `eventId` (non-empty) and `webhookType`.
/// Unknown types and fields are kept, never fatal; a `customer.updated` or `account.updated`
/// whose fields do not fit the model is kept as [`EventData::Other`].
///
/// ```
/// use chainsig_api::webhooks::{EventData, parse};
///
/// let event = parse(br#"{"eventId":"e1","webhookType":"customer.updated","id":"c1",
///     "externalId":"x","chainId":"eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb",
///     "status":"active","newField":1}"#).unwrap();
/// assert_eq!(event.customer().unwrap().status.as_str(), "active");
/// assert_eq!(event.raw["newField"], 1);
///
/// let other = parse(br#"{"eventId":"e2","webhookType":"card.frozen","id":"k"}"#).unwrap();
/// assert_eq!(other.data, EventData::Other);
/// assert!(parse(b"garbage").is_err());
/// ```
pub fn parse(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let raw: Value = serde_json::from_slice(body)
        .map_err(|e| WebhookError::Malformed(format!("not JSON ({})", e.classify_name())))?;
    let fields = raw
        .as_object()
        .ok_or_else(|| WebhookError::Malformed("not a JSON object".to_owned()))?;
    let event_id = match fields.get(EVENT_ID_FIELD) {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= MAX_EVENT_ID_LEN => id.clone(),
        Some(Value::String(_)) => {
            return Err(WebhookError::Malformed(format!(
                "`eventId` must be 1 to {MAX_EVENT_ID_LEN} bytes"
            )));
        }
        _ => return Err(WebhookError::Malformed("no string `eventId`".to_owned())),
    };
    let webhook_type = match fields.get(WEBHOOK_TYPE_FIELD) {
        Some(Value::String(t)) => WebhookType::from(t.clone()),
        _ => {
            return Err(WebhookError::Malformed(
                "no string `webhookType`".to_owned(),
            ));
        }
    };
    let data = match webhook_type {
        WebhookType::CustomerUpdated => serde_json::from_value(raw.clone())
            .map(EventData::Customer)
            .unwrap_or(EventData::Other),
        WebhookType::AccountUpdated => serde_json::from_value(raw.clone())
            .map(EventData::Account)
            .unwrap_or(EventData::Other),
        _ => EventData::Other,
    };
    Ok(WebhookEvent {
        event_id,
        webhook_type,
        data,
        raw,
    })
}

/// serde_json's error category, without its text (which could quote the body).
trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::models::AccountStatus;

    #[test]
    fn account_events_parse_into_the_model_and_keep_unknown_fields() {
        let event = parse(
            br#"{"eventId":"e","webhookType":"account.updated","id":"a","customerId":"c",
                "status":"active","type":"card_account","currencies":["EUR"],"extra":{"x":[1]}}"#,
        )
        .unwrap();
        let account = event.account().unwrap();
        assert_eq!(account.status, AccountStatus::Active);
        assert!(event.customer().is_none());
        assert_eq!(event.subject_id(), Some("a"));
        assert_eq!(event.raw["extra"]["x"][0], 1);
    }

    #[test]
    fn a_known_type_with_unfitting_fields_is_other_not_an_error() {
        let event = parse(br#"{"eventId":"e","webhookType":"account.updated","id":7}"#).unwrap();
        assert_eq!(event.data, EventData::Other);
        assert_eq!(event.webhook_type, WebhookType::AccountUpdated);
    }

    #[test]
    fn unknown_types_are_kept() {
        let event = parse(br#"{"eventId":"e","webhookType":"payout.updated"}"#).unwrap();
        assert_eq!(
            event.webhook_type,
            WebhookType::Unknown("payout.updated".into())
        );
        assert_eq!(event.data, EventData::Other);
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        for (body, why) in [
            (&b"not json"[..], "not JSON (syntax error)"),
            (b"{\"eventId\":", "not JSON (truncated)"),
            (b"[1,2]", "not a JSON object"),
            (
                br#"{"webhookType":"customer.updated"}"#,
                "no string `eventId`",
            ),
            (
                br#"{"eventId":"","webhookType":"customer.updated"}"#,
                "1 to 256 bytes",
            ),
            (
                br#"{"eventId":5,"webhookType":"customer.updated"}"#,
                "eventId",
            ),
            (br#"{"eventId":"e"}"#, "webhookType"),
            (br#"{"eventId":"e","webhookType":null}"#, "webhookType"),
        ] {
            let e = parse(body).unwrap_err();
            assert!(e.to_string().contains(why), "{e}");
            assert_eq!(e.status(), http::StatusCode::BAD_REQUEST);
        }
        let long = format!(r#"{{"eventId":"{}","webhookType":"x"}}"#, "e".repeat(257));
        assert!(parse(long.as_bytes()).is_err());
    }

    #[test]
    fn printed_lines_are_sanitized() {
        let event =
            parse("{\"eventId\":\"e\",\"webhookType\":\"x\",\"n\":\"a\u{202e}b\"}".as_bytes())
                .unwrap();
        let line = event.to_json_line();
        assert!(!line.contains('\u{202e}'), "{line}");
        assert!(!line.contains('\n'));
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["n"], "a\u{fffd}b");
        assert_eq!(back["eventId"], "e");
    }
}
