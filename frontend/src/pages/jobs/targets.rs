//! The job editor's "Target" block: what a job works on — the contact list
//! (or a new list per file), the saved import mapping and mode, the
//! suppression list, the campaign, the purge age — each field shown only
//! when the chosen kind needs it.

use leptos::prelude::*;

use crate::api::schema_types::ImportMode;
use crate::components::form::{CheckboxField, SelectField, TextField};
use crate::state::jobs::KindNeeds;

/// `(value, label)` choices of a select.
pub(super) type Choices = Vec<(String, String)>;

/// `(wire name, label)` choices of an enum.
pub(super) fn enum_choices<Value: Copy>(
    values: &[Value],
    wire_name: fn(Value) -> &'static str,
    label: fn(Value) -> &'static str,
) -> Choices {
    values
        .iter()
        .map(|&value| (wire_name(value).to_owned(), label(value).to_owned()))
        .collect()
}

/// The blocks naming what a job works on: the contact list (or a new list
/// per file), the import mapping and mode, the suppression list, the
/// campaign, the purge age — each shown only when the kind needs it.
#[component]
pub(super) fn TargetFields(
    needs: Memo<KindNeeds>,
    contact_lists: Choices,
    suppression_lists: Choices,
    campaigns: Choices,
    mappings: Choices,
    contact_list: RwSignal<String>,
    new_list_name: RwSignal<String>,
    mapping: RwSignal<String>,
    import_mode: RwSignal<String>,
    suppression_list: RwSignal<String>,
    campaign: RwSignal<String>,
    start_campaign: RwSignal<bool>,
    purge_days: RwSignal<String>,
    message: Callback<&'static str, Signal<Option<String>>>,
) -> impl IntoView {
    let mode_choices = enum_choices(&ImportMode::ALL, ImportMode::wire_name, ImportMode::label);
    let mode_choices = StoredValue::new(mode_choices);
    let contact_lists = StoredValue::new(contact_lists);
    let suppression_lists = StoredValue::new(suppression_lists);
    let campaigns = StoredValue::new(campaigns);
    let mappings = StoredValue::new(mappings);
    let new_list = move || needs.get().new_list;
    view! {
        <Show when=move || needs.get().contact_list || needs.get().import_settings
            || needs.get().suppression_list || needs.get().campaign || needs.get().purge>
            <fieldset class="fieldset">
                <legend class="section-title">"Target"</legend>
                <div class="form__grid">
                    <Show when=move || needs.get().contact_list && new_list()>
                        <SelectField id="job-contact-list" label="Contact list" value=contact_list
                            choices=contact_lists.get_value() placeholder="A new list per file"
                            error=message.run("contactListId") />
                    </Show>
                    <Show when=move || needs.get().contact_list && !new_list()>
                        <SelectField id="job-contact-list" label="Contact list" value=contact_list
                            choices=contact_lists.get_value() placeholder="Choose a list…"
                            error=message.run("contactListId") />
                    </Show>
                    <Show when=move || new_list() && contact_list.with(String::is_empty)>
                        <TextField id="job-new-list-name" label="New list name" value=new_list_name
                            autocomplete="off" hint="{file} and date tokens allowed, e.g. Leads {date:%Y-%m-%d}"
                            error=message.run("newListName") />
                    </Show>
                    <Show when=move || needs.get().import_settings>
                        <SelectField id="job-import-mapping" label="Import mapping" value=mapping
                            choices=mappings.get_value() placeholder="Columns by header name"
                            error=message.run("importMappingId") />
                        <SelectField id="job-import-mode" label="Import mode" value=import_mode
                            choices=mode_choices.get_value() error=message.run("importMode") />
                    </Show>
                    <Show when=move || needs.get().suppression_list>
                        <SelectField id="job-suppression-list" label="Suppression list" value=suppression_list
                            choices=suppression_lists.get_value() placeholder="Choose a list…"
                            error=message.run("suppressionListId") />
                    </Show>
                    <Show when=move || needs.get().campaign>
                        <SelectField id="job-campaign" label="Campaign" value=campaign
                            choices=campaigns.get_value() placeholder="Choose a campaign…"
                            error=message.run("campaignId") />
                    </Show>
                    <Show when=move || needs.get().start_campaign>
                        <div class="form__wide">
                            <CheckboxField id="job-start-campaign" label="Start the campaign"
                                hint="Start it once the list is loaded." checked=start_campaign />
                        </div>
                    </Show>
                    <Show when=move || needs.get().purge>
                        <TextField id="job-purge-after-days" label="Purge data older than (days)"
                            value=purge_days input_type="number" error=message.run("purgeAfterDays") />
                    </Show>
                </div>
            </fieldset>
        </Show>
    }
}
