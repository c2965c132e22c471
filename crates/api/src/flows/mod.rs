//! The onboarding flows, generic over any [`ChallengeSigner`](chainsig_core::ChallengeSigner):
//! prove ownership of a wallet, open an account, close it, and recover from lost or rejected
//! challenges on the way.

mod account;
mod current;
mod events;
mod onboard;
mod options;
mod sign_loop;
mod wait;

pub use events::{EventSink, FlowEvent};
pub use options::FlowOptions;
pub use sign_loop::ChallengeSubject;
