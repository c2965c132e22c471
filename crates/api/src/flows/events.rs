//! Progress of a flow, for progress bars and logs.

use std::sync::Arc;

use crate::models::{AccountStatus, CustomerStatus};

/// Receives flow events.
pub type EventSink = Arc<dyn Fn(&FlowEvent) + Send + Sync>;

/// One step of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlowEvent {
    /// The customer exists (created now, or found from an earlier run).
    CustomerCreated {
        /// Its id.
        customer_id: String,
        /// Its status.
        status: CustomerStatus,
        /// Whether it already existed.
        resumed: bool,
    },
    /// The account exists (created now, or found from an earlier run).
    AccountCreated {
        /// Its id.
        account_id: String,
        /// Its status.
        status: AccountStatus,
        /// Whether it already existed.
        resumed: bool,
    },
    /// A challenge came in and passed the checks; it is being signed.
    ChallengeReceived {
        /// The customer or account id.
        subject: String,
        /// Signature round (0 for the first).
        round: u32,
        /// Decoded length.
        len: usize,
    },
    /// The signature was submitted and accepted.
    SignatureAccepted {
        /// The customer or account id.
        subject: String,
        /// Signature round.
        round: u32,
    },
    /// The signature was refused; a new challenge is fetched.
    SignatureRejected {
        /// The customer or account id.
        subject: String,
        /// Signature round.
        round: u32,
        /// The server's reason.
        reason: String,
    },
    /// Waiting for an account to reach a status.
    Waiting {
        /// The account id.
        account_id: String,
        /// Its current status.
        status: AccountStatus,
    },
    /// The flow finished.
    Completed {
        /// Which flow.
        flow: &'static str,
    },
}
