//! Where the sandbox of a run lives (this process or a child) and what it counted.

use std::time::Duration;

use chainsig_sandbox::SandboxHandle;

use super::sandbox_process::SandboxProcess;
use crate::error::CliError;

/// Where the sandbox runs.
pub(super) enum Backend {
    InProcess(SandboxHandle),
    Process(SandboxProcess),
}

/// What the sandbox saw, read when it stops.
pub(super) struct SandboxCounters {
    pub(super) requests: u64,
    pub(super) replays: u64,
    pub(super) faults_injected: u64,
    /// The sandbox's own peak memory, when it runs in a process of its own.
    pub(super) peak_rss_kib: Option<u64>,
}

impl Backend {
    /// `own` plus the CPU time of the sandbox's process, when it has one.
    pub(super) fn add_cpu(&self, own: Option<Duration>) -> Option<Duration> {
        match self {
            Self::InProcess(_) => own,
            Self::Process(child) => own.zip(child.cpu_time()).map(|(a, b)| a + b),
        }
    }

    pub(super) async fn stop(self) -> Result<SandboxCounters, CliError> {
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
