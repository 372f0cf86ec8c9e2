//! `/campaigns/:id/records`: the campaign's calling list in dialling order,
//! as dialers read it (the OCS layout), page by page with a record-status
//! filter; codes are shown as words (`state::campaigns`).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::campaigns::{CallingRecord, CampaignRecords, campaign_records};
use crate::api::error::ApiError;
use crate::components::feedback::EmptyState;
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::format::format_optional_timestamp;
use crate::state::campaigns::{
    RECORD_STATUS_FILTERS, call_result_label, device_word, record_status_label, record_type_label,
};
use crate::state::models::Page;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// The calling-list browser; a new id in the address draws a fresh page.
#[component]
pub fn CampaignRecordsPage() -> impl IntoView {
    let params = use_params_map();
    let campaign_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <RecordsBrowser campaign_id=campaign_id.get() /> }
}

/// One campaign's calling list.
#[component]
fn RecordsBrowser(campaign_id: String) -> impl IntoView {
    let session = Session::use_context();
    let pager = RwSignal::new(CursorPager::default());
    let status = RwSignal::new(None::<i64>);
    let campaign_name = RwSignal::new(String::new());
    let records = LocalResource::new({
        let id = campaign_id.clone();
        move || {
            let variables = campaign_records::Variables {
                id: id.clone(),
                first: Some(TABLE_PAGE_SIZE),
                after: pager.with(CursorPager::after),
                status: status.get(),
            };
            let page_number = pager.with(CursorPager::page_number);
            async move {
                let data = session.execute::<CampaignRecords>(variables).await?;
                campaign_name.set(data.campaign.name.clone());
                let connection = data.campaign.records;
                let page = Page {
                    rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
                    total_count: connection.total_count,
                    has_next_page: connection.page_info.has_next_page,
                    end_cursor: connection.page_info.end_cursor,
                };
                Ok::<_, ApiError>((page_number, page))
            }
        }
    });
    let dashboard_href = format!("/campaigns/{campaign_id}");
    let trail = move || {
        let name = campaign_name.get();
        let name = if name.is_empty() {
            "Campaign".to_owned()
        } else {
            name
        };
        view! {
            <Breadcrumbs trail=vec![
                Crumb::link("Campaigns", "/campaigns"),
                Crumb::link(name, dashboard_href.clone()),
                Crumb::here("Calling list"),
            ] />
        }
    };
    let filter_options = RECORD_STATUS_FILTERS
        .iter()
        .map(|(code, label)| view! { <option value=code.to_string()>{*label}</option> })
        .collect_view();
    view! {
        {trail}
        <PageHeader title="Calling list" />
        <p class="page-intro">
            "The records dialers get, in dialling order: one per device, chained per contact."
        </p>
        <div class="toolbar campaign-filter">
            <label class="field__label" for="record-status-filter">"Record status"</label>
            <select class="select" id="record-status-filter"
                on:change=move |event| {
                    status.set(event_target_value(&event).parse::<i64>().ok());
                    pager.update(CursorPager::reset);
                }>
                <option value="">"All"</option>
                {filter_options}
            </select>
        </div>
        <PagedTable
            page=records
            pager
            what="records"
            error_title="Could not load the calling list"
            render_rows=move |rows| view! { <RecordsTable rows /> }
        />
    }
}

/// The records table.
#[component]
fn RecordsTable(rows: Vec<CallingRecord>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState message="No records: load the campaign to build its calling list." /> }
            .into_any();
    }
    let headers = vec![
        "Record",
        "Contact",
        "Contact info",
        "Device",
        "Chain",
        "Status",
        "Type",
        "Call result",
        "Attempts",
        "Next dial",
        "Zone",
    ];
    let rows = rows
        .into_iter()
        .map(|record| {
            let contact = [record.first_name.clone(), record.last_name.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let contact = match (&record.client_id, contact.is_empty()) {
                (Some(client), false) => format!("{contact} ({client})"),
                (Some(client), true) => client.clone(),
                (None, _) => contact,
            };
            view! {
                <tr>
                    <td class="table__number">{record.record_id}</td>
                    <td><A href=format!("/contacts/{}", record.contact_id)>{contact}</A></td>
                    <td class="table__mono">{record.contact_info.clone()}</td>
                    <td>{device_word(&record.device_kind)}</td>
                    <td class="table__nowrap">{format!("{} / {}", record.chain_id, record.chain_n)}</td>
                    <td class="table__nowrap">{record_status_label(record.record_status)}</td>
                    <td>{record_type_label(record.record_type)}</td>
                    <td class="table__nowrap">{call_result_label(record.call_result)}</td>
                    <td class="table__number">{record.attempt}</td>
                    <td class="table__nowrap">{format_optional_timestamp(record.dial_sched_time.as_deref(), "now")}</td>
                    <td>{record.tz_name.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Calling list records" headers>{rows}</DataTable> }.into_any()
}
