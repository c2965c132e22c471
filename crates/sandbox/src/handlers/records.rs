//! The record endpoints: customers, accounts, and the KYC simulator.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use time::OffsetDateTime;

use super::shared::{Id, Result};
use crate::body::ApiJson;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::models::{CreateAccount, CreateCustomer};
use crate::paging::{Listed, PageQuery, page};
use crate::state::App;
use crate::store::{Select, Store};

/// `POST /customers`.
pub(crate) async fn create_customer(
    State(app): State<Arc<App>>,
    ApiJson(request): ApiJson<CreateCustomer>,
) -> Result<Response> {
    let now = app.clock.now();
    let customer = app
        .store()
        .create_customer(&request.chain_id, &request.external_id, now)?;
    Counters::bump(&app.counters.customers);
    Counters::bump(&app.counters.challenges_issued);
    Ok((StatusCode::CREATED, Json(customer)).into_response())
}

/// The page `query` asks for of the list `list` reads from the store.
fn listed<T: Serialize + Listed>(
    app: &App,
    query: &PageQuery,
    list: impl FnOnce(
        &mut Store,
        Select<'_>,
        OffsetDateTime,
    ) -> std::result::Result<(Vec<T>, bool), ApiError>,
) -> Result<Response> {
    let size = app.config.list_page_size;
    let now = app.clock.now();
    let (items, more) = list(&mut app.store(), &|ids| query.window(ids, size), now)?;
    Ok(page(&items, more))
}

/// `GET /customers`, a page at a time.
pub(crate) async fn list_customers(
    State(app): State<Arc<App>>,
    query: PageQuery,
) -> Result<Response> {
    listed(&app, &query, |store, select, now| {
        store.list_customers(select, now)
    })
}

/// `GET /customers/{id}`.
pub(crate) async fn get_customer(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().get_customer(&id, app.clock.now())?).into_response())
}

/// `PATCH /customers/{id}/deactivate`: `active` -> `inactive`; answers the customer.
pub(crate) async fn deactivate_customer(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Response> {
    Ok(Json(app.store().deactivate_customer(&id, app.clock.now())?).into_response())
}

/// `POST /customers/{id}/accounts`.
pub(crate) async fn create_account(
    State(app): State<Arc<App>>,
    Id(id): Id,
    ApiJson(request): ApiJson<CreateAccount>,
) -> Result<Response> {
    let now = app.clock.now();
    let account = app
        .store()
        .create_account(&id, &request.kind, request.currencies, now)?;
    Counters::bump(&app.counters.accounts);
    if account.challenge.is_some() {
        Counters::bump(&app.counters.challenges_issued);
    }
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

/// `GET /customers/{id}/accounts`.
pub(crate) async fn list_customer_accounts(
    State(app): State<Arc<App>>,
    Id(id): Id,
    query: PageQuery,
) -> Result<Response> {
    listed(&app, &query, |store, select, now| {
        store.list_accounts(Some(&id), select, now)
    })
}

/// `GET /accounts`, a page at a time.
pub(crate) async fn list_accounts(
    State(app): State<Arc<App>>,
    query: PageQuery,
) -> Result<Response> {
    listed(&app, &query, |store, select, now| {
        store.list_accounts(None, select, now)
    })
}

/// `GET /accounts/{id}`.
pub(crate) async fn get_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().get_account(&id, app.clock.now())?).into_response())
}

/// `PATCH /accounts/{id}/deactivate`.
pub(crate) async fn deactivate_account(
    State(app): State<Arc<App>>,
    Id(id): Id,
) -> Result<Response> {
    Ok(Json(
        app.store()
            .set_account_active(&id, false, app.clock.now())?,
    )
    .into_response())
}

/// `PATCH /accounts/{id}/activate`.
pub(crate) async fn activate_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    Ok(Json(app.store().set_account_active(&id, true, app.clock.now())?).into_response())
}

/// `DELETE /accounts/{id}`: answers the account with its deletion challenge.
pub(crate) async fn close_account(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    let now = app.clock.now();
    let account = app.store().close_account(&id, now)?;
    Counters::bump(&app.counters.challenges_issued);
    Ok(Json(account).into_response())
}

/// `PATCH /simulator/customers/{id}/verify`.
pub(crate) async fn simulator_verify(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    app.store().simulate_kyc(&id, true, app.clock.now())?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `PATCH /simulator/customers/{id}/reject`.
pub(crate) async fn simulator_reject(State(app): State<Arc<App>>, Id(id): Id) -> Result<Response> {
    app.store().simulate_kyc(&id, false, app.clock.now())?;
    Ok(StatusCode::ACCEPTED.into_response())
}
