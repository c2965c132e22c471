//! The endpoints (`offblocks-api.md` 1.7 rows 1-22), one module per concept, and the answers to
//! unknown routes and methods.

mod access;
mod challenges;
mod records;
mod shared;
mod webhooks;

use axum::http::StatusCode;
use chainsig_offblocks::codes;

use crate::error::ApiError;

pub(crate) use access::{
    register_signing_key, remove_signing_key, revoke_credentials, rotate_credentials, token,
};
pub(crate) use challenges::{fetch_challenge, sign_challenge};
pub(crate) use records::{
    activate_account, close_account, create_account, create_customer, deactivate_account,
    deactivate_customer, get_account, get_customer, list_accounts, list_customer_accounts,
    list_customers, simulator_reject, simulator_verify,
};
pub(crate) use shared::Id;
pub(crate) use webhooks::put_webhook;

/// Unknown paths.
pub(crate) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, "no such endpoint")
}

/// Known paths with the wrong method.
pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method",
    )
}
