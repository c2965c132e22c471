//! `chainsig sandbox`: a local OffBlocks-compatible API, until Ctrl-C or SIGTERM.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use chainsig_sandbox::{FaultConfig, Sandbox, SandboxConfig, SandboxError};
use serde_json::json;

use crate::cli::SandboxArgs;
use crate::error::CliError;
use crate::output::{peak_rss_kib, print_json};

/// How long a stop waits for requests in flight before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub(crate) async fn run(args: SandboxArgs) -> Result<ExitCode, CliError> {
    let defaults = SandboxConfig::default();
    let mut config = SandboxConfig {
        listen: args.listen,
        authority: args.authority,
        api_key: args.api_key,
        api_secret: args.api_secret,
        deployment_delay: args
            .deployment_delay_ms
            .map_or(defaults.deployment_delay, Duration::from_millis),
        faults: FaultConfig::new(args.fault_rate, args.fault_seed),
        ..defaults
    };
    config.webhooks.allow_any_host = args.webhooks_any_host;
    let sandbox = Sandbox::start(config).await.map_err(|e| match e {
        SandboxError::Authority { .. } => CliError::input(e.to_string()),
        _ => CliError::with_hint(
            e.to_string(),
            "is another program on that port? `--listen 127.0.0.1:0` picks a free one",
        ),
    })?;

    print_json(&json!({
        "baseUrl": sandbox.base_url(),
        "apiKey": sandbox.api_key(),
        "apiSecret": sandbox.api_secret(),
    }));
    // Whoever reads the line (a script, a test) must get it now, not at exit.
    let _ = std::io::stdout().flush();
    if !args.quiet {
        eprintln!(
            "chainsig sandbox listening on {} (Ctrl-C to stop). Point a client at it with:\n  \
             export OFFBLOCKS_BASE_URL={} OFFBLOCKS_API_KEY={} OFFBLOCKS_API_SECRET={}",
            sandbox.local_addr(),
            sandbox.base_url(),
            sandbox.api_key(),
            sandbox.api_secret(),
        );
        if args.webhooks_any_host {
            eprintln!("delivering webhooks to callback URLs on any host, not only loopback");
        }
        if args.fault_rate > 0.0 {
            eprintln!(
                "injecting faults into {}% of requests (seed {})",
                args.fault_rate * 100.0,
                args.fault_seed
            );
        }
    }

    stop_signal().await;
    if !args.quiet {
        eprintln!("stopping");
    }
    // What the sandbox saw, for whoever started it (`chainsig bench onboard --sandbox-process`
    // reads the requests and the peak memory from this line).
    // Not `println!`: whoever started the sandbox may have closed the pipe already, and a
    // panic there would turn a clean stop into a failure.
    let stopped = json!({
        "stopped": true,
        "counters": sandbox.counters(),
        "webhooks": sandbox.webhook_counters(),
        "peakRssKiB": peak_rss_kib(),
    });
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{stopped}").and_then(|()| stdout.flush());
    if tokio::time::timeout(SHUTDOWN_GRACE, sandbox.shutdown())
        .await
        .is_err()
        && !args.quiet
    {
        eprintln!("requests still in flight after {SHUTDOWN_GRACE:?}: dropped");
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
