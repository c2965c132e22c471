//! What commands write: JSON lines on stdout, key files, and the process's own figures.

use std::io::Write as _;
use std::path::Path;

use chainsig_core::{AccountId, Chain};
use serde_json::{Value, json};

use crate::error::CliError;

/// Prints one JSON object on stdout.
pub(crate) fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// This process's peak resident set size (`VmHWM`), where procfs has it (Linux).
pub(crate) fn peak_rss_kib() -> Option<u64> {
    peak_rss_kib_of("self")
}

/// The peak resident set size of process `pid` (`"self"` for this one), from procfs.
pub(crate) fn peak_rss_kib_of(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `{"account", "address"}` and the chain's other spellings of the address (Tron's
/// `addressHex`).
pub(crate) fn account_json(chain: &dyn Chain, account: &AccountId) -> Value {
    let mut out = json!({ "account": account.to_string(), "address": account.address() });
    for (key, value) in chain.address_forms(account) {
        out[key] = Value::from(value);
    }
    out
}

/// Creates `path` readable by its owner only; an existing file is never replaced.
pub(crate) fn write_new_private_file(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::with_hint(
                format!(
                    "{} already exists; refusing to overwrite a key file",
                    path.display()
                ),
                "choose another --out path, or move the old file away yourself",
            )
        } else {
            CliError::input(format!("cannot create {}: {e}", path.display()))
        }
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))
}
