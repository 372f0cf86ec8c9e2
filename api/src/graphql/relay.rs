//! Relay connections over keyset pages: opaque cursors and a `totalCount` field.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use workers::page::Page;

use crate::graphql::error::ApiError;

/// Extra connection field: the size of the whole filtered list.
#[derive(SimpleObject)]
pub struct TotalCount {
    /// Rows in the whole list (all pages), after filters.
    pub total_count: i64,
}

/// A Relay connection with `totalCount`.
pub type CountedConnection<N> = Connection<String, N, TotalCount, EmptyFields>;

/// Whether the client selected `totalCount` (counting a big list is a scan: only on demand).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Encodes a list's sort key as an opaque cursor.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// Decodes an `after` argument back into the sort key.
pub fn decode_cursor(after: Option<&str>) -> Result<Option<String>, ApiError> {
    after
        .map(|cursor| {
            URL_SAFE_NO_PAD
                .decode(cursor)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| ApiError::bad_input("after", "is not a cursor from this list"))
        })
        .transpose()
}

/// Decodes an `after` argument of a list sorted by a numeric id.
pub fn decode_id_cursor(after: Option<&str>) -> Result<Option<i64>, ApiError> {
    decode_cursor(after)?
        .map(|raw| {
            raw.parse::<i64>()
                .map_err(|_| ApiError::bad_input("after", "is not a cursor from this list"))
        })
        .transpose()
}

/// Builds a connection from a page, its sort key and a node mapper.
pub fn connection<T, N: OutputType>(
    page: Page<T>,
    had_cursor: bool,
    key: impl Fn(&T) -> String,
    mut node: impl FnMut(T) -> N,
) -> CountedConnection<N> {
    let mut connection = Connection::with_additional_fields(
        had_cursor,
        page.has_next_page,
        TotalCount {
            // Counted only when the field was selected; an unselected value is never sent.
            total_count: page.total_count.map_or(0, |count| count as i64),
        },
    );
    connection.edges = page
        .items
        .into_iter()
        .map(|item| Edge::new(encode_cursor(&key(&item)), node(item)))
        .collect();
    connection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        let cursor = encode_cursor("bob@example.com");
        assert_eq!(
            decode_cursor(Some(&cursor)).unwrap().as_deref(),
            Some("bob@example.com")
        );
        assert_eq!(decode_cursor(None).unwrap(), None);
        assert!(matches!(
            decode_cursor(Some("%%%")),
            Err(ApiError::BadUserInput { .. })
        ));
    }
}
