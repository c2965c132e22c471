//! The SoftHSM fixture: a temporary token directory, one initialized token per test group, and
//! the URIs and raw sessions the tests use.

use std::future::Future;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use chainsig_pkcs11::cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use chainsig_pkcs11::cryptoki::session::{Session, UserType};
use chainsig_pkcs11::{KeyUri, PinSource, Pkcs11Token};

/// Set in the second run: the temporary directory holding the configuration and the tokens.
pub const FIXTURE_ENV: &str = "CHAINSIG_PKCS11_TEST_DIR";
/// Overrides where SoftHSM's module is looked for.
pub const MODULE_OVERRIDE_ENV: &str = "CHAINSIG_TEST_SOFTHSM_MODULE";

/// The user PIN of every test token: distinctive, so that a leak is found by searching for it.
pub const PIN: &str = "pin-7391-do-not-print-8264";
const SO_PIN: &str = "so-pin-5555";

/// One token per group of tests, so that they do not see each other's keys.
pub const TOKENS: &[&str] = &[
    "evm", "tron", "solana", "p384", "onboard", "errors", "removed", "pool",
];

const MODULE_PATHS: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];

/// SoftHSM's module, if installed.
pub fn find_module() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(MODULE_OVERRIDE_ENV) {
        return Some(PathBuf::from(path));
    }
    MODULE_PATHS.iter().map(PathBuf::from).find(|p| p.exists())
}

pub fn module() -> PathBuf {
    find_module().expect("the fixture checked the module")
}

/// First run: make the token directory and the tokens, run again inside it.
pub fn prepare_and_rerun() -> ExitCode {
    let Some(module) = find_module() else {
        if std::env::var_os("CI").is_some() {
            eprintln!(
                "SoftHSM2 is not installed (no libsofthsm2.so in {MODULE_PATHS:?}): \
                 `apt-get install softhsm2 opensc`; CI requires it"
            );
            return ExitCode::FAILURE;
        }
        eprintln!(
            "SKIPPED: the PKCS#11 tests need SoftHSM2 (`apt-get install softhsm2 opensc`); \
             CI runs them"
        );
        return ExitCode::SUCCESS;
    };
    let dir = tempfile::Builder::new()
        .prefix("chainsig-softhsm-")
        .tempdir()
        .expect("temporary directory");
    let tokens = dir.path().join("tokens");
    std::fs::create_dir(&tokens).expect("token directory");
    let conf = dir.path().join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
            tokens.display()
        ),
    )
    .expect("softhsm2.conf");
    for label in TOKENS {
        let status = Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &conf)
            .args(["--init-token", "--free", "--label", label])
            .args(["--pin", PIN, "--so-pin", SO_PIN])
            .output()
            .expect("softhsm2-util runs (package softhsm2)");
        assert!(
            status.status.success(),
            "softhsm2-util --init-token {label}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    }
    let status = Command::new(std::env::current_exe().expect("test binary path"))
        .args(std::env::args_os().skip(1))
        .env("SOFTHSM2_CONF", &conf)
        .env(FIXTURE_ENV, dir.path())
        .env(MODULE_OVERRIDE_ENV, &module)
        .status()
        .expect("the test binary runs again");
    drop(dir);
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// The fixture's directory (second run).
pub fn fixture_dir() -> PathBuf {
    PathBuf::from(std::env::var_os(FIXTURE_ENV).expect("second run"))
}

/// A key URI on `token` with the module and the PIN in it.
pub fn uri(token: &str, object: &str) -> KeyUri {
    KeyUri::new()
        .with_token(token)
        .with_object(object)
        .private()
        .with_module_path(module())
        .with_pin_source(PinSource::Value(PIN.to_owned().into()))
}

/// The token `label` with a pool of `pool_size` sessions.
pub async fn open(label: &str, pool_size: usize) -> Pkcs11Token {
    Pkcs11Token::builder()
        .pool_size(pool_size)
        .open(&uri(label, "unused"))
        .await
        .unwrap_or_else(|e| panic!("token {label} opens: {e}"))
}

/// A raw cryptoki session on token `label`, logged in: the independent path the tests check the
/// signers against (and import keys with).
pub fn raw_session(label: &str) -> Session {
    let ctx = Pkcs11::new(module()).expect("module loads");
    match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) => {}
        Err(chainsig_pkcs11::cryptoki::error::Error::Pkcs11(
            chainsig_pkcs11::cryptoki::error::RvError::CryptokiAlreadyInitialized,
            _,
        )) => {}
        Err(e) => panic!("C_Initialize: {e}"),
    }
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        // A token another test removed answers with an error: not the one looked for.
        .find(|s| {
            ctx.get_token_info(*s)
                .is_ok_and(|info| info.label().trim_end() == label)
        })
        .expect("token present");
    let session = ctx.open_rw_session(slot).unwrap();
    match session.login(UserType::User, Some(&PIN.to_owned().into())) {
        Ok(())
        | Err(chainsig_pkcs11::cryptoki::error::Error::Pkcs11(
            chainsig_pkcs11::cryptoki::error::RvError::UserAlreadyLoggedIn,
            _,
        )) => {}
        Err(e) => panic!("C_Login: {e}"),
    }
    session
}

/// The directory SoftHSM keeps token `label` in (its `token.object` holds the label).
pub fn token_dir(label: &str) -> PathBuf {
    let tokens = fixture_dir().join("tokens");
    let mut padded = label.as_bytes().to_vec();
    padded.resize(32, b' ');
    for entry in std::fs::read_dir(&tokens).unwrap() {
        let path = entry.unwrap().path();
        let object = std::fs::read(path.join("token.object")).unwrap_or_default();
        if object.windows(32).any(|w| w == padded.as_slice()) {
            return path;
        }
    }
    panic!("no directory for token {label} in {}", tokens.display());
}

/// Runs an async test on a multi-threaded runtime (2 workers, as on the CI machine).
pub fn run<F: Future<Output = ()>>(test: F) -> Result<(), libtest_mimic::Failed> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(test);
    Ok(())
}
