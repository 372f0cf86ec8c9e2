//! The campaign editor's model: template, lists with weights in order, the
//! list mix, selection rules, up to four sort fields and the agent group, as
//! typed; checked into the settings `api::campaigns` sends.

use crate::api::campaign_types::ListMix;
use crate::api::campaigns::get_campaign::GetCampaignCampaign as Campaign;
use crate::api::error::FieldError;
use crate::state::forms::field_error;

/// At most this many sort fields (the server's limit).
pub const MAX_SORT_FIELDS: usize = 4;

/// At most this many lists in one campaign.
pub const MAX_LISTS: usize = 20;

/// The fields a record order can name besides `other1`…`other20`, with their words.
pub const SORTABLE_FIELDS: &[(&str, &str)] = &[
    ("clientId", "Client id"),
    ("firstName", "First name"),
    ("lastName", "Last name"),
    ("company", "Company"),
    ("postalCode", "Postal code"),
    ("country", "Country"),
    ("timeZone", "Time zone"),
    ("other1", "Custom field 1"),
    ("other2", "Custom field 2"),
    ("other3", "Custom field 3"),
];

/// One list of the campaign, as the form holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListChoice {
    /// The contact list's id.
    pub list_id: String,
    /// Its name, for the row.
    pub name: String,
    /// Its weight as typed (1 to 100).
    pub weight: String,
}

/// One sort field as the form holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortChoice {
    /// The field's name (`lastName`, `other3`).
    pub field: String,
    /// Largest first.
    pub descending: bool,
}

/// The campaign editor's form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignDraft {
    /// Name, unique in the tenant.
    pub name: String,
    /// Optional description.
    pub description: String,
    /// The template's id ("" until picked).
    pub template_id: String,
    /// The lists in order.
    pub lists: Vec<ListChoice>,
    /// How the lists are mixed.
    pub list_mix: ListMix,
    /// Saved selection rules' ids.
    pub selection_rule_ids: Vec<String>,
    /// The record order.
    pub record_order: Vec<SortChoice>,
    /// Overrides the template's agent group.
    pub agent_group: String,
}

impl Default for CampaignDraft {
    fn default() -> Self {
        CampaignDraft {
            name: String::new(),
            description: String::new(),
            template_id: String::new(),
            lists: Vec::new(),
            list_mix: ListMix::Weighted,
            selection_rule_ids: Vec::new(),
            record_order: Vec::new(),
            agent_group: String::new(),
        }
    }
}

/// One list, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSetting {
    /// The list.
    pub list_id: String,
    /// Its weight.
    pub weight: i64,
}

/// What the editor sends, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignSettings {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Template.
    pub template_id: String,
    /// Lists in order.
    pub lists: Vec<ListSetting>,
    /// Mix.
    pub list_mix: ListMix,
    /// Selection rules.
    pub selection_rule_ids: Vec<String>,
    /// Sort fields (field, descending).
    pub record_order: Vec<(String, bool)>,
    /// Agent group.
    pub agent_group: Option<String>,
}

impl CampaignDraft {
    /// The form filled from a saved campaign.
    pub fn from_campaign(campaign: &Campaign) -> CampaignDraft {
        let mut lists = campaign.lists.clone();
        lists.sort_by_key(|entry| entry.position);
        CampaignDraft {
            name: campaign.name.clone(),
            description: campaign.description.clone().unwrap_or_default(),
            template_id: campaign.template_id.clone(),
            lists: lists
                .into_iter()
                .map(|entry| ListChoice {
                    name: entry
                        .list
                        .map(|list| list.name)
                        .unwrap_or_else(|| "(deleted list)".to_owned()),
                    list_id: entry.list_id,
                    weight: entry.weight.to_string(),
                })
                .collect(),
            list_mix: campaign.list_mix,
            selection_rule_ids: campaign.selection_rule_ids.clone(),
            record_order: campaign
                .record_order
                .iter()
                .map(|sort| SortChoice {
                    field: sort.field.clone(),
                    descending: sort.descending,
                })
                .collect(),
            agent_group: campaign.agent_group.clone().unwrap_or_default(),
        }
    }

    /// Adds a list at the end unless it is there already; false when not added.
    pub fn add_list(&mut self, list_id: &str, name: &str) -> bool {
        if list_id.is_empty()
            || self.lists.len() >= MAX_LISTS
            || self.lists.iter().any(|list| list.list_id == list_id)
        {
            return false;
        }
        self.lists.push(ListChoice {
            list_id: list_id.to_owned(),
            name: name.to_owned(),
            weight: "1".to_owned(),
        });
        true
    }

    /// Adds a sort field (the first sortable one not used yet), up to four.
    pub fn add_sort_field(&mut self) -> bool {
        if self.record_order.len() >= MAX_SORT_FIELDS {
            return false;
        }
        let unused = SORTABLE_FIELDS
            .iter()
            .map(|(field, _)| *field)
            .find(|field| !self.record_order.iter().any(|sort| sort.field == *field));
        let Some(field) = unused else {
            return false;
        };
        self.record_order.push(SortChoice {
            field: field.to_owned(),
            descending: false,
        });
        true
    }

    /// Ticks or unticks a selection rule.
    pub fn set_rule(&mut self, rule_id: &str, chosen: bool) {
        self.selection_rule_ids.retain(|id| id != rule_id);
        if chosen {
            self.selection_rule_ids.push(rule_id.to_owned());
        }
    }

    /// The typed settings, or every problem, each naming its field.
    pub fn to_settings(&self) -> Result<CampaignSettings, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problems.push(field_error("name", "Enter a name."));
        } else if name.chars().count() > 100 {
            problems.push(field_error("name", "At most 100 characters."));
        }
        if self.template_id.is_empty() {
            problems.push(field_error("templateId", "Pick a template."));
        }
        if self.lists.is_empty() {
            problems.push(field_error("lists", "Add at least one contact list."));
        }
        let lists: Vec<ListSetting> = self
            .lists
            .iter()
            .filter_map(|list| match list.weight.trim().parse::<i64>() {
                Ok(weight) if (1..=100).contains(&weight) => Some(ListSetting {
                    list_id: list.list_id.clone(),
                    weight,
                }),
                _ => {
                    problems.push(field_error(
                        "lists",
                        &format!(
                            "{}: the weight must be a whole number from 1 to 100.",
                            list.name
                        ),
                    ));
                    None
                }
            })
            .collect();
        let mut seen = Vec::new();
        for sort in &self.record_order {
            if seen.contains(&sort.field) {
                problems.push(field_error(
                    "recordOrder",
                    &format!("{} is sorted on twice.", sort.field),
                ));
            }
            seen.push(sort.field.clone());
        }
        if self.record_order.len() > MAX_SORT_FIELDS {
            problems.push(field_error("recordOrder", "At most four sort fields."));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let description = self.description.trim();
        let agent_group = self.agent_group.trim();
        Ok(CampaignSettings {
            name,
            description: (!description.is_empty()).then(|| description.to_owned()),
            template_id: self.template_id.clone(),
            lists,
            list_mix: self.list_mix,
            selection_rule_ids: self.selection_rule_ids.clone(),
            record_order: self
                .record_order
                .iter()
                .map(|sort| (sort.field.clone(), sort.descending))
                .collect(),
            agent_group: (!agent_group.is_empty()).then(|| agent_group.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect()
    }

    #[test]
    fn an_empty_form_names_what_is_missing() {
        let problems = CampaignDraft::default().to_settings().unwrap_err();
        assert_eq!(fields(&problems), ["name", "templateId", "lists"]);
    }

    #[test]
    fn a_filled_form_becomes_settings() {
        let mut draft = CampaignDraft {
            name: "Spring".into(),
            template_id: "t1".into(),
            agent_group: "  ".into(),
            ..CampaignDraft::default()
        };
        assert!(draft.add_list("l1", "Leads"));
        assert!(!draft.add_list("l1", "Leads"));
        assert!(draft.add_list("l2", "Old leads"));
        draft.lists[1].weight = "3".into();
        draft.set_rule("r1", true);
        draft.set_rule("r2", true);
        draft.set_rule("r1", false);
        assert!(draft.add_sort_field());
        assert!(draft.add_sort_field());
        draft.record_order[1].descending = true;
        let settings = draft.to_settings().expect("valid");
        assert_eq!(
            settings.lists,
            vec![
                ListSetting {
                    list_id: "l1".into(),
                    weight: 1
                },
                ListSetting {
                    list_id: "l2".into(),
                    weight: 3
                },
            ]
        );
        assert_eq!(settings.selection_rule_ids, ["r2"]);
        assert_eq!(
            settings.record_order,
            vec![
                ("clientId".to_owned(), false),
                ("firstName".to_owned(), true)
            ]
        );
        assert_eq!(settings.agent_group, None);
    }

    #[test]
    fn weights_duplicates_and_the_sort_limit_are_checked() {
        let mut draft = CampaignDraft {
            name: "Spring".into(),
            template_id: "t1".into(),
            ..CampaignDraft::default()
        };
        draft.add_list("l1", "Leads");
        draft.lists[0].weight = "0".into();
        for _ in 0..6 {
            draft.add_sort_field();
        }
        assert_eq!(draft.record_order.len(), MAX_SORT_FIELDS);
        draft.record_order[1].field = "clientId".into();
        let problems = draft.to_settings().unwrap_err();
        assert_eq!(fields(&problems), ["lists", "recordOrder"]);
    }
}
