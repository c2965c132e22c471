//! Starting, addressing and stopping a sandbox, and its router (routes and layers).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, patch, post, put};
use chainsig_offblocks::paths::{self, API_PREFIX, route};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::Credentials;
use crate::body::ApiJson;
use crate::config::SandboxConfig;
use crate::counters::CounterSnapshot;
use crate::faults::FaultConfig;
use crate::handlers::{self as h, Id};
use crate::middleware::authenticate::{authenticate, require_token};
use crate::middleware::body_limit::limit_body;
use crate::middleware::faults::inject;
use crate::middleware::idempotency::idempotency;
use crate::models::SignChallenge;
use crate::state::App;
use crate::store::Subject;
use crate::ticker::spawn_ticker;
use crate::webhooks::WebhookCounterSnapshot;

/// Failure to start a sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// [`SandboxConfig::authority`] is not a `host[:port]`.
    #[error("the authority `{authority}` is not a host[:port] (such as api.local:8443): {reason}")]
    Authority {
        /// The configured value.
        authority: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The authority the sandbox verifies and names: the configured one (checked and normalized as
/// `@authority` is), or the listening address.
fn own_authority(configured: Option<&str>, listening: SocketAddr) -> Result<String, SandboxError> {
    let Some(authority) = configured else {
        return Ok(listening.to_string());
    };
    let invalid = |reason: String| SandboxError::Authority {
        authority: authority.to_owned(),
        reason,
    };
    if authority.contains(['@', '/', '?', '#']) {
        return Err(invalid("no user, path, query or fragment".to_owned()));
    }
    let normalized = chainsig_httpsig::normalize_authority("http", authority)
        .map_err(|e| invalid(e.to_string()))?;
    // `Authority` takes `host:port` with a port that is no number; the port must be one.
    let parsed: axum::http::uri::Authority = authority
        .parse()
        .map_err(|_| invalid("not a host[:port]".to_owned()))?;
    let after_host = &authority[parsed.host().len()..];
    if !after_host.is_empty() && parsed.port_u16().is_none() {
        return Err(invalid(
            "the port must be a number from 0 to 65535".to_owned(),
        ));
    }
    Ok(normalized)
}

/// A local OffBlocks-compatible API.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.listen` and serves in the background until the handle is shut down or dropped.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| SandboxError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let local = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
        let public = if local.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], local.port()))
        } else {
            local
        };
        let authority = own_authority(config.authority.as_deref(), public)?;

        let (app, credentials) = App::build(config, &authority);
        app.webhooks.start();
        spawn_ticker(Arc::downgrade(&app));
        let router = router(app.clone());
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                let _ = signal.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        let base_url = format!("http://{authority}{API_PREFIX}");
        tracing::info!(%base_url, listening = %local, "sandbox listening");
        Ok(SandboxHandle {
            base_url,
            addr: public,
            credentials,
            app,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The sandbox's router, in process and without a socket, with its API key and secret: for
    /// fuzzing (`tower::ServiceExt::oneshot` on it is far faster than a socket). Requests are
    /// served as if the sandbox listened on `authority`. Not a stable API.
    #[doc(hidden)]
    pub fn router_for_fuzzing(
        config: SandboxConfig,
        authority: SocketAddr,
    ) -> (Router, String, String) {
        let (app, credentials) = App::build(config, &authority.to_string());
        (router(app), credentials.api_key, credentials.api_secret)
    }
}

/// `/v1` + `path`. The routes are flat (no `nest`), so that every layer sees the path as sent on
/// the wire (the signature covers `@path`) and the JSON 404/405 fallbacks reach every route.
fn v1(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

fn router(app: Arc<App>) -> Router {
    let business = Router::new()
        .route(
            &v1(paths::CUSTOMERS),
            post(h::create_customer).get(h::list_customers),
        )
        .route(&v1(route::CUSTOMER), get(h::get_customer))
        .route(
            &v1(route::CUSTOMER_DEACTIVATE),
            patch(h::deactivate_customer),
        )
        .route(
            &v1(route::CUSTOMER_CHALLENGE),
            get(|app: State<Arc<App>>, id: Id| h::fetch_challenge(app, id, Subject::Customer)),
        )
        .route(
            &v1(route::CUSTOMER_CHALLENGE_SIGN),
            post(
                |app: State<Arc<App>>, id: Id, body: ApiJson<SignChallenge>| {
                    h::sign_challenge(app, id, body, Subject::Customer)
                },
            ),
        )
        .route(
            &v1(route::CUSTOMER_ACCOUNTS),
            post(h::create_account).get(h::list_customer_accounts),
        )
        .route(&v1(paths::ACCOUNTS), get(h::list_accounts))
        .route(
            &v1(route::ACCOUNT),
            get(h::get_account).delete(h::close_account),
        )
        .route(
            &v1(route::ACCOUNT_CHALLENGE),
            get(|app: State<Arc<App>>, id: Id| h::fetch_challenge(app, id, Subject::Account)),
        )
        .route(
            &v1(route::ACCOUNT_CHALLENGE_SIGN),
            post(
                |app: State<Arc<App>>, id: Id, body: ApiJson<SignChallenge>| {
                    h::sign_challenge(app, id, body, Subject::Account)
                },
            ),
        )
        .route(&v1(route::ACCOUNT_DEACTIVATE), patch(h::deactivate_account))
        .route(&v1(route::ACCOUNT_ACTIVATE), patch(h::activate_account))
        .route(&v1(paths::WEBHOOKS), put(h::put_webhook))
        .route(&v1(route::SIMULATOR_VERIFY), patch(h::simulator_verify))
        .route(&v1(route::SIMULATOR_REJECT), patch(h::simulator_reject))
        // Layers run outermost last-added: authenticate, then idempotency, then the handler.
        .route_layer(from_fn_with_state(app.clone(), idempotency))
        .route_layer(from_fn_with_state(app.clone(), authenticate));
    let signing = Router::new()
        .route(
            &v1(paths::SIGNING_KEY),
            put(h::register_signing_key).delete(h::remove_signing_key),
        )
        .route(
            &v1(paths::CREDENTIALS),
            put(h::rotate_credentials).delete(h::revoke_credentials),
        )
        .route_layer(from_fn_with_state(app.clone(), require_token));
    Router::new()
        .route(&v1(paths::TOKEN), post(h::token))
        .merge(signing)
        .merge(business)
        // After every route, so that it reaches all of them.
        .method_not_allowed_fallback(h::method_not_allowed)
        .fallback(h::not_found)
        // `limit_body` bounds every body with the configured limit: axum's own default (2 MiB,
        // plain-text 413) would otherwise apply on top of it.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(from_fn_with_state(app.clone(), limit_body))
        .layer(from_fn_with_state(app.clone(), inject))
        .with_state(app)
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct SandboxHandle {
    base_url: String,
    addr: SocketAddr,
    credentials: Credentials,
    app: Arc<App>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// The base URL, including `/v1` (e.g. `http://127.0.0.1:41234/v1`), on
    /// [`SandboxConfig::authority`] when one is set.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on (`127.0.0.1` for an unspecified address).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key clients authenticate with, as the sandbox started (a rotation through
    /// `PUT /auth/credentials` replaces it with the one its caller sent).
    pub fn api_key(&self) -> &str {
        &self.credentials.api_key
    }

    /// The API secret clients authenticate with, as the sandbox started (see
    /// [`api_key`](Self::api_key)).
    pub fn api_secret(&self) -> &str {
        &self.credentials.api_secret
    }

    /// The counters, now.
    pub fn counters(&self) -> CounterSnapshot {
        self.app.counters.snapshot()
    }

    /// The webhook delivery counters, now.
    pub fn webhook_counters(&self) -> WebhookCounterSnapshot {
        self.app.webhooks.counters()
    }

    /// Replaces the fault settings while the server runs; the generator restarts from the new
    /// seed, so the requests from now on meet `faults.sequence(n)`. A test can get its token and
    /// register its key without faults, then turn them on.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.app.faults.reset(faults);
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
