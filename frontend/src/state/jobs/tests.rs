//! Table-driven tests of the Job Scheduler's plain rules.

use super::draft::JobDraft;
use super::runs::{attempt_label, counts_label, is_finished, run_status_badge, upsert_run};
use super::sftp::{SftpDraft, auth_label, secret_hint};
use super::*;
use crate::api::error::ErrorKind;
use crate::api::job_types::{
    AfterPickup, JobLogLevel, JobRunStatus, JobRunTrigger, MisfirePolicy, SftpAuthMethod,
};
use crate::api::jobs::{
    CronPreviewResult as CronPreview, Job, JobLogLine, JobRun, JobRunCounts, SftpConnection,
};
use crate::state::forms::field_error;

fn no_counts() -> JobRunCounts {
    JobRunCounts {
        files: 0,
        rows: 0,
        imported: 0,
        rejected: 0,
        exported: 0,
    }
}

fn run(id: &str, created_at: &str, updated_at: &str, status: JobRunStatus) -> JobRun {
    JobRun {
        id: id.to_owned(),
        job_id: "j1".to_owned(),
        job_name: "Nightly".to_owned(),
        trigger: JobRunTrigger::Schedule,
        status,
        scheduled_for: None,
        attempt: 1,
        max_attempts: 4,
        started_at: None,
        finished_at: None,
        next_attempt_at: None,
        counts: no_counts(),
        log: Vec::new(),
        error: None,
        fired_by: None,
        created_at: created_at.to_owned(),
        updated_at: updated_at.to_owned(),
    }
}

fn purge_draft() -> JobDraft {
    JobDraft {
        name: " Nightly purge ".to_owned(),
        kind: JobKind::Purge,
        ..JobDraft::new("America/New_York".to_owned())
    }
}

#[test]
fn each_kind_shows_the_blocks_it_needs() {
    let table = [
        // kind, source, contact list, suppression list, campaign, export, purge
        (
            JobKind::ContactImport,
            true,
            true,
            false,
            false,
            false,
            false,
        ),
        (
            JobKind::SuppressionImport,
            true,
            false,
            true,
            false,
            false,
            false,
        ),
        (
            JobKind::ListAutomation,
            true,
            true,
            false,
            true,
            false,
            false,
        ),
        (
            JobKind::CampaignStart,
            false,
            false,
            false,
            true,
            false,
            false,
        ),
        (
            JobKind::CampaignStop,
            false,
            false,
            false,
            true,
            false,
            false,
        ),
        (
            JobKind::ComplianceRefresh,
            false,
            false,
            false,
            false,
            false,
            false,
        ),
        (JobKind::Purge, false, false, false, false, false, true),
    ];
    for (kind, source, list, suppression, campaign, export, purge) in table {
        let needs = kind_needs(kind, ExportSource::ContactList);
        assert_eq!(needs.source, source, "{kind:?}");
        assert_eq!(needs.contact_list, list, "{kind:?}");
        assert_eq!(needs.suppression_list, suppression, "{kind:?}");
        assert_eq!(needs.campaign, campaign, "{kind:?}");
        assert_eq!(needs.export, export, "{kind:?}");
        assert_eq!(needs.purge, purge, "{kind:?}");
    }
    let list_export = kind_needs(JobKind::Export, ExportSource::ContactList);
    assert!(list_export.export && list_export.contact_list && !list_export.campaign);
    assert!(!list_export.new_list);
    let results_export = kind_needs(JobKind::Export, ExportSource::CampaignResults);
    assert!(results_export.export && results_export.campaign && !results_export.contact_list);
    assert!(kind_needs(JobKind::ListAutomation, ExportSource::ContactList).start_campaign);
}

#[test]
fn a_purge_job_sends_only_what_it_needs() {
    let input = purge_draft().to_input().expect("valid");
    assert_eq!(input.name, "Nightly purge");
    assert_eq!(input.cron, "0 6 * * *");
    assert_eq!(input.time_zone, "America/New_York");
    assert_eq!(input.purge_after_days, 90);
    assert_eq!(input.max_retries, 3);
    assert!(input.source.is_none() && input.export.is_none());
    assert!(input.campaign_id.is_none() && input.import_mode.is_none());
    let json = serde_json::to_value(&input).expect("serialises");
    assert_eq!(json["kind"], "PURGE");
    assert_eq!(json["misfirePolicy"], "RUN_ONCE");
    assert_eq!(json["timeZone"], "America/New_York");
}

#[test]
fn missing_settings_are_reported_at_the_servers_paths() {
    let draft = JobDraft {
        name: String::new(),
        cron: " ".to_owned(),
        max_retries: "three".to_owned(),
        after_pickup: AfterPickup::Move,
        ..JobDraft::new(String::new())
    };
    let fields: Vec<String> = draft.problems().into_iter().map(|p| p.field).collect();
    for expected in [
        "name",
        "cron",
        "timeZone",
        "maxRetries",
        "source.connectionId",
        "source.pattern",
        "source.moveTo",
        "contactListId",
    ] {
        assert!(
            fields.iter().any(|field| field == expected),
            "{expected}: {fields:?}"
        );
    }
    let campaign_stop = JobDraft {
        kind: JobKind::CampaignStop,
        ..purge_draft()
    };
    let fields: Vec<String> = campaign_stop
        .problems()
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(fields, ["campaignId"]);
}

#[test]
fn a_contact_import_uses_a_list_or_a_new_list_name() {
    let mut draft = JobDraft {
        name: "Leads".to_owned(),
        source_connection_id: "c1".to_owned(),
        source_pattern: "leads_{date:%Y%m%d}*.csv".to_owned(),
        new_list_name: "Leads {file}".to_owned(),
        import_mapping_id: "m1".to_owned(),
        ..JobDraft::new("UTC".to_owned())
    };
    let input = draft.to_input().expect("valid");
    assert_eq!(input.new_list_name.as_deref(), Some("Leads {file}"));
    assert_eq!(input.contact_list_id, None);
    assert_eq!(input.import_mapping_id.as_deref(), Some("m1"));
    let source = input.source.expect("a source");
    assert_eq!(source.pattern, "leads_{date:%Y%m%d}*.csv");
    assert_eq!(source.move_to, None);
    draft.contact_list_id = "l1".to_owned();
    let input = draft.to_input().expect("valid");
    assert_eq!(input.contact_list_id.as_deref(), Some("l1"));
    assert_eq!(input.new_list_name, None, "an existing list wins");
}

#[test]
fn a_saved_job_round_trips_through_the_draft() {
    let json = r#"{
        "id": "j1", "name": "Results", "kind": "EXPORT", "cron": "30 8 * * 1-5",
        "timeZone": "Europe/Paris", "enabled": false, "misfirePolicy": "SKIP",
        "maxRetries": 1, "retryDelaySeconds": 120, "source": null,
        "contactListId": null, "newListName": null, "importMappingId": null,
        "importMode": null, "suppressionListId": null, "campaignId": "c9",
        "startCampaign": false,
        "export": {"source": "CAMPAIGN_RESULTS", "connectionId": null,
                   "directory": "out", "fileName": "results_{date:%Y%m%d}.csv"},
        "purgeAfterDays": 90, "createdAt": "2026-11-21T10:00:00Z",
        "updatedAt": "2026-11-21T10:00:00Z"
    }"#;
    let job: Job = serde_json::from_str(json).expect("parses");
    let draft = JobDraft::from_job(&job);
    assert_eq!(draft.time_zone, "Europe/Paris");
    assert_eq!(draft.misfire_policy, MisfirePolicy::Skip);
    let input = draft.to_input().expect("valid");
    assert!(!input.enabled);
    assert_eq!(input.campaign_id.as_deref(), Some("c9"));
    let export = input.export.expect("an export");
    assert_eq!(export.source, ExportSource::CampaignResults);
    assert_eq!(export.connection_id, None);
    assert_eq!(export.file_name, "results_{date:%Y%m%d}.csv");
    assert_eq!(runs::next_firing_label(&job), "Disabled");
}

#[test]
fn server_problems_find_their_fields() {
    let error = ApiError::from_field_errors(vec![
        field_error("source.pattern", "unknown date token"),
        field_error("input.cron", "minute: 61 is out of range 0-59"),
        field_error("campaignId", "no such campaign"),
    ]);
    assert_eq!(
        job_field_message(&error, "source.pattern"),
        Some("unknown date token")
    );
    assert_eq!(
        job_field_message(&error, "cron"),
        Some("minute: 61 is out of range 0-59")
    );
    assert_eq!(
        job_field_message(&error, "campaignId"),
        Some("no such campaign")
    );
    assert_eq!(job_field_message(&error, "timeZone"), None);
    assert!(!job_error_needs_banner(&error));
    let other = ApiError::from_field_errors(vec![field_error("somethingElse", "no")]);
    assert!(job_error_needs_banner(&other));
    assert!(job_error_needs_banner(&ApiError::new(
        ErrorKind::Internal,
        "boom"
    )));
    // A single `extensions.field` arrives as its last segment.
    let single = ApiError::from_field_errors(vec![field_error("pattern", "bad")]);
    assert_eq!(job_field_message(&single, "source.pattern"), Some("bad"));
}

#[test]
fn the_zone_defaults_to_the_browsers() {
    assert_eq!(
        initial_time_zone(Some("Europe/Berlin".to_owned())),
        "Europe/Berlin"
    );
    assert_eq!(initial_time_zone(Some("  ".to_owned())), DEFAULT_TIME_ZONE);
    assert_eq!(initial_time_zone(None), "America/New_York");
    assert_eq!(schedule_label("0 6 * * *", "UTC"), "0 6 * * * (UTC)");
    assert!(CRON_PRESETS.contains(&("Weekdays 08:30", "30 8 * * 1-5")));
    assert!(COMMON_TIME_ZONES.contains(&DEFAULT_TIME_ZONE));
}

#[test]
fn live_updates_replace_or_insert_runs() {
    let mut runs = vec![
        run(
            "r2",
            "2026-11-21T10:05:00Z",
            "2026-11-21T10:05:00Z",
            JobRunStatus::Queued,
        ),
        run(
            "r1",
            "2026-11-21T10:00:00Z",
            "2026-11-21T10:01:00Z",
            JobRunStatus::Succeeded,
        ),
    ];
    let mut running = run(
        "r2",
        "2026-11-21T10:05:00Z",
        "2026-11-21T10:05:02Z",
        JobRunStatus::Running,
    );
    running.log.push(JobLogLine {
        at: "2026-11-21T10:05:02Z".to_owned(),
        level: JobLogLevel::Info,
        message: "started".to_owned(),
    });
    assert!(upsert_run(&mut runs, running, 50));
    assert_eq!(runs[0].status, JobRunStatus::Running);
    assert_eq!(runs[0].log.len(), 1);
    // A late, older event does not undo a newer one.
    let stale = run(
        "r2",
        "2026-11-21T10:05:00Z",
        "2026-11-21T10:05:00Z",
        JobRunStatus::Queued,
    );
    assert!(!upsert_run(&mut runs, stale, 50));
    assert_eq!(runs[0].status, JobRunStatus::Running);
    let newest = run(
        "r3",
        "2026-11-21T10:10:00Z",
        "2026-11-21T10:10:00Z",
        JobRunStatus::Queued,
    );
    assert!(upsert_run(&mut runs, newest, 2));
    let ids: Vec<&str> = runs.iter().map(|run| run.id.as_str()).collect();
    assert_eq!(ids, ["r3", "r2"], "the oldest falls off the limit");
}

#[test]
fn timestamps_with_and_without_fractions_order_as_instants() {
    let mut runs = vec![run(
        "r1",
        "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:01Z",
        JobRunStatus::Running,
    )];
    // `…:01.25Z` is later than `…:01Z`, though it sorts before it as text.
    let done = run(
        "r1",
        "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:01.25Z",
        JobRunStatus::Succeeded,
    );
    assert!(upsert_run(&mut runs, done, 50));
    assert_eq!(runs[0].status, JobRunStatus::Succeeded);
    // A finished run never goes back to running, whatever the clocks say.
    let late = run(
        "r1",
        "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:02Z",
        JobRunStatus::Running,
    );
    assert!(!upsert_run(&mut runs, late, 50));
    assert_eq!(runs[0].status, JobRunStatus::Succeeded);
}

#[test]
fn run_cells_read_well() {
    assert_eq!(run_status_badge(JobRunStatus::Succeeded).label, "SUCCEEDED");
    assert_eq!(
        run_status_badge(JobRunStatus::Failed).class,
        "badge badge--danger"
    );
    assert!(is_finished(JobRunStatus::Failed) && !is_finished(JobRunStatus::Retrying));
    assert_eq!(attempt_label(2, 4), "2 / 4");
    assert_eq!(counts_label(&no_counts()), "—");
    let counts = JobRunCounts {
        files: 1,
        rows: 1200,
        imported: 1180,
        rejected: 20,
        exported: 0,
    };
    assert_eq!(
        counts_label(&counts),
        "files 1 · rows 1,200 · imported 1,180 · rejected 20"
    );
}

fn connection(auth_method: SftpAuthMethod, has_password: bool) -> SftpConnection {
    SftpConnection {
        id: "c1".to_owned(),
        name: "Vendor".to_owned(),
        host: "sftp.example.com".to_owned(),
        port: 2222,
        username: "reach".to_owned(),
        auth_method,
        has_password,
        has_private_key: false,
        host_key_fingerprint: Some("SHA256:abc".to_owned()),
        created_at: "2026-11-21T10:00:00Z".to_owned(),
        updated_at: "2026-11-21T10:00:00Z".to_owned(),
    }
}

#[test]
fn stored_secrets_stay_unless_replaced() {
    let saved = connection(SftpAuthMethod::Password, true);
    let draft = SftpDraft::from_connection(&saved);
    assert_eq!(draft.port, "2222");
    assert_eq!(
        secret_hint(draft.has_password),
        Some("stored — leave blank to keep")
    );
    let input = draft
        .to_input()
        .expect("valid without retyping the password");
    assert_eq!(input.password, None);
    assert_eq!(input.host_key_fingerprint.as_deref(), Some("SHA256:abc"));
    let changed = SftpDraft {
        password: " new secret ".to_owned(),
        ..draft.clone()
    };
    assert_eq!(
        changed.to_input().expect("valid").password.as_deref(),
        Some(" new secret ")
    );
    let to_key = SftpDraft {
        auth_method: SftpAuthMethod::PrivateKey,
        ..draft
    };
    let fields: Vec<String> = to_key.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["privateKey"], "no key is stored yet");
    assert_eq!(auth_label(&saved), "Password");
    assert_eq!(
        auth_label(&connection(SftpAuthMethod::Password, false)),
        "Password (not stored)"
    );
}

#[test]
fn a_new_connection_needs_its_settings() {
    let draft = SftpDraft {
        port: "70000".to_owned(),
        ..SftpDraft::default()
    };
    let fields: Vec<String> = draft.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "host", "port", "username", "password"]);
    assert_eq!(secret_hint(false), None);
}

#[test]
fn preview_problems_are_grouped_by_field() {
    let json = r#"{"valid": false, "normalized": null, "nextFirings": [],
        "problems": [{"field": "cron", "message": "minute: 61 is out of range 0-59"},
                     {"field": "cron", "message": "too many fields"}]}"#;
    let preview: CronPreview = serde_json::from_str(json).expect("parses");
    assert_eq!(
        preview_problem(&preview, "cron").as_deref(),
        Some("minute: 61 is out of range 0-59; too many fields")
    );
    assert_eq!(preview_problem(&preview, "timeZone"), None);
}
