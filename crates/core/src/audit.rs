//! The audit trail: one event per policy decision, to `tracing` and to an [`AuditSink`] (a
//! JSON-lines file ships).

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ChallengeKindName, ChallengePurpose};

/// A policy's verdict, as written in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The policy allowed the challenge.
    Allowed,
    /// The policy refused it; nothing was signed.
    Refused,
}

/// What became of the challenge after the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Signed; the signature is released only after this line is written.
    Signed,
    /// Allowed, but the signer failed.
    SignFailed,
    /// Refused: the signer never saw the bytes.
    NotSigned,
}

/// One decision. It never holds the challenge's bytes, a key, a secret or a token: the
/// challenge is identified by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The signing account (CAIP-10).
    pub account: String,
    /// The wallet the challenge was for, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Why the signature was asked for.
    pub purpose: ChallengePurpose,
    /// What the challenge was.
    pub kind: ChallengeKindName,
    /// SHA-256 of the decoded challenge bytes, hex.
    pub challenge_sha256: String,
    /// Length of the decoded challenge, in bytes.
    pub challenge_len: usize,
    /// The rule that decided.
    pub rule: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why a challenge was refused, or why signing failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What became of it.
    pub outcome: Outcome,
    /// The signer backend.
    pub backend: String,
}

impl AuditEvent {
    /// SHA-256 of `bytes`, hex: how audit lines name a challenge.
    pub fn digest(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }
}

/// An audit line could not be written. When it happens after signing, the signature is not
/// released.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the audit trail {path}: {source}")]
pub struct AuditError {
    path: String,
    #[source]
    source: std::io::Error,
}

impl AuditError {
    /// An error writing to `path`.
    pub fn new(path: impl Into<String>, source: std::io::Error) -> Self {
        Self {
            path: path.into(),
            source,
        }
    }
}

/// Where audit events go (besides `tracing`, which always gets them).
pub trait AuditSink: Send + Sync + fmt::Debug {
    /// Records one event durably before returning. The signature it concerns is released only
    /// after this returns `Ok`.
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError>;
}

impl<T: AuditSink + ?Sized> AuditSink for &T {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        (**self).record(event)
    }
}

impl<T: AuditSink + ?Sized> AuditSink for Arc<T> {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        (**self).record(event)
    }
}

impl<T: AuditSink + ?Sized> AuditSink for Box<T> {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        (**self).record(event)
    }
}

/// Keeps events in memory (tests, or a caller that ships them elsewhere).
#[derive(Default)]
pub struct MemoryAuditSink {
    events: Mutex<Vec<AuditEvent>>,
}

impl fmt::Debug for MemoryAuditSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let events = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        f.debug_struct("MemoryAuditSink")
            .field("events", &events)
            .finish()
    }
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// The events recorded so far.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event.clone());
        Ok(())
    }
}

/// Appends one JSON line per event to a file, and syncs it to disk before returning.
///
/// Each line is written with a single `write` on a file opened for appending, so a process that
/// dies never leaves half a line in the middle of others; a line cut short by a power loss is
/// closed with a newline when the file is next opened, so the next event starts a line of its
/// own. The file is created with mode 0600 and never opened through a symbolic link.
///
/// The `fsync` blocks the calling thread (about a millisecond on an SSD; far more on a network
/// disk): BENCHMARKS.md gives it apart from the policy check.
///
/// ```
/// use chainsig_core::JsonLinesAuditSink;
///
/// let dir = tempfile::tempdir()?;
/// let sink = JsonLinesAuditSink::open(dir.path().join("audit.jsonl"))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JsonLinesAuditSink {
    path: PathBuf,
    file: Mutex<File>,
}

impl JsonLinesAuditSink {
    /// Opens (or creates) the file at `path` for appending.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, AuditError> {
        let path = path.as_ref().to_owned();
        let error = |e| AuditError::new(path.display().to_string(), e);
        let mut options = OpenOptions::new();
        options.read(true).append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&path).map_err(error)?;
        // Close a line cut short by a crash, so the next event starts a line of its own.
        let len = file.seek(SeekFrom::End(0)).map_err(error)?;
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(error)?;
            file.read_exact(&mut last).map_err(error)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(error)?;
            }
        }
        Ok(Self {
            path,
            file: Mutex::new(file),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AuditSink for JsonLinesAuditSink {
    fn record(&self, event: &AuditEvent) -> Result<(), AuditError> {
        let error = |e| AuditError::new(self.path.display().to_string(), e);
        let mut line = serde_json::to_vec(event).map_err(|e| error(std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(&line).map_err(error)?;
        file.sync_data().map_err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize) -> AuditEvent {
        AuditEvent {
            time: "2026-11-30T00:00:00Z".into(),
            account: "eip155:1:0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb".into(),
            owner: None,
            purpose: ChallengePurpose::AccountSessionKey,
            kind: ChallengeKindName::Uuid,
            challenge_sha256: AuditEvent::digest(&n.to_le_bytes()),
            challenge_len: 36,
            rule: "allow.session-key".into(),
            verdict: Verdict::Allowed,
            reason: None,
            outcome: Outcome::Signed,
            backend: "test".into(),
        }
    }

    fn lines(path: &Path) -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn challenges_are_named_by_their_sha256() {
        // FIPS 180-2's "abc".
        assert_eq!(
            AuditEvent::digest(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn sinks_behind_references_and_pointers_record() {
        /// Records through exactly the impl of `S` (no auto-deref to the inner sink).
        fn through<S: AuditSink>(sink: S, n: usize) {
            sink.record(&event(n)).unwrap();
        }
        let memory = Arc::new(MemoryAuditSink::new());
        through(&*memory, 1);
        through(Arc::clone(&memory), 2);
        through(Box::new(Arc::clone(&memory)) as Box<dyn AuditSink>, 3);
        assert_eq!(memory.events(), [event(1), event(2), event(3)]);
        // Debug counts the events, never shows them.
        assert_eq!(format!("{memory:?}"), "MemoryAuditSink { events: 3 }");
    }

    #[test]
    fn appends_one_parsable_line_per_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let sink = JsonLinesAuditSink::open(&path).unwrap();
        sink.record(&event(1)).unwrap();
        sink.record(&event(2)).unwrap();
        drop(sink);
        // Reopened: appends, never truncates.
        JsonLinesAuditSink::open(&path)
            .unwrap()
            .record(&event(3))
            .unwrap();
        let lines = lines(&path);
        assert_eq!(lines.len(), 3);
        for (i, line) in lines.iter().enumerate() {
            let parsed: AuditEvent = serde_json::from_str(line).unwrap();
            assert_eq!(parsed, event(i + 1));
        }
    }

    #[test]
    fn a_torn_last_line_is_closed_before_the_next_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, b"{\"time\":\"2026-11-30T00:00:00Z\",\"acc").unwrap();
        JsonLinesAuditSink::open(&path)
            .unwrap()
            .record(&event(7))
            .unwrap();
        let lines = lines(&path);
        assert_eq!(lines.len(), 2);
        assert!(serde_json::from_str::<AuditEvent>(&lines[0]).is_err());
        assert_eq!(
            serde_json::from_str::<AuditEvent>(&lines[1]).unwrap(),
            event(7)
        );
    }

    #[cfg(unix)]
    #[test]
    fn created_private_and_never_through_a_symlink() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        JsonLinesAuditSink::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let target = dir.path().join("elsewhere");
        std::fs::write(&target, b"").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(JsonLinesAuditSink::open(&link).is_err());
    }

    /// A writer killed at any moment leaves only whole lines: the child (this same test binary,
    /// re-run with `CHAINSIG_AUDIT_CHILD` set) appends as fast as it can until it is killed.
    #[test]
    fn a_killed_writer_leaves_only_whole_lines() {
        if let Ok(path) = std::env::var("CHAINSIG_AUDIT_CHILD") {
            let sink = JsonLinesAuditSink::open(&path).unwrap();
            for n in 0.. {
                sink.record(&event(n)).unwrap();
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "audit::tests::a_killed_writer_leaves_only_whole_lines",
                "--test-threads=1",
            ])
            .env("CHAINSIG_AUDIT_CHILD", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill it once it has written something (bounded: at most 10 s of waiting).
        for _ in 0..1000 {
            if std::fs::metadata(&path).is_ok_and(|m| m.len() > 2000) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with('\n'), "the file ends with a torn line");
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.len() > 5,
            "the child wrote only {} lines",
            lines.len()
        );
        for (n, line) in lines.iter().enumerate() {
            assert_eq!(serde_json::from_str::<AuditEvent>(line).unwrap(), event(n));
        }
    }
}
