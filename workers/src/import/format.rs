//! How an upload is laid out (delimited or fixed width, encoding, header) and
//! the preview the upload wizard shows before an import.

use domain::{Permission, ValidationError};
use serde::{Deserialize, Serialize};

use super::reader;
use crate::ServiceError;
use crate::accounts::principal::Principal;

/// How a file is laid out: the same for the preview and the import.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileFormat {
    /// The delimiter, or `None` to detect it (ignored for fixed-width files).
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Whether the first line names the columns.
    #[serde(default = "default_true")]
    pub has_header: bool,
    /// `AUTO`, `UTF8`, `LATIN1`, `WINDOWS1252`, `UTF16LE` or `UTF16BE`.
    #[serde(default = "default_encoding")]
    pub encoding: String,
    /// Fixed-width columns; empty for a delimited file.
    #[serde(default)]
    pub fixed_width: Vec<FixedWidthColumn>,
}

impl Default for FileFormat {
    fn default() -> Self {
        FileFormat {
            delimiter: None,
            has_header: true,
            encoding: default_encoding(),
            fixed_width: Vec::new(),
        }
    }
}

/// One column of a fixed-width file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FixedWidthColumn {
    /// The name mappings refer to it by.
    pub name: String,
    /// 0-based character offset of its first character.
    pub start: usize,
    /// Width in characters.
    pub width: usize,
}

impl FileFormat {
    /// Checks the format and turns it into the reader's options.
    pub fn read_options(&self) -> Result<tabular::ReadOptions, ValidationError> {
        if self
            .delimiter
            .is_some_and(|d| !d.is_ascii() || d.is_ascii_alphanumeric() || d == '"')
        {
            return Err(ValidationError::new(
                "delimiter",
                "must be a punctuation character or tab",
            ));
        }
        let layout = if self.fixed_width.is_empty() {
            tabular::Layout::Delimited {
                delimiter: self.delimiter.map(|d| d as u8),
            }
        } else {
            tabular::Layout::FixedWidth {
                columns: self.fixed_columns()?,
            }
        };
        Ok(tabular::ReadOptions {
            layout,
            encoding: reader::encoding(&self.encoding)?,
            has_header: self.has_header,
            ..Default::default()
        })
    }

    fn fixed_columns(&self) -> Result<Vec<tabular::FixedColumn>, ValidationError> {
        if self.fixed_width.len() > 200 {
            return Err(ValidationError::new("fixedWidth", "at most 200 columns"));
        }
        let mut names = std::collections::HashSet::new();
        self.fixed_width
            .iter()
            .map(|column| {
                let name = column.name.trim();
                if name.is_empty() || !names.insert(name.to_owned()) {
                    return Err(ValidationError::new(
                        "fixedWidth",
                        format!("column names must be present and distinct ({name:?})"),
                    ));
                }
                if column.width == 0 || column.width > 10_000 || column.start > 100_000 {
                    return Err(ValidationError::new(
                        "fixedWidth",
                        format!("column {name:?} needs a width of 1 to 10000 characters"),
                    ));
                }
                Ok(tabular::FixedColumn {
                    name: name.to_owned(),
                    start: column.start,
                    width: column.width,
                })
            })
            .collect()
    }
}

fn default_true() -> bool {
    true
}

fn default_encoding() -> String {
    "AUTO".to_owned()
}

/// What the upload wizard shows before an import: the columns and first rows as parsed.
#[derive(Debug, Clone)]
pub struct FilePreview {
    /// Header names, when the file has a header row.
    pub headers: Option<Vec<String>>,
    /// The delimiter used (detected or given).
    pub delimiter: Option<char>,
    /// The encoding used.
    pub encoding: String,
    /// `NONE`, `GZIP` or `ZIP`.
    pub compression: &'static str,
    /// The first rows: cells, or why the row would be refused.
    pub rows: Vec<(u64, Result<Vec<String>, String>)>,
}

/// Parses the start of an upload the way the import will (on a blocking thread).
pub async fn preview(
    principal: &Principal,
    content: std::fs::File,
    format: &FileFormat,
    rows: usize,
) -> Result<FilePreview, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let options = format.read_options()?;
    let preview = tokio::task::spawn_blocking(move || {
        tabular::preview(content, &options, rows.clamp(1, 100))
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|error| ValidationError::new("file", error.to_string()))?;
    Ok(FilePreview {
        headers: preview.headers,
        delimiter: preview.delimiter.map(char::from),
        encoding: preview.encoding.to_string(),
        compression: match preview.compression {
            tabular::Compression::None => "NONE",
            tabular::Compression::Gzip => "GZIP",
            tabular::Compression::Zip { .. } => "ZIP",
        },
        rows: preview
            .rows
            .into_iter()
            .map(|row| match row {
                Ok(record) => (record.line, Ok(record.fields)),
                Err(error) => (error.line, Err(error.reason)),
            })
            .collect(),
    })
}
