//! The calling-window half of the rule editor: the channels the windows
//! apply to, the default window and each region override drawn on a week
//! grid (7 days × 24 hours) with their slots to edit, the region picker,
//! the holidays calendar and how a device's zone is chosen.

use leptos::prelude::*;

use super::{Editor, path_message};
use crate::api::schema_types::Channel;
use crate::components::form::CheckboxGroup;
use crate::pages::suppression::channel_choices;
use crate::state::compliance::editor::WindowKey;
use crate::state::compliance::grid::{describe_day, week_grid};
use crate::state::compliance::{Day, RuleSet, Slot};

/// The id fragment of a window: `default` or the region code in lower case.
fn window_slug(key: &WindowKey) -> String {
    match key {
        WindowKey::Default => "default".to_owned(),
        WindowKey::Region(code) => code.to_ascii_lowercase(),
    }
}

/// The calling windows, holidays and zone settings.
#[component]
pub fn WindowsEditor(editor: Editor, regions: Vec<String>) -> impl IntoView {
    let draft = editor.draft;
    let keys = Memo::new(move |_| draft.with(RuleSet::window_keys));
    let disabled = Signal::derive(move || !editor.can_edit);
    view! {
        <section class="panel" aria-labelledby="windows-title">
            <h2 id="windows-title">"Calling windows"</h2>
            <p class="muted">
                "A device may be reached only inside its window, in its own local time. A region \
                 override replaces the default window there; a number spanning several zones must \
                 be inside the window in all of them."
            </p>
            <CheckboxGroup id_prefix="windows-channel" legend="Windows apply to"
                choices=channel_choices()
                is_ticked=move |channel: Channel| draft.with(|rules| rules.calling_windows.applies_to.contains(&channel))
                on_toggle=move |channel, on| draft.update(|rules| rules.set_window_channel(channel, on))
                disabled
                error=path_message(editor.error, "callingWindows.appliesTo".to_owned()) />
            <div class="grid-legend" aria-hidden="true">
                <span class="week-grid__cell week-grid__cell--open"></span>" Open "
                <span class="week-grid__cell week-grid__cell--partial"></span>" Part of the hour "
                <span class="week-grid__cell"></span>" Closed"
            </div>
            <For each=move || keys.get() key=|key| key.clone()
                children=move |key| view! { <WindowCard editor key /> } />
            {editor.can_edit.then(|| view! { <RegionPicker editor regions /> })}
        </section>
        <div class="panel-pair">
            <HolidaysEditor editor />
            <ZoneSettings editor />
        </div>
    }
}

/// One window: its grid, its slots and, for an override, "Remove override".
#[component]
fn WindowCard(editor: Editor, key: WindowKey) -> impl IntoView {
    let draft = editor.draft;
    let slug = window_slug(&key);
    let title = key.title();
    let grid_key = key.clone();
    let count_key = key.clone();
    let slot_count = Memo::new(move |_| {
        draft.with(|rules| {
            rules
                .window(&count_key)
                .map_or(0, |window| window.slots.len())
        })
    });
    let grid = move || {
        let Some(window) = draft.with(|rules| rules.window(&grid_key).cloned()) else {
            return ().into_any();
        };
        view! { <WeekGrid window /> }.into_any()
    };
    let remove_override = match (&key, editor.can_edit) {
        (WindowKey::Region(code), true) => {
            let code = code.clone();
            let label = format!("Remove the {code} override");
            Some(view! {
                <button type="button" class="button button--small button--danger" aria-label=label
                    on:click=move |_| draft.update(|rules| rules.remove_region(&code))>
                    "Remove override"
                </button>
            })
        }
        _ => None,
    };
    let add_key = key.clone();
    let add_slot = editor.can_edit.then(|| view! {
        <button type="button" class="button button--small button--secondary" id=format!("window-{slug}-add-slot")
            on:click=move |_| draft.update(|rules| {
                if let Some(window) = rules.window_mut(&add_key) {
                    window.add_slot();
                }
            })>
            "Add slot"
        </button>
    });
    let slot_key = key.clone();
    view! {
        <div class="window-card" id=format!("window-{}", window_slug(&key))>
            <div class="section-header">
                <h3>{title}</h3>
                {remove_override}
            </div>
            {grid}
            <div class="slots">
                <For each=move || 0..slot_count.get() key=|index| *index
                    children=move |index| view! { <SlotRow editor key=slot_key.clone() index /> } />
                {add_slot}
            </div>
        </div>
    }
}

/// The 7 × 24 grid of one window, with each day's hours in words.
#[component]
fn WeekGrid(window: crate::state::compliance::WeeklyWindow) -> impl IntoView {
    let hours = (0..24)
        .map(|hour| {
            let label = if hour % 3 == 0 {
                format!("{hour:02}")
            } else {
                String::new()
            };
            view! { <th scope="col" class="week-grid__hour">{label}</th> }
        })
        .collect_view();
    let rows = week_grid(&window)
        .into_iter()
        .map(|(day, cells)| {
            let cells = cells
                .iter()
                .map(|coverage| view! { <td class=coverage.class()></td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row" class="week-grid__day">{day.short_name()}</th>
                    {cells}
                    <td class="week-grid__hours">{describe_day(&window, day)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="week-grid">
                <caption class="visually-hidden">"Calling hours by day and hour"</caption>
                <thead><tr><th></th>{hours}<th class="week-grid__hours">"Hours"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One slot: its days, start and end, and "Remove".
#[component]
fn SlotRow(editor: Editor, key: WindowKey, index: usize) -> impl IntoView {
    let draft = editor.draft;
    let prefix = format!("window-{}-slot-{index}", window_slug(&key));
    let path = format!("{}.slots[{index}]", key.path());
    let read = {
        let key = key.clone();
        move |pick: fn(&Slot) -> String| {
            let key = key.clone();
            move || {
                draft.with(|rules| {
                    rules
                        .window(&key)
                        .and_then(|window| window.slots.get(index))
                        .map(pick)
                        .unwrap_or_default()
                })
            }
        }
    };
    let write = {
        let key = key.clone();
        move |change: fn(&mut Slot, String)| {
            let key = key.clone();
            move |event: leptos::ev::Event| {
                let value = event_target_value(&event);
                draft.update(|rules| {
                    if let Some(slot) = rules
                        .window_mut(&key)
                        .and_then(|window| window.slots.get_mut(index))
                    {
                        change(slot, value);
                    }
                });
            }
        }
    };
    let days = Day::ALL
        .into_iter()
        .map(|day| {
            let id = format!("{prefix}-day-{}", day.short_name().to_ascii_lowercase());
            let read_key = key.clone();
            let write_key = key.clone();
            let label_for = id.clone();
            view! {
                <label class="day-chip" for=label_for>
                    <input type="checkbox" id=id disabled=!editor.can_edit
                        prop:checked=move || draft.with(|rules| rules.window(&read_key)
                            .and_then(|window| window.slots.get(index))
                            .is_some_and(|slot| slot.days.contains(&day)))
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            draft.update(|rules| {
                                if let Some(slot) = rules.window_mut(&write_key).and_then(|window| window.slots.get_mut(index)) {
                                    slot.set_day(day, on);
                                }
                            });
                        } />
                    <span>{day.short_name()}</span>
                </label>
            }
        })
        .collect_view();
    let start_error = path_message(editor.error, format!("{path}.start"));
    let end_error = path_message(editor.error, format!("{path}.end"));
    let slot_error = path_message(editor.error, path.clone());
    let days_error = path_message(editor.error, format!("{path}.days"));
    let remove_key = key.clone();
    let remove = editor.can_edit.then(|| {
        view! {
            <button type="button" class="button button--small button--secondary"
                aria-label=format!("Remove slot {}", index + 1)
                on:click=move |_| draft.update(|rules| {
                    if let Some(window) = rules.window_mut(&remove_key) {
                        window.remove_slot(index);
                    }
                })>
                "Remove"
            </button>
        }
    });
    let errors = move || {
        [
            slot_error.get(),
            days_error.get(),
            start_error.get(),
            end_error.get(),
        ]
        .into_iter()
        .flatten()
        .map(|message| view! { <p class="field__error">{message}</p> })
        .collect_view()
    };
    view! {
        <div class="slot-row" class:field--invalid=move || slot_error.get().is_some()>
            <fieldset class="slot-row__days">
                <legend class="visually-hidden">{format!("Days of slot {}", index + 1)}</legend>
                {days}
            </fieldset>
            <label class="slot-row__time" for=format!("{prefix}-start")>
                "From"
                <input class="input input--short" id=format!("{prefix}-start") placeholder="HH:MM"
                    disabled=!editor.can_edit aria-invalid=move || start_error.get().map(|_| "true")
                    prop:value=read(|slot| slot.start.clone())
                    on:input=write(|slot, value| slot.start = value) />
            </label>
            <label class="slot-row__time" for=format!("{prefix}-end")>
                "to"
                <input class="input input--short" id=format!("{prefix}-end") placeholder="HH:MM"
                    disabled=!editor.can_edit aria-invalid=move || end_error.get().map(|_| "true")
                    prop:value=read(|slot| slot.end.clone())
                    on:input=write(|slot, value| slot.end = value) />
            </label>
            {remove}
            <div class="slot-row__errors">{errors}</div>
        </div>
    }
}

/// "Add a region override": the regions the numbering data knows and the
/// rule set does not override yet.
#[component]
fn RegionPicker(editor: Editor, regions: Vec<String>) -> impl IntoView {
    let draft = editor.draft;
    let chosen = RwSignal::new(String::new());
    let available = Memo::new(move |_| {
        draft.with(|rules| {
            regions
                .iter()
                .filter(|code| !rules.calling_windows.regions.contains_key(*code))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let options = move || {
        available
            .get()
            .into_iter()
            .map(|code| view! { <option value=code.clone()>{code.clone()}</option> })
            .collect_view()
    };
    let add = move |_| {
        let code = chosen.get_untracked();
        if !code.is_empty()
            && draft
                .try_update(|rules| rules.add_region(&code))
                .unwrap_or(false)
        {
            chosen.set(String::new());
        }
    };
    view! {
        <div class="toolbar region-picker">
            <label class="toolbar__label" for="region-picker">"Add a region override"</label>
            <select class="select" id="region-picker" prop:value=move || chosen.get()
                on:change=move |event| chosen.set(event_target_value(&event))>
                <option value="">"Choose a region…"</option>
                {options}
            </select>
            <button type="button" class="button button--secondary" disabled=move || chosen.get().is_empty()
                on:click=add>
                "Add override"
            </button>
        </div>
    }
}

/// The holidays: a date picker to add one, and the list with "Remove".
#[component]
fn HolidaysEditor(editor: Editor) -> impl IntoView {
    let draft = editor.draft;
    let picked = RwSignal::new(String::new());
    let add = move |_| {
        let date = picked.get_untracked();
        if draft
            .try_update(|rules| rules.add_holiday(&date))
            .unwrap_or(false)
        {
            picked.set(String::new());
        }
    };
    let listed = move || {
        let holidays = draft.with(|rules| rules.calling_windows.holidays.clone());
        if holidays.is_empty() {
            return view! { <p class="muted">"No holidays: every day follows the windows."</p> }
                .into_any();
        }
        holidays
            .into_iter()
            .enumerate()
            .map(|(index, date)| {
                let error = path_message(editor.error, format!("callingWindows.holidays[{index}]"));
                let removed = date.clone();
                let label = format!("Remove the holiday {date}");
                view! {
                    <li class="holiday">
                        <span class="holiday__date">{date.clone()}</span>
                        {editor.can_edit.then(|| view! {
                            <button type="button" class="button button--small button--secondary" aria-label=label
                                on:click=move |_| draft.update(|rules| rules.remove_holiday(&removed))>
                                "Remove"
                            </button>
                        })}
                        {move || error.get().map(|message| view! { <span class="field__error">{message}</span> })}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="holidays-title">
            <h2 id="holidays-title">"Holidays"</h2>
            <p class="muted">"No contact at all on these days, in the device's local time."</p>
            {editor.can_edit.then(|| view! {
                <div class="toolbar">
                    <label class="visually-hidden" for="holiday-date">"Holiday date"</label>
                    <input class="input" type="date" id="holiday-date" bind:value=picked />
                    <button type="button" class="button button--secondary" disabled=move || picked.get().is_empty()
                        on:click=add>
                        "Add holiday"
                    </button>
                </div>
            })}
            <ul class="holiday-list">{listed}</ul>
        </section>
    }
}

/// The default zone and whether a contact's own zone wins.
#[component]
fn ZoneSettings(editor: Editor) -> impl IntoView {
    let draft = editor.draft;
    let zone_error = path_message(editor.error, "callingWindows.defaultZone".to_owned());
    view! {
        <section class="panel" aria-labelledby="zones-title">
            <h2 id="zones-title">"Time zones"</h2>
            <div class="field" class:field--invalid=move || zone_error.get().is_some()>
                <label class="field__label" for="default-zone">"Default zone"</label>
                <p class="field__hint" id="default-zone-hint">
                    "For numbers without a zone of their own (IANA name, e.g. America/New_York). Empty: such numbers are refused."
                </p>
                <input class="input" id="default-zone" autocomplete="off" placeholder="America/New_York"
                    aria-describedby="default-zone-hint" disabled=!editor.can_edit
                    prop:value=move || draft.with(|rules| rules.calling_windows.default_zone.clone().unwrap_or_default())
                    on:input=move |event| {
                        let text = event_target_value(&event);
                        draft.update(|rules| {
                            rules.calling_windows.default_zone = (!text.trim().is_empty()).then(|| text.trim().to_owned());
                        });
                    } />
                {move || zone_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
            </div>
            <div class="checkbox">
                <input type="checkbox" id="prefer-contact-zone" disabled=!editor.can_edit
                    prop:checked=move || draft.with(|rules| rules.calling_windows.prefer_contact_zone)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        draft.update(|rules| rules.calling_windows.prefer_contact_zone = on);
                    } />
                <label for="prefer-contact-zone">
                    <span class="checkbox__label">"Prefer the contact's zone"</span>
                    <span class="checkbox__hint">"A zone from the contact (explicit column or postal code) beats the number's area code."</span>
                </label>
            </div>
        </section>
    }
}
