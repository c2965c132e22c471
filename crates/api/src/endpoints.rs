//! One method per endpoint (`offblocks-api.md` 1.7). Writes take the [`IdempotencyKey`] of the
//! logical operation: pass the same key to repeat an operation safely, a new one for a new one.

use bytes::Bytes;
use chainsig_offblocks::fields::{
    CHALLENGE as CHALLENGE_FIELD, SIGNING_KEY_ID as SIGNING_KEY_ID_FIELD,
};
use chainsig_offblocks::{RegisterSigningKey, paths};
use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::client::{Auth, Client, Operation, decode};
use crate::error::{Error, Result};
use crate::idempotency::IdempotencyKey;
use crate::models::{Account, CreateAccount, CreateCustomer, Customer};

/// Characters left as they are in an id placed in a path: unreserved ones (RFC 3986).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// An id as one path segment: percent-encoded, so that no id can change the path.
fn seg(id: &str) -> String {
    utf8_percent_encode(id, PATH_SEGMENT).to_string()
}

fn json_body(value: &impl Serialize) -> Result<Bytes> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| Error::Config(format!("cannot encode the request: {e}")))
}

/// The body of `POST …/challenge/sign`: who signed, the challenge as received, the signature
/// (the wire's [`SignChallenge`](chainsig_offblocks::SignChallenge)).
pub use chainsig_offblocks::SignChallenge as ChallengeSubmission;

/// Reads the challenge out of a `GET …/challenge` answer (A10: the field is `challenge`; other
/// fields, if any, are ignored).
fn challenge_of(answer: &crate::client::Answer) -> Result<String> {
    let value: serde_json::Value = decode(answer)?;
    value
        .get(CHALLENGE_FIELD)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| Error::Decode {
            url: answer.url.clone(),
            status: answer.status,
            reason: format!("no `{CHALLENGE_FIELD}` string in the answer"),
        })
}

impl Client {
    /// `PUT /auth/signing`: registers the request-signing public key (SPKI PEM, sent as base64)
    /// and returns its key id, which this client then signs with.
    pub async fn register_signing_key(&self, public_key_pem: &str) -> Result<String> {
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(public_key_pem.as_bytes());
        let body = json_body(&RegisterSigningKey {
            public_key: encoded,
        })?;
        let operation = Operation {
            method: Method::PUT,
            path: paths::SIGNING_KEY.to_owned(),
            body: Some(body),
            idempotency_key: Some(IdempotencyKey::new()),
            auth: Auth::Bearer,
            bearer: None,
        };
        let answer = self.execute(operation).await?;
        let value: serde_json::Value = decode(&answer)?;
        let key_id = value
            .get(SIGNING_KEY_ID_FIELD)
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Decode {
                url: answer.url.clone(),
                status: answer.status,
                reason: format!("no `{SIGNING_KEY_ID_FIELD}` in the answer"),
            })?
            .to_owned();
        self.set_key_id(key_id.clone());
        Ok(key_id)
    }

    /// `DELETE /auth/signing`: removes the registered request-signing key. The API then refuses
    /// every request signed under its key id with the signature middleware's `400`
    /// ([`Error::RequestAuthentication`] from a client that still uses it); this client forgets
    /// the key id, so its own business requests fail at once with [`Error::Config`] until a key
    /// is registered again ([`register_signing_key`](Self::register_signing_key)).
    ///
    /// ```no_run
    /// # async fn demo(client: &chainsig_api::Client) -> Result<(), chainsig_api::Error> {
    /// client.remove_signing_key(chainsig_api::IdempotencyKey::new()).await?;
    /// assert_eq!(client.key_id(), None);
    /// # Ok(()) }
    /// ```
    pub async fn remove_signing_key(&self, key: IdempotencyKey) -> Result<()> {
        let operation = Operation {
            method: Method::DELETE,
            path: paths::SIGNING_KEY.to_owned(),
            body: None,
            idempotency_key: Some(key),
            auth: Auth::Bearer,
            bearer: None,
        };
        self.execute(operation).await?;
        self.clear_key_id();
        Ok(())
    }

    /// `POST /customers`: creates a customer; the answer carries the ownership challenge.
    pub async fn create_customer(
        &self,
        request: &CreateCustomer,
        key: IdempotencyKey,
    ) -> Result<Customer> {
        let op = Operation::write(
            Method::POST,
            paths::CUSTOMERS,
            Some(json_body(request)?),
            key,
        );
        decode(&self.execute(op).await?)
    }

    /// `GET /customers/{id}`.
    pub async fn get_customer(&self, id: &str) -> Result<Customer> {
        decode(
            &self
                .execute(Operation::get(paths::customer(&seg(id))))
                .await?,
        )
    }

    /// `PATCH /customers/{id}/deactivate`: an `active` customer becomes `inactive`
    /// (`offblocks-api.md` 1.10); the answer is the customer. A customer in another state is
    /// refused by the API (an [`Error::Api`]). An inactive customer gets no new account.
    ///
    /// ```no_run
    /// # async fn demo(client: &chainsig_api::Client, id: &str) -> Result<(), chainsig_api::Error> {
    /// let customer = client
    ///     .deactivate_customer(id, chainsig_api::IdempotencyKey::new())
    ///     .await?;
    /// assert_eq!(customer.status, chainsig_api::CustomerStatus::Inactive);
    /// # Ok(()) }
    /// ```
    pub async fn deactivate_customer(&self, id: &str, key: IdempotencyKey) -> Result<Customer> {
        decode(
            &self
                .execute(Operation::write(
                    Method::PATCH,
                    paths::customer_deactivate(&seg(id)),
                    None,
                    key,
                ))
                .await?,
        )
    }

    /// `GET /customers`: every page of it (see the crate's notes on paging).
    pub async fn list_customers(&self) -> Result<Vec<Customer>> {
        self.list_all(paths::CUSTOMERS).await
    }

    /// The first customer of `GET /customers` for which `matches` holds, reading pages only
    /// until it is found.
    pub async fn find_customer(
        &self,
        matches: impl FnMut(&Customer) -> bool,
    ) -> Result<Option<Customer>> {
        let (mut read, found) = self.list_until(paths::CUSTOMERS, matches).await?;
        Ok(if found { read.pop() } else { None })
    }

    /// `GET /customers/{id}/challenge`: a fresh ownership challenge (base64).
    pub async fn customer_challenge(&self, id: &str) -> Result<String> {
        challenge_of(
            &self
                .execute(Operation::get(paths::customer_challenge(&seg(id))))
                .await?,
        )
    }

    /// `POST /customers/{id}/challenge/sign`.
    pub async fn sign_customer_challenge(
        &self,
        id: &str,
        submission: &ChallengeSubmission,
        key: IdempotencyKey,
    ) -> Result<()> {
        self.submit(paths::customer_challenge_sign(&seg(id)), submission, key)
            .await
    }

    /// `POST /customers/{id}/accounts`: the answer carries the session-key challenge.
    pub async fn create_account(
        &self,
        customer_id: &str,
        request: &CreateAccount,
        key: IdempotencyKey,
    ) -> Result<Account> {
        let op = Operation::write(
            Method::POST,
            paths::customer_accounts(&seg(customer_id)),
            Some(json_body(request)?),
            key,
        );
        decode(&self.execute(op).await?)
    }

    /// `GET /accounts/{id}`.
    pub async fn get_account(&self, id: &str) -> Result<Account> {
        decode(
            &self
                .execute(Operation::get(paths::account(&seg(id))))
                .await?,
        )
    }

    /// `GET /accounts`: every page of it.
    pub async fn list_accounts(&self) -> Result<Vec<Account>> {
        self.list_all(paths::ACCOUNTS).await
    }

    /// `GET /customers/{id}/accounts`: every page of it.
    pub async fn list_customer_accounts(&self, customer_id: &str) -> Result<Vec<Account>> {
        self.list_all(&paths::customer_accounts(&seg(customer_id)))
            .await
    }

    /// `GET /accounts/{id}/challenge`: a fresh creation or deletion challenge (base64); every
    /// earlier one is invalidated.
    pub async fn account_challenge(&self, id: &str) -> Result<String> {
        challenge_of(
            &self
                .execute(Operation::get(paths::account_challenge(&seg(id))))
                .await?,
        )
    }

    /// `POST /accounts/{id}/challenge/sign` (204 when verified).
    pub async fn sign_account_challenge(
        &self,
        id: &str,
        submission: &ChallengeSubmission,
        key: IdempotencyKey,
    ) -> Result<()> {
        self.submit(paths::account_challenge_sign(&seg(id)), submission, key)
            .await
    }

    /// `PATCH /accounts/{id}/deactivate`.
    pub async fn deactivate_account(&self, id: &str, key: IdempotencyKey) -> Result<Account> {
        decode(
            &self
                .execute(Operation::write(
                    Method::PATCH,
                    paths::account_deactivate(&seg(id)),
                    None,
                    key,
                ))
                .await?,
        )
    }

    /// `PATCH /accounts/{id}/activate`.
    pub async fn activate_account(&self, id: &str, key: IdempotencyKey) -> Result<Account> {
        decode(
            &self
                .execute(Operation::write(
                    Method::PATCH,
                    paths::account_activate(&seg(id)),
                    None,
                    key,
                ))
                .await?,
        )
    }

    /// `DELETE /accounts/{id}`: asks to close the account; the answer carries the deletion
    /// challenge, which closes it once signed.
    pub async fn delete_account(&self, id: &str, key: IdempotencyKey) -> Result<Account> {
        decode(
            &self
                .execute(Operation::write(
                    Method::DELETE,
                    paths::account(&seg(id)),
                    None,
                    key,
                ))
                .await?,
        )
    }

    /// `PATCH /simulator/customers/{id}/verify` (sandboxes only): approves KYC.
    pub async fn simulator_verify(&self, customer_id: &str, key: IdempotencyKey) -> Result<()> {
        let op = Operation::write(
            Method::PATCH,
            paths::simulator_verify(&seg(customer_id)),
            None,
            key,
        );
        self.execute(op).await.map(drop)
    }

    /// `PATCH /simulator/customers/{id}/reject` (sandboxes only): rejects KYC.
    pub async fn simulator_reject(&self, customer_id: &str, key: IdempotencyKey) -> Result<()> {
        let op = Operation::write(
            Method::PATCH,
            paths::simulator_reject(&seg(customer_id)),
            None,
            key,
        );
        self.execute(op).await.map(drop)
    }

    /// `POST …/challenge/sign` with the submission as JSON.
    async fn submit(
        &self,
        path: String,
        submission: &ChallengeSubmission,
        key: IdempotencyKey,
    ) -> Result<()> {
        let body = json_body(submission)?;
        self.execute(Operation::write(Method::POST, path, Some(body), key))
            .await
            .map(drop)
    }
}
