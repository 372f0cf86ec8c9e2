//! The top of a page: the breadcrumb trail of a detail page, its title, and
//! the "New …" (or "Edit …") button that opens the page's form for those
//! allowed to use it.

use leptos::prelude::*;
use leptos_router::components::A;

/// A button that shows and hides a create or edit form further down the page.
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
            <div class="page-header__actions">
                {toggle.map(|toggle| view! { <FormToggleButton toggle /> })}
                {children.map(|children| children())}
            </div>
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

/// One step of a breadcrumb trail: a link, or the current page when `href`
/// is `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crumb {
    /// What the step says.
    pub label: String,
    /// Where it leads; `None` for the page itself.
    pub href: Option<String>,
}

impl Crumb {
    /// A step that links to `href`.
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    /// The page itself, last in the trail.
    pub fn here(label: impl Into<String>) -> Crumb {
        Crumb {
            label: label.into(),
            href: None,
        }
    }
}

/// The trail above a detail page's title, e.g. "Lists / Spring leads".
#[component]
pub fn Breadcrumbs(
    /// The steps, outermost first.
    trail: Vec<Crumb>,
) -> impl IntoView {
    let steps = trail
        .into_iter()
        .map(|crumb| match crumb.href {
            Some(href) => view! {
                <li>
                    <A href=href>{crumb.label}</A>
                </li>
            }
            .into_any(),
            None => view! { <li aria-current="page">{crumb.label}</li> }.into_any(),
        })
        .collect_view();
    view! {
        <nav aria-label="Breadcrumb">
            <ol class="breadcrumbs">{steps}</ol>
        </nav>
    }
}
