//! Keyset pagination shared by every list use case.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// The largest page any list returns, whatever the caller asks for.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when the caller does not say.
pub const DEFAULT_PAGE_SIZE: u64 = 25;

/// One page of a keyset-paginated list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The rows of this page, in list order.
    pub items: Vec<T>,
    /// Whether rows follow the last one.
    pub has_next_page: bool,
    /// Rows in the whole (filtered) list, when the caller asked for it (a count is a scan).
    pub total_count: Option<u64>,
}

/// What a caller asks of a list: how many rows, and whether to count them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows per page (already clamped by [`page_size`]).
    pub size: u64,
    /// Whether to count the whole filtered list (a scan: only when shown).
    pub count_total: bool,
}

impl PageRequest {
    /// A page of `first` rows (clamped), counting the total only when asked.
    pub fn new(first: Option<i32>, count_total: bool) -> Self {
        Self {
            size: page_size(first),
            count_total,
        }
    }
}

/// Clamps a requested page size into `1..=MAX_PAGE_SIZE`.
pub fn page_size(first: Option<i32>) -> u64 {
    match first {
        Some(n) if n > 0 => (n as u64).min(MAX_PAGE_SIZE),
        _ => DEFAULT_PAGE_SIZE,
    }
}

impl<T> Page<T> {
    /// Builds a page from up to `size + 1` fetched rows (the extra row only says "more follow").
    pub fn from_overfetch(mut rows: Vec<T>, size: u64, total_count: Option<u64>) -> Self {
        let has_next_page = rows.len() as u64 > size;
        rows.truncate(size as usize);
        Page {
            items: rows,
            has_next_page,
            total_count,
        }
    }

    /// Maps every item, keeping the paging facts.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }
}

/// Fetches one keyset page of `query` ordered by the unique column `key`, starting after the
/// key value `after`; with `count_total`, also counts the whole filtered query.
pub async fn keyset_page<E, C, V>(
    db: &impl ConnectionTrait,
    query: Select<E>,
    key: C,
    order: Order,
    after: Option<V>,
    size: u64,
    count_total: bool,
) -> Result<Page<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ColumnTrait,
    V: Into<sea_orm::Value>,
{
    let total_count = if count_total {
        Some(query.clone().count(db).await?)
    } else {
        None
    };
    let query = match (after, &order) {
        (Some(after), Order::Desc) => query.filter(key.lt(after)),
        (Some(after), _) => query.filter(key.gt(after)),
        (None, _) => query,
    };
    let rows = query.order_by(key, order).limit(size + 1).all(db).await?;
    Ok(Page::from_overfetch(rows, size, total_count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_clamped() {
        assert_eq!(page_size(None), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(Some(0)), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(Some(-5)), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(Some(7)), 7);
        assert_eq!(page_size(Some(10_000)), MAX_PAGE_SIZE);
    }

    #[test]
    fn overfetch_sets_has_next() {
        let page = Page::from_overfetch(vec![1, 2, 3], 2, Some(9));
        assert_eq!(page.items, vec![1, 2]);
        assert!(page.has_next_page);
        let page = Page::from_overfetch(vec![1, 2], 2, None);
        assert!(!page.has_next_page);
    }
}
