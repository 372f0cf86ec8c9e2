//! The `compliance_data` row: the last good document and the refresh status,
//! written with upserts so the first write of an installation creates it.

use chrono::{DateTime, Utc};
use entity::compliance_data::{ActiveModel, Column, Entity, Model};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QuerySelect, Set};

/// The id of the installation's single row.
const ROW_ID: i32 = 1;

/// Longest `last_error` kept (a validation message names one value; this is plenty).
const MAX_ERROR_CHARS: usize = 2000;

/// The row without its (large) document: what a status read needs.
#[derive(Debug, Clone, Default, FromQueryResult)]
pub struct StatusRow {
    /// When the stored document was fetched.
    pub fetched_at: Option<DateTime<Utc>>,
    /// When a refresh was last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When a refresh last succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
}

/// The status columns; all `None` before the first refresh.
pub async fn status_row(conn: &impl ConnectionTrait) -> Result<StatusRow, DbErr> {
    let row = Entity::find_by_id(ROW_ID)
        .select_only()
        .columns([
            Column::FetchedAt,
            Column::LastAttemptAt,
            Column::LastSuccessAt,
            Column::LastError,
        ])
        .into_model::<StatusRow>()
        .one(conn)
        .await?;
    Ok(row.unwrap_or_default())
}

/// The whole row, document included (read only when the document changed).
pub async fn row(conn: &impl ConnectionTrait) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(ROW_ID).one(conn).await
}

/// A validated document to store as the last good one.
pub struct GoodDocument {
    /// The text as fetched.
    pub text: String,
    /// Its version label.
    pub version: String,
    /// How many area codes it lists.
    pub area_codes: usize,
    /// Where it came from (already stripped of credentials).
    pub source_url: String,
}

/// Stores a good document and clears the alert.
pub async fn save_success(
    conn: &impl ConnectionTrait,
    document: GoodDocument,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = ActiveModel {
        id: Set(ROW_ID),
        document: Set(Some(document.text)),
        version: Set(Some(document.version)),
        area_codes: Set(Some(i32::try_from(document.area_codes).unwrap_or(i32::MAX))),
        source_url: Set(Some(document.source_url)),
        fetched_at: Set(Some(at)),
        last_attempt_at: Set(Some(at)),
        last_success_at: Set(Some(at)),
        last_error: Set(None),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::Id)
                .update_columns([
                    Column::Document,
                    Column::Version,
                    Column::AreaCodes,
                    Column::SourceUrl,
                    Column::FetchedAt,
                    Column::LastAttemptAt,
                    Column::LastSuccessAt,
                    Column::LastError,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Records a failed attempt (the alert), leaving the last good document untouched.
pub async fn save_failure(
    conn: &impl ConnectionTrait,
    error: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
    let row = ActiveModel {
        id: Set(ROW_ID),
        last_attempt_at: Set(Some(at)),
        last_error: Set(Some(error)),
        ..Default::default()
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::Id)
                .update_columns([Column::LastAttemptAt, Column::LastError])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
