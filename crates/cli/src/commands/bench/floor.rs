//! The bare loopback HTTP floor: the request and answer bytes of one real chainsig exchange,
//! sent through the same stack (reqwest/hyper client, axum server on loopback) with nothing else
//! done, at the run's concurrency over reused connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use chainsig_api::{Client, CreateCustomer, IdempotencyKey};
use chainsig_core::ChallengeSigner;
use chainsig_httpsig::{P384SigningKey, RequestSigner};
use chainsig_offblocks::headers;
use chainsig_offblocks::paths::{self, API_PREFIX};
use tokio::net::TcpListener;

use super::cpu::cpu_time;
use crate::error::CliError;

/// The bytes of one exchange as chainsig makes it: `POST /v1/customers`, signed, and the
/// sandbox's answer.
pub(super) struct Exchange {
    headers: HeaderMap,
    body: Bytes,
    answer: Bytes,
}

impl Exchange {
    /// Creates one customer on the run's sandbox through `client` and keeps the bytes: the JSON
    /// body chainsig sent and the answer (with its ownership challenge) as the client decoded
    /// it, re-encoded. The headers are the ones chainsig sends: a real bearer token of this
    /// sandbox (`token`), content type, accept, idempotency key, and the RFC 9421 signature
    /// headers made by the same request signer (once, here: their cost is cryptography).
    pub(super) async fn capture(
        client: &Client,
        token: &str,
        wallet: &dyn ChallengeSigner,
    ) -> Result<Self, CliError> {
        let create = CreateCustomer {
            chain_id: wallet.account().to_string(),
            external_id: "bench-floor".to_owned(),
        };
        let customer = client
            .create_customer(&create, IdempotencyKey::new())
            .await?;
        let failed = |e: &dyn std::fmt::Display| CliError::input(format!("bench floor: {e}"));
        let body = serde_json::to_vec(&create).map_err(|e| failed(&e))?;
        let answer = serde_json::to_vec(&customer).map_err(|e| failed(&e))?;

        let key = P384SigningKey::generate().map_err(|e| failed(&e))?;
        let signer = RequestSigner::new(key, uuid::Uuid::new_v4().to_string());
        let mut request =
            axum::http::Request::post(format!("http://127.0.0.1{API_PREFIX}{}", paths::CUSTOMERS))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/json")
                .header(
                    headers::IDEMPOTENCY_KEY,
                    IdempotencyKey::new().uuid().to_string(),
                )
                .body(body)
                .map_err(|e| failed(&e))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        signer
            .sign_request(&mut request, now)
            .await
            .map_err(|e| failed(&e))?;
        let (parts, body) = request.into_parts();
        // reqwest sets the host and content length itself, as it does for chainsig's requests.
        let mut headers = parts.headers;
        headers.remove(header::HOST);
        Ok(Self {
            headers,
            body: Bytes::from(body),
            answer: Bytes::from(answer),
        })
    }

    /// Request bytes (headers as sent, body) and answer body bytes.
    pub(super) fn sizes(&self) -> (usize, usize) {
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        (headers + self.body.len(), self.answer.len())
    }
}

/// What the bare exchanges cost.
#[derive(Debug, Clone, Copy)]
pub(super) struct Floor {
    /// Exchanges completed.
    pub(super) requests: usize,
    /// CPU time this process used for them (client and server).
    pub(super) cpu: Duration,
    /// Wall-clock time they took.
    pub(super) wall: Duration,
}

impl Floor {
    /// CPU per exchange.
    pub(super) fn per_request(&self) -> Duration {
        self.cpu / u32::try_from(self.requests.max(1)).unwrap_or(u32::MAX)
    }

    /// The cheaper per exchange of two measurements (before and after the run): the lower floor
    /// gives the higher, never flattered, ratio.
    pub(super) fn lowest(self, other: Self) -> Self {
        if other.per_request() < self.per_request() {
            other
        } else {
            self
        }
    }
}

/// Sends `requests` exchanges of `exchange`'s bytes to an axum server on loopback that reads
/// the body and answers the answer bytes, from `concurrency` tasks sharing one reqwest client
/// built as chainsig's is (keep-alive pool, no proxy, no redirects).
pub(super) async fn measure(
    exchange: &Exchange,
    concurrency: usize,
    requests: usize,
) -> Result<Floor, CliError> {
    let failed = |e: &dyn std::fmt::Display| CliError::input(format!("bench floor: {e}"));
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| failed(&e))?;
    let addr = listener.local_addr().map_err(|e| failed(&e))?;
    let answer = exchange.answer.clone();
    let router = axum::Router::new().route(
        &format!("{API_PREFIX}{}", paths::CUSTOMERS),
        post(move |body: Bytes| {
            let answer = answer.clone();
            async move {
                drop(body);
                (
                    StatusCode::CREATED,
                    [(header::CONTENT_TYPE, "application/json")],
                    answer,
                )
            }
        }),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let http = reqwest::Client::builder()
        .user_agent(format!("chainsig/{}", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .map_err(|e| failed(&e))?;
    let url = format!("http://{addr}{API_PREFIX}{}", paths::CUSTOMERS);
    let next = Arc::new(AtomicUsize::new(0));

    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (http, url, next) = (http.clone(), url.clone(), Arc::clone(&next));
        let (headers, body) = (exchange.headers.clone(), exchange.body.clone());
        tasks.spawn(async move {
            let mut done = 0usize;
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let answer = http
                    .post(&url)
                    .headers(headers.clone())
                    .body(body.clone())
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                std::hint::black_box(answer);
                done += 1;
            }
            Ok::<_, reqwest::Error>(done)
        });
    }
    let mut completed = 0;
    while let Some(joined) = tasks.join_next().await {
        completed += joined.map_err(|e| failed(&e))?.map_err(|e| failed(&e))?;
    }
    let wall = started.elapsed();
    let cpu = cpu_before
        .zip(cpu_time())
        .map(|(before, after)| after.saturating_sub(before))
        .unwrap_or_default();
    let _ = stop.send(());
    let _ = server.await;
    Ok(Floor {
        requests: completed,
        cpu,
        wall,
    })
}

/// A bearer token of the sandbox at `base_url`, asked for as chainsig's client asks
/// (`POST /auth/token`), for the floor's `Authorization` header. Retried like the client's
/// requests: the sandbox may inject faults.
pub(super) async fn token(
    base_url: &str,
    api_key: &str,
    api_secret: &str,
) -> Result<String, CliError> {
    let failed = |e: &dyn std::fmt::Display| CliError::input(format!("bench floor: token: {e}"));
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| failed(&e))?;
    let credentials = serde_json::json!({ "apiKey": api_key, "apiSecret": api_secret });
    let mut last = String::new();
    for _ in 0..10 {
        let answer = async {
            http.post(format!("{base_url}{}", paths::TOKEN))
                .json(&credentials)
                .send()
                .await?
                .error_for_status()?
                .json::<serde_json::Value>()
                .await
        }
        .await;
        match answer {
            Ok(answer) => {
                return answer["token"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| failed(&"the answer has no `token`"));
            }
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(failed(&last))
}
