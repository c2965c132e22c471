//! Pages of the list endpoints: `?limit=` (1 to 100, default [`SandboxConfig::list_page_size`])
//! and `?cursor=`, the answer's `nextCursor` while more items follow. The real API's paging is
//! not documented (`offblocks-api.md` A11); this is one plausible form, so that a client that
//! reads only the first page fails here as it would there.
//!
//! [`SandboxConfig::list_page_size`]: crate::SandboxConfig::list_page_size

use std::collections::HashMap;
use std::ops::Range;

use axum::Json;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chainsig_offblocks::codes;
use chainsig_offblocks::fields::LIST_ITEMS as LIST_ITEMS_FIELD;
use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};
use uuid::Uuid;

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

impl PageQuery {
    /// The positions in `ids` (a list in its order) of the page this query asks for:
    /// `default_size` items long unless it says otherwise, after the cursor's item.
    pub(crate) fn window(
        &self,
        ids: &[Uuid],
        default_size: usize,
    ) -> Result<Range<usize>, ApiError> {
        let start = match &self.cursor {
            None => 0,
            Some(cursor) => {
                Uuid::try_parse(cursor)
                    .ok()
                    .and_then(|cursor| ids.iter().position(|id| *id == cursor))
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            codes::INVALID_CURSOR,
                            "cursor is not one this list gave (take it from nextCursor)",
                        )
                    })?
                    + 1
            }
        };
        let size = self.limit.unwrap_or(default_size).max(1);
        // `start` is at most the length (after the last item), and `end` at least `start`.
        let end = ids.len().min(start.saturating_add(size));
        Ok(start..end)
    }
}

/// A page as answered: `{"items": […], "nextCursor": "<id of the last item>"}`, the cursor only
/// when `more` items follow. Serialized straight from the items (no `serde_json::Value`).
struct Page<'a, T> {
    items: &'a [T],
    next: Option<&'a str>,
}

impl<T: Serialize> Serialize for Page<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1 + usize::from(self.next.is_some())))?;
        map.serialize_entry(LIST_ITEMS_FIELD, self.items)?;
        if let Some(next) = self.next {
            map.serialize_entry(NEXT_CURSOR_FIELD, next)?;
        }
        map.end()
    }
}

/// The answer of a page of `items`; `more` when items follow it.
pub(crate) fn page<T: Serialize + Listed>(items: &[T], more: bool) -> Response {
    let next = if more {
        items.last().map(Listed::list_id)
    } else {
        None
    };
    Json(Page { items, next }).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use serde_json::json;

    #[derive(Serialize)]
    struct Item(String);

    impl Listed for Item {
        fn list_id(&self) -> &str {
            &self.0
        }
    }

    fn ids(n: u128) -> Vec<Uuid> {
        (1..=n).map(Uuid::from_u128).collect()
    }

    /// The page of a list of `n` ids, as answered.
    async fn read(n: u128, limit: Option<usize>, cursor: Option<u128>) -> serde_json::Value {
        let query = PageQuery {
            limit,
            cursor: cursor.map(|c| Uuid::from_u128(c).to_string()),
        };
        let ids = ids(n);
        let window = query.window(&ids, 2).unwrap();
        let more = window.end < ids.len();
        let items: Vec<Item> = ids[window].iter().map(|id| Item(id.to_string())).collect();
        let response = page(&items, more);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn id(n: u128) -> String {
        Uuid::from_u128(n).to_string()
    }

    #[tokio::test]
    async fn pages_follow_each_other_to_the_end() {
        assert_eq!(
            read(5, None, None).await,
            json!({"items": [id(1), id(2)], "nextCursor": id(2)})
        );
        assert_eq!(
            read(5, None, Some(2)).await,
            json!({"items": [id(3), id(4)], "nextCursor": id(4)})
        );
        assert_eq!(read(5, None, Some(4)).await, json!({"items": [id(5)]}));
        assert_eq!(
            read(4, None, Some(2)).await,
            json!({"items": [id(3), id(4)]})
        );
        assert_eq!(
            read(5, Some(5), None).await,
            json!({"items": [id(1), id(2), id(3), id(4), id(5)]})
        );
        assert_eq!(read(0, None, None).await, json!({"items": []}));
        for cursor in ["nope", &id(9)] {
            let unknown = PageQuery {
                limit: None,
                cursor: Some(cursor.to_owned()),
            };
            assert_eq!(
                unknown.window(&ids(3), 2).unwrap_err().code,
                "invalid_cursor"
            );
        }
    }
}
