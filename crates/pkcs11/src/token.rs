//! [`Pkcs11Token`]: a token found by URI, with a pool of logged-in sessions whose blocking C calls
//! run on the runtime's blocking threads.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cryptoki::context::Pkcs11;
use cryptoki::error::{Error, RvError};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use tokio::sync::Semaphore;

use crate::error::{PinError, Pkcs11Error, from_cryptoki};
use crate::module::{MODULE_ENV, load};
use crate::pin::PinSource;
use crate::uri::KeyUri;

/// Sessions opened at most at once on a token, unless [`TokenBuilder::pool_size`] says otherwise.
pub const DEFAULT_POOL_SIZE: usize = 4;

/// Opens a [`Pkcs11Token`]: where the module and the PIN come from, how many sessions, how long
/// to wait.
///
/// The module is the one given here, else the URI's `module-path`, else the
/// `CHAINSIG_PKCS11_MODULE` environment variable. The PIN source is the one given here, else the
/// URI's `pin-source` / `pin-value`.
#[derive(Debug, Clone)]
pub struct TokenBuilder {
    module: Option<PathBuf>,
    pin: Option<PinSource>,
    pool_size: usize,
    timeout: Option<Duration>,
}

impl Default for TokenBuilder {
    fn default() -> Self {
        Self {
            module: None,
            pin: None,
            pool_size: DEFAULT_POOL_SIZE,
            timeout: None,
        }
    }
}

impl TokenBuilder {
    /// The module (shared library) to load.
    #[must_use]
    pub fn module_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.module = Some(path.into());
        self
    }

    /// Where the user PIN comes from.
    #[must_use]
    pub fn pin(mut self, source: PinSource) -> Self {
        self.pin = Some(source);
        self
    }

    /// The number of sessions (at least 1; default [`DEFAULT_POOL_SIZE`]). A session serves one
    /// call at a time; more sessions let a token that signs in parallel do so.
    #[must_use]
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = size.max(1);
        self
    }

    /// How long one token call may take before it fails with [`Pkcs11Error::Timeout`] (default:
    /// no limit of chainsig's own; the vendor's module has its own network timeouts). The call
    /// itself cannot be cancelled: its session returns to the pool when the token answers.
    ///
    /// The limit uses tokio's timer: the runtime must be built with `enable_time` (or
    /// `enable_all`), which a runtime without a timer would otherwise turn into a panic.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Loads the module, finds the token `uri` names, and logs in one session (so a wrong PIN
    /// fails here, not at the first signature).
    ///
    /// # Errors
    /// [`Pkcs11Error::NoModule`], [`Pkcs11Error::ModuleLoad`], [`Pkcs11Error::Pin`],
    /// [`Pkcs11Error::TokenNotFound`], [`Pkcs11Error::TokenAmbiguous`],
    /// [`Pkcs11Error::WrongPin`], [`Pkcs11Error::PinLocked`], [`Pkcs11Error::TokenRemoved`].
    #[tracing::instrument(name = "pkcs11_open_token", skip_all, fields(uri = %uri.token_part()), err(Display))]
    pub async fn open(self, uri: &KeyUri) -> Result<Pkcs11Token, Pkcs11Error> {
        let token_uri = uri.token_part().to_string();
        let module = self
            .module
            .or_else(|| uri.module_path().map(PathBuf::from))
            .or_else(|| std::env::var_os(MODULE_ENV).map(PathBuf::from))
            .ok_or_else(|| Pkcs11Error::NoModule {
                uri: token_uri.clone(),
            })?;
        let pin = self
            .pin
            .or_else(|| uri.pin_source().cloned())
            .ok_or(PinError::Missing)?
            .read()?;
        let selector = uri.token_part();
        let (pool_size, timeout) = (self.pool_size, self.timeout);
        let task = tokio::task::spawn_blocking(move || {
            let ctx = load(&module)?;
            let slot = find_slot(&ctx, &selector, &token_uri)?;
            let inner = Arc::new(Inner {
                ctx,
                slot,
                pin,
                uri: token_uri,
                module,
                idle: Mutex::new(Vec::with_capacity(pool_size)),
                permits: Arc::new(Semaphore::new(pool_size)),
                open: AtomicUsize::new(0),
                pool_size,
                timeout,
            });
            let session = inner.open_session()?;
            inner.put_back(session);
            Ok(Pkcs11Token { inner })
        });
        task.await.map_err(|e| Pkcs11Error::Join {
            uri: uri.token_part().to_string(),
            reason: e.to_string(),
        })?
    }
}

/// The slot whose token matches every token attribute of `selector`.
fn find_slot(ctx: &Pkcs11, selector: &KeyUri, uri: &str) -> Result<Slot, Pkcs11Error> {
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| from_cryptoki(uri, "C_GetSlotList", e))?;
    let mut matches = Vec::new();
    let mut present = Vec::new();
    for slot in slots {
        let info = match ctx.get_token_info(slot) {
            Ok(info) => info,
            // A token removed between the two calls, or a slot that is not ready: not a match.
            Err(_) => continue,
        };
        present.push(info.label().trim_end().to_owned());
        let is = |want: Option<&str>, have: &str| want.is_none_or(|w| w == have.trim_end());
        if is(selector.token(), info.label())
            && is(selector.manufacturer(), info.manufacturer_id())
            && is(selector.model(), info.model())
            && is(selector.serial(), info.serial_number())
            && selector.slot_id().is_none_or(|id| id == slot.id())
        {
            matches.push(slot);
        }
    }
    match matches.as_slice() {
        [slot] => Ok(*slot),
        [] => Err(Pkcs11Error::TokenNotFound {
            uri: uri.to_owned(),
            found: if present.is_empty() {
                "; no token is present".to_owned()
            } else {
                format!("; tokens present: {}", present.join(", "))
            },
        }),
        many => Err(Pkcs11Error::TokenAmbiguous {
            uri: uri.to_owned(),
            count: many.len(),
        }),
    }
}

/// A PKCS#11 token with a pool of logged-in sessions. Cheap to clone (the pool is shared).
///
/// Each call takes a session from the pool (opening and logging in a new one while fewer than
/// the pool size exist), runs the blocking C function on the runtime's blocking threads
/// (`spawn_blocking`), and puts the session back, or drops it when the token reported it lost
/// (removed token, closed session): the next call opens a fresh one, or fails with
/// [`Pkcs11Error::TokenRemoved`] while the token is away.
#[derive(Clone)]
pub struct Pkcs11Token {
    inner: Arc<Inner>,
}

struct Inner {
    ctx: Pkcs11,
    slot: Slot,
    pin: AuthPin,
    uri: String,
    module: PathBuf,
    idle: Mutex<Vec<Session>>,
    permits: Arc<Semaphore>,
    /// Sessions open now (idle or in use).
    open: AtomicUsize,
    pool_size: usize,
    timeout: Option<Duration>,
}

impl Inner {
    /// Opens a read-write session (key generation writes) and logs it in. In PKCS#11 the login
    /// belongs to the application, not the session: a session opened while another is logged
    /// in is already logged in.
    fn open_session(&self) -> Result<Session, Pkcs11Error> {
        let session = self
            .ctx
            .open_rw_session(self.slot)
            .map_err(|e| from_cryptoki(&self.uri, "C_OpenSession", e))?;
        match session.login(UserType::User, Some(&self.pin)) {
            Ok(()) | Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                self.open.fetch_add(1, Ordering::Relaxed);
                Ok(session)
            }
            Err(e) => Err(from_cryptoki(&self.uri, "C_Login", e)),
        }
    }

    fn put_back(&self, session: Session) {
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(session);
    }
}

impl Pkcs11Token {
    /// A builder for the module, PIN source, pool size and timeout.
    pub fn builder() -> TokenBuilder {
        TokenBuilder::default()
    }

    /// Opens the token `uri` names with the module and PIN source in the URI (or
    /// `CHAINSIG_PKCS11_MODULE`) and the default pool. See [`TokenBuilder::open`].
    ///
    /// # Errors
    /// As [`TokenBuilder::open`].
    pub async fn open(uri: &KeyUri) -> Result<Self, Pkcs11Error> {
        TokenBuilder::default().open(uri).await
    }

    /// The token's URI (token attributes only).
    pub fn uri(&self) -> &str {
        &self.inner.uri
    }

    /// The number of sessions the pool holds at most.
    pub fn pool_size(&self) -> usize {
        self.inner.pool_size
    }

    /// The number of sessions open now, idle or in use (sessions are opened on demand, up to
    /// [`pool_size`](Self::pool_size), and dropped when the token reports them lost).
    pub fn open_sessions(&self) -> usize {
        self.inner.open.load(Ordering::Relaxed)
    }

    /// Runs `op` with a logged-in session on a blocking thread. Errors are named after `uri`
    /// (the key's, for messages).
    /// Waits for this process's key-generation turn: one generation at a time, whatever the
    /// token. SoftHSM 2.6 fails concurrent object creation now and then (`CKR_GENERAL_ERROR`,
    /// seen in CI), and generation is rare enough to queue.
    pub(crate) async fn generation_turn(&self) -> tokio::sync::MutexGuard<'static, ()> {
        static GENERATION: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        GENERATION.lock().await
    }

    pub(crate) async fn run<T, F>(&self, uri: &str, op: F) -> Result<T, Pkcs11Error>
    where
        T: Send + 'static,
        F: FnOnce(&Session) -> Result<T, Pkcs11Error> + Send + 'static,
    {
        let permit = self
            .inner
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Pkcs11Error::Join {
                uri: uri.to_owned(),
                reason: "the session pool is closed".to_owned(),
            })?;
        let inner = self.inner.clone();
        let task = tokio::task::spawn_blocking(move || {
            // Held until the call returns, even after a timeout: the pool never opens more
            // sessions than its size.
            let _permit = permit;
            let idle = inner.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let session = match idle {
                Some(session) => session,
                None => inner.open_session()?,
            };
            let result = op(&session);
            if matches!(result, Err(Pkcs11Error::TokenRemoved { .. })) {
                // Lost with the token: closed (as far as the module still can) and forgotten.
                drop(session);
                inner.open.fetch_sub(1, Ordering::Relaxed);
            } else {
                inner.put_back(session);
            }
            result
        });
        let joined = match self.inner.timeout {
            Some(limit) => match tokio::time::timeout(limit, task).await {
                Ok(joined) => joined,
                Err(_) => {
                    return Err(Pkcs11Error::Timeout {
                        uri: uri.to_owned(),
                        after: limit,
                    });
                }
            },
            None => task.await,
        };
        joined.map_err(|join| Pkcs11Error::Join {
            uri: uri.to_owned(),
            reason: join.to_string(),
        })?
    }

    /// Checks that the token answers and the pool's session is logged in.
    ///
    /// # Errors
    /// [`Pkcs11Error::TokenRemoved`] and the other token errors.
    pub async fn health_check(&self) -> Result<(), Pkcs11Error> {
        let uri = self.inner.uri.clone();
        self.run(&self.inner.uri, move |session| {
            session
                .get_session_info()
                .map(|_| ())
                .map_err(|e| from_cryptoki(&uri, "C_GetSessionInfo", e))
        })
        .await
    }
}

impl fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("uri", &self.inner.uri)
            .field("module", &self.inner.module)
            .field("slot", &self.inner.slot.id())
            .field("pool_size", &self.inner.pool_size)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}
