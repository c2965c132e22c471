//! JSON field names that code reads or writes by name (the models spell the rest through serde).

/// Fields of the body of `POST …/challenge/sign` (A5), [`SignChallenge`](crate::SignChallenge).
pub mod sign_body {
    /// The signer's CAIP-10 account id.
    pub const CHAIN_ID: &str = "chainId";
    /// The challenge exactly as received (base64).
    pub const CHALLENGE: &str = "challenge";
    /// The signature: standard padded base64 of the raw signature bytes (A6).
    pub const SIGNATURE: &str = "signature";
}

/// Error body of every 4xx/5xx JSON answer: `{"error": "<code>", "message": "<text>"}`
/// (A11: the real API's shape is undocumented; a client also keeps a plain-text body).
pub mod error_body {
    /// Machine-readable code (one of [`codes`](crate::codes)).
    pub const CODE: &str = "error";
    /// Human-readable text.
    pub const MESSAGE: &str = "message";
}

/// Field of `PUT /auth/signing` holding base64 of the SPKI PEM public key (A4).
pub const SIGNING_KEY: &str = "publicKey";
/// Field of the `PUT /auth/signing` response holding the key id used as `keyid` (A2).
pub const SIGNING_KEY_ID: &str = "keyId";

/// Field holding the challenge in create responses and in `GET …/challenge` responses (A10).
pub const CHALLENGE: &str = "challenge";

/// List endpoints answer `{"items": [...]}` (undocumented; a client also accepts a bare array).
pub const LIST_ITEMS: &str = "items";

/// Field of every record holding its id (webhook events carry the record's fields).
pub const ID: &str = "id";
