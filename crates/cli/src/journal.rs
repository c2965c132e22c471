//! The batch journal: one JSON line per step of each row, appended and flushed before the step's
//! requests go out, so that a batch stopped at any moment and started again repeats the very same
//! idempotent requests (same seed, same keys) and creates nothing twice.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::CliError;

/// How far a row got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Stage {
    /// The seed is chosen; nothing may have been sent yet.
    Started,
    /// The customer exists and its ownership is proven.
    Customer,
    /// The account exists (maybe not active yet).
    Account,
    /// The account is active.
    Done,
    /// The row failed (it is tried again on the next run).
    Failed,
}

/// One journal line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    pub(crate) external_id: String,
    pub(crate) chain: String,
    pub(crate) line: usize,
    pub(crate) seed: Uuid,
    pub(crate) stage: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// What the journal knows of one row: the latest entry, with ids carried over from earlier ones.
pub(crate) type RowState = Entry;

/// An open journal.
#[derive(Debug)]
pub(crate) struct Journal {
    file: Mutex<File>,
    rows: Mutex<HashMap<(String, String), RowState>>,
}

/// Folds `entry` into what is known of its row: the latest stage, ids carried over, the first
/// seed kept.
fn merge(rows: &mut HashMap<(String, String), RowState>, entry: Entry) {
    let key = (entry.external_id.clone(), entry.chain.clone());
    let merged = match rows.remove(&key) {
        Some(previous) => Entry {
            customer_id: entry.customer_id.clone().or(previous.customer_id),
            account_id: entry.account_id.clone().or(previous.account_id),
            seed: previous.seed,
            ..entry
        },
        None => entry,
    };
    rows.insert(key, merged);
}

impl Journal {
    /// Opens (or creates) the journal at `path` and reads what earlier runs recorded. A torn last
    /// line (the process died mid-write) is ignored.
    pub(crate) fn open(path: &Path) -> Result<Self, CliError> {
        let mut rows: HashMap<(String, String), RowState> = HashMap::new();
        if path.exists() {
            let file = File::open(path).map_err(|e| {
                CliError::input(format!("cannot read journal {}: {e}", path.display()))
            })?;
            for line in BufReader::new(file).lines() {
                let line = line.map_err(|e| {
                    CliError::input(format!("cannot read journal {}: {e}", path.display()))
                })?;
                let Ok(entry) = serde_json::from_str::<Entry>(&line) else {
                    continue;
                };
                merge(&mut rows, entry);
            }
        }
        let cannot_write = |e: std::io::Error| {
            CliError::input(format!("cannot write journal {}: {e}", path.display()))
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(cannot_write)?;
        // A torn last line gets its end now: appended to, it would make the next entry unreadable.
        if file.metadata().map_err(cannot_write)?.len() > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(cannot_write)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(cannot_write)?;
            }
        }
        Ok(Self {
            file: Mutex::new(file),
            rows: Mutex::new(rows),
        })
    }

    /// What is recorded for a row, by earlier runs and this one.
    pub(crate) fn row(&self, external_id: &str, chain: &str) -> Option<RowState> {
        self.rows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(external_id.to_owned(), chain.to_owned()))
            .cloned()
    }

    /// Appends an entry and flushes it to disk before returning.
    pub(crate) fn record(&self, entry: &Entry) -> Result<(), CliError> {
        let mut line =
            serde_json::to_string(entry).map_err(|e| CliError::input(format!("journal: {e}")))?;
        line.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| CliError::input(format!("cannot write the journal: {e}")))?;
        merge(
            &mut self.rows.lock().unwrap_or_else(|e| e.into_inner()),
            entry.clone(),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(external_id: &str, stage: Stage) -> Entry {
        Entry {
            external_id: external_id.to_owned(),
            chain: "evm".to_owned(),
            line: 2,
            seed: Uuid::new_v4(),
            stage,
            customer_id: None,
            account_id: None,
            error: None,
        }
    }

    #[test]
    fn an_entry_after_a_torn_line_is_read_back() {
        let dir = std::env::temp_dir().join(format!("chainsig-journal-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("batch.journal");
        // A run that died in the middle of its second line.
        let first = serde_json::to_string(&entry("a", Stage::Started)).expect("json");
        std::fs::write(&path, format!("{first}\n{{\"externalId\":\"b\",\"cha")).expect("write");

        let journal = Journal::open(&path).expect("open");
        assert_eq!(
            journal.row("a", "evm").map(|r| r.stage),
            Some(Stage::Started)
        );
        journal.record(&entry("b", Stage::Started)).expect("record");
        drop(journal);

        let reopened = Journal::open(&path).expect("reopen");
        assert_eq!(
            reopened.row("a", "evm").map(|r| r.stage),
            Some(Stage::Started)
        );
        assert_eq!(
            reopened.row("b", "evm").map(|r| r.stage),
            Some(Stage::Started)
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
