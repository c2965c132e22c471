//! The challenge endpoints, one path for both subjects: `GET /{customers,accounts}/{id}/challenge`
//! and `POST /{customers,accounts}/{id}/challenge/sign`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::fields::CHALLENGE as CHALLENGE_FIELD;

use super::shared::{Id, Result, one_field};
use crate::body::ApiJson;
use crate::challenge::{SignOutcome, Submission};
use crate::counters::Counters;
use crate::models::SignChallenge;
use crate::state::App;
use crate::store::Subject;

/// `GET …/{id}/challenge`: a fresh challenge for what waits for the `subject`'s signature.
pub(crate) async fn fetch_challenge(
    State(app): State<Arc<App>>,
    Id(id): Id,
    subject: Subject,
) -> Result<Response> {
    let now = app.clock.now();
    let challenge = app.store().fetch_challenge(subject, &id, now)?;
    Counters::bump(&app.counters.challenges_issued);
    Ok(one_field(CHALLENGE_FIELD, &challenge))
}

/// `POST …/{id}/challenge/sign`: `204` once verified; a refusal is counted (and a new challenge
/// may replace the refused one).
pub(crate) async fn sign_challenge(
    State(app): State<Arc<App>>,
    Id(id): Id,
    ApiJson(request): ApiJson<SignChallenge>,
    subject: Subject,
) -> Result<Response> {
    // Before the store's lock: see `Submission::judge`.
    let submission = Submission::judge(&request.chain_id, &request.challenge, &request.signature);
    let now = app.clock.now();
    let outcome = app.store().sign_challenge(subject, &id, submission, now)?;
    match outcome {
        SignOutcome::Verified => {
            Counters::bump(&app.counters.challenges_verified);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        SignOutcome::Rejected { error, reissued } => {
            Counters::bump(&app.counters.challenges_rejected);
            if reissued {
                Counters::bump(&app.counters.challenges_issued);
            }
            Err(error)
        }
    }
}
