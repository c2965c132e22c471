//! Fault injection: a chosen fraction of requests fail the way real networks fail.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tracing::Instrument as _;

use crate::counters::Counters;
use crate::error::ApiError;
use crate::server::App;

/// `Retry-After` of an injected 503, in seconds.
pub(crate) const RETRY_AFTER_SECS: &str = "1";

/// One kind of injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `500 Internal Server Error` before the request is handled.
    InternalError,
    /// `503 Service Unavailable` with `Retry-After: 1` before the request is handled.
    Unavailable,
    /// The request is handled (its state change applied and stored for idempotent replay), then
    /// the connection is closed without an answer.
    DropAfterApply,
    /// The answer is delayed, then the request is handled normally.
    Delay(Duration),
}

/// Which requests get a fault: each request draws once from a generator seeded with `seed`, so
/// the same sequence of requests meets the same sequence of faults.
///
/// ```
/// use chainsig_sandbox::{FaultConfig, FaultKind};
///
/// // Every request gets a 503 or a dropped connection, in an order fixed by the seed.
/// let faults = FaultConfig {
///     rate: 1.0,
///     seed: 7,
///     kinds: vec![FaultKind::Unavailable, FaultKind::DropAfterApply],
///     ..FaultConfig::default()
/// };
/// assert_eq!(faults.sequence(8), faults.sequence(8));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Fraction of requests that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// Seed of the generator.
    pub seed: u64,
    /// The delay of [`FaultKind::Delay`] when `kinds` is empty (default 300 ms).
    pub delay: Duration,
    /// The kinds drawn from, with equal chances; empty (the default) means all four, with
    /// [`delay`](Self::delay) as the delay.
    pub kinds: Vec<FaultKind>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 0,
            delay: Duration::from_millis(300),
            kinds: Vec::new(),
        }
    }
}

impl FaultConfig {
    /// No faults.
    pub fn none() -> Self {
        Self::default()
    }

    /// Faults of every kind on `rate` of the requests, drawn from `seed`.
    pub fn new(rate: f64, seed: u64) -> Self {
        Self {
            rate,
            seed,
            ..Self::default()
        }
    }

    /// The faults the first `n` requests meet (`None`: no fault), as a sandbox started with this
    /// configuration draws them.
    pub fn sequence(&self, n: usize) -> Vec<Option<FaultKind>> {
        let injector = FaultInjector::new(self.clone());
        (0..n).map(|_| injector.draw()).collect()
    }

    fn kinds(&self) -> Vec<FaultKind> {
        if self.kinds.is_empty() {
            vec![
                FaultKind::InternalError,
                FaultKind::Unavailable,
                FaultKind::DropAfterApply,
                FaultKind::Delay(self.delay),
            ]
        } else {
            self.kinds.clone()
        }
    }
}

/// Draws faults.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    state: Mutex<(FaultConfig, Vec<FaultKind>, StdRng)>,
}

impl FaultInjector {
    pub(crate) fn new(config: FaultConfig) -> Self {
        Self {
            state: Mutex::new(Self::state(config)),
        }
    }

    fn state(config: FaultConfig) -> (FaultConfig, Vec<FaultKind>, StdRng) {
        let rng = StdRng::seed_from_u64(config.seed);
        let kinds = config.kinds();
        (config, kinds, rng)
    }

    /// Replaces the configuration and restarts the generator from its seed.
    pub(crate) fn reset(&self, config: FaultConfig) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = Self::state(config);
    }

    /// The fault for the next request, if any.
    pub(crate) fn draw(&self) -> Option<FaultKind> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (config, kinds, rng) = &mut *state;
        if config.rate.is_nan() || config.rate <= 0.0 || kinds.is_empty() {
            return None;
        }
        if !rng.random_bool(config.rate.min(1.0)) {
            return None;
        }
        Some(kinds[rng.random_range(0..kinds.len())])
    }
}

/// The outermost middleware: counts the request, opens its span (method, path, status; never a
/// header, so no token or signature is logged), then maybe injects a fault.
pub(crate) async fn inject(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    Counters::bump(&app.counters.requests);
    let span = tracing::info_span!(
        "sandbox.request",
        method = %request.method(),
        path = %request.uri().path(),
        status = tracing::field::Empty,
        fault = tracing::field::Empty,
    );
    let recorder = span.clone();
    async move {
        let fault = app.faults.draw();
        let response = match fault {
            None => next.run(request).await,
            Some(fault) => {
                Counters::bump(&app.counters.faults_injected);
                Counters::bump(match fault {
                    FaultKind::InternalError => &app.counters.faults_internal_error,
                    FaultKind::Unavailable => &app.counters.faults_unavailable,
                    FaultKind::DropAfterApply => &app.counters.faults_dropped,
                    FaultKind::Delay(_) => &app.counters.faults_delayed,
                });
                recorder.record("fault", tracing::field::debug(fault));
                apply(fault, request, next).await
            }
        };
        recorder.record("status", response.status().as_u16());
        tracing::debug!("answered");
        response
    }
    .instrument(span)
    .await
}

async fn apply(fault: FaultKind, request: Request, next: Next) -> Response {
    match fault {
        FaultKind::InternalError => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "injected fault: internal error",
        )
        .into_response(),
        FaultKind::Unavailable => {
            let mut response = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "injected fault: service unavailable",
            )
            .into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            );
            response
        }
        FaultKind::DropAfterApply => {
            // Let the request change the state (and the idempotency store keep its answer), then
            // break the connection instead of answering: the client cannot know it succeeded.
            let _applied = next.run(request).await;
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "injected fault: connection dropped",
                ))
            });
            Response::new(Body::from_stream(failing))
        }
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
    }
}
