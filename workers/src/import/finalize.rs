//! Moving staged rows into the list in one transaction, by import mode; or
//! recording a file-level failure. Plain SQL that PostgreSQL and SQLite both run.

use chrono::Utc;
use domain::ListStatus;
use domain::import::Target;
use entity::{import_job, import_staging, import_staging_device};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, Set, Statement, TransactionTrait, Value,
};

use super::staging::Staged;
use super::{ImportCounts, ImportMode, ImportOptions, status};
use crate::queue::{self, ClaimedTask};
use crate::{ServiceError, Services};

/// Runs `sql` written with `$1`… placeholders (rewritten as `?1`… for SQLite).
async fn execute(txn: &DatabaseTransaction, sql: &str, values: &[Value]) -> Result<u64, DbErr> {
    let backend = txn.get_database_backend();
    let sql = if backend == DatabaseBackend::Postgres {
        sql.to_owned()
    } else {
        sql.replace('$', "?")
    };
    let result = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            values.to_vec(),
        ))
        .await?;
    Ok(result.rows_affected())
}

const CONTACT_COLUMNS: &str = "tenant_id, list_id, client_id, first_name, last_name, company, postal_code, country, \
     time_zone, custom, consent_automated, consent_sms, consent_email, import_job_id, import_seq, created_at, updated_at";

const STAGED_VALUES: &str = "$1, $2, s.client_id, s.first_name, s.last_name, s.company, s.postal_code, s.country, \
     s.time_zone, s.custom, COALESCE(s.consent_automated, FALSE), COALESCE(s.consent_sms, FALSE), \
     COALESCE(s.consent_email, FALSE), $3, s.seq, $4, $4";

/// Staged rows with no client id whose first device is already on the list.
const DEVICE_ALREADY_LISTED: &str = "(s.client_id IS NULL AND EXISTS (SELECT 1 FROM import_staging_devices sd \
     JOIN contact_devices d ON d.list_id = $2 AND d.value = sd.value \
     WHERE sd.job_id = s.job_id AND sd.seq = s.seq AND sd.position = 0))";

/// Moves the staged rows into the list and closes the job, the list status and the task together.
pub async fn finish(
    services: &Services,
    job: &import_job::Model,
    mode: ImportMode,
    options: &ImportOptions,
    staged: Staged,
    task: Option<&ClaimedTask>,
) -> Result<ImportCounts, ServiceError> {
    let now = Utc::now();
    let values = [
        job.tenant_id.into(),
        job.list_id.into(),
        job.id.into(),
        now.into(),
    ];
    let txn = services.db.begin().await?;
    let mut updated = 0;
    if mode == ImportMode::FlushAppend {
        execute(
            &txn,
            "DELETE FROM contact_devices WHERE list_id = $2 AND tenant_id = $1",
            &values[..2],
        )
        .await?;
        execute(
            &txn,
            "DELETE FROM contacts WHERE list_id = $2 AND tenant_id = $1",
            &values[..2],
        )
        .await?;
    }
    if mode == ImportMode::AppendAndUpdate {
        let maps_custom = options
            .mapping
            .columns
            .iter()
            .any(|column| matches!(column.target, Target::Custom { .. }));
        let custom = if maps_custom {
            "custom = s.custom,"
        } else {
            ""
        };
        let sql = format!(
            "UPDATE contacts SET first_name = COALESCE(s.first_name, contacts.first_name), \
             last_name = COALESCE(s.last_name, contacts.last_name), company = COALESCE(s.company, contacts.company), \
             postal_code = COALESCE(s.postal_code, contacts.postal_code), country = COALESCE(s.country, contacts.country), \
             time_zone = COALESCE(s.time_zone, contacts.time_zone), {custom} \
             consent_automated = COALESCE(s.consent_automated, contacts.consent_automated), \
             consent_sms = COALESCE(s.consent_sms, contacts.consent_sms), \
             consent_email = COALESCE(s.consent_email, contacts.consent_email), \
             import_job_id = $3, import_seq = s.seq, updated_at = $4 \
             FROM import_staging s WHERE s.job_id = $3 AND s.client_id IS NOT NULL \
             AND contacts.list_id = $2 AND contacts.tenant_id = $1 AND contacts.client_id = s.client_id"
        );
        updated = execute(&txn, &sql, &values).await?;
        // Matched contacts get the file's devices instead of their old ones.
        execute(
            &txn,
            "DELETE FROM contact_devices WHERE list_id = $2 AND contact_id IN \
             (SELECT id FROM contacts WHERE list_id = $2 AND import_job_id = $3 AND tenant_id = $1)",
            &values[..3],
        )
        .await?;
    }
    let already_listed = match mode {
        ImportMode::FlushAppend => "FALSE".to_owned(),
        ImportMode::AppendAndUpdate => {
            "EXISTS (SELECT 1 FROM contacts c WHERE c.list_id = $2 AND c.client_id = s.client_id)"
                .to_owned()
        }
        ImportMode::AppendOnly => format!(
            "(EXISTS (SELECT 1 FROM contacts c WHERE c.list_id = $2 AND c.client_id = s.client_id) OR {DEVICE_ALREADY_LISTED})"
        ),
    };
    let insert = format!(
        "INSERT INTO contacts ({CONTACT_COLUMNS}) SELECT {STAGED_VALUES} FROM import_staging s \
         WHERE s.job_id = $3 AND NOT {already_listed} ORDER BY s.seq"
    );
    let inserted = execute(&txn, &insert, &values).await?;
    execute(
        &txn,
        "INSERT INTO contact_devices (tenant_id, list_id, contact_id, position, kind, value, raw, country_code, \
         area_code, exchange, subscriber, extension, device_type, country, region, time_zones) \
         SELECT $1, $2, c.id, d.position, d.kind, d.value, d.raw, d.country_code, d.area_code, d.exchange, \
         d.subscriber, d.extension, d.device_type, d.country, d.region, d.time_zones \
         FROM import_staging_devices d JOIN contacts c ON c.import_job_id = $3 AND c.import_seq = d.seq \
         AND c.list_id = $2 WHERE d.job_id = $3",
        &values[..3],
    )
    .await?;
    execute(
        &txn,
        "UPDATE contact_lists SET contact_count = (SELECT COUNT(*) FROM contacts WHERE list_id = $2), \
         device_count = (SELECT COUNT(*) FROM contact_devices WHERE list_id = $2), status = 'READY', updated_at = $4 \
         WHERE id = $2 AND tenant_id = $1",
        &values,
    )
    .await?;
    let against_list = staged.staged - inserted as i64 - updated as i64;
    let counts = ImportCounts {
        rows_read: staged.rows_read,
        accepted: inserted as i64 + updated as i64,
        rejected: staged.rejected,
        duplicates: staged.duplicates + against_list.max(0),
    };
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::SUCCEEDED.to_owned());
    active.rows_read = Set(counts.rows_read);
    active.accepted = Set(counts.accepted);
    active.rejected = Set(counts.rejected);
    active.duplicates = Set(counts.duplicates);
    active.bytes_read = Set(job.file_bytes);
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    clear_staging(&txn, job).await?;
    if let Some(task) = task
        && !queue::complete(&txn, task).await?
    {
        // Another worker took the task over: let it finish; write nothing.
        txn.rollback().await?;
        return Err(ServiceError::Internal(anyhow::anyhow!(
            "the import's lease was taken over"
        )));
    }
    txn.commit().await?;
    publish_end(services, job, status::SUCCEEDED, &counts).await;
    Ok(counts)
}

async fn clear_staging(txn: &DatabaseTransaction, job: &import_job::Model) -> Result<(), DbErr> {
    import_staging_device::Entity::delete_many()
        .filter(import_staging_device::Column::JobId.eq(job.id))
        .exec(txn)
        .await?;
    import_staging::Entity::delete_many()
        .filter(import_staging::Column::JobId.eq(job.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Records a file-level failure: the job fails with its reason, the list keeps its contents.
pub async fn fail(
    services: &Services,
    job: &import_job::Model,
    reason: &str,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let txn = services.db.begin().await?;
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::FAILED.to_owned());
    active.error = Set(Some(reason.to_owned()));
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    entity::contact_list::Entity::update_many()
        .col_expr(
            entity::contact_list::Column::Status,
            ListStatus::Failed.as_str().into(),
        )
        .col_expr(entity::contact_list::Column::UpdatedAt, now.into())
        .filter(entity::contact_list::Column::Id.eq(job.list_id))
        .exec(&txn)
        .await?;
    clear_staging(&txn, job).await?;
    if let Some(task) = task {
        queue::complete(&txn, task).await?;
    }
    txn.commit().await?;
    publish_end(services, job, status::FAILED, &ImportCounts::default()).await;
    Ok(())
}

async fn publish_end(
    services: &Services,
    job: &import_job::Model,
    status: &str,
    counts: &ImportCounts,
) {
    let event = serde_json::json!({
        "jobId": job.id, "status": status, "rowsRead": counts.rows_read, "accepted": counts.accepted,
        "rejected": counts.rejected, "duplicates": counts.duplicates,
    });
    if let Err(error) = services
        .cache
        .publish(&format!("import:{}", job.id), &event.to_string())
        .await
    {
        tracing::warn!(%error, "publishing import progress failed");
    }
}
