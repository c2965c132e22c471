//! Header names of the wire, lower case (as `http::HeaderName` wants them).

/// Header carrying the idempotency key (a UUID) on every write; covered by the request
/// signature when present (chainsig-httpsig's profile takes the name from here).
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The sandbox's own response header naming why it refused a request's signature (the body is
/// the middleware's, [`SIGNATURE_REFUSED_BODY`](crate::SIGNATURE_REFUSED_BODY), and names
/// nothing). The real API sends no such header.
pub const SANDBOX_REASON: &str = "x-chainsig-sandbox-reason";
