//! Paging over Relay connections (`first`/`after`).
//!
//! Two shapes: `CursorPager` walks page by page with Next/Previous (the
//! connection only pages forward, so it remembers the cursors it came
//! through); `Feed` grows a list with "Load more" and takes live items at
//! the top without duplicates.

/// Rows per page in every paged table (`components::table::PagedTable`).
pub const TABLE_PAGE_SIZE: i64 = 25;

/// Events per "Load more" in the audit log.
pub const FEED_PAGE_SIZE: i64 = 50;

/// Next/Previous paging state for a forward-only connection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CursorPager {
    /// The `after` cursors of the pages before the current one, oldest first.
    earlier: Vec<Option<String>>,
    /// The `after` cursor of the current page (`None` on the first page).
    current: Option<String>,
}

impl CursorPager {
    /// The `after` argument for the current page.
    pub fn after(&self) -> Option<String> {
        self.current.clone()
    }

    /// Moves to the page after the one whose last cursor is `end_cursor`.
    pub fn go_next(&mut self, end_cursor: String) {
        let previous = self.current.replace(end_cursor);
        self.earlier.push(previous);
    }

    /// Moves back one page; does nothing on the first page.
    pub fn go_previous(&mut self) {
        if let Some(previous) = self.earlier.pop() {
            self.current = previous;
        }
    }

    /// Whether there is a page before this one.
    pub fn has_previous(&self) -> bool {
        !self.earlier.is_empty()
    }

    /// The current page's number, starting at 1.
    pub fn page_number(&self) -> usize {
        self.earlier.len() + 1
    }

    /// Back to the first page (after a new search, say).
    pub fn reset(&mut self) {
        *self = CursorPager::default();
    }
}

/// "Showing 26–50 of 120" for page `page_number` holding `rows_on_page` rows.
pub fn range_label(page_number: usize, page_size: i64, rows_on_page: usize, total: i64) -> String {
    if rows_on_page == 0 {
        return if total == 0 {
            "Nothing to show".to_owned()
        } else {
            format!("No more rows (of {total})")
        };
    }
    let page_size = usize::try_from(page_size).unwrap_or(1);
    let first = (page_number.saturating_sub(1)) * page_size + 1;
    let last = first + rows_on_page - 1;
    format!("Showing {first}–{last} of {total}")
}

/// Anything with a stable id, so a feed can skip items it already holds.
pub trait Identified {
    /// The item's id.
    fn id(&self) -> &str;
}

/// A list grown page by page ("Load more") and from the top by live events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feed<T> {
    /// The items, newest first.
    items: Vec<T>,
    /// Where the next page starts.
    end_cursor: Option<String>,
    /// Whether the server has more pages.
    has_more: bool,
}

impl<T> Default for Feed<T> {
    fn default() -> Self {
        Feed {
            items: Vec::new(),
            end_cursor: None,
            has_more: false,
        }
    }
}

impl<T: Identified> Feed<T> {
    /// The items, newest first.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The `after` argument for the next "Load more".
    pub fn next_cursor(&self) -> Option<String> {
        self.end_cursor.clone()
    }

    /// Whether "Load more" has anything to load.
    pub fn has_more(&self) -> bool {
        self.has_more && self.end_cursor.is_some()
    }

    /// Starts over with a first page (after the filter changed).
    pub fn replace(&mut self, page: Vec<T>, has_more: bool, end_cursor: Option<String>) {
        *self = Feed::default();
        self.append(page, has_more, end_cursor);
    }

    /// Adds an older page at the bottom, skipping items already present
    /// (a live event can also come back in a page fetched after it).
    pub fn append(&mut self, page: Vec<T>, has_more: bool, end_cursor: Option<String>) {
        for item in page {
            if !self.contains(item.id()) {
                self.items.push(item);
            }
        }
        self.has_more = has_more;
        self.end_cursor = end_cursor;
    }

    /// Puts a live item on top; returns false when it was already there.
    pub fn prepend(&mut self, item: T) -> bool {
        if self.contains(item.id()) {
            return false;
        }
        self.items.insert(0, item);
        true
    }

    fn contains(&self, id: &str) -> bool {
        self.items.iter().any(|existing| existing.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Item(&'static str);

    impl Identified for Item {
        fn id(&self) -> &str {
            self.0
        }
    }

    #[test]
    fn pager_walks_forward_and_back() {
        let mut pager = CursorPager::default();
        assert_eq!(pager.after(), None);
        assert!(!pager.has_previous());
        pager.go_next("c25".to_owned());
        pager.go_next("c50".to_owned());
        assert_eq!(pager.after().as_deref(), Some("c50"));
        assert_eq!(pager.page_number(), 3);
        pager.go_previous();
        assert_eq!(pager.after().as_deref(), Some("c25"));
        pager.go_previous();
        assert_eq!(pager.after(), None);
        assert_eq!(pager.page_number(), 1);
        pager.go_previous();
        assert_eq!(pager.page_number(), 1);
    }

    #[test]
    fn pager_reset_returns_to_the_first_page() {
        let mut pager = CursorPager::default();
        pager.go_next("c25".to_owned());
        pager.reset();
        assert_eq!(pager, CursorPager::default());
    }

    #[test]
    fn range_labels() {
        assert_eq!(range_label(1, 25, 25, 120), "Showing 1–25 of 120");
        assert_eq!(range_label(2, 25, 25, 120), "Showing 26–50 of 120");
        assert_eq!(range_label(5, 25, 20, 120), "Showing 101–120 of 120");
        assert_eq!(range_label(1, 25, 0, 0), "Nothing to show");
        assert_eq!(range_label(3, 25, 0, 40), "No more rows (of 40)");
    }

    #[test]
    fn feed_appends_pages_and_prepends_live_items_once() {
        let mut feed = Feed::default();
        feed.replace(vec![Item("3"), Item("2")], true, Some("c2".to_owned()));
        assert!(feed.has_more());
        assert!(feed.prepend(Item("4")));
        assert!(!feed.prepend(Item("4")));
        feed.append(vec![Item("2"), Item("1")], false, Some("c1".to_owned()));
        let ids: Vec<&str> = feed.items().iter().map(|item| item.0).collect();
        assert_eq!(ids, vec!["4", "3", "2", "1"]);
        assert!(!feed.has_more());
    }

    #[test]
    fn feed_without_a_cursor_has_nothing_more() {
        let mut feed: Feed<Item> = Feed::default();
        feed.replace(vec![], true, None);
        assert!(!feed.has_more());
        assert_eq!(feed.next_cursor(), None);
    }
}
