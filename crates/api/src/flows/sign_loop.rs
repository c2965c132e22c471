//! The challenge round trip shared by every flow: decode, check, sign, submit; on a rejection
//! fetch the new challenge and go again, a bounded number of times.

use chainsig_core::{Challenge, ChallengeSigner, SigningContext, sign_under_policy};
use http::StatusCode;

use super::events::FlowEvent;
use super::options::FlowOptions;
use crate::client::Client;
use crate::endpoints::ChallengeSubmission;
use crate::error::{ApiError, Error, Result};

/// Whose challenge it is: a customer's (ownership) or an account's (session key, deletion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeSubject<'a> {
    /// A customer id.
    Customer(&'a str),
    /// An account id.
    Account(&'a str),
}

impl ChallengeSubject<'_> {
    fn id(&self) -> &str {
        match self {
            ChallengeSubject::Customer(id) | ChallengeSubject::Account(id) => id,
        }
    }

    async fn fetch_challenge(&self, client: &Client) -> Result<String> {
        match self {
            ChallengeSubject::Customer(id) => client.customer_challenge(id).await,
            ChallengeSubject::Account(id) => client.account_challenge(id).await,
        }
    }

    async fn submit(
        &self,
        client: &Client,
        submission: &ChallengeSubmission,
        options: &FlowOptions,
        step: &str,
    ) -> Result<()> {
        let key = options.key(&format!("{step}/{}", self.id()));
        match self {
            ChallengeSubject::Customer(id) => {
                client.sign_customer_challenge(id, submission, key).await
            }
            ChallengeSubject::Account(id) => {
                client.sign_account_challenge(id, submission, key).await
            }
        }
    }
}

/// Whether an error answer to a submission means "this signature was not accepted, a new
/// challenge is waiting" (bad signature, expired or stale challenge).
/// OffBlocks documents the statuses, not the codes. Excluded, being about the request and not
/// the challenge (a new challenge would not help, and fetching one invalidates the pending one):
/// the signature middleware's answer (`400 text/plain invalid required signature`, which the
/// client already turns into [`Error::RequestAuthentication`]) and a reused idempotency key.
fn is_rejection(error: &ApiError) -> bool {
    matches!(
        error.status,
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::GONE
    ) && !error.is_request_authentication()
        && !error.has_code(chainsig_offblocks::codes::IDEMPOTENCY_KEY_REUSED)
}

/// Whether an error answer means "nothing waits for a signature any more" (someone, maybe an
/// earlier run of this flow, already completed it).
fn is_nothing_to_sign(error: &ApiError) -> bool {
    error.status == StatusCode::CONFLICT && !error.is_idempotency_in_flight()
}

/// Signs `first` (and, after rejections, the challenges that replace it) until one is accepted.
/// Every challenge passes the flow's policy (`options.policy()`) for `context` before the signer
/// sees it; a refusal signs nothing. Every decision is audited.
pub(crate) async fn sign_until_accepted<S: ChallengeSigner + ?Sized>(
    client: &Client,
    signer: &S,
    subject: ChallengeSubject<'_>,
    label: &str,
    first: String,
    options: &FlowOptions,
    context: &SigningContext,
) -> Result<()> {
    let policy = options.policy();
    let mut text = first;
    let mut last_rejection = None;
    for round in 0..options.max_sign_attempts.max(1) {
        let challenge = Challenge::from_base64(text.as_str()).map_err(|e| {
            Error::ChallengeRefused(format!("the API sent an unusable challenge: {e}"))
        })?;
        options.emit(FlowEvent::ChallengeReceived {
            subject: subject.id().to_owned(),
            round,
            len: challenge.len(),
        });
        let span = tracing::info_span!(
            "sign_challenge",
            subject = subject.id(),
            round,
            len = challenge.len()
        );
        let signature = tracing::Instrument::instrument(
            sign_under_policy(signer, &challenge, context, &*policy, options.audit()),
            span,
        )
        .await?;
        let submission = ChallengeSubmission::new(signer.account(), &challenge, &signature);
        match subject
            .submit(
                client,
                &submission,
                options,
                // One key per challenge, not per round: a resumed flow signs a fresh challenge,
                // which must not reuse the key of one submitted before.
                &format!("{label}/sign/{text}"),
            )
            .await
        {
            Ok(()) => {
                options.emit(FlowEvent::SignatureAccepted {
                    subject: subject.id().to_owned(),
                    round,
                });
                return Ok(());
            }
            Err(Error::Api(error)) if is_nothing_to_sign(&error) => return Ok(()),
            Err(Error::Api(error)) if is_rejection(&error) => {
                options.emit(FlowEvent::SignatureRejected {
                    subject: subject.id().to_owned(),
                    round,
                    reason: error.to_string(),
                });
                tracing::warn!(subject = subject.id(), round, %error, "challenge signature rejected; fetching a new challenge");
                last_rejection = Some(error);
                if round + 1 == options.max_sign_attempts.max(1) {
                    break;
                }
                match subject.fetch_challenge(client).await {
                    Ok(next) => text = next,
                    Err(Error::Api(e)) if is_nothing_to_sign(&e) => return Ok(()),
                    Err(e) => return Err(e),
                }
            }
            Err(other) => return Err(other),
        }
    }
    match last_rejection {
        Some(last) => Err(Error::ChallengeRejected {
            attempts: options.max_sign_attempts.max(1),
            last,
        }),
        None => Err(Error::Flow("no signature was submitted".into())),
    }
}
