//! Proving that a customer owns its wallet: the Sign-In-with-X challenge.

use chainsig_core::{
    AccountId, Challenge, ChallengeClass, ChallengePolicy, ChallengePurpose, ChallengeSigner,
    Decision, PolicyInput, SigningContext, SiwxMessage, classify,
};
use http::StatusCode;
use time::OffsetDateTime;

use super::account::wallet_of;
use super::events::FlowEvent;
use super::options::FlowOptions;
use super::sign_loop::{ChallengeSubject, sign_until_accepted};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{CreateCustomer, Customer, CustomerStatus};

impl Client {
    /// Checks an ownership challenge as the flows do, with `options`' policy (by default the
    /// strict one): it must be a Sign-In-with-X message for `signer`'s address and chain, from
    /// this client's API (domain and URI), with a real nonce, and not expired. Nothing is signed
    /// (a policy with a rate limit counts an allowed check as a signature).
    pub fn check_ownership_challenge(
        &self,
        signer: &AccountId,
        challenge: &Challenge,
        options: &FlowOptions,
    ) -> Result<SiwxMessage> {
        let class = classify(challenge.bytes());
        let context = self
            .signing_context(ChallengePurpose::CustomerOwnership)
            .with_owner(signer.clone());
        let decision = options.policy().evaluate(&PolicyInput {
            challenge,
            class: &class,
            signer,
            context: &context,
            now: OffsetDateTime::now_utc(),
        });
        match (decision, class) {
            (Decision::Refuse(refusal), _) => Err(Error::PolicyRefused(refusal)),
            (Decision::Allow { .. }, ChallengeClass::SignInWithX(message)) => Ok(*message),
            (Decision::Allow { rule }, other) => Err(Error::ChallengeRefused(format!(
                "the policy allowed it by `{rule}`, but the ownership challenge is {other}, not a Sign-In-with-X message"
            ))),
        }
    }

    /// What the flows tell the policy about a challenge from this client's API.
    pub(super) fn signing_context(&self, purpose: ChallengePurpose) -> SigningContext {
        SigningContext::new(purpose).with_api(self.domain(), self.origin())
    }

    /// Creates the customer for `signer`'s wallet and proves ownership: checks the SIWE challenge
    /// (nothing is signed if it is not for this signer and this API), signs, submits, and
    /// recovers from rejected or expired challenges. Returns the customer (then `screening` or
    /// later: KYC follows).
    ///
    /// Run it again with the same [`FlowOptions::seed`] after a crash: it finds the customer it
    /// created and goes on from where it was.
    pub async fn onboard_customer<S: ChallengeSigner + ?Sized>(
        &self,
        signer: &S,
        external_id: &str,
        options: &FlowOptions,
    ) -> Result<Customer> {
        let span =
            tracing::info_span!("onboard_customer", account = %signer.account(), external_id);
        tracing::Instrument::instrument(
            self.onboard_customer_inner(signer, external_id, options),
            span,
        )
        .await
    }

    async fn onboard_customer_inner<S: ChallengeSigner + ?Sized>(
        &self,
        signer: &S,
        external_id: &str,
        options: &FlowOptions,
    ) -> Result<Customer> {
        let request = CreateCustomer {
            chain_id: signer.account().to_string(),
            external_id: external_id.to_owned(),
        };
        let (customer, resumed) = match self
            .create_customer(
                &request,
                options.key(&format!(
                    "customer/create/{}/{external_id}",
                    request.chain_id
                )),
            )
            .await
        {
            Ok(customer) => (customer, false),
            Err(Error::Api(e))
                if e.status == StatusCode::CONFLICT && !e.is_idempotency_in_flight() =>
            {
                // Already exists (an earlier run whose idempotency window has passed): find it,
                // on whichever page of the list it is.
                let found = self
                    .find_customer(|c| {
                        c.external_id == external_id
                            && c.account_id()
                                .is_ok_and(|a| a.same_address(signer.account()))
                    })
                    .await?;
                match found {
                    Some(customer) => (customer, true),
                    None => return Err(Error::Api(e)),
                }
            }
            Err(e) => return Err(e),
        };
        options.emit(FlowEvent::CustomerCreated {
            customer_id: customer.id.clone(),
            status: customer.status.clone(),
            resumed,
        });
        if customer.status == CustomerStatus::Initiating {
            let first = match &customer.challenge {
                Some(challenge) => challenge.clone(),
                None => self.customer_challenge(&customer.id).await?,
            };
            let context = self
                .signing_context(ChallengePurpose::CustomerOwnership)
                .with_owner(wallet_of(&customer)?);
            sign_until_accepted(
                self,
                signer,
                ChallengeSubject::Customer(&customer.id),
                "customer",
                first,
                options,
                &context,
            )
            .await?;
        }
        let customer = self.get_customer(&customer.id).await?;
        options.emit(FlowEvent::Completed {
            flow: "onboard_customer",
        });
        Ok(customer)
    }
}
