//! Keys in a PKCS#11 token (`--key-uri pkcs11:…`, `--signing-key-uri`): the module and PIN
//! settings, one session pool per token for the whole process, and the signers made from them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chainsig_core::{AccountId, ChainId, ChallengeSigner};
use chainsig_httpsig::RequestSigningKey;
use chainsig_pkcs11::{
    KeyUri, PinSource, Pkcs11Ed25519Key, Pkcs11Error, Pkcs11P384Key, Pkcs11Secp256k1Key,
    Pkcs11Token,
};

use chainsig_core::SignatureScheme;

use crate::chain::chain_of;
use crate::cli::HsmArgs;
use crate::error::CliError;

static SETTINGS: OnceLock<HsmArgs> = OnceLock::new();

/// Records the command line's settings (once, before any command runs).
pub(crate) fn configure(args: &HsmArgs) {
    let _ = SETTINGS.set(args.clone());
}

/// Whether a key argument (or a batch row's `key_file`) names a key in a token.
pub(crate) fn is_key_uri(text: &str) -> bool {
    text.get(..7)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("pkcs11:"))
}

fn cli_error(err: Pkcs11Error) -> CliError {
    let hint = match &err {
        Pkcs11Error::NoModule { .. } | Pkcs11Error::ModuleLoad { .. } => {
            Some("name the vendor's module with --pkcs11-module PATH or CHAINSIG_PKCS11_MODULE")
        }
        Pkcs11Error::Pin(_) => Some("give the PIN with --pin-env VAR or --pin-file PATH"),
        Pkcs11Error::ObjectNotFound { .. } => {
            Some("create it with `chainsig keygen --chain … --key-uri …`, or check object= / id=")
        }
        _ => None,
    };
    match hint {
        Some(hint) => CliError::with_hint(err.to_string(), hint),
        None => CliError::input(err.to_string()),
    }
}

/// Runs `future` to completion on a runtime of its own on another thread: opening a token is
/// async, and the callers are sync functions that may themselves run inside a runtime.
fn run_apart<T: Send, F: std::future::Future<Output = T> + Send>(future: F) -> Result<T, CliError> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .build()
                    .map(|runtime| runtime.block_on(future))
            })
            .join()
    })
    .map_err(|_| CliError::input("the PKCS#11 call panicked"))?
    .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))
}

/// The token `uri` names, opened once per process (its pool serves every key on it).
fn token(uri: &KeyUri) -> Result<Pkcs11Token, CliError> {
    static TOKENS: OnceLock<Mutex<HashMap<String, Pkcs11Token>>> = OnceLock::new();
    let settings = SETTINGS.get().cloned().unwrap_or_default();
    let tokens = TOKENS.get_or_init(Default::default);
    // The token attributes and the module: two URIs naming one token share its pool.
    let cache_key = format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        uri.token(),
        uri.manufacturer(),
        uri.model(),
        uri.serial(),
        uri.slot_id(),
        uri.module_path(),
        settings.pkcs11_module
    );
    if let Some(token) = tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&cache_key)
    {
        return Ok(token.clone());
    }
    let mut builder = Pkcs11Token::builder().pool_size(settings.pkcs11_sessions.max(1));
    if let Some(module) = settings.pkcs11_module {
        builder = builder.module_path(module);
    }
    if uri.pin_source().is_none() {
        match (settings.pin_env, settings.pin_file) {
            (Some(var), _) => builder = builder.pin(PinSource::Env(var)),
            (None, Some(path)) => builder = builder.pin(PinSource::File(path)),
            (None, None) => {}
        }
    }
    let uri = uri.clone();
    let token = run_apart(async move { builder.open(&uri).await })?.map_err(cli_error)?;
    tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(cache_key, token.clone());
    Ok(token)
}

fn parse(text: &str) -> Result<KeyUri, CliError> {
    text.parse::<KeyUri>().map_err(|e| {
        CliError::with_hint(
            e.to_string(),
            "a key URI looks like pkcs11:token=custody;object=customer-42;type=private",
        )
    })
}

/// The challenge signer of the key `text` names, for `chain`.
pub(crate) fn load_signer(
    chain: &ChainId,
    text: &str,
    allow_transaction_shaped: bool,
) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    let uri = parse(text)?;
    let token = token(&uri)?;
    // A token key is chosen by curve, which the chain's scheme names; the chain crates' adapters
    // then make it a challenge signer.
    match chain_of(chain)?.scheme() {
        SignatureScheme::Ed25519 => {
            let key = run_apart(Pkcs11Ed25519Key::open(&token, &uri))?.map_err(cli_error)?;
            let signer = key
                .solana_signer()
                .and_then(|s| s.with_chain(chain.clone()))
                .map_err(|e| CliError::input(e.to_string()))?
                .allow_transaction_shaped(allow_transaction_shaped);
            Ok(Arc::new(signer))
        }
        _ => {
            let key = run_apart(Pkcs11Secp256k1Key::open(&token, &uri))?.map_err(cli_error)?;
            secp256k1_signer(key, chain)
        }
    }
}

/// The EVM or Tron signer of a secp256k1 token key, by the chain's scheme.
fn secp256k1_signer(
    key: Pkcs11Secp256k1Key,
    chain: &ChainId,
) -> Result<Arc<dyn ChallengeSigner>, CliError> {
    let input = |e: chainsig_core::CaipError| CliError::input(e.to_string());
    match chain_of(chain)?.scheme() {
        SignatureScheme::Tip191Secp256k1 => {
            Ok(Arc::new(key.tron_signer(chain.clone()).map_err(input)?))
        }
        SignatureScheme::Eip191Secp256k1 => {
            Ok(Arc::new(key.evm_signer(chain.clone()).map_err(input)?))
        }
        other => Err(CliError::input(format!(
            "a PKCS#11 key cannot sign {other} challenges"
        ))),
    }
}

/// Generates a key for `chain` inside the token, labelled by the URI's `object`; returns its
/// account.
pub(crate) fn keygen(chain: &ChainId, text: &str) -> Result<AccountId, CliError> {
    let uri = parse(text)?;
    let token = token(&uri)?;
    let signer: Arc<dyn ChallengeSigner> = match chain_of(chain)?.scheme() {
        SignatureScheme::Ed25519 => {
            let key = run_apart(Pkcs11Ed25519Key::generate(&token, &uri))?.map_err(cli_error)?;
            Arc::new(
                key.solana_signer()
                    .and_then(|s| s.with_chain(chain.clone()))
                    .map_err(|e| CliError::input(e.to_string()))?,
            )
        }
        _ => {
            let key = run_apart(Pkcs11Secp256k1Key::generate(&token, &uri))?.map_err(cli_error)?;
            secp256k1_signer(key, chain)?
        }
    };
    Ok(signer.account().clone())
}

/// `token` (a token's URI, e.g. `pkcs11:token=bench`, query attributes allowed) naming the object
/// `label` in it.
pub(crate) fn object_uri(token: &str, label: &str) -> String {
    let (path, query) = match token.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (token, None),
    };
    let separator = if path.len() > "pkcs11:".len() {
        ";"
    } else {
        ""
    };
    let mut uri = format!("{path}{separator}object={label}");
    if let Some(query) = query {
        uri.push('?');
        uri.push_str(query);
    }
    uri
}

/// The P-384 request-signing key `text` names, and its SPKI PEM.
pub(crate) fn request_key(text: &str) -> Result<(Arc<dyn RequestSigningKey>, String), CliError> {
    let uri = parse(text)?;
    let token = token(&uri)?;
    let key = run_apart(Pkcs11P384Key::open(&token, &uri))?.map_err(cli_error)?;
    let pem = key.public_key_pem();
    Ok((Arc::new(key), pem))
}

/// Generates a P-384 request-signing key inside the token; returns its SPKI PEM.
pub(crate) fn generate_request_key(text: &str) -> Result<String, CliError> {
    let uri = parse(text)?;
    let token = token(&uri)?;
    let key = run_apart(Pkcs11P384Key::generate(&token, &uri))?.map_err(cli_error)?;
    Ok(key.public_key_pem())
}

#[cfg(test)]
mod tests {
    #[test]
    fn object_uris() {
        for (token, expected) in [
            ("pkcs11:token=bench", "pkcs11:token=bench;object=w0"),
            ("pkcs11:", "pkcs11:object=w0"),
            (
                "pkcs11:token=bench?module-path=/usr/lib/softhsm/libsofthsm2.so",
                "pkcs11:token=bench;object=w0?module-path=/usr/lib/softhsm/libsofthsm2.so",
            ),
        ] {
            assert_eq!(super::object_uri(token, "w0"), expected);
        }
    }
}
