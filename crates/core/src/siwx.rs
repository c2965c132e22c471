//! Sign-In-with-X messages: EIP-4361 (Sign-In with Ethereum) and its chain-agnostic form CAIP-122.
//!
//! OffBlocks proves wallet ownership with a SIWE message. The client parses it and checks it
//! before anything is signed (whose address, which domain, which chain, still valid); the
//! sandbox builds its challenges with the same type. Parsing is exact: [`SiwxMessage::to_string`]
//! gives back the very text that was parsed, and signers still sign the original bytes.
//!
//! Written here rather than taken from the `siwe` crate: that crate is Ethereum-only (CAIP-122
//! also names Solana accounts) and brings secp256k1 verification into this chain-agnostic crate.

use std::fmt;
use std::time::Duration;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::AccountId;

/// Why a Sign-In-with-X message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SiwxError {
    /// The text does not follow the EIP-4361 / CAIP-122 layout.
    #[error("not a Sign-In-with-X message: {0}")]
    Malformed(String),
    /// The message names another address than the signer's.
    #[error("the message asks {found} to sign in, but the signer is {expected}")]
    WrongAddress {
        /// The signer's address.
        expected: String,
        /// The address in the message.
        found: String,
    },
    /// The message's domain is not the API's.
    #[error("the message is for domain `{found}`, expected `{expected}`")]
    WrongDomain {
        /// The API's host\[:port\].
        expected: String,
        /// The domain in the message.
        found: String,
    },
    /// The message's URI is not the API's origin.
    #[error("the message's URI is `{found}`, expected `{expected}`")]
    WrongUri {
        /// The API's origin.
        expected: String,
        /// The URI in the message.
        found: String,
    },
    /// The message's chain is not the signer's.
    #[error("the message is for chain `{found}`, expected `{expected}`")]
    WrongChain {
        /// The signer's chain reference.
        expected: String,
        /// The chain id in the message.
        found: String,
    },
    /// The nonce is too short or not alphanumeric.
    #[error("the nonce must be at least 8 alphanumeric characters")]
    WeakNonce,
    /// The message is expired or not yet valid.
    #[error("the message is not valid now: {0}")]
    NotValidNow(String),
}

fn malformed(reason: impl Into<String>) -> SiwxError {
    SiwxError::Malformed(reason.into())
}

/// A parsed Sign-In-with-X message.
///
/// ```
/// use chainsig_core::SiwxMessage;
///
/// let text = "api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:\n\
/// 0xab16a96D359eC26a11e2C2b3d8f8B8942d5Bfcdb\n\
/// \n\
/// OffBlocks wants to verify ownership of your wallet.\n\
/// \n\
/// URI: https://api.sandbox.offblocks.xyz\n\
/// Version: 1\n\
/// Chain ID: 300\n\
/// Nonce: 5ufoiEqDaFvmfo78\n\
/// Issued At: 2024-01-17T18:21:53Z";
/// let message = SiwxMessage::parse(text)?;
/// assert_eq!(message.domain, "api.sandbox.offblocks.xyz");
/// assert_eq!(message.chain_id, "300");
/// assert_eq!(message.to_string(), text);
/// # Ok::<(), chainsig_core::SiwxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiwxMessage {
    /// Optional scheme before the domain (`https`).
    pub scheme: Option<String>,
    /// The RFC 3986 authority asking for the sign-in (host\[:port\]).
    pub domain: String,
    /// The chain's name in the header line: `Ethereum` for EIP-4361, e.g. `Solana` for CAIP-122.
    pub chain_name: String,
    /// The address, as written in the message.
    pub address: String,
    /// The human-readable statement, if any.
    pub statement: Option<String>,
    /// The URI of the resource the sign-in is for.
    pub uri: String,
    /// Always `1`.
    pub version: String,
    /// The chain reference (EIP-155 chain id for Ethereum).
    pub chain_id: String,
    /// The anti-replay nonce.
    pub nonce: String,
    /// When the message was issued (RFC 3339, kept as written).
    pub issued_at: String,
    /// When the message expires, if stated.
    pub expiration_time: Option<String>,
    /// When the message becomes valid, if stated.
    pub not_before: Option<String>,
    /// The request id, if any.
    pub request_id: Option<String>,
    /// Resources, if any.
    pub resources: Vec<String>,
}

const HEADER_MIDDLE: &str = " wants you to sign in with your ";
const HEADER_END: &str = " account:";

impl SiwxMessage {
    /// Parses the exact text of a message (LF line endings, no trailing newline).
    pub fn parse(text: &str) -> Result<Self, SiwxError> {
        let mut lines = text.split('\n');
        let mut next = |what: &str| {
            lines
                .next()
                .ok_or_else(|| malformed(format!("missing {what}")))
        };

        let header = next("the header line")?;
        let (origin, rest) = header.split_once(HEADER_MIDDLE).ok_or_else(|| {
            malformed(
                "the first line must be `<domain> wants you to sign in with your <chain> account:`",
            )
        })?;
        let chain_name = rest
            .strip_suffix(HEADER_END)
            .filter(|name| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
            })
            .ok_or_else(|| malformed("the first line must end with `<chain> account:`"))?;
        let (scheme, domain) = match origin.split_once("://") {
            Some((scheme, domain)) => (Some(scheme.to_owned()), domain),
            None => (None, origin),
        };
        if domain.is_empty() || domain.contains(char::is_whitespace) {
            return Err(malformed("the domain is empty or contains whitespace"));
        }

        let address = next("the address line")?;
        if address.is_empty() || address.contains(char::is_whitespace) {
            return Err(malformed("the second line must be the address"));
        }
        if !next("the blank line after the address")?.is_empty() {
            return Err(malformed("a blank line must follow the address"));
        }
        let statement = match next("the statement or a blank line")? {
            "" => None,
            statement => {
                if !next("the blank line after the statement")?.is_empty() {
                    return Err(malformed("a blank line must follow the statement"));
                }
                Some(statement.to_owned())
            }
        };

        let mut field = |name: &str| -> Result<String, SiwxError> {
            let line = next(name)?;
            line.strip_prefix(name)
                .and_then(|l| l.strip_prefix(": "))
                .map(str::to_owned)
                .ok_or_else(|| malformed(format!("expected the `{name}: ` line")))
        };
        let uri = field("URI")?;
        let version = field("Version")?;
        if version != "1" {
            return Err(malformed("only Version 1 is defined"));
        }
        let chain_id = field("Chain ID")?;
        let nonce = field("Nonce")?;
        let issued_at = field("Issued At")?;
        parse_time(&issued_at, "Issued At")?;

        let mut message = SiwxMessage {
            scheme,
            domain: domain.to_owned(),
            chain_name: chain_name.to_owned(),
            address: address.to_owned(),
            statement,
            uri,
            version,
            chain_id,
            nonce,
            issued_at,
            expiration_time: None,
            not_before: None,
            request_id: None,
            resources: Vec::new(),
        };

        // Optional fields, in the order EIP-4361 fixes.
        let mut rest: Vec<&str> = lines.collect();
        rest.reverse();
        let mut optional = |name: &str| -> Option<String> {
            let prefix = format!("{name}: ");
            let value = rest.last()?.strip_prefix(prefix.as_str())?.to_owned();
            rest.pop();
            Some(value)
        };
        message.expiration_time = optional("Expiration Time");
        message.not_before = optional("Not Before");
        message.request_id = optional("Request ID");
        for (name, value) in [
            ("Expiration Time", &message.expiration_time),
            ("Not Before", &message.not_before),
        ] {
            if let Some(value) = value {
                parse_time(value, name)?;
            }
        }
        if rest.last() == Some(&"Resources:") {
            rest.pop();
            while let Some(line) = rest.last() {
                let resource = line
                    .strip_prefix("- ")
                    .ok_or_else(|| malformed("each resource line must start with `- `"))?;
                message.resources.push(resource.to_owned());
                rest.pop();
            }
            // EIP-4361: `Resources:` is followed by at least one resource line (otherwise the
            // message could not render back to its text).
            if message.resources.is_empty() {
                return Err(malformed(
                    "`Resources:` must be followed by at least one `- ` line",
                ));
            }
        }
        if !rest.is_empty() {
            return Err(malformed("unexpected lines after the last field"));
        }
        Ok(message)
    }

    /// Checks the message against what the client expects, before anything is signed.
    ///
    /// `account` is the signer's CAIP-10 id; `domain` the API's host\[:port\]; `uri` the API's
    /// origin (`https://host[:port]`); `now` the current time; `max_age` how long after `Issued At`
    /// the message stays valid when it states no expiration; `skew` the clock tolerance.
    pub fn check(
        &self,
        account: &AccountId,
        domain: &str,
        uri: &str,
        now: OffsetDateTime,
        max_age: Duration,
        skew: Duration,
    ) -> Result<(), SiwxError> {
        // Exact comparison with the canonical form: EIP-4361 requires the EIP-55 checksummed
        // address, and a Solana address has one spelling.
        if self.address != account.address() {
            return Err(SiwxError::WrongAddress {
                expected: account.address().to_owned(),
                found: self.address.clone(),
            });
        }
        if !self.domain.eq_ignore_ascii_case(domain) {
            return Err(SiwxError::WrongDomain {
                expected: domain.to_owned(),
                found: self.domain.clone(),
            });
        }
        if self.uri.trim_end_matches('/') != uri.trim_end_matches('/') {
            return Err(SiwxError::WrongUri {
                expected: uri.to_owned(),
                found: self.uri.clone(),
            });
        }
        if self.chain_id != account.chain().reference() {
            return Err(SiwxError::WrongChain {
                expected: account.chain().reference().to_owned(),
                found: self.chain_id.clone(),
            });
        }
        if self.nonce.len() < 8 || !self.nonce.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(SiwxError::WeakNonce);
        }
        let skew = time::Duration::try_from(skew).unwrap_or(time::Duration::MAX);
        let max_age = time::Duration::try_from(max_age).unwrap_or(time::Duration::MAX);
        let issued = parse_time(&self.issued_at, "Issued At")?;
        if issued > now.saturating_add(skew) {
            return Err(SiwxError::NotValidNow(format!(
                "issued in the future ({})",
                self.issued_at
            )));
        }
        let expires = match &self.expiration_time {
            Some(text) => parse_time(text, "Expiration Time")?,
            None => issued.saturating_add(max_age),
        };
        if now > expires.saturating_add(skew) {
            return Err(SiwxError::NotValidNow(format!(
                "expired (issued at {})",
                self.issued_at
            )));
        }
        if let Some(text) = &self.not_before
            && parse_time(text, "Not Before")? > now.saturating_add(skew)
        {
            return Err(SiwxError::NotValidNow(format!("not valid before {text}")));
        }
        Ok(())
    }

    /// `Issued At` as a time.
    pub fn issued_at_time(&self) -> Result<OffsetDateTime, SiwxError> {
        parse_time(&self.issued_at, "Issued At")
    }
}

impl fmt::Display for SiwxMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        writeln!(
            f,
            "{}{HEADER_MIDDLE}{}{HEADER_END}",
            self.domain, self.chain_name
        )?;
        writeln!(f, "{}", self.address)?;
        writeln!(f)?;
        if let Some(statement) = &self.statement {
            writeln!(f, "{statement}")?;
        }
        writeln!(f)?;
        writeln!(f, "URI: {}", self.uri)?;
        writeln!(f, "Version: {}", self.version)?;
        writeln!(f, "Chain ID: {}", self.chain_id)?;
        writeln!(f, "Nonce: {}", self.nonce)?;
        write!(f, "Issued At: {}", self.issued_at)?;
        if let Some(v) = &self.expiration_time {
            write!(f, "\nExpiration Time: {v}")?;
        }
        if let Some(v) = &self.not_before {
            write!(f, "\nNot Before: {v}")?;
        }
        if let Some(v) = &self.request_id {
            write!(f, "\nRequest ID: {v}")?;
        }
        if !self.resources.is_empty() {
            write!(f, "\nResources:")?;
            for r in &self.resources {
                write!(f, "\n- {r}")?;
            }
        }
        Ok(())
    }
}

/// Formats a time as EIP-4361 writes it: RFC 3339, UTC, whole seconds (`2024-01-17T18:21:53Z`).
pub fn format_siwx_time(time: OffsetDateTime) -> String {
    let t = time
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(time);
    t.format(&Rfc3339).unwrap_or_default()
}

fn parse_time(text: &str, field: &str) -> Result<OffsetDateTime, SiwxError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| malformed(format!("`{field}` is not an RFC 3339 time")))
}

#[cfg(test)]
mod tests;
