//! The conformance kit: run it against your own [`ChallengeSigner`] before it touches OffBlocks.
//!
//! Needs the `testkit` feature: `cargo add chainsig-core --features testkit`, or
//! `cargo add chainsig --features testkit` (then `chainsig::core::testkit`).
//!
//! ```no_run
//! # async fn demo(
//! #     my_signer: std::sync::Arc<dyn chainsig_core::ChallengeSigner>,
//! #     verifier: &dyn chainsig_core::ChallengeVerifier,
//! # ) {
//! use chainsig_core::testkit::{run_conformance, ConformanceOptions};
//!
//! let options = ConformanceOptions::default(); // add your key bytes with `.secret(..)` to check Debug
//! let report = run_conformance(my_signer, verifier, &options).await.expect("signer conforms");
//! println!("{report}");
//! # }
//! ```
//!
//! What it checks:
//! 1. `account()` is stable, parses, and belongs to the namespace of `scheme()`;
//! 2. a round trip: a signature over a text challenge verifies for `account()`;
//! 3. verbatim signing: the signature covers the decoded bytes, not the base64 text, and not the
//!    text trimmed of its trailing whitespace;
//! 4. 1-byte, binary (non-UTF-8) and 64 KiB challenges sign and verify;
//! 5. 100 concurrent signings through one `Arc<dyn ChallengeSigner>` on several tasks all verify;
//! 6. `Debug` of the signer shows none of the secrets you pass, in any usual encoding, and no run
//!    of 64 or more hex digits.
//!
//! A signer that also implements [`ChallengeSignerSync`] passes [`check_sync_matches_async`] too:
//! both ways give the same signature, or both refuse.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::{Challenge, ChallengeSigner, ChallengeSignerSync, ChallengeVerifier};

/// Settings of a conformance run.
#[derive(Default)]
pub struct ConformanceOptions {
    secrets: Vec<Vec<u8>>,
    concurrency: Option<usize>,
}

impl fmt::Debug for ConformanceOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConformanceOptions")
            .field("secrets", &self.secrets.len())
            .field("concurrency", &self.concurrency)
            .finish()
    }
}

impl ConformanceOptions {
    /// Key material that must never appear in the signer's `Debug` (raw bytes; every usual
    /// encoding of them is searched for).
    pub fn secret(mut self, bytes: impl AsRef<[u8]>) -> Self {
        self.secrets.push(bytes.as_ref().to_vec());
        self
    }

    /// Number of concurrent signings (default 100).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = Some(n);
        self
    }
}

/// The checks that passed.
#[derive(Debug, Clone)]
pub struct ConformanceReport {
    /// Names of the checks, in order.
    pub passed: Vec<&'static str>,
}

impl fmt::Display for ConformanceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} conformance checks passed: {}",
            self.passed.len(),
            self.passed.join(", ")
        )
    }
}

/// The first check that failed, and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("conformance check `{check}` failed: {reason}")]
pub struct ConformanceFailure {
    /// The check's name.
    pub check: &'static str,
    /// What went wrong.
    pub reason: String,
}

fn fail(check: &'static str, reason: impl Into<String>) -> ConformanceFailure {
    ConformanceFailure {
        check,
        reason: reason.into(),
    }
}

/// Runs every check against `signer`, verifying its output with `verifier`.
pub async fn run_conformance(
    signer: Arc<dyn ChallengeSigner>,
    verifier: &dyn ChallengeVerifier,
    options: &ConformanceOptions,
) -> Result<ConformanceReport, ConformanceFailure> {
    let mut passed = Vec::new();

    // 1. account() is stable and matches the scheme.
    let account = signer.account().clone();
    if signer.account() != &account {
        return Err(fail(
            "account-stable",
            "account() returned two different values",
        ));
    }
    if account.to_string().parse::<crate::AccountId>().as_ref() != Ok(&account) {
        return Err(fail(
            "account-stable",
            "account() does not survive a CAIP-10 round trip",
        ));
    }
    if account.chain().namespace() != signer.scheme().namespace() {
        return Err(fail(
            "account-stable",
            format!(
                "a {} signer reports a `{}` account",
                signer.scheme(),
                account.chain().namespace()
            ),
        ));
    }
    passed.push("account-stable");

    // 2. Round trip over a text challenge.
    let text = Challenge::from_bytes(b"chainsig conformance: round trip".to_vec())
        .map_err(|e| fail("round-trip", e.to_string()))?;
    sign_and_verify(&*signer, verifier, &text, "round-trip").await?;
    passed.push("round-trip");

    // 3. The decoded bytes are signed verbatim.
    let padded =
        Challenge::from_bytes(b"verbatim: keep the trailing space and newline \n".to_vec())
            .map_err(|e| fail("verbatim", e.to_string()))?;
    let signature = sign_and_verify(&*signer, verifier, &padded, "verbatim").await?;
    let text_bytes = padded.bytes();
    let trimmed = std::str::from_utf8(text_bytes)
        .map(str::trim_end)
        .unwrap_or_default();
    if verifier
        .verify(&account, padded.as_base64().as_bytes(), &signature)
        .is_ok()
    {
        return Err(fail(
            "verbatim",
            "the signature covers the base64 text, not the decoded bytes",
        ));
    }
    if verifier
        .verify(&account, trimmed.as_bytes(), &signature)
        .is_ok()
    {
        return Err(fail(
            "verbatim",
            "the signature covers the trimmed text, not the exact bytes",
        ));
    }
    passed.push("verbatim");

    // 4. Edge sizes and binary content.
    let binary: Vec<u8> = (0u8..=255).chain((0u8..=255).rev()).collect();
    let large: Vec<u8> = (0..Challenge::MAX_BYTES)
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    for (check, bytes) in [
        ("one-byte", vec![b'x']),
        ("binary", binary),
        ("64-kib", large),
    ] {
        let challenge = Challenge::from_bytes(bytes).map_err(|e| fail(check, e.to_string()))?;
        sign_and_verify(&*signer, verifier, &challenge, check).await?;
        passed.push(check);
    }

    // 5. Concurrent use through Arc<dyn ChallengeSigner>, on several tasks.
    let n = options.concurrency.unwrap_or(100);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let signer = Arc::clone(&signer);
        tasks.spawn(async move {
            let challenge =
                Challenge::from_bytes(format!("concurrent challenge #{i}").into_bytes())
                    .map_err(|e| fail("concurrent", e.to_string()))?;
            let signature = signer
                .sign_challenge(&challenge)
                .await
                .map_err(|e| fail("concurrent", format!("signing #{i} failed: {e}")))?;
            Ok::<_, ConformanceFailure>((challenge, signature))
        });
    }
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        let (challenge, signature) =
            joined.map_err(|e| fail("concurrent", format!("a signing task panicked: {e}")))??;
        verifier
            .verify(&account, challenge.bytes(), &signature)
            .map_err(|e| {
                fail(
                    "concurrent",
                    format!("a concurrent signature does not verify: {e}"),
                )
            })?;
        done += 1;
    }
    if done != n {
        return Err(fail(
            "concurrent",
            format!("{done} of {n} signings completed"),
        ));
    }
    passed.push("concurrent");

    // 6. Debug shows no secret.
    let debug = format!("{signer:?}");
    for secret in &options.secrets {
        if let Some(encoding) = find_secret(&debug, secret) {
            return Err(fail(
                "debug-no-secret",
                format!("Debug shows the secret as {encoding}"),
            ));
        }
    }
    if longest_hex_run(&debug) >= 64 {
        return Err(fail(
            "debug-no-secret",
            "Debug shows a run of 64+ hex digits (a key?)",
        ));
    }
    passed.push("debug-no-secret");

    Ok(ConformanceReport { passed })
}

/// Checks that a signer with a synchronous twin answers the same both ways: for text, binary,
/// one-byte and transaction-shaped (`0xff`-led) challenges, [`ChallengeSignerSync`] and
/// [`ChallengeSigner`] give the same signature, or both refuse. Local keys sign
/// deterministically (RFC 6979, ed25519), so the two signatures are equal byte for byte.
///
/// ```
/// # tokio_test_block_on(async {
/// use chainsig_core::testkit::check_sync_matches_async;
/// # use chainsig_core::*;
/// # #[derive(Debug)] struct Fixed(AccountId);
/// # impl ChallengeSignerSync for Fixed {
/// #     fn sign_challenge_sync(&self, c: &Challenge) -> Result<ChallengeSignature, SignerError> {
/// #         ChallengeSignature::new(SignatureScheme::Ed25519, vec![c.len() as u8; 64])
/// #             .map_err(|e| SignerError::InvalidSignature(e.to_string()))
/// #     }
/// # }
/// # #[async_trait]
/// # impl ChallengeSigner for Fixed {
/// #     fn account(&self) -> &AccountId { &self.0 }
/// #     fn scheme(&self) -> SignatureScheme { SignatureScheme::Ed25519 }
/// #     async fn sign_challenge(&self, c: &Challenge) -> Result<ChallengeSignature, SignerError> {
/// #         self.sign_challenge_sync(c)
/// #     }
/// # }
/// # let account: AccountId = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:7S3P4HxJpyyigGzodYwHtCxZyUQe9JiBMHyRWXArAaKv".parse().unwrap();
/// # let my_signer = Fixed(account);
/// let checks = check_sync_matches_async(&my_signer).await.expect("one code path");
/// assert_eq!(checks, 4);
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
///
/// Returns the number of challenges compared.
pub async fn check_sync_matches_async<S>(signer: &S) -> Result<usize, ConformanceFailure>
where
    S: ChallengeSigner + ChallengeSignerSync + ?Sized,
{
    const CHECK: &str = "sync-matches-async";
    let binary: Vec<u8> = (0u8..=255).collect();
    let mut transaction_shaped = vec![0xff];
    transaction_shaped.extend_from_slice(b"solana offchain");
    let cases = [
        b"chainsig conformance: sync and async".to_vec(),
        binary,
        vec![b'x'],
        transaction_shaped,
    ];
    for bytes in &cases {
        let challenge =
            Challenge::from_bytes(bytes.clone()).map_err(|e| fail(CHECK, e.to_string()))?;
        let sync = signer.sign_challenge_sync(&challenge);
        let asynchronous = signer.sign_challenge(&challenge).await;
        match (sync, asynchronous) {
            (Ok(a), Ok(b)) if a == b => {}
            (Ok(_), Ok(_)) => {
                return Err(fail(
                    CHECK,
                    format!(
                        "a {}-byte challenge got two different signatures (sync and async)",
                        challenge.len()
                    ),
                ));
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => {}
            (sync, asynchronous) => {
                let describe = |r: &Result<crate::ChallengeSignature, crate::SignerError>| match r {
                    Ok(_) => "signed".to_owned(),
                    Err(e) => format!("refused ({e})"),
                };
                return Err(fail(
                    CHECK,
                    format!(
                        "a {}-byte challenge: sync {}, async {}",
                        challenge.len(),
                        describe(&sync),
                        describe(&asynchronous)
                    ),
                ));
            }
        }
    }
    Ok(cases.len())
}

async fn sign_and_verify(
    signer: &dyn ChallengeSigner,
    verifier: &dyn ChallengeVerifier,
    challenge: &Challenge,
    check: &'static str,
) -> Result<crate::ChallengeSignature, ConformanceFailure> {
    let signature = signer.sign_challenge(challenge).await.map_err(|e| {
        fail(
            check,
            format!("signing a {}-byte challenge failed: {e}", challenge.len()),
        )
    })?;
    if signature.scheme() != signer.scheme() {
        return Err(fail(
            check,
            format!(
                "signer said {} but signed {}",
                signer.scheme(),
                signature.scheme()
            ),
        ));
    }
    verifier
        .verify(signer.account(), challenge.bytes(), &signature)
        .map_err(|e| {
            fail(
                check,
                format!("the signature does not verify for account(): {e}"),
            )
        })?;
    Ok(signature)
}

/// Every usual text encoding of `secret`: hex (lower, upper, `0x`), base58, base64 (standard and
/// URL-safe, padded or not) and a JSON byte array.
pub fn secret_encodings(secret: &[u8]) -> Vec<(&'static str, String)> {
    let json: Vec<String> = secret.iter().map(u8::to_string).collect();
    vec![
        ("hex", hex::encode(secret)),
        ("upper-case hex", hex::encode_upper(secret)),
        ("base58", bs58::encode(secret).into_string()),
        ("base64", STANDARD.encode(secret)),
        ("unpadded base64", STANDARD_NO_PAD.encode(secret)),
        ("url-safe base64", URL_SAFE.encode(secret)),
        ("unpadded url-safe base64", URL_SAFE_NO_PAD.encode(secret)),
        ("a JSON byte array", format!("[{}]", json.join(","))),
        ("a spaced JSON byte array", format!("[{}]", json.join(", "))),
        ("a Rust byte array", format!("{secret:?}")),
    ]
}

/// The encoding under which `secret` appears in `text`, if any.
///
/// ```
/// use chainsig_core::testkit::find_secret;
/// assert_eq!(find_secret("key=deadbeef", &[0xde, 0xad, 0xbe, 0xef]), Some("hex"));
/// assert_eq!(find_secret("nothing here", &[0xde, 0xad, 0xbe, 0xef]), None);
/// ```
pub fn find_secret(text: &str, secret: &[u8]) -> Option<&'static str> {
    secret_encodings(secret)
        .into_iter()
        .find(|(_, enc)| text.contains(enc.as_str()))
        .map(|(n, _)| n)
}

fn longest_hex_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}
