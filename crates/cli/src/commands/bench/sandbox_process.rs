//! The sandbox as a child process (`chainsig sandbox`) for `bench onboard --sandbox-process`:
//! each side gets its own file-descriptor limit (10 000 flows in flight hold about 10 000
//! connections, whose two ends do not fit in one process's 20 000), and the client's memory is
//! measured apart from the sandbox's.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use crate::error::CliError;

/// What the sandbox reported when it stopped.
pub(super) struct SandboxReport {
    pub(super) requests: u64,
    pub(super) replays: u64,
    pub(super) faults_injected: u64,
    pub(super) peak_rss_kib: Option<u64>,
}

/// A running `chainsig sandbox` child and the credentials it printed.
pub(super) struct SandboxProcess {
    child: Child,
    stdout: BufReader<ChildStdout>,
    pub(super) base_url: String,
    pub(super) api_key: String,
    pub(super) api_secret: String,
}

fn failed(what: &str, detail: impl std::fmt::Display) -> CliError {
    CliError::input(format!("the sandbox child process {what}: {detail}"))
}

impl SandboxProcess {
    /// Starts this executable as `chainsig sandbox` on a free loopback port and reads its first
    /// JSON line.
    pub(super) fn start(
        deployment_delay_ms: u64,
        fault_rate: f64,
        fault_seed: u64,
    ) -> Result<Self, CliError> {
        let exe = std::env::current_exe().map_err(|e| failed("cannot be found", e))?;
        let mut child = Command::new(exe)
            .args(["sandbox", "--listen", "127.0.0.1:0", "--quiet"])
            .args(["--deployment-delay-ms", &deployment_delay_ms.to_string()])
            .args(["--fault-rate", &fault_rate.to_string()])
            .args(["--fault-seed", &fault_seed.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| failed("did not start", e))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| failed("has no stdout", "not piped"))?;
        let mut this = Self {
            child,
            stdout: BufReader::new(stdout),
            base_url: String::new(),
            api_key: String::new(),
            api_secret: String::new(),
        };
        let first = this.next_json()?;
        let field = |name: &str| {
            first[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| failed("printed no", name))
        };
        this.base_url = field("baseUrl")?;
        this.api_key = field("apiKey")?;
        this.api_secret = field("apiSecret")?;
        Ok(this)
    }

    fn next_json(&mut self) -> Result<serde_json::Value, CliError> {
        let mut line = String::new();
        let read = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| failed("could not be read", e))?;
        if read == 0 {
            return Err(failed("ended", "without printing its JSON line"));
        }
        serde_json::from_str(&line).map_err(|e| failed("printed something else than JSON", e))
    }

    /// CPU time the child has used so far.
    pub(super) fn cpu_time(&self) -> Option<Duration> {
        super::cpu::cpu_time_of(&self.child.id().to_string())
    }

    /// Stops the child with SIGTERM, so that it prints its counters and peak memory, and reads
    /// them. (std can only SIGKILL a child; `kill` is the portable way to send SIGTERM without
    /// unsafe code.)
    pub(super) fn stop(mut self) -> Result<SandboxReport, CliError> {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .map_err(|e| failed("could not be sent SIGTERM", e))?;
        if !status.success() {
            return Err(failed("could not be sent SIGTERM", status));
        }
        let last = self.next_json()?;
        let _ = self.child.wait();
        let counter = |name: &str| last["counters"][name].as_u64().unwrap_or_default();
        Ok(SandboxReport {
            requests: counter("requests"),
            replays: counter("replays"),
            faults_injected: counter("faultsInjected"),
            peak_rss_kib: last["peakRssKiB"].as_u64(),
        })
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        // After `stop` the child has exited and this does nothing; on an early error it must
        // not outlive the bench.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
