//! Reading a list as the API pages it. The paging of `GET /customers` and the other lists is not
//! documented (`offblocks-api.md` A11): a page is read tolerantly, and whatever "next" it names
//! is followed, a bounded number of pages.

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::client::{Answer, Client, Operation, decode};
use crate::error::{Error, Result};

/// The most pages read for one list: a server whose "next" never ends is an error, not a loop.
pub(crate) const MAX_PAGES: usize = 1000;

/// Fields naming the next page's cursor (sent back as `?cursor=`).
const CURSOR_FIELDS: [&str; 2] = ["nextCursor", "next_cursor"];
/// Fields saying more pages follow (with a `page` number: the next one is `page + 1`).
const MORE_FIELDS: [&str; 2] = ["hasMore", "has_more"];
/// Fields giving the number of pages (with a `page` number).
const TOTAL_PAGES_FIELDS: [&str; 3] = ["totalPages", "total_pages", "pages"];
/// Objects that may hold the paging fields instead of the top level.
const PAGING_OBJECTS: [&str; 2] = ["pagination", "meta"];

/// What comes after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// An opaque cursor, sent back as `?cursor=…`.
    Cursor(String),
    /// A link (absolute, or a path) to the next page.
    Link(String),
    /// A page number, sent as `?page=…`.
    Page(u64),
}

/// One page: its items and what follows it, if anything.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    pub(crate) next: Option<Next>,
}

/// Reads a page: a bare array (one page, nothing after it), or an object with the items under
/// `items` (or `data`) and, at its top level or under `pagination` / `meta`, any of: a next
/// cursor (`nextCursor`, `next_cursor`), a `next` (a link when it starts with `/` or `http`, a
/// cursor otherwise), or a `page` number with `hasMore` / `has_more` or `totalPages` /
/// `total_pages` / `pages`. Fields it does not know are ignored.
pub(crate) fn parse_page<T: DeserializeOwned>(json: Value) -> std::result::Result<Page<T>, String> {
    let (items, next) = match json {
        Value::Array(items) => (Value::Array(items), None),
        Value::Object(mut object) => {
            let items = ["items", "data"]
                .iter()
                .find_map(|field| object.remove(*field))
                .ok_or("a list answer has no `items` (nor `data`) field")?;
            let next = std::iter::once(&object)
                .chain(
                    PAGING_OBJECTS
                        .iter()
                        .filter_map(|f| object.get(*f).and_then(Value::as_object)),
                )
                .find_map(next_of);
            (items, next)
        }
        _ => return Err("a list answer must be an array or an object".to_owned()),
    };
    let items = serde_json::from_value(items).map_err(|e| e.to_string())?;
    Ok(Page { items, next })
}

/// The next page named by one object's fields, if any.
fn next_of(object: &Map<String, Value>) -> Option<Next> {
    let text = |field: &str| {
        object
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(cursor) = CURSOR_FIELDS.iter().find_map(|f| text(f)) {
        return Some(Next::Cursor(cursor.to_owned()));
    }
    if let Some(next) = text("next") {
        let link =
            next.starts_with('/') || next.starts_with("http://") || next.starts_with("https://");
        return Some(if link {
            Next::Link(next.to_owned())
        } else {
            Next::Cursor(next.to_owned())
        });
    }
    let page = object.get("page").and_then(Value::as_u64)?;
    let more = MORE_FIELDS
        .iter()
        .find_map(|f| object.get(*f).and_then(Value::as_bool));
    let total = TOTAL_PAGES_FIELDS
        .iter()
        .find_map(|f| object.get(*f).and_then(Value::as_u64));
    match (more, total) {
        (Some(true), _) => Some(Next::Page(page + 1)),
        (None, Some(total)) if page < total => Some(Next::Page(page + 1)),
        _ => None,
    }
}

/// `path` with `name=value` added to its query.
fn with_query(path: &str, name: &str, value: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!(
        "{path}{separator}{name}={}",
        utf8_percent_encode(value, NON_ALPHANUMERIC)
    )
}

impl Client {
    /// The path (relative to the base URL) of the page after one read from `path`. A link is
    /// followed only within this client's base URL: a signed request never goes elsewhere.
    fn next_path(&self, path: &str, next: &Next) -> Result<String> {
        let first = path.split('?').next().unwrap_or(path);
        match next {
            Next::Cursor(cursor) => Ok(with_query(first, "cursor", cursor)),
            Next::Page(page) => Ok(with_query(first, "page", &page.to_string())),
            Next::Link(link) => {
                let base = self.base_url();
                let base_path = base.strip_prefix(self.origin()).unwrap_or_default();
                if let Some(rest) = link.strip_prefix(base).filter(|r| r.starts_with('/')) {
                    Ok(rest.to_owned())
                } else if link.starts_with("http://") || link.starts_with("https://") {
                    Err(Error::Decode {
                        url: format!("{base}{path}"),
                        status: http::StatusCode::OK,
                        reason: format!(
                            "the next page's link leaves the API's base URL {base}; it is not followed"
                        ),
                    })
                } else {
                    // A path: absolute on the API's host when it starts with the base path.
                    Ok(link
                        .strip_prefix(base_path)
                        .filter(|r| r.starts_with('/'))
                        .unwrap_or(link)
                        .to_owned())
                }
            }
        }
    }

    /// Reads the list at `path`, page after page, until `found` holds for an item (returned
    /// last) or the pages end. At most [`MAX_PAGES`] pages; a "next" seen before ends in an
    /// error instead of a loop.
    pub(crate) async fn list_until<T: DeserializeOwned>(
        &self,
        path: &str,
        mut found: impl FnMut(&T) -> bool,
    ) -> Result<(Vec<T>, bool)> {
        let mut all = Vec::new();
        let mut path = path.to_owned();
        let mut seen = Vec::new();
        for page_number in 0..MAX_PAGES {
            let answer = self.execute(Operation::get(path.clone())).await?;
            let page = page_of::<T>(&answer)?;
            tracing::debug!(page = page_number, items = page.items.len(), next = ?page.next, "list page");
            for item in page.items {
                let hit = found(&item);
                all.push(item);
                if hit {
                    return Ok((all, true));
                }
            }
            let Some(next) = page.next else {
                return Ok((all, false));
            };
            if seen.contains(&next) {
                return Err(paging_error(
                    &answer,
                    "the API named a page already read as the next one",
                ));
            }
            path = self.next_path(&path, &next)?;
            seen.push(next);
        }
        Err(Error::Decode {
            url: format!("{}{path}", self.base_url()),
            status: http::StatusCode::OK,
            reason: format!("the list has more than {MAX_PAGES} pages; stopped there"),
        })
    }

    /// Every item of the list at `path`, all pages.
    pub(crate) async fn list_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>> {
        Ok(self.list_until(path, |_| false).await?.0)
    }
}

/// Decodes one page of an answer.
pub(crate) fn page_of<T: DeserializeOwned>(answer: &Answer) -> Result<Page<T>> {
    parse_page(decode::<Value>(answer)?).map_err(|reason| paging_error(answer, &reason))
}

fn paging_error(answer: &Answer, reason: &str) -> Error {
    Error::Decode {
        url: answer.url.clone(),
        status: answer.status,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;

    fn next(json: Value) -> Option<Next> {
        parse_page::<u8>(json).unwrap().next
    }

    #[test]
    fn lists_bare_or_wrapped() {
        let bare = parse_page::<u8>(json!([1, 2])).unwrap();
        let wrapped = parse_page::<u8>(json!({"items": [1, 2]})).unwrap();
        let data = parse_page::<u8>(json!({"data": [1, 2], "total": 2})).unwrap();
        assert_eq!(bare.items, [1, 2]);
        assert_eq!(wrapped.items, [1, 2]);
        assert_eq!(data.items, [1, 2]);
        assert!(bare.next.is_none() && wrapped.next.is_none() && data.next.is_none());
        assert!(parse_page::<u8>(json!({"total": 2})).is_err());
        assert!(parse_page::<u8>(json!("x")).is_err());
        assert!(parse_page::<u8>(json!({"items": ["x"]})).is_err());
    }

    #[test]
    fn cursors_links_and_page_numbers() {
        let cursor = |c: &str| Some(Next::Cursor(c.to_owned()));
        assert_eq!(next(json!({"items": [], "nextCursor": "c1"})), cursor("c1"));
        assert_eq!(
            next(json!({"items": [], "next_cursor": "c2"})),
            cursor("c2")
        );
        assert_eq!(next(json!({"items": [], "next": "c3"})), cursor("c3"));
        assert_eq!(
            next(json!({"items": [], "pagination": {"nextCursor": "c4"}})),
            cursor("c4")
        );
        assert_eq!(
            next(json!({"items": [], "meta": {"next": "/v1/customers?after=9"}})),
            Some(Next::Link("/v1/customers?after=9".into()))
        );
        assert_eq!(
            next(json!({"items": [], "next": "https://api.offblocks.xyz/v1/customers?p=2"})),
            Some(Next::Link(
                "https://api.offblocks.xyz/v1/customers?p=2".into()
            ))
        );
        assert_eq!(
            next(json!({"items": [], "page": 1, "hasMore": true})),
            Some(Next::Page(2))
        );
        assert_eq!(
            next(json!({"items": [], "page": 2, "has_more": false, "totalPages": 9})),
            None
        );
        assert_eq!(
            next(json!({"items": [], "page": 2, "totalPages": 3})),
            Some(Next::Page(3))
        );
        assert_eq!(
            next(json!({"items": [], "page": 3, "total_pages": 3})),
            None
        );
        assert_eq!(
            next(json!({"items": [], "page": 1, "pages": 2})),
            Some(Next::Page(2))
        );
        // The end: no field, an empty or null cursor, a page without a count.
        for end in [
            json!({"items": []}),
            json!({"items": [], "nextCursor": ""}),
            json!({"items": [], "next": null}),
            json!({"items": [], "page": 4}),
        ] {
            assert_eq!(next(end.clone()), None, "{end}");
        }
    }

    #[test]
    fn links_are_followed_within_the_base_url_only() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9/v1")
            .credentials("k", "s".to_owned())
            .signing_key(chainsig_httpsig::P384SigningKey::generate().unwrap())
            .build()
            .unwrap();
        let next = |path: &str, next: Next| client.next_path(path, &next);
        let link = |l: &str| Next::Link(l.to_owned());
        let path = "/customers?cursor=old";
        assert_eq!(
            next(path, link("http://127.0.0.1:9/v1/customers?a=1")).unwrap(),
            "/customers?a=1"
        );
        assert_eq!(
            next(path, link("/v1/customers?a=2")).unwrap(),
            "/customers?a=2"
        );
        assert_eq!(
            next(path, link("/customers?a=3")).unwrap(),
            "/customers?a=3"
        );
        assert_eq!(
            next(path, link("/v1x/customers")).unwrap(),
            "/v1x/customers"
        );
        for elsewhere in [
            "http://127.0.0.1:9/v1x/customers",
            "https://127.0.0.1:9/v1/customers",
            "http://evil/v1/customers",
        ] {
            assert!(
                matches!(next(path, link(elsewhere)), Err(Error::Decode { .. })),
                "{elsewhere}"
            );
        }
        assert_eq!(
            next(path, Next::Cursor("new".into())).unwrap(),
            "/customers?cursor=new"
        );
        assert_eq!(next(path, Next::Page(2)).unwrap(), "/customers?page=2");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            with_query("/customers", "cursor", "a b&c=d"),
            "/customers?cursor=a%20b%26c%3Dd"
        );
        assert_eq!(
            with_query("/customers?limit=2", "page", "3"),
            "/customers?limit=2&page=3"
        );
    }
}
