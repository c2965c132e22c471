//! Challenges: issuing them (SIWE/SIWX ownership texts, session-key texts, expiry) and judging a
//! submitted signature through the chain registry.

mod issuing;
mod verification;

pub(crate) use issuing::{Issued, Issuer, Origin, Purpose, Timings};
pub(crate) use verification::{SignOutcome, Submission, check_submission};
