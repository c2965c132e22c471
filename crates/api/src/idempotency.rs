//! Idempotency keys: one per logical operation, reused by every retry of it.

use std::fmt;

use uuid::Uuid;

/// The `Idempotency-Key` of one logical write.
///
/// A retry of the same operation must carry the same key (the server then answers the stored
/// result instead of acting twice); a different operation must carry another key. Keys are
/// random, or derived from a seed and a step name, so that a process that restarts with the same
/// seed (e.g. from a batch journal) repeats the very same requests.
///
/// ```
/// use chainsig_api::IdempotencyKey;
/// use uuid::Uuid;
///
/// let seed = Uuid::new_v4();
/// assert_eq!(IdempotencyKey::derive(seed, "customer/create"), IdempotencyKey::derive(seed, "customer/create"));
/// assert_ne!(IdempotencyKey::derive(seed, "customer/create"), IdempotencyKey::derive(seed, "account/create"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(Uuid);

impl IdempotencyKey {
    /// A fresh random key (UUID v4).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }

    /// A key derived from `seed` and a step name (UUID v5 in the seed's namespace).
    pub fn derive(seed: Uuid, step: &str) -> Self {
        Self(Uuid::new_v5(&seed, step.as_bytes()))
    }

    /// A given UUID.
    pub fn from_uuid(uuid: Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
