//! The shared state of a running sandbox (`App`), built from its configuration: what the
//! middlewares and handlers read. It depends on the concepts it holds, never on them.

use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use crate::auth::{Access, Credentials, SigningKeys, Tokens, verifier};
use crate::challenge::{Origin, Timings};
use crate::config::SandboxConfig;
use crate::counters::Counters;
use crate::faults::FaultInjector;
use crate::idempotency::IdempotencyStore;
use crate::store::Store;
use crate::webhooks::Webhooks;

/// Shared state of a running sandbox.
pub(crate) struct App {
    pub(crate) config: SandboxConfig,
    pub(crate) clock: Arc<dyn crate::Clock>,
    pub(crate) access: Access,
    pub(crate) tokens: Tokens,
    pub(crate) signing_keys: Arc<SigningKeys>,
    pub(crate) verifier: chainsig_httpsig::Verifier,
    pub(crate) idempotency: IdempotencyStore,
    pub(crate) faults: FaultInjector,
    pub(crate) counters: Counters,
    /// The sandbox's own authority, which request signatures are verified against.
    pub(crate) authority: String,
    pub(crate) webhooks: Webhooks,
    store: Mutex<Store>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

impl App {
    /// The shared state of a sandbox reached at `authority`, and its credentials.
    pub(crate) fn build(config: SandboxConfig, authority: &str) -> (Arc<Self>, Credentials) {
        let credentials = Credentials {
            api_key: config
                .api_key
                .clone()
                .unwrap_or_else(|| Uuid::new_v4().to_string()),
            api_secret: config
                .api_secret
                .clone()
                .unwrap_or_else(|| hex::encode(rand::random::<[u8; 20]>())),
        };
        let signing_keys = Arc::new(SigningKeys::default());
        let (webhooks, changes) = Webhooks::new(config.webhooks.clone());
        let origin = Origin {
            domain: authority.to_owned(),
            uri: format!("http://{authority}"),
        };
        let timings = Timings {
            challenge_ttl: config.challenge_ttl,
            screening_delay: config.screening_delay,
            deployment_delay: config.deployment_delay,
        };
        let app = Arc::new(App {
            clock: config.clock.clone(),
            verifier: verifier(
                signing_keys.clone(),
                authority,
                config.clock_skew.as_secs(),
                config.max_signature_age.as_secs(),
            ),
            access: Access::new(credentials.clone()),
            tokens: Tokens::new(),
            signing_keys,
            idempotency: IdempotencyStore::default(),
            faults: FaultInjector::new(config.faults.clone()),
            counters: Counters::default(),
            authority: authority.to_owned(),
            webhooks,
            store: Mutex::new(Store::new(changes, origin, timings)),
            config,
        });
        (app, credentials)
    }

    /// The records, locked.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}
