//! Signing a customer's or an account's current challenge by hand (a stuck onboarding), under the
//! same policy and audit as the flows.

use chainsig_core::{ChallengePurpose, ChallengeSigner};

use super::account::wallet_of;
use super::options::FlowOptions;
use super::sign_loop::{ChallengeSubject, sign_until_accepted};
use crate::client::Client;
use crate::error::Result;
use crate::models::AccountStatus;

impl Client {
    /// Signs and submits `challenge`, the base64 challenge just fetched for `subject` (with
    /// [`customer_challenge`](Client::customer_challenge) or
    /// [`account_challenge`](Client::account_challenge)), then any challenge that replaces it
    /// after a rejection.
    ///
    /// The policy of `options` decides first, knowing the purpose (a customer's challenge proves
    /// ownership; an `initiating` account's is its session key, any other account's its deletion)
    /// and the wallet it is for (the customer's): a signer that is not that wallet signs nothing.
    pub async fn sign_current_challenge<S: ChallengeSigner + ?Sized>(
        &self,
        subject: ChallengeSubject<'_>,
        challenge: String,
        signer: &S,
        options: &FlowOptions,
    ) -> Result<()> {
        let span =
            tracing::info_span!("sign_current_challenge", ?subject, account = %signer.account());
        tracing::Instrument::instrument(
            async {
                let (purpose, customer_id) = match subject {
                    ChallengeSubject::Customer(id) => {
                        (ChallengePurpose::CustomerOwnership, id.to_owned())
                    }
                    ChallengeSubject::Account(id) => {
                        let account = self.get_account(id).await?;
                        let purpose = if account.status == AccountStatus::Initiating {
                            ChallengePurpose::AccountSessionKey
                        } else {
                            ChallengePurpose::AccountDeletion
                        };
                        (purpose, account.customer_id)
                    }
                };
                let owner = wallet_of(&self.get_customer(&customer_id).await?)?;
                let context = self.signing_context(purpose).with_owner(owner);
                sign_until_accepted(
                    self, signer, subject, "manual", challenge, options, &context,
                )
                .await
            },
            span,
        )
        .await
    }
}
