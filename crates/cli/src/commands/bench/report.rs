//! The text report of `chainsig bench onboard`, written from its JSON report (one source for
//! both outputs).

use serde_json::Value;

/// Prints the report for a terminal.
pub(super) fn print_text(report: &Value) {
    let f = |pointer: &str| report.pointer(pointer).and_then(Value::as_f64);
    let n = |pointer: &str| report.pointer(pointer).and_then(Value::as_u64).unwrap_or(0);
    let seconds = f("/seconds").unwrap_or_default();
    println!(
        "{} of {} onboardings completed in {seconds:.2} s at concurrency {} ({} failed)",
        n("/completed"),
        n("/customers"),
        n("/concurrency"),
        n("/failed"),
    );
    println!(
        "  throughput      {:.1} flows/s",
        f("/flowsPerSecond").unwrap_or_default()
    );
    println!(
        "  latency         p50 {:.1} ms, p99 {:.1} ms",
        f("/latencyMs/p50").unwrap_or_default(),
        f("/latencyMs/p99").unwrap_or_default()
    );
    println!(
        "  requests/flow   {:.2} ({} replays, {} faults injected)",
        f("/requestsPerFlow").unwrap_or_default(),
        n("/replays"),
        n("/faultsInjected")
    );
    let challenges: Vec<String> = report
        .pointer("/cryptoUs/challengeSignPlusVerify")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(namespace, us)| {
            format!(
                "{namespace} challenge {:.0} us",
                us.as_f64().unwrap_or_default()
            )
        })
        .collect();
    println!(
        "  crypto per op   request sign+verify {:.0} us, {}",
        f("/cryptoUs/requestSignPlusVerify").unwrap_or_default(),
        challenges.join(", ")
    );
    let by_chain: Vec<String> = report
        .pointer("/flowsByChain")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(namespace, flows)| format!("{namespace} {}", flows.as_u64().unwrap_or(0)))
        .collect();
    println!("  flows by chain  {}", by_chain.join(", "));
    if let Some(wallets) = report.pointer("/walletsInToken").and_then(Value::as_u64) {
        println!(
            "  keys            in the PKCS#11 token: the request key and {wallets} wallet(s); the bound uses the token's signing times"
        );
    }
    println!(
        "  crypto bound    {:.2} s on {} cores; achieved / bound = {:.2}",
        f("/cryptoBoundSeconds").unwrap_or_default(),
        f("/cores").unwrap_or_default(),
        f("/achievedOverBound").unwrap_or_default()
    );
    if let (Some(busy), Some(share)) = (f("/cpuBusy"), f("/cryptoShareOfCpu")) {
        println!(
            "  cpu             {:.0} % busy, of which {:.0} % the bound's cryptography ({busy:.2} x {share:.2} = {:.2})",
            busy * 100.0,
            share * 100.0,
            busy * share
        );
    }
    if let (Some(overhead), Some(floor), Some(ratio)) = (
        f("/overheadUsPerRequest"),
        f("/bareFloorUsPerRequest"),
        f("/overheadRatio"),
    ) {
        println!(
            "  overhead   {overhead:.0} us/request outside cryptography; the bare loopback HTTP floor is {floor:.0} us; ratio {ratio:.2}"
        );
        println!(
            "                  (CPU per request; floor: {} exchanges of {} request / {} answer bytes at concurrency {})",
            n("/bareFloor/requests"),
            n("/bareFloor/requestBytes"),
            n("/bareFloor/answerBytes"),
            n("/bareFloor/concurrency"),
        );
    }
    match (
        f("/peakRssKiB"),
        report.pointer("/sandboxPeakRssKiB").and_then(Value::as_f64),
    ) {
        (Some(client), Some(sandbox)) => println!(
            "  peak RSS        client {:.1} MiB, sandbox process {:.1} MiB",
            client / 1024.0,
            sandbox / 1024.0
        ),
        (Some(both), None) => println!(
            "  peak RSS        {:.1} MiB (client and sandbox in one process)",
            both / 1024.0
        ),
        _ => {}
    }
    for failure in report
        .pointer("/failures")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        println!("  failure: {}", failure.as_str().unwrap_or_default());
    }
}
