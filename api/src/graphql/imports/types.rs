//! The import API's output objects: jobs with their counts and rejected rows,
//! saved mappings, previews.

use super::*;

/// A saved, reusable column mapping.
pub struct ImportMapping(pub entity::import_mapping::Model);

#[Object]
impl ImportMapping {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The mapping as JSON in the shape of `ImportMappingInput` (`defaultCountry`, and
    /// `columns` of `header` or `position` with one of `field`, `device`, `custom`), so a
    /// client can show it and send it back as it is.
    async fn spec(&self) -> String {
        match serde_json::from_value::<MappingSpec>(self.0.spec.clone()) {
            Ok(spec) => input_shape(&spec).to_string(),
            Err(_) => self.0.spec.to_string(),
        }
    }
    /// When it was saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A row an import refused.
#[derive(SimpleObject)]
pub struct ImportRejection {
    /// The line of the file where the row starts.
    pub line: i64,
    /// Why it was refused.
    pub reason: String,
    /// The row as read (empty when the row could not be split into cells).
    pub raw: String,
}

/// One list a split rule wrote to.
#[derive(SimpleObject)]
pub struct ImportPart {
    /// The list.
    pub list_id: ID,
    /// Its name (`<list> – <part>`).
    pub name: String,
    /// Contacts added or updated in it.
    pub accepted: i64,
}

/// One upload into a list: its progress and counts.
pub struct ImportJob(pub entity::import_job::Model);

#[Object]
impl ImportJob {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The list imported into.
    async fn list_id(&self) -> ID {
        ID(self.0.list_id.to_string())
    }
    /// `QUEUED`, `RUNNING`, `SUCCEEDED` or `FAILED`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// What it does with the list's contents.
    async fn mode(&self) -> &str {
        &self.0.mode
    }
    /// The file's name.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// The file's size.
    async fn file_bytes(&self) -> i64 {
        self.0.file_bytes
    }
    /// Bytes read so far.
    async fn bytes_read(&self) -> i64 {
        self.0.bytes_read
    }
    /// Records read so far.
    async fn rows_read(&self) -> i64 {
        self.0.rows_read
    }
    /// Contacts added or updated (written so far, while running; visible at the end).
    async fn accepted(&self) -> i64 {
        self.0.accepted
    }
    /// Rows refused.
    async fn rejected(&self) -> i64 {
        self.0.rejected
    }
    /// Rows repeating an earlier row or a listed contact.
    async fn duplicates(&self) -> i64 {
        self.0.duplicates
    }
    /// Rows on a suppression list.
    async fn suppressed(&self) -> i64 {
        self.0.suppressed
    }
    /// Rows the selection rules or split rule left out.
    async fn filtered(&self) -> i64 {
        self.0.filtered
    }
    /// The lists a split rule wrote to, with what each received (empty without a split).
    async fn parts(&self) -> Vec<ImportPart> {
        let Some(serde_json::Value::Array(parts)) = &self.0.parts else {
            return Vec::new();
        };
        parts
            .iter()
            .map(|part| ImportPart {
                list_id: ID(part["listId"].as_str().unwrap_or_default().to_owned()),
                name: part["name"].as_str().unwrap_or_default().to_owned(),
                accepted: part["accepted"].as_i64().unwrap_or(0),
            })
            .collect()
    }
    /// Why the import failed, when it did.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it ended.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// The refused rows in line order.
    async fn rejections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ImportRejection>> {
        let principal = principal(ctx)?;
        let after_id = decode_id_cursor(after.as_deref()).gql()?;
        let page = import::rejections(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(first, wants_total(ctx)),
            after_id,
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after_id.is_some(),
            |row| row.id.to_string(),
            |row| ImportRejection {
                line: row.line,
                reason: row.reason,
                raw: row.raw,
            },
        ))
    }
}

/// One previewed row: its cells, or why the import would refuse it.
#[derive(SimpleObject)]
pub struct PreviewRow {
    /// The line of the file where the row starts.
    pub line: i64,
    /// The cells, when the row could be split.
    pub cells: Option<Vec<String>>,
    /// Why the row would be refused.
    pub error: Option<String>,
}

/// The start of a file as the import will read it.
#[derive(SimpleObject)]
pub struct ImportPreview {
    /// Header names, when the file has a header row.
    pub headers: Option<Vec<String>>,
    /// The delimiter used (detected or given).
    pub delimiter: Option<String>,
    /// The encoding used.
    pub encoding: String,
    /// `NONE`, `GZIP` or `ZIP`.
    pub compression: String,
    /// The first rows.
    pub rows: Vec<PreviewRow>,
}
