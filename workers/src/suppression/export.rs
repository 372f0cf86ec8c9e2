//! A suppression list's entries as CSV, page by page (formula-safe, UTF-8
//! with a byte-order mark), in the same columns an upload reads back.

use entity::suppression_entry;

/// The export's columns (an upload of the file restores the list).
pub const EXPORT_HEADER: [&str; 5] = ["value", "reason", "expires_at", "source", "created_at"];

/// One page of entries as CSV bytes; `header` for the first page.
pub fn export_csv(entries: &[suppression_entry::Model], header: bool) -> Vec<u8> {
    let buffer = Vec::with_capacity(entries.len() * 48);
    let writer = if header {
        tabular::CsvWriter::with_bom(buffer)
    } else {
        Ok(tabular::CsvWriter::new(buffer))
    };
    let Ok(mut writer) = writer else {
        return Vec::new();
    };
    if header {
        let _ = writer.write_record(EXPORT_HEADER);
    }
    for entry in entries {
        let _ = writer.write_record([
            entry.value.clone(),
            entry.reason.clone().unwrap_or_default(),
            entry
                .expires_at
                .map(|at| at.to_rfc3339())
                .unwrap_or_default(),
            entry.source.clone(),
            entry.created_at.to_rfc3339(),
        ]);
    }
    writer.into_inner().unwrap_or_default()
}
