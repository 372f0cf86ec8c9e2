//! The table set: a scrollable table with a header row, the pager under it,
//! and `PagedTable`, which puts one loaded page of a connection on screen.

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::state::models::Page;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE, range_label};

/// A data table; `children` are the `<tr>` rows.
#[component]
pub fn DataTable(
    /// Accessible name of the table, e.g. "Users".
    #[prop(into)]
    caption: String,
    /// Column titles, left to right.
    headers: Vec<&'static str>,
    /// The body rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        {headers
                            .into_iter()
                            .map(|header| view! { <th scope="col">{header}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// Previous/Next buttons with a "Showing 1–25 of 80" label.
#[component]
pub fn Pager(
    /// The range label.
    #[prop(into)]
    label: Signal<String>,
    /// Whether a previous page exists.
    #[prop(into)]
    has_previous: Signal<bool>,
    /// Whether a next page exists.
    #[prop(into)]
    has_next: Signal<bool>,
    /// Called by "Previous".
    on_previous: impl Fn() + 'static,
    /// Called by "Next".
    on_next: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="pager__label">{label}</span>
            <button
                type="button"
                class="button button--secondary"
                disabled=move || !has_previous.get()
                on:click=move |_| on_previous()
            >
                "Previous"
            </button>
            <button
                type="button"
                class="button button--secondary"
                disabled=move || !has_next.get()
                on:click=move |_| on_next()
            >
                "Next"
            </button>
        </nav>
    }
}

/// What a paged list's query brings back: the number of the page it asked
/// for (so the range label describes the rows shown, not a page still being
/// fetched) and that page.
pub type LoadedPage<Row> = Result<(usize, Page<Row>), ApiError>;

/// A paged list: "Loading …" until the first page arrives, then the rows
/// drawn by `render_rows` with a pager under them that moves `pager` (the
/// rows shown stay until the next page is there); an error banner instead
/// when loading fails.
#[component]
pub fn PagedTable<Row, RenderRows, RowsView>(
    /// The list's query; it reads `pager` for its `after` cursor.
    page: LocalResource<LoadedPage<Row>>,
    /// The paging state; Previous and Next move it.
    pager: RwSignal<CursorPager>,
    /// What is listed, for the loading line, e.g. "users".
    #[prop(into)]
    what: String,
    /// The banner's title when loading failed, e.g. "Could not load users".
    #[prop(into)]
    error_title: String,
    /// Draws a page's rows, or an empty state when it has none.
    render_rows: RenderRows,
) -> impl IntoView
where
    Row: Clone + 'static,
    RenderRows: Fn(Vec<Row>) -> RowsView + Clone + Send + 'static,
    RowsView: IntoView + 'static,
{
    let shown_page = move || {
        page.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title=error_title.clone() /> }.into_any(),
            Ok((page_number, page)) => {
                rows_and_pager(page_number, page, pager, render_rows.clone()).into_any()
            }
        })
    };
    view! { <Transition fallback=move || view! { <Loading what /> }>{shown_page}</Transition> }
}

/// Page `page_number`'s rows, then Previous/Next with the range label.
fn rows_and_pager<Row, RowsView>(
    page_number: usize,
    page: Page<Row>,
    pager: RwSignal<CursorPager>,
    render_rows: impl FnOnce(Vec<Row>) -> RowsView,
) -> impl IntoView
where
    RowsView: IntoView + 'static,
{
    let label = range_label(
        page_number,
        TABLE_PAGE_SIZE,
        page.rows.len(),
        page.total_count,
    );
    let end_cursor = page.end_cursor;
    let has_next = page.has_next_page && end_cursor.is_some();
    view! {
        {render_rows(page.rows)}
        <Pager
            label=label
            has_previous=Signal::derive(move || pager.with(CursorPager::has_previous))
            has_next=has_next
            on_previous=move || pager.update(CursorPager::go_previous)
            on_next=move || {
                if let Some(cursor) = end_cursor.clone() {
                    pager.update(|pager| pager.go_next(cursor));
                }
            }
        />
    }
}
