//! Proving that a customer owns its wallet: the Sign-In-with-X challenge.

use chainsig_core::{AccountId, Challenge, ChallengeSigner, SiwxMessage};
use http::StatusCode;
use time::OffsetDateTime;

use super::events::FlowEvent;
use super::options::FlowOptions;
use super::sign_loop::{Subject, sign_until_accepted};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::models::{CreateCustomer, Customer, CustomerStatus};

impl Client {
    /// Checks an ownership challenge before anything is signed: it must be a Sign-In-with-X
    /// message for `signer`'s address and chain, from this client's API (domain and URI), with a
    /// real nonce, and not expired.
    pub fn check_ownership_challenge(
        &self,
        signer: &AccountId,
        challenge: &Challenge,
        options: &FlowOptions,
    ) -> Result<SiwxMessage> {
        let text = challenge
            .as_text()
            .ok_or_else(|| Error::ChallengeRefused("the ownership challenge is not text".into()))?;
        let message = SiwxMessage::parse(text)?;
        message.check(
            signer,
            self.domain(),
            self.origin(),
            OffsetDateTime::now_utc(),
            options.siwe_max_age,
            options.clock_skew,
        )?;
        Ok(message)
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
                // Already exists (an earlier run whose idempotency window has passed): find it.
                let found = self.list_customers().await?.into_iter().find(|c| {
                    c.external_id == external_id
                        && c.account_id()
                            .is_ok_and(|a| a.same_address(signer.account()))
                });
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
            let account = signer.account().clone();
            sign_until_accepted(
                self,
                signer,
                Subject::Customer(&customer.id),
                "customer",
                first,
                options,
                |c| {
                    self.check_ownership_challenge(&account, c, options)
                        .map(drop)
                },
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
