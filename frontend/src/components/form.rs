//! The form set: labelled inputs and text areas with a hint and their error
//! underneath, wired for screen readers (`aria-invalid`, `aria-describedby`),
//! checkboxes, a select of choices, and the role and channel pickers.

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::schema_types::{Channel, UserRole};

/// The message `error` holds for `field` (the server's or the form's own
/// check), as the signal a field shows under itself.
pub fn field_message(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|error| {
            error
                .as_ref()
                .and_then(|error| error.field_message(field).map(str::to_owned))
        })
    })
}

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
    /// A short help text under the label, e.g. the expected format.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// A problem with the value, shown under the input.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let described_by = described_by(id, hint, error);
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id>
                {label}
            </label>
            <FieldHint id hint />
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
            <FieldError id error />
        </div>
    }
}

/// A labelled multi-line text box bound to `value`, showing `error` under it.
#[component]
pub fn TextAreaField(
    /// The text area's id, unique on the page; the label points at it.
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The text, two-way bound.
    value: RwSignal<String>,
    /// Visible lines.
    #[prop(default = 3)]
    rows: u32,
    /// A short help text under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// A problem with the value, shown under the text area.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let described_by = described_by(id, hint, error);
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id>
                {label}
            </label>
            <FieldHint id hint />
            <textarea
                class="input textarea"
                id=id
                name=id
                rows=rows
                bind:value=value
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            ></textarea>
            <FieldError id error />
        </div>
    }
}

/// A checkbox with its label and an optional hint, bound to `checked`.
#[component]
pub fn CheckboxField(
    /// The input's id, unique on the page.
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// What ticking it means.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The value, two-way bound.
    checked: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="checkbox">
            <input type="checkbox" id=id name=id bind:checked=checked />
            <label for=id>
                <span class="checkbox__label">{label}</span>
                {hint.map(|hint| view! { <span class="checkbox__hint">{hint}</span> })}
            </label>
        </div>
    }
}

/// The ids of the hint and the error (when shown) that describe a field.
fn described_by(
    id: &'static str,
    hint: Option<&'static str>,
    error: MaybeProp<String>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let ids: Vec<String> = [
            hint.map(|_| format!("{id}-hint")),
            error.get().map(|_| format!("{id}-error")),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The hint under a field's label, if it has one.
#[component]
fn FieldHint(id: &'static str, hint: Option<&'static str>) -> impl IntoView {
    hint.map(|hint| {
        view! {
            <p class="field__hint" id=format!("{id}-hint")>
                {hint}
            </p>
        }
    })
}

/// The field's error, while there is one.
#[component]
fn FieldError(id: &'static str, error: MaybeProp<String>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="field__error" id=format!("{id}-error")>
                    {message}
                </p>
            }
        })
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

/// A labelled `<select>` of the channels a new list can use.
#[component]
pub fn ChannelSelect(
    /// The select's id, unique on the page.
    id: &'static str,
    /// The channel selected, two-way bound.
    selected: RwSignal<Channel>,
) -> impl IntoView {
    let options = Channel::CHOOSABLE
        .into_iter()
        .map(|channel| {
            view! {
                <option value=channel.wire_name() selected=move || selected.get() == channel>
                    {channel.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label class="field__label" for=id>
                "Channel"
            </label>
            <select
                class="select"
                id=id
                on:change=move |event| {
                    if let Some(channel) = Channel::from_wire_name(&event_target_value(&event)) {
                        selected.set(channel);
                    }
                }
            >
                {options}
            </select>
        </div>
    }
}

/// A fieldset of checkboxes, one per choice, for a multi-select such as the
/// channels of a suppression list or an attempt rule.
#[component]
pub fn CheckboxGroup<Choice>(
    /// Prefix of the checkboxes' ids, unique on the page (`new-list-channel`).
    #[prop(into)]
    id_prefix: String,
    /// The legend, read with every checkbox.
    #[prop(into)]
    legend: String,
    /// The choices: value, wire name (for the id) and label.
    choices: Vec<(Choice, &'static str, &'static str)>,
    /// Whether a choice is ticked (tracked).
    is_ticked: impl Fn(Choice) -> bool + Clone + Send + Sync + 'static,
    /// Called with the choice and its new state.
    on_toggle: impl Fn(Choice, bool) + Clone + 'static,
    /// Whether the boxes are read-only.
    #[prop(into, optional)]
    disabled: Signal<bool>,
    /// A problem with the choice, shown under the boxes.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView
where
    Choice: Copy + Send + Sync + 'static,
{
    let boxes = choices
        .into_iter()
        .map(|(choice, wire_name, label)| {
            let id = format!("{id_prefix}-{}", wire_name.to_ascii_lowercase());
            let is_ticked = is_ticked.clone();
            let on_toggle = on_toggle.clone();
            let label_for = id.clone();
            view! {
                <label class="check-chip" for=label_for>
                    <input type="checkbox" id=id
                        prop:checked=move || is_ticked(choice)
                        disabled=move || disabled.get()
                        on:change=move |event| on_toggle(choice, event_target_checked(&event)) />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="check-group" class:field--invalid=move || error.get().is_some()>
            <legend class="field__label">{legend}</legend>
            <div class="check-group__boxes">{boxes}</div>
            {move || error.get().map(|message| view! { <p class="field__error">{message}</p> })}
        </fieldset>
    }
}

/// A labelled `<select>` of `(value, label)` choices bound to `value` (the
/// chosen choice's value), showing `error` under it.
#[component]
pub fn SelectField(
    /// The select's id, unique on the page; the label points at it.
    id: &'static str,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The chosen value, two-way bound.
    value: RwSignal<String>,
    /// The choices: value and label, in menu order.
    choices: Vec<(String, String)>,
    /// A first choice with an empty value ("None", "Choose…"), if any.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// A short help text under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// A problem with the choice, shown under the select.
    #[prop(into, optional)]
    error: MaybeProp<String>,
) -> impl IntoView {
    let described_by = described_by(id, hint, error);
    let placeholder = placeholder.map(|text| {
        view! {
            <option value="" selected=move || value.with(String::is_empty)>
                {text}
            </option>
        }
    });
    let options = choices
        .into_iter()
        .map(|(choice, text)| {
            let chosen = choice.clone();
            view! {
                <option value=choice selected=move || value.with(|value| *value == chosen)>
                    {text}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id>
                {label}
            </label>
            <FieldHint id hint />
            <select
                class="select"
                id=id
                name=id
                on:change=move |event| value.set(event_target_value(&event))
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            >
                {placeholder}
                {options}
            </select>
            <FieldError id error />
        </div>
    }
}
