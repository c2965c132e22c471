//! `PUT /webhooks`: `{id?, callbackUrl, types}` → 200 `{id, callbackUrl, types, createdAt,
//! updatedAt}`; an `id` updates that subscription (404 if there is none).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

use super::shared::Result;
use crate::body::ApiJson;
use crate::state::App;
use crate::webhooks::PutWebhook;

/// `PUT /webhooks`.
pub(crate) async fn put_webhook(
    State(app): State<Arc<App>>,
    ApiJson(request): ApiJson<PutWebhook>,
) -> Result<Response> {
    let subscription = app.webhooks.subscribe(request, app.clock.now())?;
    Ok(Json(subscription).into_response())
}
