//! `chainsig onboard --batch FILE.csv`: many customers, concurrently, resumable.

mod report;
mod resume;
mod rows;

use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::cli::{ApiArgs, OnboardArgs};
use crate::error::{CliError, printable};
use crate::journal::{Entry, Journal, Stage};
use crate::onboarding::{default_journal, flow_options};

use report::{Outcome, Reporter, row_json};
use resume::{RowDone, run_row};
use rows::read_rows;

/// Attempts at a row whose failure is transient (network, 5xx) before it is reported failed.
const ROW_ATTEMPTS: u32 = 3;
/// Pause before such a row is tried again.
const ROW_RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

pub(crate) async fn run(
    csv: &Path,
    args: &OnboardArgs,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    let rows = read_rows(csv)?;
    let guard = args.policy.load()?;
    let journal_path = args.journal.clone().unwrap_or_else(|| default_journal(csv));
    // Settings and registration before the journal: a misconfigured run leaves no trace.
    let client = api.client().await?;
    let journal = Arc::new(Journal::open(&journal_path, csv)?);
    let options = flow_options(args, Uuid::nil(), &guard);
    let reporter = Reporter {
        bar: (!json_output && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(rows.len() as u64),
                ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        }),
    };

    let semaphore = Arc::new(Semaphore::new(args.concurrency as usize));
    let mut tasks = JoinSet::new();
    let mut failures: Vec<Value> = Vec::new();
    let (mut done, mut already) = (0usize, 0usize);
    let record_failure = |line: Value, failures: &mut Vec<Value>| {
        failures.push(json!({
            "line": line["line"],
            "externalId": line["externalId"],
            "error": line["error"],
        }));
        reporter.report(line);
    };

    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                let line = row_json(
                    bad.line,
                    bad.external_id.as_deref(),
                    None,
                    &Outcome::Failed(bad.reason),
                );
                record_failure(line, &mut failures);
                continue;
            }
        };
        let (client, journal, semaphore) = (client.clone(), journal.clone(), semaphore.clone());
        let options = options.clone();
        let simulate_kyc = args.simulate_kyc;
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let mut attempt = 1;
            let result = loop {
                match run_row(&client, &journal, &row, &options, simulate_kyc).await {
                    // The API was unreachable or overloaded longer than the client retries:
                    // the same requests again (same seed), a little later.
                    Err(error) if error.is_transient() && attempt < ROW_ATTEMPTS => {
                        attempt += 1;
                        tokio::time::sleep(ROW_RETRY_DELAY).await;
                    }
                    result => break result,
                }
            };
            if let Err(error) = &result
                && let Some(started) = journal.row(&row.external_id, &row.chain.to_string())
            {
                // Best effort: the row is retried on the next run whether or not this lands.
                // Only for a row the journal knows (and has bound): a row that failed before
                // its first entry leaves no trace.
                let _ = journal.record(&Entry {
                    stage: Stage::Failed,
                    error: Some(error.to_string()),
                    ..started
                });
            }
            (row, result)
        });
    }

    while let Some(joined) = tasks.join_next().await {
        let (row, result) = match joined {
            Ok(joined) => joined,
            Err(e) => {
                let line = json!({ "line": 0, "status": "failed", "error": format!("a row's task failed: {e}") });
                record_failure(line, &mut failures);
                continue;
            }
        };
        let outcome = match result {
            Ok(RowDone::Now(account)) => Outcome::Done(account),
            Ok(RowDone::Earlier(account_id)) => Outcome::AlreadyDone(Some(account_id)),
            Err(error) => Outcome::Failed(match error.hint() {
                Some(hint) => format!("{error} (hint: {hint})"),
                None => error.to_string(),
            }),
        };
        let line = row_json(
            row.line,
            Some(&row.external_id),
            Some(row.chain.to_string()),
            &outcome,
        );
        if matches!(outcome, Outcome::Done(_)) {
            done += 1;
            reporter.report(line);
        } else if matches!(outcome, Outcome::AlreadyDone(_)) {
            already += 1;
            reporter.report(line);
        } else {
            record_failure(line, &mut failures);
        }
    }
    if let Some(bar) = &reporter.bar {
        bar.finish_and_clear();
    }

    failures.sort_by_key(|f| f["line"].as_u64());
    let total = done + already + failures.len();
    if reporter.bar.is_none() {
        println!(
            "{}",
            json!({
                "summary": {
                    "rows": total,
                    "done": done + already,
                    "alreadyDone": already,
                    "failed": failures.len(),
                    "failures": failures,
                    "journal": journal_path.display().to_string(),
                }
            })
        );
    } else {
        println!(
            "{total} rows: {} done ({already} by an earlier run), {} failed",
            done + already,
            failures.len()
        );
        for failure in &failures {
            println!(
                "  line {}: {}",
                failure["line"],
                printable(failure["error"].as_str().unwrap_or_default())
            );
        }
        println!("journal: {}", journal_path.display());
        if !failures.is_empty() {
            println!(
                "fix the failed rows if needed and run the same command again: done rows are skipped"
            );
        }
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests;
