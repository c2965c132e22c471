//! `chainsig onboard --batch FILE.csv`: many customers, concurrently, resumable.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use chainsig_api::{Account, Client, FlowOptions};
use chainsig_core::AccountId;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::chain::{ChainArgError, parse_chain};
use crate::cli::{ApiArgs, OnboardArgs};
use crate::error::{CliError, printable};
use crate::journal::{Entry, Journal, Stage};
use crate::keys::load_signer_file;
use crate::onboarding::{Row, default_journal, flow_options, onboard_row};

const COLUMNS: [&str; 4] = ["external_id", "chain", "key_file", "currency"];

/// Attempts at a row whose failure is transient (network, 5xx) before it is reported failed.
const ROW_ATTEMPTS: u32 = 3;
/// Pause before such a row is tried again.
const ROW_RETRY_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// A row that cannot be onboarded as written.
#[derive(Debug)]
struct BadRow {
    line: usize,
    external_id: Option<String>,
    reason: String,
}

/// One record of the CSV: the line it starts on (1-based) and its fields (surrounding spaces
/// trimmed), or why it is unusable.
type Record = (usize, Result<Vec<String>, String>);

/// Reads every record of the CSV with the csv crate, as RFC 4180 has it: a quoted field may hold
/// commas, doubled quotes and line breaks (so a record may span lines; an unterminated quote runs
/// to the end of the file). A UTF-8 BOM is skipped (by csv-core); blank lines are not records.
/// A record that is not UTF-8 is reported alone, with its line.
fn records(bytes: &[u8]) -> Vec<Record> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let mut records = Vec::new();
    let mut record = csv::ByteRecord::new();
    // csv's `Position::line` is where the reader stood, before the line breaks and blank lines
    // it skips ahead of a record (and it counts a CRLF's CR and LF apart): the line a record
    // starts on is counted here, from the record's byte offset past those breaks.
    let (mut counted_to, mut line) = (0usize, 1usize);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // Only an I/O error stops the csv reader; from a slice there is none.
                records.push((line, Err(format!("malformed CSV: {e}"))));
                break;
            }
        }
        let mut start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or(counted_to)
            .clamp(counted_to, bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        if record.len() == 1 && record[0].is_empty() {
            continue; // a line of spaces
        }
        let fields = csv::StringRecord::from_byte_record(record.clone())
            .map(|r| r.iter().map(str::to_owned).collect())
            .map_err(|_| "malformed CSV: the record is not UTF-8".to_owned());
        records.push((line, fields));
    }
    records
}

/// Reads the CSV: `Err` for a file that cannot be used at all (unreadable, no header, a
/// missing column), otherwise one entry per data record, good or bad, with the line it starts on.
fn read_rows(csv: &Path) -> Result<Vec<Result<Row, BadRow>>, CliError> {
    let bytes = std::fs::read(csv).map_err(|e| {
        CliError::with_hint(
            format!("cannot read the batch file {}: {e}", csv.display()),
            "give --batch the path of a CSV file with the columns external_id,chain,key_file,currency",
        )
    })?;
    let mut lines = records(&bytes).into_iter();

    let header_error = |what: String| {
        CliError::with_hint(
            format!("{}: {what}", csv.display()),
            format!(
                "the first line must be the header {}; each row is one customer",
                COLUMNS.join(",")
            ),
        )
    };
    let (_, header) = lines
        .next()
        .ok_or_else(|| header_error("the file is empty".to_owned()))?;
    let header = header.map_err(|e| header_error(format!("header: {e}")))?;
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "the header lacks the column(s) {} (found: {})",
            missing.join(","),
            header.join(",")
        )));
    }
    let position: Vec<usize> = COLUMNS
        .iter()
        .map(|c| header.iter().position(|h| h == c).unwrap_or_default())
        .collect();

    let base = csv.parent().unwrap_or(Path::new("."));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for (line, text) in lines {
        let bad = |external_id: Option<String>, reason: String| BadRow {
            line,
            external_id,
            reason,
        };
        let record = match text {
            Ok(record) if record.len() == header.len() => record,
            Ok(record) => {
                let spans = if record.iter().any(|f| f.contains('\n')) {
                    "; a quoted field of this record holds line breaks: check its quotes (an \
                     unterminated quote runs to the end of the file)"
                } else {
                    ""
                };
                rows.push(Err(bad(
                    None,
                    format!(
                        "malformed CSV: expected {} fields ({}), found {}{spans}",
                        header.len(),
                        header.join(","),
                        record.len()
                    ),
                )));
                continue;
            }
            Err(reason) => {
                rows.push(Err(bad(None, reason)));
                continue;
            }
        };
        let field = |i: usize| record[position[i]].clone();
        let external_id = field(0);
        let row = (|| {
            if external_id.is_empty() {
                return Err("external_id is empty".to_owned());
            }
            let chain_text = field(1);
            let chain = parse_chain(&chain_text).map_err(|e| match e {
                ChainArgError::Unsupported(_) => format!("chain `{chain_text}`: {e}"),
                ChainArgError::Invalid(_) => format!(
                    "unknown chain `{chain_text}`: use {} or a CAIP-2 id such as eip155:1",
                    crate::chain::registry().shorthands()
                ),
            })?;
            let key_file = field(2);
            if key_file.is_empty() {
                return Err("key_file is empty".to_owned());
            }
            let currency = field(3);
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(format!(
                    "currency must be an ISO 4217 code in capitals such as EUR, not `{currency}`"
                ));
            }
            if let Some(first) = seen.get(&external_id) {
                return Err(format!(
                    "duplicate row: external_id `{external_id}` is already on line {first}"
                ));
            }
            Ok(Row {
                line,
                external_id: external_id.clone(),
                chain,
                // A `pkcs11:` URI names a key in a token, not a file next to the CSV.
                key_file: if crate::hsm::is_key_uri(&key_file) {
                    std::path::PathBuf::from(key_file)
                } else {
                    base.join(key_file)
                },
                currency,
            })
        })();
        match row {
            Ok(row) => {
                seen.insert(row.external_id.clone(), line);
                rows.push(Ok(row));
            }
            Err(reason) => rows.push(Err(bad(
                Some(external_id).filter(|id| !id.is_empty()),
                reason,
            ))),
        }
    }
    Ok(rows)
}

/// A row done: now, or by an earlier run (per the journal, checked against the API).
enum RowDone {
    Now(Account),
    Earlier(String),
}

/// Checks what the journal recorded of `row` against the row as it is now: the same wallet (the
/// key file's) and the same currency, or an error that says what changed. A journal's progress
/// is never used for another wallet or another currency.
fn check_binding(previous: &Entry, row: &Row, wallet: &AccountId) -> Result<(), CliError> {
    let start_over = "restore the row as it was, or give --journal a new path (or remove the \
                      journal) to start the batch over";
    let recorded = previous.wallet.as_deref().ok_or_else(|| {
        CliError::with_hint(
            format!(
                "line {}: the journal binds no wallet to external id `{}`",
                row.line, row.external_id
            ),
            start_over,
        )
    })?;
    let same_wallet = recorded
        .parse::<AccountId>()
        .is_ok_and(|recorded| recorded.same_address(wallet) && recorded.chain() == wallet.chain());
    if !same_wallet {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the key file {} now holds the wallet {wallet}, but the journal recorded \
                 {recorded} for external id `{}`: the key file changed since that run",
                row.line,
                row.key_file.display(),
                row.external_id
            ),
            hint: Some(start_over.to_owned()),
        });
    }
    if let Some(currency) = previous.currency.as_deref()
        && currency != row.currency
    {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the currency of external id `{}` is now {}, but the journal recorded \
                 {currency}: the CSV changed since that run",
                row.line, row.external_id, row.currency
            ),
            hint: Some(start_over.to_owned()),
        });
    }
    Ok(())
}

/// Checks the account the journal recorded for `row` on the API before it is trusted: it must
/// exist, belong to the journal's customer (when it recorded one), in the row's currency, and
/// that customer must be the row's (its external id and its wallet). Returns the account.
async fn check_journal_account(
    client: &Client,
    previous: &Entry,
    account_id: &str,
    row: &Row,
    wallet: &AccountId,
) -> Result<Account, CliError> {
    let refused = |why: String| CliError::Failed {
        message: format!(
            "line {}: the journal's account {} for external id `{}` {why}; refusing to use it",
            row.line,
            printable(account_id),
            row.external_id
        ),
        hint: Some(
            "the journal was changed, or belongs to another batch: give --journal a new path \
             (or remove the journal) to start over"
                .to_owned(),
        ),
    };
    let account = match client.get_account(account_id).await {
        Ok(account) => account,
        Err(chainsig_api::Error::Api(e)) if e.status.as_u16() == 404 => {
            return Err(refused("does not exist on the API".to_owned()));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(customer_id) = &previous.customer_id
        && &account.customer_id != customer_id
    {
        return Err(refused(format!(
            "belongs to customer {}, not to the journal's customer {}",
            printable(&account.customer_id),
            printable(customer_id)
        )));
    }
    if !account.currencies.iter().any(|c| c == &row.currency) {
        return Err(refused(format!(
            "is in {}, not {}",
            printable(&account.currencies.join(",")),
            row.currency
        )));
    }
    let customer = client.get_customer(&account.customer_id).await?;
    if customer.external_id != row.external_id {
        return Err(refused(format!(
            "belongs to the customer with external id `{}`",
            printable(&customer.external_id)
        )));
    }
    if !customer
        .account_id()
        .is_ok_and(|a| a.same_address(wallet) && a.chain() == wallet.chain())
    {
        return Err(refused(format!(
            "belongs to the wallet {}, not to the row's {wallet}",
            printable(&customer.chain_id)
        )));
    }
    Ok(account)
}

/// One row, from its key to its active account: the journal's record of it checked (binding,
/// then any account it names) before anything in it is used.
async fn run_row(
    client: &Client,
    journal: &Arc<Journal>,
    row: &Row,
    options: &FlowOptions,
    simulate_kyc: bool,
) -> Result<RowDone, CliError> {
    let signer = load_signer_file(&row.chain, &row.key_file)?;
    let wallet = signer.account().clone();
    let chain = row.chain.to_string();
    let previous = match journal.row(&row.external_id, &chain) {
        Some(previous) => {
            check_binding(&previous, row, &wallet)?;
            previous
        }
        None => {
            // The seed, the wallet and the currency are on disk before any request that depends
            // on them goes out.
            let started = Entry {
                wallet: Some(wallet.to_string()),
                currency: Some(row.currency.clone()),
                ..Entry::new(
                    &row.external_id,
                    &chain,
                    row.line,
                    Uuid::new_v4(),
                    Stage::Started,
                )
            };
            journal.record(&started)?;
            started
        }
    };
    if let Some(account_id) = &previous.account_id {
        let account = check_journal_account(client, &previous, account_id, row, &wallet).await?;
        if previous.stage == Stage::Done {
            return Ok(RowDone::Earlier(account.id));
        }
    } else if previous.stage == Stage::Done {
        return Err(CliError::Failed {
            message: format!(
                "line {}: the journal says external id `{}` is done but names no account",
                row.line, row.external_id
            ),
            hint: Some("give --journal a new path (or remove the journal) to start over".into()),
        });
    }
    let options = options.clone().with_seed(previous.seed);
    onboard_row(
        client,
        signer.as_ref(),
        row,
        simulate_kyc,
        &options,
        Some((journal.clone(), Some(&previous))),
    )
    .await
    .map(RowDone::Now)
}

/// What happened to one row.
enum Outcome {
    /// Onboarded now.
    Done(Account),
    /// Onboarded by an earlier run (per the journal); the account id it recorded.
    AlreadyDone(Option<String>),
    /// Not onboarded.
    Failed(String),
}

/// The JSON line of a row.
fn row_json(
    line: usize,
    external_id: Option<&str>,
    chain: Option<String>,
    outcome: &Outcome,
) -> Value {
    let mut value = json!({
        "line": line,
        "externalId": external_id,
        "chain": chain,
    });
    let fields = match outcome {
        Outcome::Done(account) => json!({
            "status": "done",
            "alreadyDone": false,
            "customerId": account.customer_id,
            "accountId": account.id,
            "accountStatus": account.status.as_str(),
            "chainId": account.chain_id,
        }),
        Outcome::AlreadyDone(account_id) => json!({
            "status": "done",
            "alreadyDone": true,
            "accountId": account_id,
        }),
        Outcome::Failed(error) => json!({ "status": "failed", "error": error }),
    };
    if let (Some(value), Value::Object(fields)) = (value.as_object_mut(), fields) {
        value.extend(fields);
    }
    value
}

/// Where the per-row reports go: a progress bar on a terminal, JSON lines on stdout otherwise.
struct Reporter {
    bar: Option<ProgressBar>,
}

impl Reporter {
    fn report(&self, line: Value) {
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                if line["status"] == "failed" {
                    bar.println(format!(
                        "line {}: failed: {}",
                        line["line"],
                        printable(line["error"].as_str().unwrap_or_default())
                    ));
                }
            }
            None => println!("{line}"),
        }
    }
}

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
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Writes `text` as a batch file in a new directory and reads it.
    fn read(text: &[u8]) -> (tempfile::TempDir, Vec<Result<Row, BadRow>>) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("c.csv");
        std::fs::write(&csv, text).unwrap();
        let rows = read_rows(&csv).unwrap();
        (dir, rows)
    }

    #[test]
    fn quoted_fields_commas_newlines_and_a_bom() {
        let (dir, rows) = read(
            "\u{feff}external_id , chain,key_file,currency\r\n\
             \"a, \"\"quoted\"\"\nid\", evm,\"k,1.key\" ,EUR\r\n\
             \n\
             b,solana,b.json,EUR\n"
                .as_bytes(),
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        let a = rows[0].as_ref().unwrap();
        assert_eq!(a.line, 2);
        assert_eq!(a.external_id, "a, \"quoted\"\nid");
        assert_eq!(a.key_file, dir.path().join("k,1.key"));
        // The record above spans lines 2 and 3; a blank line 4 is no record.
        let b = rows[1].as_ref().unwrap();
        assert_eq!((b.line, b.external_id.as_str()), (5, "b"));
    }

    #[test]
    fn bad_records_keep_their_lines() {
        let (_dir, rows) = read(
            b"external_id,chain,key_file,currency\n\
              a,evm\n\
              \n\
              b,solana,b.json,EUR\r\n\
              \xff,evm,c.key,EUR\n\
              b,evm,c.key,EUR\n\
              \"c,evm,c.key,EUR\nd,evm,d.key,EUR\n",
        );
        let lines: Vec<usize> = rows
            .iter()
            .map(|r| r.as_ref().map_or_else(|b| b.line, |r| r.line))
            .collect();
        assert_eq!(lines, [2, 4, 5, 6, 7]);
        assert!(rows[0].as_ref().err().unwrap().reason.contains("found 2"));
        assert!(rows[1].is_ok());
        assert!(rows[2].as_ref().err().unwrap().reason.contains("UTF-8"));
        let duplicate = rows[3].as_ref().err().unwrap();
        assert!(duplicate.reason.contains("line 4"), "{}", duplicate.reason);
        // An unterminated quote runs to the end of the file, and says so.
        let unterminated = rows[4].as_ref().err().unwrap();
        assert!(
            unterminated.reason.contains("unterminated quote"),
            "{}",
            unterminated.reason
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("c.csv");
        std::fs::write(&csv, "external_id,chain,key_file\na,evm,a.key\n").unwrap();
        let error = read_rows(&csv).unwrap_err();
        assert!(error.to_string().contains("currency"), "{error}");
    }
}
