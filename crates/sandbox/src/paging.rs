//! Pages of the list endpoints: `?limit=` (1 to 100, default [`SandboxConfig::list_page_size`])
//! and `?cursor=`, the answer's `nextCursor` while more items follow. The real API's paging is
//! not documented (`offblocks-api.md` A11); this is one plausible form, so that a client that
//! reads only the first page fails here as it would there.
//!
//! [`SandboxConfig::list_page_size`]: crate::SandboxConfig::list_page_size

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use chainsig_offblocks::fields::LIST_ITEMS as LIST_ITEMS_FIELD;
use serde::Serialize;
use serde_json::json;

use crate::error::ApiError;
use crate::models::{AccountBody, CustomerBody};

/// The largest `?limit=` accepted.
pub(crate) const MAX_LIMIT: usize = 100;
/// The field of a page naming the cursor of the next one.
pub(crate) const NEXT_CURSOR_FIELD: &str = "nextCursor";

/// An item of a list, found again by its id (the cursor is the id of a page's last item).
pub(crate) trait Listed {
    fn list_id(&self) -> &str;
}

impl Listed for CustomerBody {
    fn list_id(&self) -> &str {
        &self.id
    }
}

impl Listed for AccountBody {
    fn list_id(&self) -> &str {
        &self.id
    }
}

/// A list request's `?limit=` and `?cursor=` (other parameters are ignored).
#[derive(Debug, Default)]
pub(crate) struct PageQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(mut query) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request(codes::INVALID_QUERY, e.body_text()))?;
        let limit = match query.remove("limit") {
            None => None,
            Some(text) => match text.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
                _ => {
                    return Err(ApiError::bad_request(
                        codes::INVALID_LIMIT,
                        format!("limit must be a whole number from 1 to {MAX_LIMIT}"),
                    ));
                }
            },
        };
        Ok(Self {
            limit,
            cursor: query.remove("cursor"),
        })
    }
}

/// The page of `items` that `query` asks for, `default_size` items long unless it says
/// otherwise, with `nextCursor` when more follow.
pub(crate) fn page<T: Serialize + Listed>(
    items: Vec<T>,
    query: &PageQuery,
    default_size: usize,
) -> Result<Response, ApiError> {
    let start = match &query.cursor {
        None => 0,
        Some(cursor) => {
            items
                .iter()
                .position(|item| item.list_id() == cursor)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        codes::INVALID_CURSOR,
                        "cursor is not one this list gave (take it from nextCursor)",
                    )
                })?
                + 1
        }
    };
    let size = query.limit.unwrap_or(default_size).max(1);
    // `start` is at most the length (after the last item), and `end` at least `start`.
    let end = items.len().min(start.saturating_add(size));
    let next = if end < items.len() {
        end.checked_sub(1)
            .and_then(|last| items.get(last))
            .map(|item| item.list_id().to_owned())
    } else {
        None
    };
    let page: Vec<T> = items.into_iter().skip(start).take(end - start).collect();
    let mut body = json!({ LIST_ITEMS_FIELD: page });
    if let Some(next) = next {
        body[NEXT_CURSOR_FIELD] = json!(next);
    }
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Serialize)]
    struct Item(String);

    impl Listed for Item {
        fn list_id(&self) -> &str {
            &self.0
        }
    }

    fn items(n: usize) -> Vec<Item> {
        (0..n).map(|i| Item(format!("i{i}"))).collect()
    }

    async fn read(n: usize, limit: Option<usize>, cursor: Option<&str>) -> serde_json::Value {
        let query = PageQuery {
            limit,
            cursor: cursor.map(str::to_owned),
        };
        let response = page(items(n), &query, 2).unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    #[tokio::test]
    async fn pages_follow_each_other_to_the_end() {
        assert_eq!(
            read(5, None, None).await,
            json!({"items": ["i0", "i1"], "nextCursor": "i1"})
        );
        assert_eq!(
            read(5, None, Some("i1")).await,
            json!({"items": ["i2", "i3"], "nextCursor": "i3"})
        );
        assert_eq!(read(5, None, Some("i3")).await, json!({"items": ["i4"]}));
        assert_eq!(
            read(4, None, Some("i1")).await,
            json!({"items": ["i2", "i3"]})
        );
        assert_eq!(
            read(5, Some(5), None).await,
            json!({"items": ["i0", "i1", "i2", "i3", "i4"]})
        );
        assert_eq!(read(0, None, None).await, json!({"items": []}));
        let unknown = PageQuery {
            limit: None,
            cursor: Some("nope".into()),
        };
        assert_eq!(
            page(items(3), &unknown, 2).unwrap_err().code,
            "invalid_cursor"
        );
    }
}
