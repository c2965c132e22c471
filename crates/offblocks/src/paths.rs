//! Where the API lives: base URLs, the `/v1` prefix, and every endpoint's path.
//!
//! Each path with an id exists twice from one source: the route template a server mounts
//! ([`route`], `/customers/{id}`, axum's syntax) and a function a client calls
//! ([`customer`]`("c1")` → `/customers/c1`), made by filling the template. Paths are relative to
//! the base URL, which includes [`API_PREFIX`]. Ids are put in as given: a client percent-encodes
//! them first.

/// Path prefix of every endpoint (`https://api.offblocks.xyz/v1`).
pub const API_PREFIX: &str = "/v1";

/// Production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://api.offblocks.xyz/v1";
/// OffBlocks' hosted sandbox base URL (A17).
pub const SANDBOX_BASE_URL: &str = "https://api.sandbox.offblocks.xyz/v1";

/// `POST`: exchange API key and secret for a bearer token.
pub const TOKEN: &str = "/auth/token";
/// `PUT`: register (or replace) the request-signing public key; `DELETE`: remove it.
pub const SIGNING_KEY: &str = "/auth/signing";
/// `PUT`: rotate the API key and secret (every token issued before is invalidated);
/// `DELETE`: revoke them for good.
pub const CREDENTIALS: &str = "/auth/credentials";
/// `POST` create, `GET` list.
pub const CUSTOMERS: &str = "/customers";
/// `GET` list all accounts.
pub const ACCOUNTS: &str = "/accounts";
/// `PUT`: subscribe to webhooks, or change a subscription (`offblocks-api.md` 1.7 row 23).
pub const WEBHOOKS: &str = "/webhooks";

/// Route templates of the paths that take an id, in axum's syntax (`{id}`), for a server's
/// router. The functions of [`paths`](crate::paths) fill them.
pub mod route {
    /// The placeholder every template holds once.
    pub const ID: &str = "{id}";

    /// `GET /customers/{id}`.
    pub const CUSTOMER: &str = "/customers/{id}";
    /// `GET /customers/{id}/challenge`.
    pub const CUSTOMER_CHALLENGE: &str = "/customers/{id}/challenge";
    /// `POST /customers/{id}/challenge/sign`.
    pub const CUSTOMER_CHALLENGE_SIGN: &str = "/customers/{id}/challenge/sign";
    /// `POST` create / `GET` list a customer's accounts.
    pub const CUSTOMER_ACCOUNTS: &str = "/customers/{id}/accounts";
    /// `PATCH /customers/{id}/deactivate`.
    pub const CUSTOMER_DEACTIVATE: &str = "/customers/{id}/deactivate";
    /// `GET /accounts/{id}`, `DELETE /accounts/{id}` (close).
    pub const ACCOUNT: &str = "/accounts/{id}";
    /// `GET /accounts/{id}/challenge`.
    pub const ACCOUNT_CHALLENGE: &str = "/accounts/{id}/challenge";
    /// `POST /accounts/{id}/challenge/sign`.
    pub const ACCOUNT_CHALLENGE_SIGN: &str = "/accounts/{id}/challenge/sign";
    /// `PATCH /accounts/{id}/deactivate`.
    pub const ACCOUNT_DEACTIVATE: &str = "/accounts/{id}/deactivate";
    /// `PATCH /accounts/{id}/activate`.
    pub const ACCOUNT_ACTIVATE: &str = "/accounts/{id}/activate";
    /// `PATCH /simulator/customers/{id}/verify` (sandbox: approve KYC).
    pub const SIMULATOR_VERIFY: &str = "/simulator/customers/{id}/verify";
    /// `PATCH /simulator/customers/{id}/reject` (sandbox: reject KYC).
    pub const SIMULATOR_REJECT: &str = "/simulator/customers/{id}/reject";
}

/// `template` with its `{id}` replaced by `id`.
fn fill(template: &str, id: &str) -> String {
    template.replacen(route::ID, id, 1)
}

/// `GET /customers/{id}`.
pub fn customer(id: &str) -> String {
    fill(route::CUSTOMER, id)
}
/// `GET /customers/{id}/challenge`.
pub fn customer_challenge(id: &str) -> String {
    fill(route::CUSTOMER_CHALLENGE, id)
}
/// `POST /customers/{id}/challenge/sign`.
pub fn customer_challenge_sign(id: &str) -> String {
    fill(route::CUSTOMER_CHALLENGE_SIGN, id)
}
/// `POST` create / `GET` list a customer's accounts.
pub fn customer_accounts(id: &str) -> String {
    fill(route::CUSTOMER_ACCOUNTS, id)
}
/// `PATCH /customers/{id}/deactivate`.
pub fn customer_deactivate(id: &str) -> String {
    fill(route::CUSTOMER_DEACTIVATE, id)
}
/// `GET /accounts/{id}`, `DELETE /accounts/{id}` (close).
pub fn account(id: &str) -> String {
    fill(route::ACCOUNT, id)
}
/// `GET /accounts/{id}/challenge`.
pub fn account_challenge(id: &str) -> String {
    fill(route::ACCOUNT_CHALLENGE, id)
}
/// `POST /accounts/{id}/challenge/sign`.
pub fn account_challenge_sign(id: &str) -> String {
    fill(route::ACCOUNT_CHALLENGE_SIGN, id)
}
/// `PATCH /accounts/{id}/deactivate`.
pub fn account_deactivate(id: &str) -> String {
    fill(route::ACCOUNT_DEACTIVATE, id)
}
/// `PATCH /accounts/{id}/activate`.
pub fn account_activate(id: &str) -> String {
    fill(route::ACCOUNT_ACTIVATE, id)
}
/// `PATCH /simulator/customers/{id}/verify` (sandbox: approve KYC).
pub fn simulator_verify(id: &str) -> String {
    fill(route::SIMULATOR_VERIFY, id)
}
/// `PATCH /simulator/customers/{id}/reject` (sandbox: reject KYC).
pub fn simulator_reject(id: &str) -> String {
    fill(route::SIMULATOR_REJECT, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_fills_its_template_once() {
        type Path = fn(&str) -> String;
        let cases: [(Path, &str); 12] = [
            (customer, route::CUSTOMER),
            (customer_challenge, route::CUSTOMER_CHALLENGE),
            (customer_challenge_sign, route::CUSTOMER_CHALLENGE_SIGN),
            (customer_accounts, route::CUSTOMER_ACCOUNTS),
            (customer_deactivate, route::CUSTOMER_DEACTIVATE),
            (account, route::ACCOUNT),
            (account_challenge, route::ACCOUNT_CHALLENGE),
            (account_challenge_sign, route::ACCOUNT_CHALLENGE_SIGN),
            (account_deactivate, route::ACCOUNT_DEACTIVATE),
            (account_activate, route::ACCOUNT_ACTIVATE),
            (simulator_verify, route::SIMULATOR_VERIFY),
            (simulator_reject, route::SIMULATOR_REJECT),
        ];
        for (path, template) in cases {
            assert_eq!(template.matches(route::ID).count(), 1, "{template}");
            // An id that looks like a placeholder is not filled again.
            assert_eq!(path("{id}"), template);
            assert_eq!(path("a1"), template.replace("{id}", "a1"));
        }
        assert_eq!(
            customer_challenge_sign("c1"),
            "/customers/c1/challenge/sign"
        );
        assert_eq!(account_activate("a1"), "/accounts/a1/activate");
        assert_eq!(simulator_reject("c1"), "/simulator/customers/c1/reject");
    }

    #[test]
    fn base_urls_end_with_the_prefix() {
        assert!(PRODUCTION_BASE_URL.ends_with(API_PREFIX));
        assert!(SANDBOX_BASE_URL.ends_with(API_PREFIX));
    }
}
