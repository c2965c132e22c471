//! The batch journal: one JSON line per step of each row, appended and flushed before the step's
//! requests go out, so that a batch stopped at any moment and started again repeats the very same
//! idempotent requests (same seed, same keys) and creates nothing twice.
//!
//! It holds idempotency seeds, so it is guarded like a secret: created mode 0600, never opened
//! through a symbolic link, and locked (an exclusive advisory lock) for the whole run, so that a
//! second run of the same batch stops at once instead of drawing other seeds. Its first line
//! binds it to one CSV (by canonical path), and each row's first entry to the row's wallet and
//! currency: what the journal says of a row is only used for that very row.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
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
    /// The row's wallet (CAIP-10 of its key), bound by the row's first entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) wallet: Option<String>,
    /// The row's currency, bound by the row's first entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) currency: Option<String>,
}

impl Entry {
    /// A row's entry at `stage`: no ids, no error, not bound to a wallet or currency yet.
    pub(crate) fn new(
        external_id: &str,
        chain: &str,
        line: usize,
        seed: Uuid,
        stage: Stage,
    ) -> Self {
        Self {
            external_id: external_id.to_owned(),
            chain: chain.to_owned(),
            line,
            seed,
            stage,
            customer_id: None,
            account_id: None,
            error: None,
            wallet: None,
            currency: None,
        }
    }

    /// The same row at `stage` with these ids; the binding is the row's first entry's.
    pub(crate) fn at(
        &self,
        stage: Stage,
        customer_id: Option<&str>,
        account_id: Option<&str>,
    ) -> Self {
        Self {
            stage,
            customer_id: customer_id.map(str::to_owned),
            account_id: account_id.map(str::to_owned),
            ..Self::new(&self.external_id, &self.chain, self.line, self.seed, stage)
        }
    }
}

/// The journal's first line: which CSV it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Header {
    /// The format's version.
    journal: u32,
    /// The canonical path of the CSV.
    csv: PathBuf,
}

/// The version written in the header.
const FORMAT: u32 = 1;

/// What the journal knows of one row: the latest entry, with ids carried over from earlier ones.
pub(crate) type RowState = Entry;

/// An open journal.
#[derive(Debug)]
pub(crate) struct Journal {
    file: Mutex<File>,
    rows: Mutex<HashMap<(String, String), RowState>>,
}

/// Folds `entry` into what is known of its row: the latest stage, ids carried over, the first
/// seed, wallet and currency kept.
fn merge(rows: &mut HashMap<(String, String), RowState>, entry: Entry) {
    let key = (entry.external_id.clone(), entry.chain.clone());
    let merged = match rows.remove(&key) {
        Some(previous) => Entry {
            customer_id: entry.customer_id.clone().or(previous.customer_id),
            account_id: entry.account_id.clone().or(previous.account_id),
            seed: previous.seed,
            wallet: previous.wallet.or(entry.wallet.clone()),
            currency: previous.currency.or(entry.currency.clone()),
            ..entry
        },
        None => entry,
    };
    rows.insert(key, merged);
}

/// Opens the journal file for reading and appending: created mode 0600, never through a
/// symbolic link, a regular file only.
fn open_file(path: &Path) -> Result<File, CliError> {
    let mut options = OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return CliError::with_hint(
                format!(
                    "the journal {} is a symbolic link: refused (a journal holds idempotency \
                     seeds, and a link could send them, or our writes, anywhere)",
                    path.display()
                ),
                "give --journal the path of a regular file, or remove the link",
            );
        }
        CliError::input(format!("cannot open the journal {}: {e}", path.display()))
    })?;
    let metadata = file
        .metadata()
        .map_err(|e| CliError::input(format!("cannot read the journal {}: {e}", path.display())))?;
    if !metadata.is_file() {
        return Err(CliError::input(format!(
            "the journal {} is not a regular file",
            path.display()
        )));
    }
    if let Some(warning) = crate::input::shared_file_warning(&file, path, "the journal") {
        eprintln!("{warning}");
    }
    Ok(file)
}

/// Takes the journal's exclusive lock, or says that another run holds it.
fn lock(file: &File, path: &Path) -> Result<(), CliError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(CliError::with_hint(
            format!(
                "the journal {} is locked: another run of this batch holds it",
                path.display()
            ),
            "wait for that run to end (or stop it), then run this command again: \
             it goes on from where the other one stopped",
        )),
        Err(TryLockError::Error(e)) => Err(CliError::input(format!(
            "cannot lock the journal {}: {e}",
            path.display()
        ))),
    }
}

/// The error for a journal that belongs to something else than `csv`.
fn not_this_csv(path: &Path, csv: &Path, what: String) -> CliError {
    CliError::with_hint(
        format!("the journal {} {what}", path.display()),
        format!(
            "give --journal a new path for {}, or remove the journal to start over (rows \
             onboarded already are found again on the API: nothing is created twice)",
            csv.display()
        ),
    )
}

impl Journal {
    /// Opens (or creates) the journal at `path` for the batch in `csv`, takes its lock (held until
    /// the journal is dropped) and reads what earlier runs recorded. A torn last line (the
    /// process died mid-write) is ignored.
    ///
    /// # Errors
    /// A symbolic link or anything but a regular file at `path`; a lock held by another run; a
    /// journal of another CSV, or without the header that says which.
    pub(crate) fn open(path: &Path, csv: &Path) -> Result<Self, CliError> {
        let csv = std::fs::canonicalize(csv).map_err(|e| {
            CliError::input(format!(
                "cannot resolve the batch file {}: {e}",
                csv.display()
            ))
        })?;
        let mut file = open_file(path)?;
        lock(&file, path)?;
        let cannot_read = |e: std::io::Error| {
            CliError::input(format!("cannot read the journal {}: {e}", path.display()))
        };
        let cannot_write = |e: std::io::Error| {
            CliError::input(format!("cannot write the journal {}: {e}", path.display()))
        };

        // Read under the lock, through the handle that holds it.
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(cannot_read)?;
        let mut header_line = serde_json::to_string(&Header {
            journal: FORMAT,
            csv: csv.clone(),
        })
        .map_err(|e| CliError::input(format!("journal: {e}")))?;
        header_line.push('\n');

        let mut rows: HashMap<(String, String), RowState> = HashMap::new();
        match bytes.iter().position(|b| *b == b'\n') {
            // New, or the first run died writing the header: this batch's from now on.
            None if header_line.as_bytes().starts_with(&bytes) => {
                file.set_len(0)
                    .and_then(|()| file.write_all(header_line.as_bytes()))
                    .and_then(|()| file.sync_data())
                    .map_err(cannot_write)?;
            }
            None => {
                return Err(not_this_csv(
                    path,
                    &csv,
                    "is not a chainsig batch journal".to_owned(),
                ));
            }
            Some(end) => {
                let mut lines = bytes.split(|b| *b == b'\n');
                match serde_json::from_slice::<Header>(lines.next().unwrap_or_default()) {
                    Ok(header) if header.journal != FORMAT => {
                        return Err(not_this_csv(
                            path,
                            &csv,
                            format!(
                                "is in format {}; this chainsig writes format {FORMAT}",
                                header.journal
                            ),
                        ));
                    }
                    Ok(header) if header.csv != csv => {
                        return Err(not_this_csv(
                            path,
                            &csv,
                            format!(
                                "belongs to the batch {}, not to {}",
                                header.csv.display(),
                                csv.display()
                            ),
                        ));
                    }
                    Ok(_) => {}
                    Err(_) if serde_json::from_slice::<Entry>(&bytes[..end]).is_ok() => {
                        return Err(not_this_csv(
                            path,
                            &csv,
                            "does not say which batch it belongs to (an older chainsig wrote it)"
                                .to_owned(),
                        ));
                    }
                    Err(_) => {
                        return Err(not_this_csv(
                            path,
                            &csv,
                            "is not a chainsig batch journal".to_owned(),
                        ));
                    }
                }
                for entry in lines.filter_map(|line| serde_json::from_slice::<Entry>(line).ok()) {
                    merge(&mut rows, entry);
                }
                // A torn last line gets its end now: appended to, it would make the next entry
                // unreadable.
                if bytes.last() != Some(&b'\n') {
                    file.write_all(b"\n").map_err(cannot_write)?;
                }
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
mod tests;
