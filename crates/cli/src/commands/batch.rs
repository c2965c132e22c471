//! `chainsig onboard --batch FILE.csv`: many customers, concurrently, resumable.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chainsig_core::ChainId;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::onboard::{OnboardArgs, Row, default_journal, flow_options, onboard_row, row_json};
use crate::api_config::ApiArgs;
use crate::chain::parse_chain;
use crate::error::CliError;
use crate::journal::{Entry, Journal, Stage};
use crate::keys::load_signer_file;

const COLUMNS: [&str; 4] = ["external_id", "chain", "key_file", "currency"];

/// A row that cannot be onboarded as written.
struct BadRow {
    line: usize,
    reason: String,
}

fn read_rows(csv: &Path) -> Result<Vec<Result<Row, BadRow>>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_path(csv)
        .map_err(|e| CliError::input(format!("cannot read {}: {e}", csv.display())))?;
    let headers = reader
        .headers()
        .map_err(|e| CliError::input(format!("{}: {e}", csv.display())))?
        .clone();
    let position: Vec<usize> = COLUMNS
        .iter()
        .map(|name| headers.iter().position(|h| h == *name))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            CliError::input(format!(
                "{}: the header must name the columns {} (found: {})",
                csv.display(),
                COLUMNS.join(","),
                headers.iter().collect::<Vec<_>>().join(",")
            ))
        })?;
    let base = csv.parent().unwrap_or(Path::new("."));
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let row = match record {
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or_default();
                Err(BadRow {
                    line,
                    reason: format!("malformed CSV: {e}"),
                })
            }
            Ok(record) => {
                let line = record
                    .position()
                    .map(|p| p.line() as usize)
                    .unwrap_or_default();
                let field = |i: usize| record.get(position[i]).unwrap_or_default().to_owned();
                let parsed = (|| {
                    if record.len() != headers.len() {
                        return Err(format!(
                            "expected {} fields, found {}",
                            headers.len(),
                            record.len()
                        ));
                    }
                    let external_id = field(0);
                    if external_id.is_empty() {
                        return Err("external_id is empty".to_owned());
                    }
                    let chain: ChainId =
                        parse_chain(&field(1)).map_err(|e| format!("chain: {e}"))?;
                    let key_file = field(2);
                    if key_file.is_empty() {
                        return Err("key_file is empty".to_owned());
                    }
                    let currency = field(3);
                    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                        return Err(format!(
                            "currency must be an ISO 4217 code such as EUR, got `{currency}`"
                        ));
                    }
                    Ok(Row {
                        line,
                        external_id,
                        chain,
                        key_file: base.join(key_file),
                        currency,
                    })
                })();
                match parsed {
                    Ok(row) => {
                        match seen.insert((row.external_id.clone(), row.chain.to_string()), line) {
                            Some(first) => Err(BadRow {
                                line,
                                reason: format!("duplicate of line {first}"),
                            }),
                            None => Ok(row),
                        }
                    }
                    Err(reason) => Err(BadRow { line, reason }),
                }
            }
        };
        rows.push(row);
    }
    Ok(rows)
}

pub(crate) async fn run(
    csv: &Path,
    args: &OnboardArgs,
    api: &ApiArgs,
    json_output: bool,
) -> Result<ExitCode, CliError> {
    let rows = read_rows(csv)?;
    let journal_path = args.journal.clone().unwrap_or_else(|| default_journal(csv));
    let journal = Arc::new(Journal::open(&journal_path)?);
    let bar = (!json_output && std::io::stderr().is_terminal()).then(|| {
        let bar =
            ProgressBar::with_draw_target(Some(rows.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let report = |line: serde_json::Value, outcome_text: &str| match &bar {
        Some(bar) => {
            bar.inc(1);
            if outcome_text != "done" {
                bar.println(format!(
                    "line {}: {} {}",
                    line["line"],
                    outcome_text,
                    line["error"].as_str().unwrap_or_default()
                ));
            }
        }
        None => println!("{line}"),
    };

    let client = api.client(true).await?;
    let semaphore = Arc::new(Semaphore::new(args.concurrency as usize));
    let mut tasks = JoinSet::new();
    let mut failures: Vec<(usize, String)> = Vec::new();
    let (mut done, mut already) = (0usize, 0usize);

    for row in rows {
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                report(
                    serde_json::json!({ "line": bad.line, "status": "failed", "error": bad.reason }),
                    "failed",
                );
                failures.push((bad.line, bad.reason));
                continue;
            }
        };
        let previous = journal
            .row(&row.external_id, &row.chain.to_string())
            .cloned();
        if previous.as_ref().is_some_and(|p| p.stage == Stage::Done) {
            already += 1;
            report(row_json(&row, "done", None, None), "done");
            continue;
        }
        let seed = previous.as_ref().map_or_else(Uuid::new_v4, |p| p.seed);
        if previous.is_none() {
            // The seed is on disk before any request that depends on it goes out.
            journal.record(&Entry {
                external_id: row.external_id.clone(),
                chain: row.chain.to_string(),
                line: row.line,
                seed,
                stage: Stage::Started,
                customer_id: None,
                account_id: None,
                error: None,
            })?;
        }
        let (client, journal, semaphore) = (client.clone(), journal.clone(), semaphore.clone());
        let options = flow_options(args, seed);
        let simulate_kyc = args.simulate_kyc;
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let result = async {
                let signer = load_signer_file(&row.chain, &row.key_file)?;
                onboard_row(
                    &client,
                    signer.as_ref(),
                    &row,
                    simulate_kyc,
                    &options,
                    Some((&journal, previous.as_ref())),
                )
                .await
            }
            .await;
            if let Err(error) = &result {
                let _ = journal.record(&Entry {
                    external_id: row.external_id.clone(),
                    chain: row.chain.to_string(),
                    line: row.line,
                    seed,
                    stage: Stage::Failed,
                    customer_id: None,
                    account_id: None,
                    error: Some(error.to_string()),
                });
            }
            (row, result)
        });
    }

    while let Some(joined) = tasks.join_next().await {
        let Ok((row, result)) = joined else {
            failures.push((0, "a row's task panicked".to_owned()));
            continue;
        };
        match result {
            Ok(account) => {
                done += 1;
                report(row_json(&row, "done", Some(&account), None), "done");
            }
            Err(error) => {
                report(row_json(&row, "failed", None, Some(&error)), "failed");
                failures.push((row.line, error.to_string()));
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }

    failures.sort();
    let total = done + already + failures.len();
    if bar.is_none() {
        println!(
            "{}",
            serde_json::json!({
                "summary": {
                    "rows": total,
                    "done": done + already,
                    "alreadyDone": already,
                    "failed": failures.iter().map(|(line, reason)| serde_json::json!({"line": line, "error": reason})).collect::<Vec<_>>(),
                    "journal": journal_path.display().to_string(),
                }
            })
        );
    } else {
        println!(
            "{total} rows: {} done ({already} from an earlier run), {} failed",
            done + already,
            failures.len()
        );
        for (line, reason) in &failures {
            println!("  line {line}: {reason}");
        }
        println!("journal: {}", journal_path.display());
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
