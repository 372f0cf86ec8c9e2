//! The form set: labelled inputs with their error underneath, wired for
//! screen readers (`aria-invalid`, `aria-describedby`), and the role picker.

use leptos::prelude::*;

use crate::api::schema_types::UserRole;

/// A labelled text input bound to `value`, showing `error` under it.
#[component]
pub fn TextField(
    /// The input's id, unique on the page; the label points at it.
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The text, two-way bound.
    value: RwSignal<String>,
    /// The input type: `text`, `email`, `password`, `search`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser autofill hint, e.g. `username` or `new-password`.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Whether the browser should insist on a value.
    #[prop(optional)]
    required: bool,
    /// A problem with the value, shown under the input.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().map(|_| error_id.clone())
    };
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id>
                {label}
            </label>
            <input
                class="input"
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                required=required
                bind:value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="field__error" id=error_id.clone()>
                                {message}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// A `<select>` of the assignable roles.
#[component]
pub fn RoleSelect(
    /// The select's id, unique on the page.
    #[prop(into)]
    id: String,
    /// The label; read by screen readers even when hidden.
    #[prop(into)]
    label: String,
    /// Show the label (forms) or keep it for screen readers only (table rows).
    #[prop(optional)]
    hide_label: bool,
    /// The role currently selected.
    #[prop(into)]
    selected: Signal<UserRole>,
    /// Called with the role the user picks.
    on_change: impl Fn(UserRole) + 'static,
    /// Whether the select is disabled.
    #[prop(into, optional)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let label_class = if hide_label {
        "visually-hidden"
    } else {
        "field__label"
    };
    let options = UserRole::ASSIGNABLE
        .into_iter()
        .map(|role| {
            view! {
                <option value=role.wire_name() selected=move || selected.get() == role>
                    {role.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <label class=label_class for=id.clone()>
            {label}
        </label>
        <select
            class="select"
            id=id
            disabled=disabled
            on:change=move |event| {
                if let Some(role) = UserRole::from_wire_name(&event_target_value(&event)) {
                    on_change(role);
                }
            }
        >
            {options}
        </select>
    }
}
