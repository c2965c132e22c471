//! Fault injection: a chosen fraction of requests fail the way real networks fail.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

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
/// the same sequence of requests meets the same faults.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Fraction of requests that get a fault, 0.0 to 1.0.
    pub rate: f64,
    /// Seed of the generator.
    pub seed: u64,
    /// The delay of [`FaultKind::Delay`].
    pub delay: Duration,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            rate: 0.0,
            seed: 0,
            delay: Duration::from_millis(300),
        }
    }
}

/// Draws faults.
#[derive(Debug)]
pub(crate) struct FaultInjector {
    config: FaultConfig,
    rng: Mutex<StdRng>,
}

impl FaultInjector {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rng = Mutex::new(StdRng::seed_from_u64(config.seed));
        Self { config, rng }
    }

    /// The fault for the next request, if any.
    pub(crate) fn draw(&self) -> Option<FaultKind> {
        if self.config.rate <= 0.0 {
            return None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        if !rng.random_bool(self.config.rate.min(1.0)) {
            return None;
        }
        Some(match rng.random_range(0..4u8) {
            0 => FaultKind::InternalError,
            1 => FaultKind::Unavailable,
            2 => FaultKind::DropAfterApply,
            _ => FaultKind::Delay(self.config.delay),
        })
    }
}

/// The outermost middleware: counts the request, then maybe injects a fault.
pub(crate) async fn inject(
    axum::extract::State(app): axum::extract::State<std::sync::Arc<crate::server::App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;

    use crate::counters::Counters;
    use crate::error::ApiError;

    Counters::bump(&app.counters.requests);
    let span = tracing::debug_span!("sandbox_request", method = %request.method(), path = %request.uri().path());
    let _entered = span.enter();
    let Some(fault) = app.faults.draw() else {
        drop(_entered);
        return next.run(request).await;
    };
    Counters::bump(&app.counters.faults_injected);
    tracing::debug!(?fault, "injecting a fault");
    drop(_entered);
    match fault {
        FaultKind::InternalError => ApiError::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "injected fault: internal error",
        )
        .into_response(),
        FaultKind::Unavailable => {
            let mut response = ApiError::new(
                http::StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "injected fault: service unavailable",
            )
            .into_response();
            response.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from_static("1"),
            );
            response
        }
        FaultKind::DropAfterApply => {
            // Let the request change the state (and the idempotency store keep its answer), then
            // break the connection instead of answering: the client cannot know it succeeded.
            let _applied = next.run(request).await;
            let failing = futures_util::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other(
                    "injected fault: connection dropped",
                ))
            });
            let mut response =
                axum::response::Response::new(axum::body::Body::from_stream(failing));
            *response.status_mut() = http::StatusCode::OK;
            response
        }
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
    }
}
