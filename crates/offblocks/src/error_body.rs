//! The two shapes of a refusal: the JSON error body, and the signature middleware's plain text.

use serde::{Deserialize, Serialize};

/// The whole body of the stock Go signature middleware's answer to a request it cannot
/// authenticate (signature, digest, key id, time window): `400`, `text/plain`, this text
/// (`offblocks-api.md` 1.4, A20). It names no reason.
pub const SIGNATURE_REFUSED_BODY: &str = "invalid required signature";

/// Error body of a JSON refusal: `{"error": "<code>", "message": "<text>"}` (A11; field names in
/// [`fields::error_body`](crate::fields::error_body), codes in [`codes`](crate::codes)).
///
/// Both fields are optional when read: a server may send either alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code.
    #[serde(rename = "error", default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    /// A body with both fields.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            message: Some(message.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::error_body;

    #[test]
    fn field_names_are_the_wire_ones() {
        let json = serde_json::to_value(ErrorBody::new("not_found", "no such thing")).unwrap();
        assert_eq!(json[error_body::CODE], "not_found");
        assert_eq!(json[error_body::MESSAGE], "no such thing");
        assert_eq!(json.as_object().map(|o| o.len()), Some(2));
    }

    #[test]
    fn either_field_may_be_missing() {
        let only_code: ErrorBody = serde_json::from_str(r#"{"error":"x","extra":1}"#).unwrap();
        assert_eq!(only_code.code.as_deref(), Some("x"));
        assert_eq!(only_code.message, None);
        let none: ErrorBody = serde_json::from_str("{}").unwrap();
        assert_eq!(none, ErrorBody::default());
    }
}
