//! One run of `chainsig bench onboard`: the flows, then what they cost against the
//! cryptography they need and against the bare loopback HTTP floor.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chainsig_api::{Client, CreateAccount, FlowOptions, RetryPolicy};
use chainsig_core::ChallengeSigner;
use chainsig_sandbox::{FaultConfig, Sandbox, SandboxConfig};
use serde_json::{Value, json};

use super::backend::Backend;
use super::cpu::cpu_time;
use super::crypto::{measure_crypto, wallet};
use super::floor::{self, Exchange};
use super::keys::Keys;
use super::report;
use super::sandbox_process::SandboxProcess;
use crate::cli::BenchArgs;
use crate::error::CliError;

/// Bare exchanges per floor measurement: about as many as the run's requests (8 a flow), at least
/// 1 000 (a tenth of a second of CPU: `/proc` counts CPU in 10 ms ticks), at most 20 000.
fn floor_requests(customers: usize) -> usize {
    customers.saturating_mul(8).clamp(1_000, 20_000)
}

/// One onboarding: customer, ownership proof, KYC (simulator), account, session key, `active`.
/// The wallet's key is made before the flow's clock starts (making keys is not onboarding).
async fn one_flow(
    client: Client,
    customer: usize,
    signer: Arc<dyn ChallengeSigner>,
) -> (chainsig_api::Result<()>, Duration, String) {
    let namespace = signer.account().chain().namespace().to_owned();
    let flow_started = Instant::now();
    let mut options = FlowOptions::default();
    options.poll_interval = Duration::from_millis(20);
    let result = async {
        let created = client
            .onboard_customer(signer.as_ref(), &format!("bench-{customer}"), &options)
            .await?;
        client
            .simulator_verify(&created.id, options.key("customer/kyc"))
            .await?;
        client
            .open_account(
                &created.id,
                signer.as_ref(),
                &CreateAccount::card("EUR"),
                &options,
            )
            .await
    }
    .await;
    (result.map(drop), flow_started.elapsed(), namespace)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

pub(super) async fn onboard(args: BenchArgs, json_output: bool) -> Result<ExitCode, CliError> {
    let costs_before = measure_crypto().await?;
    let backend = if args.sandbox_process {
        // Faults from the first request: the client's setup below retries through them.
        Backend::Process(SandboxProcess::start(
            args.deployment_delay_ms,
            args.fault_rate,
            args.fault_seed,
        )?)
    } else {
        let config = SandboxConfig {
            deployment_delay: Duration::from_millis(args.deployment_delay_ms),
            ..SandboxConfig::default()
        };
        Backend::InProcess(
            Sandbox::start(config)
                .await
                .map_err(|e| CliError::input(e.to_string()))?,
        )
    };
    let (base_url, api_key, api_secret) = match &backend {
        Backend::InProcess(sandbox) => (
            sandbox.base_url().to_owned(),
            sandbox.api_key().to_owned(),
            sandbox.api_secret().to_owned(),
        ),
        Backend::Process(child) => (
            child.base_url.clone(),
            child.api_key.clone(),
            child.api_secret.clone(),
        ),
    };
    let keys = match &args.hsm {
        Some(token) => Keys::in_token(token, &args)?,
        None => Keys::in_memory()?,
    };
    let floor_token = floor::token(&base_url, &api_key, &api_secret).await?;
    let client = Client::builder()
        .base_url(base_url)
        .credentials(api_key, api_secret)
        .shared_signing_key(keys.request.clone())
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(500),
            deadline: Duration::from_secs(120),
        })
        .build()?;
    client.register_signing_key(&keys.request_pem).await?;
    // The bytes of one real exchange, for the bare loopback floor, and the floor measured once
    // before the run (and once after it, below), at the run's concurrency.
    let exchange = Exchange::capture(
        &client,
        &floor_token,
        wallet(&args.wallets.chain(0))?.as_ref(),
    )
    .await?;
    let floor_concurrency = args.concurrency.min(args.customers);
    let floor_before =
        floor::measure(&exchange, floor_concurrency, floor_requests(args.customers)).await?;
    let requests_before = match &backend {
        Backend::InProcess(sandbox) => {
            // Faults start once the client is set up, so that every flow meets them alike.
            sandbox.set_faults(FaultConfig {
                rate: args.fault_rate,
                seed: args.fault_seed,
                ..FaultConfig::default()
            });
            sandbox.counters().requests
        }
        // The client's token, the key registration, the floor's token and its captured exchange
        // (retries through faults are not told apart).
        Backend::Process(_) => 4,
    };

    let cpu_before = backend.add_cpu(cpu_time());
    let started = Instant::now();
    // Only `concurrency` flows exist at a time (a new one starts when one ends), so that memory
    // measures flows in flight, not the length of the run.
    let mut tasks = tokio::task::JoinSet::new();
    let mut next_customer = 0;
    let mut latencies = Vec::with_capacity(args.customers);
    let mut failures = Vec::new();
    let mut flows_by_chain: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        while next_customer < args.customers && tasks.len() < args.concurrency {
            // The wallet's key is made before the flow's clock starts (making keys is not
            // onboarding).
            let signer = match &keys.wallets {
                Some(wallets) => Arc::clone(&wallets[next_customer % wallets.len()]),
                None => wallet(&args.wallets.chain(next_customer))?,
            };
            tasks.spawn(one_flow(client.clone(), next_customer, signer));
            next_customer += 1;
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        match joined {
            Ok((Ok(()), latency, namespace)) => {
                latencies.push(latency);
                *flows_by_chain.entry(namespace).or_default() += 1;
            }
            Ok((Err(e), _, _)) => failures.push(e.to_string()),
            Err(e) => failures.push(format!("task failed: {e}")),
        }
    }
    let elapsed = started.elapsed();
    let cpu_used = cpu_before
        .zip(backend.add_cpu(cpu_time()))
        .map(|(before, after)| after.saturating_sub(before));
    latencies.sort();
    let mut costs = costs_before.lowest(measure_crypto().await?);
    if keys.wallets.is_some() {
        keys.measure_signing(&mut costs).await?;
    }
    let floor = floor_before.lowest(
        floor::measure(&exchange, floor_concurrency, floor_requests(args.customers)).await?,
    );
    let client_peak_rss = crate::output::peak_rss_kib();
    let counters = backend.stop().await?;
    let flows = latencies.len();
    let requests = counters.requests.saturating_sub(requests_before);
    let requests_per_flow = requests as f64 / flows.max(1) as f64;
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1) as f64;
    // The crypto a flow cannot avoid: every request signed by the client and verified by the
    // sandbox, and two challenges (ownership, session key) signed and verified.
    let challenge_costs = costs.challenge();
    let challenge_cost = |namespace: &str| {
        challenge_costs
            .get(namespace)
            .map_or(0.0, Duration::as_secs_f64)
    };
    let crypto_total = costs.request().as_secs_f64() * requests as f64
        + 2.0
            * flows_by_chain
                .iter()
                .map(|(namespace, n)| challenge_cost(namespace) * *n as f64)
                .sum::<f64>();
    let challenge_us: serde_json::Map<String, Value> = challenge_costs
        .iter()
        .map(|(namespace, cost)| ((*namespace).to_owned(), json!(cost.as_secs_f64() * 1e6)))
        .collect();
    let bound_secs = crypto_total / cores;
    let achieved = if elapsed.as_secs_f64() > 0.0 {
        bound_secs / elapsed.as_secs_f64()
    } else {
        0.0
    };
    // achieved / bound = (CPU used / CPU available) × (crypto bound's CPU / CPU used): how busy
    // the cores were, times how much of their work was the unavoidable cryptography.
    let cpu_busy = cpu_used.map(|cpu| cpu.as_secs_f64() / (elapsed.as_secs_f64() * cores));
    let crypto_share = cpu_used
        .filter(|cpu| !cpu.is_zero())
        .map(|cpu| crypto_total / cpu.as_secs_f64());
    // Outside cryptography: the run's CPU (client and sandbox) minus the cryptography its
    // requests and challenges performed, per request; against the bare exchange's CPU per request.
    let overhead_us = cpu_used
        .map(|cpu| (cpu.as_secs_f64() - crypto_total).max(0.0) / requests.max(1) as f64 * 1e6);
    let floor_us = floor.per_request().as_secs_f64() * 1e6;
    let overhead_ratio = overhead_us
        .filter(|_| floor_us > 0.0)
        .map(|overhead| overhead / floor_us);
    let (request_bytes, answer_bytes) = exchange.sizes();
    let report = json!({
        "customers": args.customers,
        "concurrency": args.concurrency,
        "faultRate": args.fault_rate,
        "completed": flows,
        "failed": failures.len(),
        "seconds": elapsed.as_secs_f64(),
        "flowsPerSecond": flows as f64 / elapsed.as_secs_f64(),
        "latencyMs": { "p50": percentile(&latencies, 0.5).as_secs_f64() * 1e3, "p99": percentile(&latencies, 0.99).as_secs_f64() * 1e3 },
        "requestsPerFlow": requests_per_flow,
        "replays": counters.replays,
        "faultsInjected": counters.faults_injected,
        "flowsByChain": flows_by_chain,
        "cryptoUs": {
            "requestSignPlusVerify": costs.request().as_secs_f64() * 1e6,
            "challengeSignPlusVerify": challenge_us,
        },
        "cores": cores,
        "cryptoBoundSeconds": bound_secs,
        "achievedOverBound": achieved,
        "cpuSeconds": cpu_used.map(|cpu| cpu.as_secs_f64()),
        "cpuBusy": cpu_busy,
        "cryptoShareOfCpu": crypto_share,
        "peakRssKiB": client_peak_rss,
        "sandboxProcess": args.sandbox_process,
        "keysInToken": args.hsm.is_some(),
        "sandboxPeakRssKiB": counters.peak_rss_kib,
        "walletsInToken": keys.wallets.as_ref().map(Vec::len),
        "overheadUsPerRequest": overhead_us,
        "bareFloorUsPerRequest": floor_us,
        "overheadRatio": overhead_ratio,
        "bareFloor": {
            "requests": floor.requests,
            "cpuSeconds": floor.cpu.as_secs_f64(),
            "seconds": floor.wall.as_secs_f64(),
            "concurrency": floor_concurrency,
            "requestBytes": request_bytes,
            "answerBytes": answer_bytes,
        },
        "failures": failures.iter().take(5).collect::<Vec<_>>(),
    });
    if json_output {
        println!("{report}");
    } else {
        report::print_text(&report);
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
