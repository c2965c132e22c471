//! Issuing challenges: the ownership text (EIP-4361 / CAIP-122), the session-key and deletion
//! texts, and when each stops being valid.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{AccountId, SiwxMessage, format_siwx_time};
use chainsig_offblocks::rules::SIWE_STATEMENT;
use rand::Rng;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::chains::registry;

/// What a challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A customer proves it owns its wallet (SIWE/SIWX text).
    Ownership,
    /// The owner authorizes an account's session key.
    AccountCreation,
    /// The owner authorizes closing an account.
    AccountDeletion,
}

/// A challenge as issued: the base64 text and when it stops being valid.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) purpose: Purpose,
    pub(crate) base64: String,
    pub(crate) expires_at: OffsetDateTime,
}

impl Issued {
    /// The text of `current` for a record's body: shown only when `shown` (the answers that
    /// issue it), never on reads.
    pub(crate) fn text(current: &Option<Self>, shown: bool) -> Option<String> {
        current
            .as_ref()
            .filter(|_| shown)
            .map(|issued| issued.base64.clone())
    }
}

/// Lifetimes and delays the rules need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timings {
    pub(crate) challenge_ttl: Duration,
    pub(crate) screening_delay: Duration,
    pub(crate) deployment_delay: Duration,
}

/// The origin the SIWE challenges name: the sandbox's own host and URL.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub(crate) domain: String,
    pub(crate) uri: String,
}

/// What issuing a challenge needs: the origin SIWE names, the lifetimes, and the time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Issuer<'a> {
    pub(crate) origin: &'a Origin,
    pub(crate) timings: &'a Timings,
    pub(crate) now: OffsetDateTime,
}

impl<'a> Issuer<'a> {
    /// An issuer naming `origin`, with `timings`' lifetime, at `now`.
    pub(crate) fn new(origin: &'a Origin, timings: &'a Timings, now: OffsetDateTime) -> Self {
        Self {
            origin,
            timings,
            now,
        }
    }

    /// A fresh challenge for `purpose`, to be signed by `owner`.
    pub(crate) fn issue(&self, purpose: Purpose, owner: &AccountId) -> Issued {
        let text = match purpose {
            Purpose::Ownership => self.ownership_text(owner),
            // The text of a fresh UUID, as OffBlocks' sandbox sends (`offblocks-api.md` 1.9),
            // signed by the owner over the decoded bytes.
            Purpose::AccountCreation | Purpose::AccountDeletion => Uuid::new_v4().to_string(),
        };
        Issued {
            purpose,
            base64: STANDARD.encode(text.as_bytes()),
            expires_at: self.now + self.timings.challenge_ttl,
        }
    }

    /// The ownership challenge: EIP-4361 for EVM customers; for the other chains the same layout
    /// (CAIP-122) with the registry's name for the chain (`Solana account`, `Tron account`), the
    /// address in its canonical form and `Chain ID:` the CAIP-2 reference (a sandbox extension:
    /// OffBlocks documents Sign-In-with-X for EVM only).
    fn ownership_text(&self, owner: &AccountId) -> String {
        SiwxMessage {
            scheme: None,
            domain: self.origin.domain.clone(),
            chain_name: registry()
                .get(owner.chain().namespace())
                .map(|chain| chain.siwx_name())
                .unwrap_or("Ethereum")
                .to_owned(),
            address: owner.address().to_owned(),
            statement: Some(SIWE_STATEMENT.to_owned()),
            uri: self.origin.uri.clone(),
            version: "1".to_owned(),
            chain_id: owner.chain().reference().to_owned(),
            nonce: random_nonce(),
            issued_at: format_siwx_time(self.now),
            expiration_time: None,
            not_before: None,
            request_id: None,
            resources: Vec::new(),
        }
        .to_string()
    }
}

fn random_nonce() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}
