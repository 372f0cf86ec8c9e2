//! The table set: a scrollable table with a header row, and the pager under it.

use leptos::prelude::*;

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
