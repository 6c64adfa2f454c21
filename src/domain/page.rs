//! Relay-style paging of ordered lists: `first`/`after`, `last`/`before`, with
//! opaque cursors that encode a position in the order.

use std::future::Future;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::{AppError, AppResult};

/// Items in a page when the client asks for no size.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page a client may ask for; asking for more is an error.
pub const MAX_PAGE_SIZE: u64 = 100;

const CURSOR_PREFIX: &str = "pos:";

/// What the client asked for.
#[derive(Clone, Debug, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Position of the first item in the whole list.
    pub offset: u64,
    pub has_previous: bool,
    pub has_next: bool,
    /// Length of the whole list, when it was counted.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// Pairs each item with its cursor.
    pub fn edges(self) -> impl Iterator<Item = (String, T)> {
        let offset = self.offset;
        self.items
            .into_iter()
            .enumerate()
            .map(move |(i, item)| (encode_cursor(offset + i as u64), item))
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            offset: self.offset,
            has_previous: self.has_previous,
            has_next: self.has_next,
            total: self.total,
        }
    }
}

/// The cursor of the item at `position`.
pub fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{position}"))
}

/// The position a cursor stands for; `argument` names it in the error.
pub fn decode_cursor(cursor: &str, argument: &str) -> AppResult<u64> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX)?.parse().ok())
        .ok_or_else(|| {
            AppError::bad_input(format!(
                "`{argument}` is not a cursor this API gave out; use a `cursor` or `pageInfo` value from an earlier page"
            ))
        })
}

fn page_size(value: Option<i32>, argument: &str) -> AppResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => Ok(Some(n as u64)),
        Some(n) => Err(AppError::bad_input(format!(
            "`{argument}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
        ))),
    }
}

/// Fetches the page `args` asks for. `count` gives the length of the whole list
/// and runs only when needed (`want_total`, or paging with `last`); `load`
/// gives up to `limit` items from position `offset` on.
pub async fn fetch<T, C, CF, L, LF>(
    args: &PageArgs,
    want_total: bool,
    count: C,
    load: L,
) -> AppResult<Page<T>>
where
    C: FnOnce() -> CF,
    CF: Future<Output = AppResult<u64>>,
    L: FnOnce(u64, u64) -> LF,
    LF: Future<Output = AppResult<Vec<T>>>,
{
    let first = page_size(args.first, "first")?;
    let last = page_size(args.last, "last")?;
    if first.is_some() && last.is_some() {
        return Err(AppError::bad_input(
            "pass either `first` or `last`, not both",
        ));
    }
    let start = match &args.after {
        Some(cursor) => decode_cursor(cursor, "after")? + 1,
        None => 0,
    };
    let before = match &args.before {
        Some(cursor) => Some(decode_cursor(cursor, "before")?),
        None => None,
    };

    // Paging backwards needs to know where the list ends, even with `before`:
    // rows may have left the list since the cursor was given out.
    let total = if want_total || last.is_some() {
        Some(count().await?)
    } else {
        None
    };
    let end = match (before, total) {
        (Some(b), Some(t)) => Some(b.min(t)),
        (Some(b), None) => Some(b),
        (None, t) => t,
    };

    if let Some(last) = last {
        let end = end.unwrap_or(start).max(start);
        let offset = end.saturating_sub(last).max(start);
        let items = load(offset, end - offset).await?;
        let has_next = total.is_some_and(|t| end < t);
        return Ok(Page {
            items,
            offset,
            has_previous: offset > 0,
            has_next,
            total,
        });
    }

    let size = first.unwrap_or(DEFAULT_PAGE_SIZE);
    let room = end.map_or(size, |end| end.saturating_sub(start).min(size));
    // One more than asked tells whether a next page exists.
    let mut items = load(start, room + 1).await?;
    let has_next = items.len() as u64 > room;
    items.truncate(room as usize);
    Ok(Page {
        items,
        offset: start,
        has_previous: start > 0,
        has_next,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn page(args: PageArgs, len: u64) -> AppResult<Page<u64>> {
        fetch(
            &args,
            true,
            || async move { Ok(len) },
            |offset, limit| async move { Ok((offset..(offset + limit).min(len)).collect()) },
        )
        .await
    }

    #[tokio::test]
    async fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(41), "after").unwrap(), 41);
        let err = decode_cursor("not-a-cursor", "after").unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
    }

    #[tokio::test]
    async fn first_and_after_walk_forward() {
        let p = page(
            PageArgs {
                first: Some(2),
                ..Default::default()
            },
            5,
        )
        .await
        .unwrap();
        assert_eq!(p.items, vec![0, 1]);
        assert!(!p.has_previous && p.has_next);
        let after = Some(encode_cursor(3));
        let p = page(
            PageArgs {
                first: Some(2),
                after,
                ..Default::default()
            },
            5,
        )
        .await
        .unwrap();
        assert_eq!(p.items, vec![4]);
        assert!(p.has_previous && !p.has_next);
    }

    #[tokio::test]
    async fn last_and_before_walk_backward() {
        let p = page(
            PageArgs {
                last: Some(2),
                ..Default::default()
            },
            5,
        )
        .await
        .unwrap();
        assert_eq!(p.items, vec![3, 4]);
        assert!(p.has_previous && !p.has_next);
        let before = Some(encode_cursor(3));
        let p = page(
            PageArgs {
                last: Some(2),
                before,
                ..Default::default()
            },
            5,
        )
        .await
        .unwrap();
        assert_eq!(p.items, vec![1, 2]);
        assert!(p.has_previous && p.has_next);
    }

    #[tokio::test]
    async fn first_with_before_stops_at_before() {
        let before = Some(encode_cursor(2));
        let p = page(
            PageArgs {
                first: Some(10),
                before,
                ..Default::default()
            },
            5,
        )
        .await
        .unwrap();
        assert_eq!(p.items, vec![0, 1]);
        assert!(p.has_next);
    }

    #[tokio::test]
    async fn sizes_outside_the_limits_are_errors() {
        for args in [
            PageArgs {
                first: Some(101),
                ..Default::default()
            },
            PageArgs {
                last: Some(-1),
                ..Default::default()
            },
            PageArgs {
                first: Some(1),
                last: Some(1),
                ..Default::default()
            },
        ] {
            assert_eq!(page(args, 5).await.unwrap_err().code(), "BAD_USER_INPUT");
        }
    }
}
