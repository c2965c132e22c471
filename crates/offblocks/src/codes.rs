//! Error codes: the `error` field of a refusal's JSON body ([`ErrorBody`](crate::ErrorBody)).
//!
//! OffBlocks documents few of them (A11); the sandbox answers with these, and the client
//! decides on some of them ([`IDEMPOTENCY_KEY_REUSED`] is final, for one). A code here is a
//! promise of the sandbox: changing one changes what both sides read.

/// 401: no bearer token, or not a valid one.
pub const UNAUTHORIZED: &str = "unauthorized";
/// 400 on `POST /auth/token`: the API key or secret is wrong.
pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
/// 400: a new API key is not a UUID.
pub const INVALID_API_KEY: &str = "invalid_api_key";
/// 400: a new API secret is out of bounds.
pub const INVALID_API_SECRET: &str = "invalid_api_secret";
/// 400 on `PUT /auth/signing`: the public key is not base64 of a PEM P-384 key.
pub const INVALID_PUBLIC_KEY: &str = "invalid_public_key";

/// 404: no such record, or no such endpoint.
pub const NOT_FOUND: &str = "not_found";
/// 405: the endpoint does not take that method.
pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
/// 413: the body is over the server's limit.
pub const BODY_TOO_LARGE: &str = "body_too_large";
/// 400: the body is not the JSON the endpoint takes.
pub const INVALID_JSON: &str = "invalid_json";
/// 400: a path segment cannot be read.
pub const INVALID_PATH: &str = "invalid_path";
/// 400: the query string cannot be read.
pub const INVALID_QUERY: &str = "invalid_query";
/// 400: a record id is not a UUID.
pub const INVALID_ID: &str = "invalid_id";
/// 400: a list's `limit` is out of bounds.
pub const INVALID_LIMIT: &str = "invalid_limit";
/// 400: a list's cursor is not one the server gave.
pub const INVALID_CURSOR: &str = "invalid_cursor";

/// 409: the record is not in a state that allows the operation.
pub const INVALID_STATE: &str = "invalid_state";
/// 400: a `chainId` is not a CAIP-10 account id.
pub const INVALID_CHAIN_ID: &str = "invalid_chain_id";
/// 400: a `chainId` names a chain the API does not support.
pub const UNSUPPORTED_CHAIN: &str = "unsupported_chain";
/// 400: an `externalId` is out of bounds.
pub const INVALID_EXTERNAL_ID: &str = "invalid_external_id";
/// 409: a customer with this wallet or external id exists.
pub const CUSTOMER_ALREADY_EXISTS: &str = "customer_already_exists";
/// 400: an account `type` the API does not know.
pub const INVALID_TYPE: &str = "invalid_type";
/// 400: a currency the API does not issue in.
pub const UNSUPPORTED_CURRENCY: &str = "unsupported_currency";
/// 400: not exactly one currency.
pub const INVALID_CURRENCIES: &str = "invalid_currencies";

/// 400: the challenge was signed by another account than its owner.
pub const WRONG_SIGNER: &str = "wrong_signer";
/// 400: the challenge is not the current one (a newer one was issued).
pub const STALE_CHALLENGE: &str = "stale_challenge";
/// 400: the challenge expired; a new one was issued.
pub const CHALLENGE_EXPIRED: &str = "challenge_expired";
/// 400: the challenge signature does not verify; a new challenge was issued.
pub const CHALLENGE_SIGNATURE_INVALID: &str = "challenge_signature_invalid";

/// 400: a write without an `Idempotency-Key`.
pub const IDEMPOTENCY_KEY_REQUIRED: &str = "idempotency_key_required";
/// 400: an `Idempotency-Key` that is not a UUID.
pub const INVALID_IDEMPOTENCY_KEY: &str = "invalid_idempotency_key";
/// 409: another request with the same idempotency key is still being handled (retryable).
pub const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";
/// 422: the idempotency key was used for another request (final: retrying cannot help).
pub const IDEMPOTENCY_KEY_REUSED: &str = "idempotency_key_reused";

/// 400: a webhook callback URL that cannot be read.
pub const INVALID_CALLBACK_URL: &str = "invalid_callback_url";
/// 400: the sandbox delivers webhooks to loopback only.
pub const CALLBACK_URL_NOT_LOOPBACK: &str = "callback_url_not_loopback";
/// 400: no webhook type, or one the API does not know.
pub const INVALID_WEBHOOK_TYPES: &str = "invalid_webhook_types";

/// 500: the server failed.
pub const INTERNAL: &str = "internal";
/// 503: the server is unavailable for now (with `Retry-After`).
pub const UNAVAILABLE: &str = "unavailable";
