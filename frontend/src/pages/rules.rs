//! `/rules`: the tenant's selection rules (which records an import keeps) and split
//! rules (how an upload is cut into several lists), with their editors. The upload
//! wizard offers both in its mode step.

use leptos::prelude::*;

use crate::api::error::{ApiError, ErrorKind};
use crate::api::rules::{
    DeleteSelectionRule, DeleteSplitRule, SelectionRules, SplitRules, delete_selection_rule,
    delete_split_rule, selection_rules, split_rules,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::format_date;
use crate::state::nav::can_manage_lists;
use crate::state::rules::{
    SavedSelectionRule, SavedSplitRule, convert, describe_sets, describe_split,
};
use crate::state::session::Session;

mod forms;
mod picker;
mod split_form;

use forms::SelectionRuleForm;
pub use picker::RulesPicker;
use split_form::SplitRuleForm;

/// Which editor is open: none, a new rule, or an existing one.
type Editor<Rule> = RwSignal<Option<Option<Rule>>>;

/// Loads the tenant's selection rules (also used by the upload wizard).
pub async fn load_selection_rules(session: Session) -> Result<Vec<SavedSelectionRule>, ApiError> {
    let data = session
        .execute::<SelectionRules>(selection_rules::Variables {})
        .await?;
    convert(&data.selection_rules).map_err(|message| ApiError::new(ErrorKind::Protocol, message))
}

/// Loads the tenant's split rules (also used by the upload wizard).
pub async fn load_split_rules(session: Session) -> Result<Vec<SavedSplitRule>, ApiError> {
    let data = session
        .execute::<SplitRules>(split_rules::Variables {})
        .await?;
    convert(&data.split_rules).map_err(|message| ApiError::new(ErrorKind::Protocol, message))
}

/// The Rules page.
#[component]
pub fn RulesPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_lists(session.role()));
    let selection = LocalResource::new(move || load_selection_rules(session));
    let splits = LocalResource::new(move || load_split_rules(session));
    let selection_editor: Editor<SavedSelectionRule> = RwSignal::new(None);
    let split_editor: Editor<SavedSplitRule> = RwSignal::new(None);

    let delete_selection = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_selection_rule::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteSelectionRule>(variables).await;
            selection.refetch();
            result.map(|_| toasts.success(format!("Selection rule \"{name}\" deleted")))
        }
    });
    let delete_split = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_split_rule::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteSplitRule>(variables).await;
            splits.refetch();
            result.map(|_| toasts.success(format!("Split rule \"{name}\" deleted")))
        }
    });

    let selection_rows = move || {
        selection.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title="Could not load selection rules" /> }.into_any(),
            Ok(rules) => view! { <SelectionTable rules editor=selection_editor can_manage delete=delete_selection /> }.into_any(),
        })
    };
    let split_rows = move || {
        splits.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load split rules" /> }.into_any()
            }
            Ok(rules) => {
                view! { <SplitTable rules editor=split_editor can_manage delete=delete_split /> }
                    .into_any()
            }
        })
    };
    let selection_form = move || {
        selection_editor.get().map(|existing| {
            let on_done = move |saved: Option<String>| {
                selection_editor.set(None);
                if let Some(name) = saved {
                    toasts.success(format!("Selection rule \"{name}\" saved"));
                    selection.refetch();
                }
            };
            view! { <SelectionRuleForm existing=existing on_done=on_done /> }
        })
    };
    let split_form = move || {
        split_editor.get().map(|existing| {
            // The RULES parts pick among the saved selection rules.
            let choices = selection.get().and_then(Result::ok).unwrap_or_default();
            let on_done = move |saved: Option<String>| {
                split_editor.set(None);
                if let Some(name) = saved {
                    toasts.success(format!("Split rule \"{name}\" saved"));
                    splits.refetch();
                }
            };
            view! { <SplitRuleForm existing=existing selection_rules=choices on_done=on_done /> }
        })
    };

    view! {
        <PageHeader title="Rules" />
        <p class="page-intro">
            "Selection rules decide which records of an upload are kept: every condition of a \
             set must hold, and a record is kept when any set holds. Split rules cut an upload \
             into several lists. Choose them in the upload wizard's last step."
        </p>
        <section class="rules-section" aria-labelledby="selection-rules-title">
            <div class="section-header">
                <h2 id="selection-rules-title" class="section-title">"Selection rules"</h2>
                <Show when=move || can_manage.get() && selection_editor.with(Option::is_none)>
                    <button type="button" class="button button--primary"
                        on:click=move |_| selection_editor.set(Some(None))>
                        "New selection rule"
                    </button>
                </Show>
            </div>
            {selection_form}
            <ActionErrorBanner action=delete_selection title="The selection rule was not deleted" />
            <Transition fallback=move || view! { <Loading what="selection rules" /> }>{selection_rows}</Transition>
        </section>
        <section class="rules-section" aria-labelledby="split-rules-title">
            <div class="section-header">
                <h2 id="split-rules-title" class="section-title">"Split rules"</h2>
                <Show when=move || can_manage.get() && split_editor.with(Option::is_none)>
                    <button type="button" class="button button--primary"
                        on:click=move |_| split_editor.set(Some(None))>
                        "New split rule"
                    </button>
                </Show>
            </div>
            {split_form}
            <ActionErrorBanner action=delete_split title="The split rule was not deleted" />
            <Transition fallback=move || view! { <Loading what="split rules" /> }>{split_rows}</Transition>
        </section>
    }
}

/// Edit and Delete buttons of one row (for roles that manage lists).
#[component]
fn RowActions(
    name: String,
    on_edit: impl Fn() + 'static,
    on_delete: impl Fn() + 'static,
    can_manage: Memo<bool>,
) -> impl IntoView {
    let question = format!("Delete the rule \"{name}\"? Imports already started keep it.");
    let edit_label = format!("Edit {name}");
    let delete_label = format!("Delete {name}");
    can_manage.get_untracked().then(|| {
        view! {
            <button type="button" class="button button--small button--secondary"
                aria-label=edit_label on:click=move |_| on_edit()>
                "Edit"
            </button>
            <button type="button" class="button button--small button--danger"
                aria-label=delete_label
                on:click=move |_| {
                    if confirm(&question) {
                        on_delete();
                    }
                }>
                "Delete"
            </button>
        }
    })
}

/// The selection rules table.
#[component]
fn SelectionTable(
    rules: Vec<SavedSelectionRule>,
    editor: Editor<SavedSelectionRule>,
    can_manage: Memo<bool>,
    delete: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rules.is_empty() {
        return view! { <EmptyState message="No selection rules yet." /> }.into_any();
    }
    let rows = rules
        .into_iter()
        .map(|rule| {
            let keeps = describe_sets(&rule.sets);
            let (id, name) = (rule.id.clone(), rule.name.clone());
            let updated = format_date(&rule.updated_at);
            let description = rule.description.clone().unwrap_or_default();
            let edited = rule.clone();
            view! {
                <tr>
                    <td><strong>{rule.name.clone()}</strong><div class="muted">{description}</div></td>
                    <td class="rules-summary">{keeps}</td>
                    <td class="table__nowrap" title=rule.updated_at.clone()>{updated}</td>
                    <td class="table__actions">
                        <RowActions name=name.clone() can_manage
                            on_edit=move || editor.set(Some(Some(edited.clone())))
                            on_delete=move || { delete.dispatch_local((id.clone(), name.clone())); } />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let headers = vec!["Name", "Keeps records where", "Updated", ""];
    view! { <DataTable caption="Selection rules" headers>{rows}</DataTable> }.into_any()
}

/// The split rules table.
#[component]
fn SplitTable(
    rules: Vec<SavedSplitRule>,
    editor: Editor<SavedSplitRule>,
    can_manage: Memo<bool>,
    delete: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rules.is_empty() {
        return view! { <EmptyState message="No split rules yet." /> }.into_any();
    }
    let rows = rules
        .into_iter()
        .map(|rule| {
            let cuts = describe_split(&rule);
            let (id, name) = (rule.id.clone(), rule.name.clone());
            let updated = format_date(&rule.updated_at);
            let description = rule.description.clone().unwrap_or_default();
            let edited = rule.clone();
            view! {
                <tr>
                    <td><strong>{rule.name.clone()}</strong><div class="muted">{description}</div></td>
                    <td class="rules-summary">{cuts}</td>
                    <td class="table__nowrap" title=rule.updated_at.clone()>{updated}</td>
                    <td class="table__actions">
                        <RowActions name=name.clone() can_manage
                            on_edit=move || editor.set(Some(Some(edited.clone())))
                            on_delete=move || { delete.dispatch_local((id.clone(), name.clone())); } />
                    </td>
                </tr>
            }
        })
        .collect_view();
    let headers = vec!["Name", "Cuts the upload into", "Updated", ""];
    view! { <DataTable caption="Split rules" headers>{rows}</DataTable> }.into_any()
}
