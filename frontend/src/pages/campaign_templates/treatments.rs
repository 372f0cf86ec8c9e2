//! The template editor's treatments table: every call result's effective
//! treatment, the template's own ones editable and marked, the built-in
//! defaults read-only with "Customise", and a picker to add one.

use leptos::prelude::*;

use crate::api::campaign_types::{CallResult, TreatmentKind};
use crate::api::error::ApiError;
use crate::components::table::DataTable;
use crate::state::campaigns::template_draft::TemplateDraft;
use crate::state::campaigns::treatments::{TreatmentRow, treatment_lines};

use super::editor::message_for;

/// Every call result's treatment: the template's own ones editable and
/// marked, the defaults read-only with "Customise".
#[component]
pub fn TreatmentsTable(
    draft: RwSignal<TemplateDraft>,
    effective: Vec<TreatmentRow>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let treatments_error = message_for(error, "treatments");
    let to_add = RwSignal::new(None::<CallResult>);
    let rows = move || {
        let own = draft.with(|draft| draft.treatments.clone());
        let lines = treatment_lines(&effective, &own);
        if lines.is_empty() {
            return view! {
                <tr><td colspan="9" class="muted">
                    "Every result gets the built-in default; add a treatment to change one."
                </td></tr>
            }
            .into_any();
        }
        lines
            .into_iter()
            .map(|line| view! { <TreatmentLineRow row=line.row own=line.own draft /> })
            .collect_view()
            .into_any()
    };
    let add_options = move || {
        draft
            .with(TemplateDraft::untreated_results)
            .into_iter()
            .map(|result| view! { <option value=result.wire_name()>{result.label()}</option> })
            .collect_view()
    };
    let headers = vec![
        "Call result",
        "Set by",
        "Treatment",
        "Interval (min)",
        "Increment (min)",
        "Max attempts",
        "Retry at",
        "Suppress device",
        "",
    ];
    view! {
        <fieldset class="check-group" id="template-treatments"
            class:field--invalid=move || treatments_error.get().is_some()>
            <legend class="field__label">"Treatments: what happens after each call result"</legend>
            <DataTable caption="Treatments" headers>{rows}</DataTable>
            <div class="toolbar toolbar--inline">
                <label class="visually-hidden" for="template-treatment-result">"Call result to treat"</label>
                <select class="select" id="template-treatment-result"
                    prop:value=move || to_add.get().map(|result| result.wire_name()).unwrap_or("")
                    on:change=move |event| to_add.set(CallResult::from_wire_name(&event_target_value(&event)))>
                    <option value="">"Pick a call result"</option>
                    {add_options}
                </select>
                <button type="button" class="button button--secondary"
                    on:click=move |_| {
                        if let Some(result) = to_add.get_untracked() {
                            draft.update(|draft| {
                                if !draft.treatments.iter().any(|row| row.result == result) {
                                    draft.treatments.push(TreatmentRow::new(result));
                                }
                            });
                            to_add.set(None);
                        }
                    }>
                    "Add treatment"
                </button>
            </div>
            {move || treatments_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
        </fieldset>
    }
}

/// One row of the treatments table.
#[component]
fn TreatmentLineRow(row: TreatmentRow, own: bool, draft: RwSignal<TemplateDraft>) -> impl IntoView {
    let result = row.result;
    if !own {
        let copy = row.clone();
        return view! {
            <tr class="treatment treatment--default">
                <td>{result.label()}</td>
                <td><span class="badge badge--muted">"Default"</span></td>
                <td colspan="6">{row.summary()}</td>
                <td class="table__actions">
                    <button type="button" class="button button--small button--secondary"
                        on:click=move |_| draft.update(|draft| draft.treatments.push(copy.clone()))>
                        "Customise"
                    </button>
                </td>
            </tr>
        }
        .into_any();
    }
    let edit = move |change: Box<dyn Fn(&mut TreatmentRow)>| {
        draft.update(|draft| {
            if let Some(mine) = draft
                .treatments
                .iter_mut()
                .find(|mine| mine.result == result)
            {
                change(mine);
            }
        });
    };
    let number_cell = move |value: String,
                            label: &'static str,
                            setter: fn(&mut TreatmentRow, String),
                            enabled: bool| {
        let id = format!(
            "treatment-{}-{}",
            result.wire_name().to_ascii_lowercase(),
            label.to_ascii_lowercase().replace(' ', "-")
        );
        view! {
            <td>
                <label class="visually-hidden" for=id.clone()>{format!("{} {label}", result.label())}</label>
                <input class="input input--narrow" id=id inputmode="numeric" prop:value=value disabled={!enabled}
                    on:change=move |event| {
                        let text = event_target_value(&event);
                        edit(Box::new(move |mine| setter(mine, text.clone())));
                    } />
            </td>
        }
    };
    let retry = row.kind == TreatmentKind::Retry;
    let retry_at = row.kind == TreatmentKind::RetryAt;
    let kind_id = format!("treatment-{}-kind", result.wire_name().to_ascii_lowercase());
    let kind_options = TreatmentKind::ALL
        .iter()
        .map(|kind| view! { <option value=kind.wire_name() selected={*kind == row.kind}>{kind.label()}</option> })
        .collect_view();
    view! {
        <tr class="treatment treatment--own">
            <td>{result.label()}</td>
            <td><span class="badge badge--info">"This template"</span></td>
            <td>
                <label class="visually-hidden" for=kind_id.clone()>{format!("{} treatment", result.label())}</label>
                <select class="select" id=kind_id
                    on:change=move |event| {
                        if let Some(kind) = TreatmentKind::from_wire_name(&event_target_value(&event)) {
                            edit(Box::new(move |mine| mine.kind = kind));
                        }
                    }>
                    {kind_options}
                </select>
            </td>
            {number_cell(row.interval.clone(), "interval", |mine, text| mine.interval = text, retry)}
            {number_cell(row.increment.clone(), "increment", |mine, text| mine.increment = text, retry)}
            {number_cell(row.max_attempts.clone(), "max attempts", |mine, text| mine.max_attempts = text, retry)}
            <td>
                <input class="input" type="text" placeholder="2026-12-01T09:00:00Z" prop:value=row.at.clone()
                    aria-label=format!("{} retry at", result.label()) disabled={!retry_at}
                    on:change=move |event| {
                        let text = event_target_value(&event);
                        edit(Box::new(move |mine| mine.at = text.clone()));
                    } />
            </td>
            <td>
                <input type="checkbox" prop:checked=row.suppress_device
                    aria-label=format!("{} suppresses the device", result.label())
                    on:change=move |event| {
                        let ticked = event_target_checked(&event);
                        edit(Box::new(move |mine| mine.suppress_device = ticked));
                    } />
            </td>
            <td class="table__actions">
                <button type="button" class="button button--small button--secondary"
                    title="Back to the built-in default"
                    on:click=move |_| draft.update(|draft| draft.treatments.retain(|mine| mine.result != result))>
                    "Use default"
                </button>
            </td>
        </tr>
    }
    .into_any()
}
