//! Judging a submitted challenge signature: the signer and the signature through the chain
//! registry (outside the store's lock), then the submission against the current challenge (signer,
//! staleness, expiry).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chainsig_core::{AccountId, ChallengeSignature, ChallengeVerifier, RegistryError};
use time::OffsetDateTime;

use super::issuing::{Issued, Purpose};
use chainsig_offblocks::codes;

use crate::chains::registry;
use crate::error::ApiError;

/// A challenge submission, judged as far as it can be without the record: the signer its
/// `chainId` names and whether the signature verifies over the submitted challenge.
#[derive(Debug)]
pub(crate) struct Submission<'a> {
    /// The signer `chainId` names, or why it names none.
    signer: Result<AccountId, RegistryError>,
    /// The base64 challenge as submitted.
    challenge: &'a str,
    /// Whether `signature` verifies by `signer` over `challenge`'s bytes; `Err` holds the reason.
    verdict: Result<(), String>,
}

/// Outcome of a challenge submission, for the counters.
pub(crate) enum SignOutcome {
    Verified,
    Rejected {
        error: ApiError,
        /// Whether a new challenge was issued in place of the refused one.
        reissued: bool,
    },
}

/// Why a challenge submission was refused.
#[derive(Debug)]
pub(crate) struct Refusal {
    /// The answer (400, or 409 when nothing waits for a signature).
    pub(crate) error: ApiError,
    /// Whether a new challenge replaced the current one.
    pub(crate) reissued: bool,
    /// Whether a submission was judged (and refused); `false` when nothing waited for one.
    pub(crate) counted: bool,
}

impl Refusal {
    fn judged(error: ApiError, reissued: bool) -> Self {
        Self {
            error,
            reissued,
            counted: true,
        }
    }

    /// A judged refusal is an outcome (counted); an unjudged one is the request's error.
    pub(crate) fn into_outcome(self) -> Result<SignOutcome, ApiError> {
        if self.counted {
            Ok(SignOutcome::Rejected {
                error: self.error,
                reissued: self.reissued,
            })
        } else {
            Err(self.error)
        }
    }
}

impl<'a> Submission<'a> {
    /// Judges a submission's signature: by the account `chain_id` names, over the bytes of the
    /// base64 `challenge` as submitted.
    ///
    /// Handlers call this before they take the store's lock: it is the costliest part of the
    /// request (an EVM recovery is about 150 µs), and holding the one lock through it stalled
    /// every other request (seen as idle CPU in `chainsig bench onboard`). The verdict is only
    /// used once [`check_submission`], under the lock, has found that the signer is the owner
    /// and `challenge` the current one, so it is the verdict for the owner over the issued bytes.
    pub(crate) fn judge(chain_id: &str, challenge: &'a str, signature: &str) -> Self {
        let signer = registry().parse_account(chain_id);
        let verdict = match &signer {
            Ok(signer) => verify(signer, challenge, signature),
            Err(e) => Err(e.to_string()),
        };
        Self {
            signer,
            challenge,
            verdict,
        }
    }
}

/// Whether `signature` (base64, in the signer's chain's scheme) verifies by `signer` over the
/// bytes of the base64 `challenge`; `Err` holds the reason.
fn verify(signer: &AccountId, challenge: &str, signature: &str) -> Result<(), String> {
    let bytes = STANDARD
        .decode(challenge)
        .map_err(|_| "the challenge is not base64".to_owned())?;
    let scheme = registry()
        .get(signer.chain().namespace())
        .map_err(|e| e.to_string())?
        .scheme();
    let signature =
        ChallengeSignature::from_base64(scheme, signature).map_err(|e| e.to_string())?;
    registry()
        .verify(signer, &bytes, &signature)
        .map_err(|e| e.to_string())
}

/// Checks a submission against the `current` challenge of `owner`; on a bad signature or an
/// expired challenge, `regenerate`'s challenge replaces it (as OffBlocks does). A submission
/// naming another signer or an invalidated challenge is refused and leaves the current challenge
/// in place. On success the challenge is consumed and its purpose returned.
pub(crate) fn check_submission(
    current: &mut Option<Issued>,
    owner: &AccountId,
    submission: Submission<'_>,
    regenerate: impl FnOnce() -> Issued,
    now: OffsetDateTime,
) -> Result<Purpose, Refusal> {
    let Some(issued) = current.as_ref() else {
        return Err(Refusal {
            error: ApiError::conflict(
                codes::INVALID_STATE,
                "there is no challenge to sign (nothing is waiting for a signature)",
            ),
            reissued: false,
            counted: false,
        });
    };
    let signer = submission.signer.map_err(|e| {
        Refusal::judged(
            ApiError::bad_request(codes::INVALID_CHAIN_ID, format!("chainId: {e}")),
            false,
        )
    })?;
    if !signer.same_address(owner) {
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::WRONG_SIGNER,
                format!("the challenge must be signed by the owner {owner}, not {signer}"),
            ),
            false,
        ));
    }
    if issued.base64 != submission.challenge {
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::STALE_CHALLENGE,
                "this challenge is not the current one: it was invalidated by a newer one; fetch it with GET …/challenge",
            ),
            false,
        ));
    }
    if now > issued.expires_at {
        *current = Some(regenerate());
        return Err(Refusal::judged(
            ApiError::bad_request(
                codes::CHALLENGE_EXPIRED,
                "the challenge has expired; a new one was issued: fetch it with GET …/challenge",
            ),
            true,
        ));
    }
    match submission.verdict {
        Ok(()) => {
            let purpose = issued.purpose;
            *current = None;
            Ok(purpose)
        }
        Err(reason) => {
            *current = Some(regenerate());
            Err(Refusal::judged(
                ApiError::bad_request(
                    codes::CHALLENGE_SIGNATURE_INVALID,
                    format!(
                        "the signature does not verify ({reason}); a new challenge was issued: fetch it with GET …/challenge"
                    ),
                ),
                true,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Duration;

    use super::*;

    const OWNER: &str = "eip155:1:0x00000000000000000000000000000000000000aa";
    const OTHER: &str = "eip155:1:0x00000000000000000000000000000000000000bb";

    fn issued(expires_at: OffsetDateTime) -> Issued {
        Issued {
            purpose: Purpose::AccountCreation,
            base64: "Y2hhbGxlbmdl".to_owned(),
            expires_at,
        }
    }

    fn submission(
        chain_id: &str,
        challenge: &'static str,
        verdict: Result<(), String>,
    ) -> Submission<'static> {
        Submission {
            signer: registry().parse_account(chain_id),
            challenge,
            verdict,
        }
    }

    /// Checks `submission` against a challenge expiring at `expires_at`, judged at `now`: the
    /// result and the challenge left in place (`None`: consumed).
    fn check(
        submission: Submission<'_>,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> (Result<Purpose, Refusal>, Option<String>) {
        let owner = registry().parse_account(OWNER).unwrap();
        let mut current = Some(issued(expires_at));
        let regenerated = issued(now + Duration::from_secs(60));
        let result = check_submission(
            &mut current,
            &owner,
            submission,
            || Issued {
                base64: "bmV3".to_owned(),
                ..regenerated
            },
            now,
        );
        (result, current.map(|c| c.base64))
    }

    #[test]
    fn a_challenge_is_valid_up_to_its_expiry_instant() {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let (result, left) = check(submission(OWNER, "Y2hhbGxlbmdl", Ok(())), at, at);
        assert_eq!(result.unwrap(), Purpose::AccountCreation);
        assert_eq!(left, None, "a verified challenge is consumed");

        let just_after = at + Duration::from_nanos(1);
        let (result, left) = check(submission(OWNER, "Y2hhbGxlbmdl", Ok(())), at, just_after);
        let refusal = result.unwrap_err();
        assert_eq!(refusal.error.code, "challenge_expired");
        assert!(refusal.reissued && refusal.counted);
        assert_eq!(
            left.as_deref(),
            Some("bmV3"),
            "an expired challenge is replaced"
        );
    }

    #[test]
    fn refusals_say_what_was_wrong_and_which_replace_the_challenge() {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        for (submission, code, reissued) in [
            (
                submission("eip155:1:0xnope", "Y2hhbGxlbmdl", Ok(())),
                "invalid_chain_id",
                false,
            ),
            (
                submission(OTHER, "Y2hhbGxlbmdl", Ok(())),
                "wrong_signer",
                false,
            ),
            (submission(OWNER, "b2xk", Ok(())), "stale_challenge", false),
            (
                submission(OWNER, "Y2hhbGxlbmdl", Err("bad".to_owned())),
                "challenge_signature_invalid",
                true,
            ),
        ] {
            let (result, left) = check(submission, at, at);
            let refusal = result.unwrap_err();
            assert_eq!(refusal.error.code, code);
            assert_eq!(refusal.reissued, reissued, "{code}");
            assert!(refusal.counted, "{code}");
            let expected = if reissued { "bmV3" } else { "Y2hhbGxlbmdl" };
            assert_eq!(left.as_deref(), Some(expected), "{code}");
        }
    }

    #[test]
    fn nothing_to_sign_is_a_conflict_not_a_judged_refusal() {
        let owner = registry().parse_account(OWNER).unwrap();
        let mut current = None;
        let now = OffsetDateTime::UNIX_EPOCH;
        let refusal = check_submission(
            &mut current,
            &owner,
            submission(OWNER, "Y2hhbGxlbmdl", Ok(())),
            || issued(now),
            now,
        )
        .unwrap_err();
        assert_eq!(refusal.error.code, "invalid_state");
        assert!(!refusal.counted && !refusal.reissued);
        assert!(current.is_none());
    }
}
