//! Loading a PKCS#11 module: once per path and process, as `C_Initialize` allows.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};

use crate::error::Pkcs11Error;

/// The environment variable naming the module when neither the URI nor the caller does.
pub const MODULE_ENV: &str = "CHAINSIG_PKCS11_MODULE";

/// Modules loaded so far, by path. A module is initialized once per process (a second
/// `C_Initialize` fails) and stays loaded: tokens opened later share it.
fn loaded() -> &'static Mutex<HashMap<PathBuf, Pkcs11>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

/// Loads and initializes the module at `path` (OS locking: the pool calls it from several
/// threads), or returns the one already loaded. Blocking.
pub(crate) fn load(path: &Path) -> Result<Pkcs11, Pkcs11Error> {
    let mut modules = loaded().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(module) = modules.get(path) {
        return Ok(module.clone());
    }
    let module = Pkcs11::new(path).map_err(|source| Pkcs11Error::ModuleLoad {
        path: path.to_owned(),
        source,
    })?;
    match module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another library in this process initialized it: it is usable as it is.
        Ok(()) | Err(Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(source) => {
            return Err(Pkcs11Error::ModuleLoad {
                path: path.to_owned(),
                source,
            });
        }
    }
    modules.insert(path.to_owned(), module.clone());
    Ok(module)
}
