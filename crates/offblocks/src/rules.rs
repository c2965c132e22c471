//! The wire's fixed values: lifetimes and texts both sides must agree on.

/// Account `type` for card accounts, lower case (A16).
pub const CARD_ACCOUNT: &str = "card_account";

/// The statement of OffBlocks' SIWE customer challenge (D-siwx).
pub const SIWE_STATEMENT: &str = "OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy";

/// Lifetime of every issued challenge, in seconds (D-siwx: 1 hour).
pub const CHALLENGE_TTL_SECS: u64 = 3600;

/// Lifetime of an idempotency key, in seconds (D-idem: 1 hour).
pub const IDEMPOTENCY_WINDOW_SECS: u64 = 3600;

#[cfg(all(test, feature = "caip"))]
mod tests {
    #[test]
    fn core_policies_default_to_the_challenge_lifetime() {
        // Core keeps its own default (it knows nothing of the API); it must stay this one.
        assert_eq!(
            chainsig_core::SiwxRules::default().max_age_secs,
            super::CHALLENGE_TTL_SECS
        );
    }
}
