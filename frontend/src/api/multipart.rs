//! The text parts of a GraphQL multipart request
//! (<https://github.com/jaydenseric/graphql-multipart-request-spec>): the
//! operation with its `file` variable `null`, and the map that says which
//! part fills it. Pure, so the host tests check the exact JSON; `upload`
//! puts these and the file into a `FormData`.

use graphql_client::GraphQLQuery;

/// The name of the form part carrying the file.
pub const FILE_PART: &str = "0";

/// The `map` part: part `0` fills `variables.file`.
pub const FILE_MAP: &str = r#"{"0":["variables.file"]}"#;

/// The `operations` part: the operation as JSON, `variables.file` `null`
/// (the `Upload` scalar serialises as `null`).
pub fn operations_json<Operation: GraphQLQuery>(
    variables: Operation::Variables,
) -> Result<String, serde_json::Error> {
    serde_json::to_string(&Operation::build_query(variables))
}

/// How many bytes of a file the preview needs: the first 256 KiB of plain
/// text, the whole file when it is compressed (a cut archive cannot be read).
pub fn preview_bytes(file_name: &str, file_size: f64) -> f64 {
    const PREVIEW_LIMIT: f64 = 256.0 * 1024.0;
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".gz") || lower.ends_with(".zip") {
        file_size
    } else {
        file_size.min(PREVIEW_LIMIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::operations::{PreviewImport, preview_import};
    use crate::api::schema_types::Upload;

    #[test]
    fn the_file_variable_is_null_and_mapped_to_part_zero() {
        let json = operations_json::<PreviewImport>(preview_import::Variables {
            file: Upload,
            rows: 10,
        })
        .expect("serialises");
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(
            value["variables"],
            serde_json::json!({ "file": null, "rows": 10 })
        );
        assert_eq!(value["operationName"], "PreviewImport");
        assert!(value["query"].as_str().unwrap().contains("previewImport"));
        let map: serde_json::Value = serde_json::from_str(FILE_MAP).expect("json");
        assert_eq!(map, serde_json::json!({ FILE_PART: ["variables.file"] }));
    }

    #[test]
    fn previews_send_the_start_of_plain_files_and_whole_archives() {
        assert_eq!(preview_bytes("leads.csv", 10.0), 10.0);
        assert_eq!(preview_bytes("leads.csv", 1e9), 262_144.0);
        assert_eq!(preview_bytes("leads.CSV.GZ", 1e9), 1e9);
        assert_eq!(preview_bytes("leads.zip", 5e8), 5e8);
    }
}
