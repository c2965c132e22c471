//! Per-row reports: a progress bar on a terminal, JSON lines otherwise.

use chainsig_api::Account;
use indicatif::ProgressBar;
use serde_json::{Value, json};

use crate::error::printable;

/// What happened to one row.
pub(super) enum Outcome {
    /// Onboarded now.
    Done(Account),
    /// Onboarded by an earlier run (per the journal); the account id it recorded.
    AlreadyDone(Option<String>),
    /// Not onboarded.
    Failed(String),
}

/// The JSON line of a row.
pub(super) fn row_json(
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
pub(super) struct Reporter {
    pub(super) bar: Option<ProgressBar>,
}

impl Reporter {
    pub(super) fn report(&self, line: Value) {
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
