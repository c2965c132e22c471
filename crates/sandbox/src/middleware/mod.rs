//! The layers every request passes, outermost first: `faults` (the request's span, counting,
//! injected faults), `body_limit` (the body collected once, within the limit), `authenticate`
//! (token, signature, digest), `idempotency` (writes answered once per key).

pub(crate) mod authenticate;
pub(crate) mod body_limit;
pub(crate) mod faults;
pub(crate) mod idempotency;
