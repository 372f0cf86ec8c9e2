//! Whole-file failures: reported by `open`, before any row.

use tabular::{Encoding, FixedColumn, Layout, ReadError, ReadOptions};

use crate::helpers::{delimited, gzip, open_error};

#[test]
fn files_without_content_are_empty() {
    let cases: [(&str, &[u8]); 6] = [
        ("0 bytes", b""),
        ("a BOM only", b"\xEF\xBB\xBF"),
        ("blank lines only", b"\n\r\n  \n\t\n"),
        ("a BOM and blank lines", b"\xEF\xBB\xBF\r\n\r\n"),
        ("a UTF-16 BOM only", b"\xFF\xFE"),
        ("a gzip of nothing", &[]),
    ];
    for (label, bytes) in cases {
        let bytes = if label.starts_with("a gzip") {
            gzip(b"")
        } else {
            bytes.to_vec()
        };
        let error = open_error(&bytes, &ReadOptions::default());
        assert!(matches!(error, ReadError::Empty), "{label}: {error}");
        assert_eq!(error.to_string(), "the file is empty");
    }
}

#[test]
fn binary_files_are_refused() {
    let mut controls = b"name,phone\n".to_vec();
    controls.extend((0..400).map(|i| [0x01, 0x02, 0x1B, b'a'][i % 4]));
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "a PNG image",
            b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR".to_vec(),
            "the file is not a text file: a PNG image",
        ),
        (
            "an executable",
            b"\x7FELF\x02\x01\x01\0\0\0".to_vec(),
            "the file is not a text file: an executable",
        ),
        (
            "NUL bytes",
            b"name,phone\nAnn\0,555\n".to_vec(),
            "the file is not a text file: it contains NUL bytes (first at byte 14); UTF-16 text without a byte-order mark must be given its encoding explicitly",
        ),
        (
            "control characters",
            controls,
            "the file is not a text file: 73% of its first bytes are control characters",
        ),
        (
            "an old Excel workbook",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0".to_vec(),
            "the file is a spreadsheet workbook (Excel 97-2003 .xls), not a text file: save it as CSV and upload that",
        ),
    ];
    for (label, bytes, message) in cases {
        assert_eq!(
            open_error(&bytes, &ReadOptions::default()).to_string(),
            message,
            "{label}"
        );
    }
}

#[test]
fn utf16_without_a_bom_needs_its_encoding_named() {
    let bytes: Vec<u8> = "name,phone\nAnn,555\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(matches!(
        open_error(&bytes, &ReadOptions::default()),
        ReadError::Binary(_)
    ));
    let options = ReadOptions {
        encoding: Encoding::Utf16Le,
        ..ReadOptions::default()
    };
    let reader = crate::helpers::open(&bytes, &options).unwrap();
    assert_eq!(crate::helpers::rows(reader), ["2: Ann|555"]);
}

#[test]
fn a_header_in_the_wrong_encoding_is_fatal() {
    let options = ReadOptions {
        encoding: Encoding::Utf8,
        ..delimited(None, true)
    };
    let error = open_error(b"nom,t\xE9l\xE9phone\nAnn,555\n", &options);
    assert_eq!(
        error.to_string(),
        "invalid header row: field 2 is not valid UTF-8 (byte 0xE9): the file is probably ISO-8859-1 or Windows-1252"
    );
}

#[test]
fn options_that_describe_no_file_are_refused() {
    let fixed = |columns| ReadOptions {
        layout: Layout::FixedWidth { columns },
        ..ReadOptions::default()
    };
    let cases = [
        (
            "no columns",
            fixed(vec![]),
            "invalid read options: a fixed-width layout needs at least one column",
        ),
        (
            "a zero width",
            fixed(vec![
                FixedColumn::new("id", 0, 3),
                FixedColumn::new("name", 3, 0),
            ]),
            "invalid read options: fixed-width column `name` has a width of 0",
        ),
        (
            "a quote as delimiter",
            delimited(Some(b'"'), true),
            "invalid read options: byte 0x22 cannot be a delimiter",
        ),
        (
            "no room for a record",
            ReadOptions {
                max_record_bytes: 0,
                ..ReadOptions::default()
            },
            "invalid read options: max_record_bytes must be at least 1",
        ),
    ];
    for (label, options, message) in cases {
        assert_eq!(
            open_error(b"id,name\n1,a\n", &options).to_string(),
            message,
            "{label}"
        );
    }
}
