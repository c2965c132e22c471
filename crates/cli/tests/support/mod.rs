//! An in-process sandbox on loopback and a `chainsig` command pointed at it.
#![allow(dead_code, unreachable_pub)] // each test file uses a part

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chainsig_api::Client;
use chainsig_core::ChallengeSigner;
use chainsig_evm::LocalEvmSigner;
use chainsig_httpsig::P384SigningKey;
use chainsig_sandbox::{CounterSnapshot, FaultConfig, Sandbox, SandboxConfig, SandboxHandle};
use chainsig_solana::LocalSolanaSigner;
use serde_json::Value;

/// The settings variables; every command starts without them, then gets the fixture's.
pub const SETTINGS: [&str; 5] = [
    "OFFBLOCKS_BASE_URL",
    "OFFBLOCKS_API_KEY",
    "OFFBLOCKS_API_SECRET",
    "OFFBLOCKS_SIGNING_KEY_FILE",
    "OFFBLOCKS_KEY_ID",
];

/// `chainsig` with no OFFBLOCKS_* setting from the outside.
pub fn chainsig() -> Command {
    let mut command = Command::cargo_bin("chainsig").unwrap();
    for var in SETTINGS {
        command.env_remove(var);
    }
    command
}

/// A sandbox running on its own runtime, a temp dir, and a request-signing key file in it.
pub struct TestSandbox {
    pub handle: SandboxHandle,
    pub dir: tempfile::TempDir,
    pub signing_key_file: PathBuf,
    /// The PEM text of the signing key (for the secrets test).
    pub signing_key_pem: String,
    runtime: tokio::runtime::Runtime,
}

impl TestSandbox {
    pub fn start() -> Self {
        Self::start_with(SandboxConfig::default())
    }

    pub fn start_with(config: SandboxConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.block_on(Sandbox::start(config)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let key = P384SigningKey::generate().unwrap();
        let signing_key_pem = key.to_sec1_pem().unwrap().to_string();
        let signing_key_file = dir.path().join("signing-key.pem");
        std::fs::write(&signing_key_file, &signing_key_pem).unwrap();
        Self {
            handle,
            dir,
            signing_key_file,
            signing_key_pem,
            runtime,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `chainsig` with the sandbox's settings in OFFBLOCKS_* (no key id: it registers), run in
    /// the temp dir.
    pub fn cmd(&self) -> Command {
        let mut command = chainsig();
        command
            .current_dir(self.dir.path())
            .env("OFFBLOCKS_BASE_URL", self.handle.base_url())
            .env("OFFBLOCKS_API_KEY", self.handle.api_key())
            .env("OFFBLOCKS_API_SECRET", self.handle.api_secret())
            .env("OFFBLOCKS_SIGNING_KEY_FILE", &self.signing_key_file);
        command
    }

    pub fn counters(&self) -> CounterSnapshot {
        self.handle.counters()
    }

    pub fn set_faults(&self, faults: FaultConfig) {
        self.handle.set_faults(faults);
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// A client of the sandbox with the same credentials and signing key, registered.
    pub fn client(&self) -> Client {
        let key = P384SigningKey::from_pem(&self.signing_key_pem).unwrap();
        let public = key.public_key_pem();
        let client = Client::builder()
            .base_url(self.handle.base_url())
            .credentials(self.handle.api_key(), self.handle.api_secret().to_owned())
            .signing_key(key)
            .build()
            .unwrap();
        self.block_on(client.register_signing_key(&public)).unwrap();
        client
    }

    /// Writes a new EVM key file in the temp dir; returns its path and signer.
    pub fn evm_key(&self, name: &str) -> (PathBuf, LocalEvmSigner) {
        let signer = LocalEvmSigner::random();
        let path = self.path(name);
        std::fs::write(&path, format!("{}\n", signer.to_hex().as_str())).unwrap();
        (path, signer)
    }

    /// Writes a new Solana key file (solana-keygen JSON) in the temp dir.
    pub fn solana_key(&self, name: &str) -> (PathBuf, LocalSolanaSigner) {
        let signer = LocalSolanaSigner::random();
        let path = self.path(name);
        std::fs::write(&path, signer.to_keypair_json().as_str()).unwrap();
        (path, signer)
    }
}

/// The account id of a signer, as text.
pub fn account_of(signer: &dyn ChallengeSigner) -> String {
    signer.account().to_string()
}

/// stdout as one JSON value.
pub fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(output)))
}

/// stdout as JSON lines.
pub fn json_lines(output: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(output)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// stdout and stderr of an output, together.
pub fn all_text(output: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}
