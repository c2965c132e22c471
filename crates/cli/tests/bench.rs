//! `chainsig bench onboard`: complete onboardings against a sandbox in this process or in a
//! child process, and the report's figures.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

use std::process::Command;

use serde_json::Value;

fn bench(extra: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args([
            "--json",
            "bench",
            "onboard",
            "--customers",
            "12",
            "--concurrency",
            "4",
        ])
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn check_common(report: &Value) {
    assert_eq!(report["completed"], 12, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(report["flowsPerSecond"].as_f64().unwrap() > 0.0, "{report}");
    let p50 = report["latencyMs"]["p50"].as_f64().unwrap();
    let p99 = report["latencyMs"]["p99"].as_f64().unwrap();
    assert!(0.0 < p50 && p50 <= p99, "{report}");
    // achieved / bound is, by construction, CPU busy × the bound's share of the CPU used.
    let achieved = report["achievedOverBound"].as_f64().unwrap();
    let product =
        report["cpuBusy"].as_f64().unwrap() * report["cryptoShareOfCpu"].as_f64().unwrap();
    assert!(achieved > 0.0, "{report}");
    assert!(
        (achieved - product).abs() < 1e-9 * achieved.max(1.0),
        "{report}"
    );
    assert!(report["peakRssKiB"].as_u64().unwrap() > 0, "{report}");
    // The overhead outside cryptography against the bare loopback floor, measured in the run.
    let floor = &report["bareFloor"];
    assert_eq!(floor["requests"], 1000, "{report}");
    assert_eq!(floor["concurrency"], 4, "{report}");
    // A signed POST /v1/customers (token, signature headers, JSON body) and its answer (the
    // customer with its ownership challenge).
    assert!(floor["requestBytes"].as_u64().unwrap() > 500, "{report}");
    assert!(floor["answerBytes"].as_u64().unwrap() > 300, "{report}");
    let overhead = report["overheadUsPerRequest"].as_f64().unwrap();
    let bare = report["bareFloorUsPerRequest"].as_f64().unwrap();
    assert!(bare > 0.0, "{report}");
    let ratio = report["overheadRatio"].as_f64().unwrap();
    assert!(
        (ratio - overhead / bare).abs() < 1e-9 * ratio.max(1.0),
        "{report}"
    );
}

#[test]
fn in_process_sandbox_eight_requests_per_flow() {
    let report = bench(&[]);
    check_common(&report);
    // Customer, proof, final customer, KYC, customer check, account, session key, active.
    assert_eq!(report["requestsPerFlow"], 8.0, "{report}");
    assert_eq!(report["sandboxProcess"], false, "{report}");
    assert!(report["sandboxPeakRssKiB"].is_null(), "{report}");
}

#[test]
fn sandbox_in_a_child_process_reports_both_memories() {
    let report = bench(&["--sandbox-process", "--wallets", "mixed"]);
    check_common(&report);
    // Mixed wallets: every chain chainsig signs for, in turn.
    assert_eq!(
        report["flowsByChain"],
        serde_json::json!({ "eip155": 4, "solana": 4, "tron": 4 }),
        "{report}"
    );
    for namespace in ["eip155", "solana", "tron"] {
        assert!(
            report["cryptoUs"]["challengeSignPlusVerify"][namespace]
                .as_f64()
                .unwrap()
                > 0.0,
            "{report}"
        );
    }
    assert_eq!(report["requestsPerFlow"], 8.0, "{report}");
    assert_eq!(report["sandboxProcess"], true, "{report}");
    assert!(
        report["sandboxPeakRssKiB"].as_u64().unwrap() > 0,
        "{report}"
    );
}

#[test]
fn tron_wallets_onboard() {
    let report = bench(&["--wallets", "tron"]);
    check_common(&report);
    assert_eq!(
        report["flowsByChain"],
        serde_json::json!({ "tron": 12 }),
        "{report}"
    );
}

#[test]
fn the_text_report_prints_the_overhead_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["bench", "onboard", "--customers", "8", "--concurrency", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let line = stdout
        .lines()
        .find(|line| line.trim_start().starts_with("overhead   "))
        .unwrap_or_else(|| panic!("no overhead line: {stdout}"));
    let numbers: Vec<f64> = line
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|word| word.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 3, "{line}");
    assert!(
        line.contains(" us/request outside cryptography; the bare loopback HTTP floor is ")
            && line.contains(" us; ratio "),
        "{line}"
    );
    assert!(numbers[1] > 0.0, "{line}");
}

#[test]
fn an_unknown_wallet_chain_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["bench", "onboard", "--wallets", "cosmos:cosmoshub-4"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unsupported chain namespace `cosmos`"),
        "{stderr}"
    );
}

#[test]
fn faults_are_survived_and_counted() {
    let report = bench(&["--fault-rate", "0.3", "--fault-seed", "5"]);
    check_common(&report);
    assert!(report["faultsInjected"].as_u64().unwrap() > 0, "{report}");
    assert!(
        report["requestsPerFlow"].as_f64().unwrap() > 8.0,
        "{report}"
    );
}

#[test]
fn zero_customers_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
        .args(["bench", "onboard", "--customers", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 1"));
}

#[test]
fn bench_refuses_a_fault_rate_outside_0_to_1_as_the_sandbox_does() {
    for rate in ["1.5", "-0.1", "lots"] {
        let output = Command::new(env!("CARGO_BIN_EXE_chainsig"))
            .args([
                "bench",
                "onboard",
                "--customers",
                "1",
                &format!("--fault-rate={rate}"),
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{rate}");
        assert!(output.stdout.is_empty(), "{rate}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("fault rate must be between 0 and 1")
                || stderr.contains("not a number"),
            "{rate}: {stderr}"
        );
    }
}
