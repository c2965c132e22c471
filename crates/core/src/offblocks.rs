//! The OffBlocks wire decisions, in one place.
//!
//! Where the public documentation is silent or cut off (`offblocks-api.md` section 2), the client
//! and the sandbox follow these constants, so a correction is a one-line change here. Each names
//! the open question it settles.

/// Path prefix of every endpoint (`https://api.offblocks.xyz/v1`).
pub const API_PREFIX: &str = "/v1";

/// Production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://api.offblocks.xyz/v1";
/// OffBlocks' hosted sandbox base URL (A17).
pub const SANDBOX_BASE_URL: &str = "https://api.sandbox.offblocks.xyz/v1";

/// Header carrying the idempotency key (a UUID) on every write.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Fields of the body of `POST …/challenge/sign` (A5).
pub mod sign_body {
    /// The signer's CAIP-10 account id.
    pub const CHAIN_ID: &str = "chainId";
    /// The challenge exactly as received (base64).
    pub const CHALLENGE: &str = "challenge";
    /// The signature: standard padded base64 of the raw signature bytes (A6).
    pub const SIGNATURE: &str = "signature";
}

/// Field of `PUT /auth/signing` holding base64 of the SPKI PEM public key (A4).
pub const SIGNING_KEY_FIELD: &str = "publicKey";
/// Field of the `PUT /auth/signing` response holding the key id used as `keyid` (A2).
pub const SIGNING_KEY_ID_FIELD: &str = "keyId";

/// Field holding the challenge in create responses and in `GET …/challenge` responses (A10).
pub const CHALLENGE_FIELD: &str = "challenge";

/// List endpoints answer `{"items": [...]}` (undocumented; the client also accepts a bare array).
pub const LIST_ITEMS_FIELD: &str = "items";

/// Account `type` for card accounts, lower case (A16).
pub const CARD_ACCOUNT: &str = "card_account";

/// The statement of OffBlocks' SIWE customer challenge (D-siwx).
pub const SIWE_STATEMENT: &str = "OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy";

/// Lifetime of every issued challenge, in seconds (D-siwx: 1 hour).
pub const CHALLENGE_TTL_SECS: u64 = 3600;

/// Lifetime of an idempotency key, in seconds (D-idem: 1 hour).
pub const IDEMPOTENCY_WINDOW_SECS: u64 = 3600;

/// The whole body of the stock Go signature middleware's answer to a request it cannot
/// authenticate (signature, digest, key id, time window): `400`, `text/plain`, this text
/// (`offblocks-api.md` 1.4, A20). It names no reason.
pub const SIGNATURE_REFUSED_BODY: &str = "invalid required signature";

/// The sandbox's own response header naming why it refused a request's signature (the body is
/// the middleware's, [`SIGNATURE_REFUSED_BODY`], and names nothing). The real API sends no such
/// header.
pub const SANDBOX_REASON_HEADER: &str = "x-chainsig-sandbox-reason";

/// Error body of every 4xx/5xx answer of the sandbox: `{"error": "<code>", "message": "<text>"}`
/// (A11: the real API's shape is undocumented; the client also keeps a plain-text body).
pub mod error_body {
    /// Machine-readable code.
    pub const CODE: &str = "error";
    /// Human-readable text.
    pub const MESSAGE: &str = "message";
}

/// API paths, relative to the base URL (which includes [`API_PREFIX`]).
pub mod paths {
    /// `POST`: exchange API key and secret for a bearer token.
    pub const TOKEN: &str = "/auth/token";
    /// `PUT`: register (or replace) the request-signing public key; `DELETE`: remove it.
    pub const SIGNING_KEY: &str = "/auth/signing";
    /// `PUT`: rotate the API key and secret (every token issued before is invalidated);
    /// `DELETE`: revoke them for good.
    pub const CREDENTIALS: &str = "/auth/credentials";
    /// `POST` create, `GET` list.
    pub const CUSTOMERS: &str = "/customers";
    /// `GET` list all accounts.
    pub const ACCOUNTS: &str = "/accounts";

    /// `GET /customers/{id}`.
    pub fn customer(id: &str) -> String {
        format!("/customers/{id}")
    }
    /// `GET /customers/{id}/challenge`.
    pub fn customer_challenge(id: &str) -> String {
        format!("/customers/{id}/challenge")
    }
    /// `POST /customers/{id}/challenge/sign`.
    pub fn customer_challenge_sign(id: &str) -> String {
        format!("/customers/{id}/challenge/sign")
    }
    /// `POST` create / `GET` list a customer's accounts.
    pub fn customer_accounts(id: &str) -> String {
        format!("/customers/{id}/accounts")
    }
    /// `GET /accounts/{id}`, `DELETE /accounts/{id}` (close).
    pub fn account(id: &str) -> String {
        format!("/accounts/{id}")
    }
    /// `GET /accounts/{id}/challenge`.
    pub fn account_challenge(id: &str) -> String {
        format!("/accounts/{id}/challenge")
    }
    /// `POST /accounts/{id}/challenge/sign`.
    pub fn account_challenge_sign(id: &str) -> String {
        format!("/accounts/{id}/challenge/sign")
    }
    /// `PATCH /customers/{id}/deactivate`.
    pub fn customer_deactivate(id: &str) -> String {
        format!("/customers/{id}/deactivate")
    }
    /// `PATCH /accounts/{id}/deactivate`.
    pub fn account_deactivate(id: &str) -> String {
        format!("/accounts/{id}/deactivate")
    }
    /// `PATCH /accounts/{id}/activate`.
    pub fn account_activate(id: &str) -> String {
        format!("/accounts/{id}/activate")
    }
    /// `PATCH /simulator/customers/{id}/verify` (sandbox: approve KYC).
    pub fn simulator_verify(id: &str) -> String {
        format!("/simulator/customers/{id}/verify")
    }
    /// `PATCH /simulator/customers/{id}/reject` (sandbox: reject KYC).
    pub fn simulator_reject(id: &str) -> String {
        format!("/simulator/customers/{id}/reject")
    }
}
