//! `chainsig onboard --batch`: 100 rows through injected faults, resuming after a kill and
//! after failed rows, and bad rows reported by line while the batch goes on.
#![allow(clippy::unwrap_used)] // tests: a panic is a failure report

mod support;

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader};
use std::process::Stdio;

use chainsig_api::AccountStatus;
use chainsig_sandbox::{FaultConfig, SandboxConfig};
use serde_json::Value;
use support::*;

/// Writes `n` rows (EVM and Solana alternating, keys in keys/) to `name`; returns the wallets
/// by external id.
fn write_batch(sandbox: &TestSandbox, name: &str, n: usize) -> Vec<(String, String)> {
    std::fs::create_dir_all(sandbox.path("keys")).unwrap();
    let mut csv = String::from("external_id,chain,key_file,currency\n");
    let mut wallets = Vec::new();
    for i in 0..n {
        let id = format!("{name}-{i:03}");
        let (chain, file, wallet) = if i % 2 == 0 {
            let (_, signer) = sandbox.evm_key(&format!("keys/{id}.key"));
            ("evm", format!("keys/{id}.key"), account_of(&signer))
        } else {
            let (_, signer) = sandbox.solana_key(&format!("keys/{id}.json"));
            ("solana", format!("keys/{id}.json"), account_of(&signer))
        };
        let currency = ["EUR", "USD", "GBP"][i % 3];
        csv.push_str(&format!("{id},{chain},{file},{currency}\n"));
        wallets.push((id, wallet));
    }
    std::fs::write(sandbox.path(&format!("{name}.csv")), csv).unwrap();
    wallets
}

/// The row lines and the summary of a batch's stdout.
fn rows_and_summary(stdout: &[u8]) -> (Vec<Value>, Value) {
    let mut lines = json_lines(stdout);
    let summary = lines.pop().unwrap();
    assert!(
        summary.get("summary").is_some(),
        "no summary last: {summary}"
    );
    (lines, summary["summary"].clone())
}

/// Every customer of `wallets` exists once with its wallet and has exactly one account, active.
fn assert_all_active_once(sandbox: &TestSandbox, wallets: &[(String, String)]) {
    sandbox.set_faults(FaultConfig::none());
    let client = sandbox.client();
    let customers = sandbox.block_on(client.list_customers()).unwrap();
    let accounts = sandbox.block_on(client.list_accounts()).unwrap();
    assert_eq!(customers.len(), wallets.len());
    assert_eq!(
        accounts.len(),
        wallets.len(),
        "duplicate or missing accounts"
    );
    for (external_id, wallet) in wallets {
        let found: Vec<_> = customers
            .iter()
            .filter(|c| &c.external_id == external_id)
            .collect();
        assert_eq!(found.len(), 1, "{external_id}");
        assert_eq!(&found[0].chain_id, wallet);
        let theirs: Vec<_> = accounts
            .iter()
            .filter(|a| a.customer_id == found[0].id)
            .collect();
        assert_eq!(theirs.len(), 1, "{external_id}: {theirs:?}");
        assert_eq!(theirs[0].status, AccountStatus::Active, "{external_id}");
    }
    let counters = sandbox.counters();
    assert_eq!(counters.customers, wallets.len() as u64);
    assert_eq!(counters.accounts, wallets.len() as u64);
}

#[test]
fn a_hundred_rows_through_twenty_percent_faults() {
    let sandbox = TestSandbox::start_with(SandboxConfig {
        faults: FaultConfig::new(0.2, 7),
        ..SandboxConfig::default()
    });
    let wallets = write_batch(&sandbox, "customers", 100);
    let output = sandbox
        .cmd()
        .args([
            "onboard",
            "--batch",
            "customers.csv",
            "--concurrency",
            "16",
            "--simulate-kyc",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", all_text(&output));
    assert!(sandbox.counters().faults_injected > 0);
    let (rows, summary) = rows_and_summary(&output.stdout);
    assert_eq!(rows.len(), 100);
    let lines: HashSet<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (2..=101).collect());
    for row in &rows {
        assert_eq!(row["status"], "done", "{row}");
        assert_eq!(row["alreadyDone"], false, "{row}");
        assert_eq!(row["accountStatus"], "active", "{row}");
    }
    assert_eq!(summary["rows"], 100);
    assert_eq!(summary["done"], 100);
    assert_eq!(summary["alreadyDone"], 0);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["journal"], "customers.csv.journal");
    assert!(sandbox.path("customers.csv.journal").exists());
    assert_all_active_once(&sandbox, &wallets);
}

#[test]
fn a_killed_batch_resumes_without_duplicates() {
    let sandbox = TestSandbox::start_with(SandboxConfig {
        faults: FaultConfig::new(0.1, 3),
        ..SandboxConfig::default()
    });
    let wallets = write_batch(&sandbox, "killed", 30);
    let journal = sandbox.path("elsewhere.journal");
    let batch = || {
        batch_command(
            &sandbox,
            "killed.csv",
            &["--concurrency", "4", "--journal", path_str(&journal)],
        )
    };
    // Run until 8 rows are done, then kill it (SIGKILL: no chance to tidy up).
    let mut child = batch()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first_done = HashSet::new();
    let mut line = String::new();
    while first_done.len() < 8 {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the batch ended early"
        );
        let row: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(row["status"], "done", "{row}");
        first_done.insert(row["externalId"].as_str().unwrap().to_owned());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(journal.exists());
    assert!(
        !sandbox.path("killed.csv.journal").exists(),
        "--journal ignored"
    );

    // Again: it finishes, creating nothing twice; the rows seen done are reported as such.
    let output = batch().output().unwrap();
    assert!(output.status.success(), "{}", all_text(&output));
    let (rows, summary) = rows_and_summary(&output.stdout);
    assert_eq!(rows.len(), 30);
    for row in &rows {
        assert_eq!(row["status"], "done", "{row}");
        if first_done.contains(row["externalId"].as_str().unwrap()) {
            assert_eq!(row["alreadyDone"], true, "{row}");
            assert!(row["accountId"].is_string(), "{row}");
        }
    }
    assert_eq!(summary["done"], 30);
    assert!(summary["alreadyDone"].as_u64().unwrap() >= 8, "{summary}");
    assert_eq!(summary["failed"], 0);
    assert_all_active_once(&sandbox, &wallets);

    // A third run has nothing left to do.
    let output = batch().output().unwrap();
    assert!(output.status.success());
    let (_, summary) = rows_and_summary(&output.stdout);
    assert_eq!(summary["alreadyDone"], 30);
    assert_eq!(sandbox.counters().accounts, 30);
}

#[test]
fn rows_that_failed_late_are_finished_by_the_next_run() {
    // Deployment takes 2 s and the first run waits 0 s for it: every row fails after its account
    // is created and signed. The second run (waiting) finishes the very same accounts.
    let sandbox = TestSandbox::start_with(SandboxConfig {
        deployment_delay: std::time::Duration::from_secs(2),
        ..SandboxConfig::default()
    });
    let wallets = write_batch(&sandbox, "late", 6);
    let first = sandbox
        .cmd()
        .args([
            "onboard",
            "--batch",
            "late.csv",
            "--simulate-kyc",
            "--wait",
            "0",
        ])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1), "{}", all_text(&first));
    let (rows, summary) = rows_and_summary(&first.stdout);
    assert_eq!(summary["failed"], 6, "{summary}");
    for row in &rows {
        assert_eq!(row["status"], "failed", "{row}");
        assert!(
            row["error"].as_str().unwrap().contains("to be active"),
            "{row}"
        );
    }
    assert_eq!(summary["failures"].as_array().unwrap().len(), 6);
    assert_eq!(sandbox.counters().accounts, 6);

    let second = sandbox
        .cmd()
        .args(["onboard", "--batch", "late.csv", "--simulate-kyc"])
        .output()
        .unwrap();
    assert!(second.status.success(), "{}", all_text(&second));
    let (rows, summary) = rows_and_summary(&second.stdout);
    assert!(
        rows.iter()
            .all(|r| r["status"] == "done" && r["alreadyDone"] == false)
    );
    assert_eq!(summary["done"], 6);
    assert_all_active_once(&sandbox, &wallets);
}

#[test]
fn bad_rows_are_reported_by_line_and_the_batch_goes_on() {
    let sandbox = TestSandbox::start();
    let (_, evm_a) = sandbox.evm_key("a.key");
    let (_, sol_b) = sandbox.solana_key("b.json");
    sandbox.evm_key("c.key");
    sandbox.solana_key("sol-on-evm.json");
    sandbox.evm_key("evm-on-sol.key");
    sandbox.evm_key("d.key");
    // RFC 4180: a quoted field may hold commas and line breaks (good-b's), and an unterminated
    // quote runs to the end of the file (so it is last here).
    let csv = "\
external_id,chain,key_file,currency
good-a,evm,a.key,EUR
too-few,evm,c.key
unknown-chain,dogecoin,c.key,EUR
missing-key,evm,missing.key,EUR
sol-on-evm,evm,sol-on-evm.json,EUR
evm-on-sol,solana,evm-on-sol.key,EUR
lower-currency,evm,c.key,eur
good-a,solana,b.json,EUR
,evm,c.key,EUR

\"good-b, with a comma\",solana,\"b.json\",GBP
unsupported-currency,evm,d.key,XYZ
\"bad-quote,evm,c.key,EUR
missing-key,evm,missing.key,EUR
";
    std::fs::write(sandbox.path("bad.csv"), csv).unwrap();
    let output = sandbox
        .cmd()
        .args(["--json", "onboard", "--batch", "bad.csv", "--simulate-kyc"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", all_text(&output));
    let (rows, summary) = rows_and_summary(&output.stdout);
    let by_line = |line: u64| {
        rows.iter()
            .find(|r| r["line"] == line)
            .unwrap_or_else(|| panic!("no report for line {line}: {rows:?}"))
    };
    for (line, reason) in [
        (3, "expected 4 fields"),
        (4, "unknown chain `dogecoin`"),
        (5, "missing.key"),
        (6, "expected an EVM key"),
        (7, "evm-on-sol.key"),
        (8, "ISO 4217"),
        (
            9,
            "duplicate row: external_id `good-a` is already on line 2",
        ),
        (10, "external_id is empty"),
        (13, "unsupported_currency"),
        (14, "unterminated quote"),
    ] {
        let row = by_line(line);
        assert_eq!(row["status"], "failed", "{row}");
        let error = row["error"].as_str().unwrap();
        assert!(error.contains(reason), "line {line}: {error}");
    }
    for line in [2, 12] {
        assert_eq!(by_line(line)["status"], "done");
    }
    assert_eq!(by_line(12)["externalId"], "good-b, with a comma");
    assert_eq!(rows.len(), 12, "the blank line is no row");
    assert_eq!(summary["rows"], 12);
    assert_eq!(summary["done"], 2);
    assert_eq!(summary["failed"], 10);
    let failed_lines: Vec<u64> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(failed_lines, [3, 4, 5, 6, 7, 8, 9, 10, 13, 14]);

    // The good rows are the right customers; again, nothing is created twice.
    let client = sandbox.client();
    let customers = sandbox.block_on(client.list_customers()).unwrap();
    let good_a = customers
        .iter()
        .find(|c| c.external_id == "good-a")
        .unwrap();
    assert_eq!(good_a.chain_id, account_of(&evm_a));
    let good_b = customers
        .iter()
        .find(|c| c.external_id == "good-b, with a comma")
        .unwrap();
    assert_eq!(good_b.chain_id, account_of(&sol_b));
    let before = sandbox.counters();
    let again = sandbox
        .cmd()
        .args(["onboard", "--batch", "bad.csv", "--simulate-kyc"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let (rows, summary) = rows_and_summary(&again.stdout);
    assert_eq!(summary["alreadyDone"], 2);
    assert_eq!(rows.iter().filter(|r| r["alreadyDone"] == true).count(), 2);
    let after = sandbox.counters();
    assert_eq!(
        (after.customers, after.accounts),
        (before.customers, before.accounts)
    );
}

#[test]
fn a_csv_without_a_needed_column_is_a_usage_error() {
    let sandbox = TestSandbox::start();
    std::fs::write(
        sandbox.path("c.csv"),
        "external_id,chain,key\nx,evm,a.key\n",
    )
    .unwrap();
    sandbox
        .cmd()
        .args(["onboard", "--batch", "c.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("key_file,currency"));
    sandbox
        .cmd()
        .args(["onboard", "--batch", "missing.csv"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing.csv"));
    assert_eq!(sandbox.counters().customers, 0);
    assert!(!sandbox.path("c.csv.journal").exists());
}

/// `chainsig onboard --batch NAME.csv --simulate-kyc` and `extra`, as a std command (to spawn).
fn batch_command(sandbox: &TestSandbox, csv: &str, extra: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_chainsig"));
    command
        .current_dir(sandbox.dir.path())
        .env("OFFBLOCKS_BASE_URL", sandbox.handle.base_url())
        .env("OFFBLOCKS_API_KEY", sandbox.handle.api_key())
        .env("OFFBLOCKS_API_SECRET", sandbox.handle.api_secret())
        .env("OFFBLOCKS_SIGNING_KEY_FILE", &sandbox.signing_key_file)
        .env_remove("OFFBLOCKS_KEY_ID")
        .args(["onboard", "--batch", csv, "--simulate-kyc"])
        .args(extra);
    command
}

/// Customers and accounts the sandbox created so far.
fn created(sandbox: &TestSandbox) -> (u64, u64) {
    let counters = sandbox.counters();
    (counters.customers, counters.accounts)
}

/// The journal's lines (the header first).
fn journal_lines(path: &std::path::Path) -> Vec<Value> {
    json_lines(&std::fs::read(path).unwrap())
}

#[test]
fn another_csv_with_the_same_journal_is_refused() {
    let sandbox = TestSandbox::start();
    write_batch(&sandbox, "first", 2);
    let run = |csv: &str| {
        batch_command(&sandbox, csv, &["--journal", "shared.journal"])
            .output()
            .unwrap()
    };
    let first = run("first.csv");
    assert!(first.status.success(), "{}", all_text(&first));
    let header = &journal_lines(&sandbox.path("shared.journal"))[0];
    assert_eq!(header["journal"], 1, "{header}");
    assert!(
        header["csv"].as_str().unwrap().ends_with("/first.csv"),
        "{header}"
    );

    // The same external ids, other wallets: before, both rows were "done" with the first
    // CSV's accounts and nothing was sent.
    std::fs::write(
        sandbox.path("second.csv"),
        "external_id,chain,key_file,currency\nfirst-000,evm,other-0.key,EUR\nfirst-001,evm,other-1.key,USD\n",
    )
    .unwrap();
    sandbox.evm_key("other-0.key");
    sandbox.evm_key("other-1.key");
    let before = created(&sandbox);
    let second = run("second.csv");
    let text = all_text(&second);
    assert_eq!(second.status.code(), Some(2), "{text}");
    assert!(
        text.contains("shared.journal belongs to the batch")
            && text.contains("first.csv")
            && text.contains("second.csv"),
        "{text}"
    );
    assert!(text.contains("start over"), "{text}");
    assert!(second.stdout.is_empty(), "no row is reported: {text}");
    assert_eq!(created(&sandbox), before);
}

#[test]
fn a_row_whose_wallet_or_currency_changed_is_an_error_never_done() {
    let sandbox = TestSandbox::start();
    let wallets = write_batch(&sandbox, "swap", 2);
    let first = batch_command(&sandbox, "swap.csv", &[]).output().unwrap();
    assert!(first.status.success(), "{}", all_text(&first));
    let before = created(&sandbox);

    // Row 2's key file now holds another wallet; row 3's currency changed in the CSV.
    let (_, swapped) = sandbox.evm_key("keys/swap-000.key");
    let csv = std::fs::read_to_string(sandbox.path("swap.csv")).unwrap();
    std::fs::write(
        sandbox.path("swap.csv"),
        csv.replace(
            "swap-001,solana,keys/swap-001.json,USD",
            "swap-001,solana,keys/swap-001.json,GBP",
        ),
    )
    .unwrap();

    let again = batch_command(&sandbox, "swap.csv", &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", all_text(&again));
    let (rows, summary) = rows_and_summary(&again.stdout);
    assert_eq!(summary["alreadyDone"], 0, "{summary}");
    assert_eq!(summary["failed"], 2, "{summary}");
    let error = |line: u64| {
        let row = rows.iter().find(|r| r["line"] == line).unwrap();
        assert_eq!(row["status"], "failed", "{row}");
        row["error"].as_str().unwrap().to_owned()
    };
    let wallet_error = error(2);
    assert!(
        wallet_error.contains(&format!("now holds the wallet {}", account_of(&swapped)))
            && wallet_error.contains(&format!("the journal recorded {}", wallets[0].1)),
        "{wallet_error}"
    );
    let currency_error = error(3);
    assert!(
        currency_error.contains("is now GBP, but the journal recorded USD"),
        "{currency_error}"
    );
    assert_eq!(
        created(&sandbox),
        before,
        "nothing sent for the changed rows"
    );
}

#[test]
fn an_account_id_planted_in_the_journal_is_checked_before_it_is_trusted() {
    let sandbox = TestSandbox::start();
    write_batch(&sandbox, "plant", 2);
    let first = batch_command(&sandbox, "plant.csv", &[]).output().unwrap();
    assert!(first.status.success(), "{}", all_text(&first));
    let journal = sandbox.path("plant.csv.journal");
    let done: Vec<Value> = journal_lines(&journal)
        .into_iter()
        .filter(|e| e["stage"] == "done")
        .collect();
    let done_of = |id: &str| done.iter().find(|e| e["externalId"] == id).unwrap().clone();
    let (a, b) = (done_of("plant-000"), done_of("plant-001"));

    // Row a "done" with b's account; row b part-way with a's account (its customer unchanged).
    let mut planted_a = a.clone();
    planted_a["accountId"] = b["accountId"].clone();
    let mut planted_b = b.clone();
    planted_b["stage"] = "account".into();
    planted_b["accountId"] = a["accountId"].clone();
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str(&format!("{planted_a}\n{planted_b}\n"));
    std::fs::write(&journal, text).unwrap();
    let before = created(&sandbox);

    let again = batch_command(&sandbox, "plant.csv", &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(1), "{}", all_text(&again));
    let (rows, summary) = rows_and_summary(&again.stdout);
    assert_eq!(summary["failed"], 2, "{summary}");
    for (line, planted, owner) in [(2, &b, &b), (3, &a, &a)] {
        let row = rows.iter().find(|r| r["line"] == line).unwrap();
        assert_eq!(row["status"], "failed", "{row}");
        let error = row["error"].as_str().unwrap();
        assert!(
            error.contains(&format!(
                "the journal's account {}",
                planted["accountId"].as_str().unwrap()
            )) && error.contains(&format!(
                "belongs to customer {}",
                owner["customerId"].as_str().unwrap()
            )),
            "line {line}: {error}"
        );
    }
    assert_eq!(created(&sandbox), before);

    // An account id the API does not know.
    let mut unknown = a.clone();
    unknown["accountId"] = "6f1c1a9e-0000-4000-8000-000000000000".into();
    let mut text = std::fs::read_to_string(&journal).unwrap();
    text.push_str(&format!("{unknown}\n"));
    std::fs::write(&journal, text).unwrap();
    let third = batch_command(&sandbox, "plant.csv", &[]).output().unwrap();
    assert_eq!(third.status.code(), Some(1), "{}", all_text(&third));
    let (rows, _) = rows_and_summary(&third.stdout);
    let row = rows.iter().find(|r| r["line"] == 2).unwrap();
    let error = row["error"].as_str().unwrap();
    assert!(
        error.contains("6f1c1a9e-0000-4000-8000-000000000000 for external id `plant-000` does not exist on the API"),
        "{error}"
    );
    assert_eq!(created(&sandbox), before);
}

#[cfg(unix)]
#[test]
fn the_journal_is_private_and_never_followed_through_a_link() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = TestSandbox::start();
    let wallets = write_batch(&sandbox, "private", 2);
    let victim = sandbox.path("victim");
    std::os::unix::fs::symlink(&victim, sandbox.path("private.csv.journal")).unwrap();
    let linked = batch_command(&sandbox, "private.csv", &[])
        .output()
        .unwrap();
    let text = all_text(&linked);
    assert_eq!(linked.status.code(), Some(2), "{text}");
    assert!(
        text.contains("private.csv.journal is a symbolic link"),
        "{text}"
    );
    assert!(!victim.exists(), "the link was followed");
    assert_eq!(created(&sandbox), (0, 0));

    std::fs::remove_file(sandbox.path("private.csv.journal")).unwrap();
    let output = batch_command(&sandbox, "private.csv", &[])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", all_text(&output));
    let mode = std::fs::metadata(sandbox.path("private.csv.journal"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    assert_all_active_once(&sandbox, &wallets);
}

#[test]
fn a_second_run_of_the_same_batch_stops_at_once_and_nothing_is_created_twice() {
    // Deployment takes a while: the first run is still busy when the second starts.
    let sandbox = TestSandbox::start_with(SandboxConfig {
        deployment_delay: std::time::Duration::from_millis(700),
        ..SandboxConfig::default()
    });
    let wallets = write_batch(&sandbox, "twice", 8);
    let mut first = batch_command(&sandbox, "twice.csv", &["--concurrency", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first row done: the first run holds the journal.
    let mut stdout = BufReader::new(first.stdout.take().unwrap());
    let mut line = String::new();
    assert!(
        stdout.read_line(&mut line).unwrap() > 0,
        "the first run ended early"
    );

    let second = batch_command(&sandbox, "twice.csv", &["--concurrency", "8"])
        .output()
        .unwrap();
    let text = all_text(&second);
    assert_eq!(second.status.code(), Some(2), "{text}");
    assert!(
        text.contains(
            "the journal twice.csv.journal is locked: another run of this batch holds it"
        ),
        "{text}"
    );
    assert!(second.stdout.is_empty(), "{text}");

    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(first.wait().unwrap().success(), "{line}{rest}");
    assert_all_active_once(&sandbox, &wallets);
}
