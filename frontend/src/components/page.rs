//! The top of a page: its title, and the "New …" button that opens the
//! page's create form for those allowed to create.

use leptos::prelude::*;

/// A button that shows and hides a create form further down the page.
#[derive(Clone, Copy)]
pub struct FormToggle {
    /// The button's text, e.g. "New user".
    pub label: &'static str,
    /// The id of the form it shows (`aria-controls`).
    pub form_id: &'static str,
    /// Whether the form is shown; the button flips it.
    pub open: RwSignal<bool>,
    /// Whether the user may create at all; the button is hidden otherwise.
    pub allowed: Signal<bool>,
}

/// The page title, the optional form toggle, then `children` (a status
/// indicator, say) on the right.
#[component]
pub fn PageHeader(
    /// The `<h1>` text.
    #[prop(into)]
    title: String,
    /// The "New …" button, on pages with a create form.
    #[prop(optional)]
    toggle: Option<FormToggle>,
    /// Anything else for the header's right-hand side.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            {toggle.map(|toggle| view! { <FormToggleButton toggle /> })}
            {children.map(|children| children())}
        </header>
    }
}

/// The toggle's button, present only while the user may create.
#[component]
fn FormToggleButton(toggle: FormToggle) -> impl IntoView {
    let FormToggle {
        label,
        form_id,
        open,
        allowed,
    } = toggle;
    view! {
        <Show when=move || allowed.get()>
            <button
                type="button"
                class="button button--primary"
                aria-expanded=move || open.get().to_string()
                aria-controls=form_id
                on:click=move |_| open.update(|shown| *shown = !*shown)
            >
                {label}
            </button>
        </Show>
    }
}
