//! Subscriptions: creating and updating them (`PUT /webhooks`), and checking their callback URLs
//! and event types.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chainsig_offblocks::{WebhookType, codes};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ApiError;

/// The event types OffBlocks documents (1.12). All are accepted; the sandbox emits the first two.
pub(crate) const KNOWN_TYPES: &[&str] = WebhookType::KNOWN;

/// Longest callback URL accepted.
const MAX_URL_LEN: usize = 2048;

/// The `PUT /webhooks` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PutWebhook {
    #[serde(default)]
    pub(crate) id: Option<String>,
    pub(crate) callback_url: String,
    pub(crate) types: Vec<String>,
}

/// A subscription, as answered.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Subscription {
    pub(crate) id: Uuid,
    #[serde(serialize_with = "as_str")]
    pub(super) callback_url: Url,
    types: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
}

fn as_str<S: serde::Serializer>(url: &Url, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(url.as_str())
}

/// Every subscription, by id.
#[derive(Debug, Default)]
pub(super) struct Subscriptions {
    by_id: Mutex<HashMap<Uuid, Subscription>>,
}

impl Subscriptions {
    /// The subscriptions to `webhook_type`: their ids and callback URLs.
    pub(super) fn matching(&self, webhook_type: &str) -> Vec<(Uuid, Url)> {
        let by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        by_id
            .values()
            .filter(|s| s.types.iter().any(|t| t == webhook_type))
            .map(|s| (s.id, s.callback_url.clone()))
            .collect()
    }

    /// Creates (no `id`) or replaces (an existing `id`) a subscription.
    pub(super) fn put(
        &self,
        id: Option<Uuid>,
        callback_url: Url,
        types: Vec<String>,
        now: OffsetDateTime,
    ) -> Result<Subscription, ApiError> {
        let mut by_id = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        let subscription = match id {
            Some(id) => {
                let existing = by_id
                    .get_mut(&id)
                    .ok_or_else(|| ApiError::not_found("Webhook"))?;
                existing.callback_url = callback_url;
                existing.types = types;
                existing.updated_at = now;
                existing.clone()
            }
            None => {
                let subscription = Subscription {
                    id: Uuid::new_v4(),
                    callback_url,
                    types,
                    created_at: now,
                    updated_at: now,
                };
                by_id.insert(subscription.id, subscription.clone());
                subscription
            }
        };
        Ok(subscription)
    }
}

/// Whether `url`'s host is a loopback address or `localhost`.
fn is_loopback(url: &Url) -> bool {
    // `Url` has already normalized the host (IPv4 in any notation to dotted quads, IPv6 in
    // brackets).
    url.host_str().is_some_and(|host| {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

/// Checks a callback URL: absolute `http`/`https` with a host, no credentials, loopback unless
/// `allow_any_host`.
pub(super) fn check_callback_url(text: &str, allow_any_host: bool) -> Result<Url, ApiError> {
    let invalid = |why: &str| {
        ApiError::bad_request(
            codes::INVALID_CALLBACK_URL,
            format!(
                "callbackUrl {why}: expected an absolute http(s) URL such as http://127.0.0.1:9000/hooks"
            ),
        )
    };
    if text.len() > MAX_URL_LEN {
        return Err(invalid(&format!("is over {MAX_URL_LEN} bytes")));
    }
    let url = Url::parse(text).map_err(|_| invalid("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must use http or https"));
    }
    if url.host().is_none() {
        return Err(invalid("has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("must not carry credentials"));
    }
    if !allow_any_host && !is_loopback(&url) {
        return Err(ApiError::bad_request(
            codes::CALLBACK_URL_NOT_LOOPBACK,
            "this sandbox only delivers webhooks to loopback addresses (127.0.0.1, ::1, localhost); \
             start it with webhooks.allow_any_host to call other hosts",
        ));
    }
    Ok(url)
}

/// Checks the event types: at least one, each documented; duplicates dropped, order kept.
pub(super) fn check_types(types: Vec<String>) -> Result<Vec<String>, ApiError> {
    if types.is_empty() {
        return Err(ApiError::bad_request(
            codes::INVALID_WEBHOOK_TYPES,
            format!(
                "types must name at least one of: {}",
                KNOWN_TYPES.join(", ")
            ),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(types.len());
    for t in types {
        if !KNOWN_TYPES.contains(&t.as_str()) {
            let shown: String = t.chars().take(64).filter(|c| !c.is_control()).collect();
            return Err(ApiError::bad_request(
                codes::INVALID_WEBHOOK_TYPES,
                format!(
                    "unknown webhook type `{shown}`: expected one of {}",
                    KNOWN_TYPES.join(", ")
                ),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn loopback_urls_only_by_default() {
        for ok in [
            "http://127.0.0.1:9000/hooks",
            "http://127.8.0.1/",
            "https://localhost:1/x",
            "http://LOCALHOST/",
            "http://[::1]:80/",
            "http://2130706433/",
        ] {
            assert!(check_callback_url(ok, false).is_ok(), "{ok}");
        }
        for (bad, code) in [
            ("http://10.0.0.1/", "callback_url_not_loopback"),
            ("http://example.com/", "callback_url_not_loopback"),
            ("http://localhost.example.com/", "callback_url_not_loopback"),
            ("ftp://127.0.0.1/", "invalid_callback_url"),
            ("127.0.0.1:9000", "invalid_callback_url"),
            ("http://user:pw@127.0.0.1/", "invalid_callback_url"),
            ("not a url", "invalid_callback_url"),
        ] {
            assert_eq!(
                check_callback_url(bad, false).unwrap_err().code,
                code,
                "{bad}"
            );
        }
        assert!(check_callback_url("http://example.com/", true).is_ok());
        assert!(check_callback_url("http://user@127.0.0.1/", false).is_err());
        let at_limit = format!("http://127.0.0.1/{}", "a".repeat(MAX_URL_LEN - 17));
        assert_eq!(at_limit.len(), MAX_URL_LEN);
        assert!(check_callback_url(&at_limit, false).is_ok());
        let over = format!("{at_limit}a");
        let e = check_callback_url(&over, false).unwrap_err();
        assert!(e.message.contains("over 2048 bytes"), "{}", e.message);
        assert!(check_callback_url("file:///etc/passwd", true).is_err());
    }

    #[test]
    fn types_are_known_and_not_empty() {
        assert_eq!(
            check_types(vec![
                "account.updated".into(),
                "account.updated".into(),
                "card.updated".into()
            ])
            .unwrap(),
            ["account.updated", "card.updated"]
        );
        assert!(check_types(vec![]).is_err());
        let e =
            check_types(vec!["customer.updated".into(), "customer.created".into()]).unwrap_err();
        assert!(e.message.contains("customer.created"), "{}", e.message);
    }
}
