//! `chainsig bench onboard`: complete onboardings against an in-process sandbox, measured against
//! the cost of the cryptography they cannot avoid.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use chainsig_api::{Client, CreateAccount, FlowOptions, RetryPolicy};
use std::collections::BTreeMap;
use std::sync::Arc;

use chainsig_core::{ChainId, Challenge, ChallengeSigner};
use chainsig_httpsig::P384SigningKey;
use chainsig_sandbox::{FaultConfig, Sandbox, SandboxConfig, SandboxHandle};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::chain::{ChainArgError, parse_chain, registry};
use crate::error::CliError;
use crate::keys::key_loader;

mod sandbox_process;
use sandbox_process::SandboxProcess;

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Run complete onboardings (customer, ownership proof, KYC, account, session key, active)
    /// against an in-process sandbox and compare the throughput with the crypto bound.
    #[command(
        after_help = "Prints flows/s, p50 / p99 latency, requests per flow, the crypto bound (the \
measured cost of the signatures and verifications the flows need, divided by the cores), \
achieved / bound = CPU busy x the bound's share of the CPU used, and peak RSS.\n\n\
Examples:\n  chainsig bench onboard --customers 1000 --concurrency 32\n  \
chainsig bench onboard --customers 1000 --concurrency 32 --wallets mixed --fault-rate 0.2\n  \
chainsig bench onboard --customers 10000 --concurrency 10000 --deployment-delay-ms 2000 --sandbox-process"
    )]
    Onboard(BenchArgs),
}

/// Which wallets the customers have: one chain's, or every registered chain's in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Wallets {
    /// Every customer on this chain.
    One(ChainId),
    /// Customer n on the (n mod chains)-th registered chain.
    Mixed,
}

impl Wallets {
    /// The chain of customer `customer`'s wallet.
    fn chain(&self, customer: usize) -> ChainId {
        match self {
            Wallets::One(chain) => chain.clone(),
            Wallets::Mixed => {
                let chains: Vec<_> = registry().chains().collect();
                chains[customer % chains.len()].default_chain()
            }
        }
    }
}

/// `--wallets`: `mixed`, or a chain as `--chain` takes it (`evm`, `solana`, `tron`, CAIP-2).
fn parse_wallets(text: &str) -> Result<Wallets, ChainArgError> {
    if text == "mixed" {
        Ok(Wallets::Mixed)
    } else {
        parse_chain(text).map(Wallets::One)
    }
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Onboardings to run.
    #[arg(long, default_value_t = 500)]
    customers: usize,
    /// Onboardings in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Fraction of requests the sandbox fails (500, 503, dropped connection, delay).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Seed of the injected faults.
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
    /// The sandbox's account deployment delay, in milliseconds.
    #[arg(long, default_value_t = 0)]
    deployment_delay_ms: u64,
    /// The customers' wallets: a chain (`evm`, `solana`, `tron`, or a CAIP-2 id), or `mixed`
    /// (every chain chainsig signs for, in turn).
    #[arg(long, value_parser = parse_wallets, default_value = "evm", value_name = "CHAIN|mixed")]
    wallets: Wallets,
    /// Keys in a PKCS#11 token instead of in memory: the token's URI (`pkcs11:token=LABEL`; the
    /// module and PIN from --pkcs11-module and --pin-env / --pin-file). The bench generates the
    /// request-signing key and up to 16 wallet keys in it (labelled `chainsig-bench-<run>-…`;
    /// customers share them in turn), and measures the crypto bound with the token's signatures.
    #[arg(long, value_name = "PKCS11_URI")]
    hsm: Option<String>,
    /// Run the sandbox as a child process (`chainsig sandbox`) instead of in this one: each side
    /// gets its own file-descriptor limit (needed for about 10 000 flows in flight), and the
    /// client's peak memory is reported apart from the sandbox's.
    #[arg(long)]
    sandbox_process: bool,
}

pub(crate) fn run(command: BenchCommand, json_output: bool) -> Result<ExitCode, CliError> {
    let BenchCommand::Onboard(args) = command;
    if args.customers == 0 || args.concurrency == 0 {
        return Err(CliError::input(
            "--customers and --concurrency must be at least 1",
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(onboard(args, json_output))
}

/// Median cost of `op`, timed over `n` runs after a warm-up.
fn median_cost(n: usize, mut op: impl FnMut()) -> Duration {
    for _ in 0..n / 10 + 1 {
        op();
    }
    let mut samples: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            op();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Cost of the cryptography of one request (client signs, server verifies) and of one challenge
/// per chain (wallet signs, server verifies), measured on this machine.
struct CryptoCosts {
    request_sign: Duration,
    request_verify: Duration,
    /// By CAIP-2 namespace, for every registered chain.
    challenge_sign: BTreeMap<&'static str, Duration>,
    challenge_verify: BTreeMap<&'static str, Duration>,
}

impl CryptoCosts {
    /// The cheaper of two measurements of each operation. Measured before and after the run, on a
    /// shared machine: the lower cost gives the tighter bound, so the achieved / bound printed
    /// is never flattered by a slow measurement.
    fn lowest(self, other: Self) -> Self {
        let lowest = |mut mine: BTreeMap<&'static str, Duration>, theirs: BTreeMap<_, Duration>| {
            for (namespace, cost) in theirs {
                mine.entry(namespace)
                    .and_modify(|c| *c = (*c).min(cost))
                    .or_insert(cost);
            }
            mine
        };
        Self {
            request_sign: self.request_sign.min(other.request_sign),
            request_verify: self.request_verify.min(other.request_verify),
            challenge_sign: lowest(self.challenge_sign, other.challenge_sign),
            challenge_verify: lowest(self.challenge_verify, other.challenge_verify),
        }
    }

    /// A request's sign + verify.
    fn request(&self) -> Duration {
        self.request_sign + self.request_verify
    }

    /// A challenge's sign + verify, by namespace.
    fn challenge(&self) -> BTreeMap<&'static str, Duration> {
        self.challenge_sign
            .iter()
            .map(|(namespace, sign)| {
                let verify = self
                    .challenge_verify
                    .get(namespace)
                    .copied()
                    .unwrap_or_default();
                (*namespace, *sign + verify)
            })
            .collect()
    }
}

fn measure_crypto() -> Result<CryptoCosts, CliError> {
    let key = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
    let verifying = key.verifying_key().clone();
    let base = vec![b'x'; 400]; // a typical signature base
    let signature = key
        .sign_randomized(&base)
        .map_err(|e| CliError::input(e.to_string()))?;
    let p384_sign = median_cost(200, || {
        let _ = key.sign_randomized(&base);
    });
    let p384_verify = median_cost(200, || {
        let _ = verifying.verify(&base, &signature);
    });
    let challenge = Challenge::from_bytes(uuid::Uuid::new_v4().to_string().into_bytes())
        .map_err(|e| CliError::input(e.to_string()))?;
    let (mut challenge_sign, mut challenge_verify) = (BTreeMap::new(), BTreeMap::new());
    for chain in registry().chains() {
        let signer = wallet(&chain.default_chain())?;
        let account = signer.account().clone();
        let signature = ready(signer.sign_challenge(&challenge)).map_err(CliError::Signer)?;
        let sign = median_cost(200, || {
            let _ = ready(signer.sign_challenge(&challenge));
        });
        let verify = median_cost(200, || {
            let _ = chain.verify(&account, challenge.bytes(), &signature);
        });
        challenge_sign.insert(chain.namespace(), sign);
        challenge_verify.insert(chain.namespace(), verify);
    }
    Ok(CryptoCosts {
        request_sign: p384_sign,
        request_verify: p384_verify,
        challenge_sign,
        challenge_verify,
    })
}

/// A new random wallet on `chain`.
fn wallet(chain: &ChainId) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    Ok(key_loader(chain)?
        .generate(chain)
        .map_err(|e| CliError::input(e.to_string()))?
        .signer)
}

/// The request-signing key and the wallets of a run: made in memory per flow, or in a token.
struct Keys {
    request: Arc<dyn chainsig_httpsig::RequestSigningKey>,
    request_pem: String,
    /// The token's wallet keys, shared by the customers in turn (`None`: a new key per flow).
    wallets: Option<Vec<Arc<dyn ChallengeSigner>>>,
}

/// Wallet keys a run makes in a token at most.
const HSM_WALLETS: usize = 16;

impl Keys {
    fn in_memory() -> Result<Self, CliError> {
        let key = P384SigningKey::generate().map_err(|e| CliError::input(e.to_string()))?;
        Ok(Self {
            request_pem: key.public_key_pem(),
            request: Arc::new(key),
            wallets: None,
        })
    }

    /// Generates the run's keys inside the token `token` names.
    fn in_token(token: &str, args: &BenchArgs) -> Result<Self, CliError> {
        let run = uuid::Uuid::new_v4().simple().to_string();
        let label = |what: &str| format!("chainsig-bench-{}-{what}", &run[..8]);
        let request_uri = crate::hsm::object_uri(token, &label("request"));
        crate::hsm::generate_request_key(&request_uri)?;
        let (request, request_pem) = crate::hsm::request_key(&request_uri)?;
        let count = args.concurrency.min(args.customers).min(HSM_WALLETS);
        let wallets = (0..count)
            .map(|i| {
                let chain = args.wallets.chain(i);
                let uri = crate::hsm::object_uri(token, &label(&format!("w{i}")));
                crate::hsm::keygen(&chain, &uri)?;
                crate::hsm::load_signer(&chain, &uri, false)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            request,
            request_pem,
            wallets: Some(wallets),
        })
    }

    /// Replaces the in-memory signing costs with the token's (verification stays local: the
    /// sandbox verifies in memory).
    async fn measure_signing(&self, costs: &mut CryptoCosts) -> Result<(), CliError> {
        const N: usize = 50;
        let base = vec![b'x'; 400];
        let mut samples = Vec::with_capacity(N);
        for _ in 0..N {
            let start = Instant::now();
            self.request
                .sign(&base)
                .await
                .map_err(|e| CliError::input(e.to_string()))?;
            samples.push(start.elapsed());
        }
        costs.request_sign = median(samples);
        let challenge = Challenge::from_bytes(uuid::Uuid::new_v4().to_string().into_bytes())
            .map_err(|e| CliError::input(e.to_string()))?;
        let mut measured = std::collections::BTreeSet::new();
        for signer in self.wallets.iter().flatten() {
            let namespace = registry()
                .for_chain(signer.account().chain())
                .map_err(|e| CliError::input(e.to_string()))?
                .namespace();
            // One key per chain is enough: the token's keys of a curve all cost the same.
            if !measured.insert(namespace) {
                continue;
            }
            let mut samples = Vec::with_capacity(N);
            for _ in 0..N {
                let start = Instant::now();
                signer
                    .sign_challenge(&challenge)
                    .await
                    .map_err(CliError::Signer)?;
                samples.push(start.elapsed());
            }
            costs.challenge_sign.insert(namespace, median(samples));
        }
        Ok(())
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Where the sandbox runs.
enum Backend {
    InProcess(SandboxHandle),
    Process(SandboxProcess),
}

/// What the sandbox saw, read when it stops.
struct SandboxCounters {
    requests: u64,
    replays: u64,
    faults_injected: u64,
    /// The sandbox's own peak memory, when it runs in a process of its own.
    peak_rss_kib: Option<u64>,
}

impl Backend {
    /// `own` plus the CPU time of the sandbox's process, when it has one.
    fn add_cpu(&self, own: Option<Duration>) -> Option<Duration> {
        match self {
            Self::InProcess(_) => own,
            Self::Process(child) => own.zip(child.cpu_time()).map(|(a, b)| a + b),
        }
    }

    async fn stop(self) -> Result<SandboxCounters, CliError> {
        Ok(match self {
            Self::InProcess(sandbox) => {
                let counters = sandbox.counters();
                sandbox.shutdown().await;
                SandboxCounters {
                    requests: counters.requests,
                    replays: counters.replays,
                    faults_injected: counters.faults_injected,
                    peak_rss_kib: None,
                }
            }
            Self::Process(child) => {
                let report = child.stop()?;
                SandboxCounters {
                    requests: report.requests,
                    replays: report.replays,
                    faults_injected: report.faults_injected,
                    peak_rss_kib: report.peak_rss_kib,
                }
            }
        })
    }
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

/// Polls a future that completes without waiting (local signing never waits).
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
        {
            return out;
        }
    }
}

/// CPU time this process has used (user + system).
fn cpu_time() -> Option<Duration> {
    cpu_time_of("self")
}

/// CPU time process `pid` (`"self"` for this one) has used (user + system), from
/// `/proc/<pid>/stat`, whose clock ticks are 1/100 s on Linux (`USER_HZ`, fixed by the kernel
/// ABI). `None` where there is no procfs.
fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: fields are counted after its closing paren.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After the paren: state is field 3, so utime (14) and stime (15) are the 12th and 13th.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn onboard(args: BenchArgs, json_output: bool) -> Result<ExitCode, CliError> {
    let costs_before = measure_crypto()?;
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
        // The token and the key registration (retries through faults are not told apart).
        Backend::Process(_) => 2,
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
    let mut costs = costs_before.lowest(measure_crypto()?);
    if keys.wallets.is_some() {
        keys.measure_signing(&mut costs).await?;
    }
    let client_peak_rss = super::peak_rss_kib();
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
    });
    if json_output {
        println!("{report}");
    } else {
        println!(
            "{flows} of {} onboardings completed in {:.2} s at concurrency {} ({} failed)",
            args.customers,
            elapsed.as_secs_f64(),
            args.concurrency,
            failures.len()
        );
        println!(
            "  throughput      {:.1} flows/s",
            flows as f64 / elapsed.as_secs_f64()
        );
        println!(
            "  latency         p50 {:.1} ms, p99 {:.1} ms",
            report["latencyMs"]["p50"].as_f64().unwrap_or_default(),
            report["latencyMs"]["p99"].as_f64().unwrap_or_default()
        );
        println!(
            "  requests/flow   {requests_per_flow:.2} ({} replays, {} faults injected)",
            counters.replays, counters.faults_injected
        );
        let challenges: Vec<String> = challenge_costs
            .iter()
            .map(|(namespace, cost)| {
                format!("{namespace} challenge {:.0} us", cost.as_secs_f64() * 1e6)
            })
            .collect();
        println!(
            "  crypto per op   request sign+verify {:.0} us, {}",
            costs.request().as_secs_f64() * 1e6,
            challenges.join(", ")
        );
        let by_chain: Vec<String> = flows_by_chain
            .iter()
            .map(|(namespace, n)| format!("{namespace} {n}"))
            .collect();
        println!("  flows by chain  {}", by_chain.join(", "));
        if let Some(wallets) = &keys.wallets {
            println!(
                "  keys            in the PKCS#11 token: the request key and {} wallet(s); the bound uses the token's signing times",
                wallets.len()
            );
        }
        println!(
            "  crypto bound    {bound_secs:.2} s on {cores} cores; achieved / bound = {achieved:.2}"
        );
        if let (Some(busy), Some(share)) = (cpu_busy, crypto_share) {
            println!(
                "  cpu             {:.0} % busy, of which {:.0} % the bound's cryptography ({busy:.2} x {share:.2} = {:.2})",
                busy * 100.0,
                share * 100.0,
                busy * share
            );
        }
        match (client_peak_rss, counters.peak_rss_kib) {
            (Some(client), Some(sandbox)) => println!(
                "  peak RSS        client {:.1} MiB, sandbox process {:.1} MiB",
                client as f64 / 1024.0,
                sandbox as f64 / 1024.0
            ),
            (Some(both), None) => println!(
                "  peak RSS        {:.1} MiB (client and sandbox in one process)",
                both as f64 / 1024.0
            ),
            _ => {}
        }
        for failure in failures.iter().take(5) {
            println!("  failure: {failure}");
        }
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
