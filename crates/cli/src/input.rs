//! Reading challenges, key files and secrets from files, stdin and the environment.

use std::io::Read;
use std::path::Path;

use chainsig_core::Challenge;
use zeroize::Zeroizing;

use crate::error::CliError;

/// Key files are small; refuse anything larger before reading it all.
const MAX_KEY_FILE: u64 = 64 * 1024;
/// The base64 text of the largest challenge, plus room for a newline.
const MAX_CHALLENGE_TEXT: u64 = (Challenge::MAX_BYTES as u64).div_ceil(3) * 4 + 2;

fn read_limited(reader: impl Read, limit: u64, what: &str) -> Result<Zeroizing<String>, CliError> {
    // Sized for the limit up front: a growing string would leave copies of the secret behind.
    let mut text = Zeroizing::new(String::with_capacity(limit as usize + 1));
    reader
        .take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| CliError::input(format!("cannot read {what}: {e}")))?;
    if text.len() as u64 > limit {
        return Err(CliError::input(format!(
            "{what} is larger than {limit} bytes"
        )));
    }
    Ok(text)
}

/// The warning for a secret file that the group or others may read or change, if it is one
/// (`None` where modes do not exist).
pub(crate) fn shared_file_warning(file: &std::fs::File, path: &Path, what: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata().ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "warning: {what} {} is accessible to group or others (mode {mode:04o}); \
                 `chmod 600 {}` makes it yours alone",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path, what);
        None
    }
}

/// Opens a secret file, warning on stderr (not failing) when others may read it.
fn open_secret(path: &Path, what: &str) -> std::io::Result<std::fs::File> {
    let file = std::fs::File::open(path)?;
    if let Some(warning) = shared_file_warning(&file, path, what) {
        eprintln!("{warning}");
    }
    Ok(file)
}

/// Reads a key file (at most 64 KiB) into a zeroizing string; warns when the group or others
/// may read it.
pub(crate) fn read_key_file(path: &Path) -> Result<Zeroizing<String>, CliError> {
    let file = open_secret(path, "key file").map_err(|e| {
        CliError::with_hint(
            format!("cannot read key file {}: {e}", path.display()),
            "pass an existing file to --key-file, or create one with `chainsig keygen`",
        )
    })?;
    read_limited(file, MAX_KEY_FILE, &format!("key file {}", path.display()))
}

/// Reads a secret file other than a wallet key (at most 64 KiB); `what` names it in messages.
/// Warns when the group or others may read it.
pub(crate) fn read_secret_file(
    path: &Path,
    what: &str,
    hint: Option<&str>,
) -> Result<Zeroizing<String>, CliError> {
    let file = open_secret(path, what).map_err(|e| {
        let message = format!("cannot read {what} {}: {e}", path.display());
        match hint {
            Some(hint) => CliError::with_hint(message, hint),
            None => CliError::input(message),
        }
    })?;
    read_limited(file, MAX_KEY_FILE, &format!("{what} {}", path.display()))
}

/// Reads a secret from the environment variable `var`.
pub(crate) fn read_env_secret(var: &str, flag: &str) -> Result<Zeroizing<String>, CliError> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(Zeroizing::new(value)),
        Ok(_) => Err(CliError::input(format!(
            "environment variable {var} (named by {flag}) is empty"
        ))),
        Err(std::env::VarError::NotPresent) => Err(CliError::input(format!(
            "environment variable {var} (named by {flag}) is not set"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(CliError::input(format!(
            "environment variable {var} (named by {flag}) is not UTF-8"
        ))),
    }
}

/// Decodes a challenge given inline, in a file, or on stdin (`-`). Surrounding whitespace (a
/// trailing newline) is dropped; the base64 itself must be exact.
pub(crate) fn read_challenge(
    inline: Option<&str>,
    file: Option<&Path>,
) -> Result<Challenge, CliError> {
    let text = match (inline, file) {
        (Some(text), _) => Zeroizing::new(text.to_owned()),
        (None, Some(path)) if path == Path::new("-") => read_limited(
            std::io::stdin().lock(),
            MAX_CHALLENGE_TEXT,
            "the challenge on standard input",
        )?,
        (None, Some(path)) => {
            let file = std::fs::File::open(path).map_err(|e| {
                CliError::input(format!(
                    "cannot read challenge file {}: {e}",
                    path.display()
                ))
            })?;
            read_limited(
                file,
                MAX_CHALLENGE_TEXT,
                &format!("challenge file {}", path.display()),
            )?
        }
        (None, None) => return Err(CliError::input("give --challenge or --challenge-file")),
    };
    Challenge::from_base64(text.trim()).map_err(|e| CliError::input(e.to_string()))
}
