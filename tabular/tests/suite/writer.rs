//! Exports: formula-injection escaping, RFC 4180 output, and a round trip.

use std::borrow::Cow;

use tabular::{CsvWriter, escape_cell};

use crate::helpers::{delimited, open};

#[test]
fn cells_that_a_spreadsheet_would_evaluate_are_escaped() {
    let cases = [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("+15551234567", "'+15551234567"),
        ("Müller", "Müller"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ];
    for (cell, expected) in cases {
        let escaped = escape_cell(cell);
        assert_eq!(escaped, expected, "{cell:?}");
        assert_eq!(
            matches!(escaped, Cow::Borrowed(_)),
            cell == expected,
            "{cell:?} allocates only when escaped"
        );
    }
}

#[test]
fn output_is_rfc_4180_with_crlf_and_minimal_quoting() {
    let mut writer = CsvWriter::new(Vec::new());
    writer.write_record(["name", "note", "phone"]).unwrap();
    writer
        .write_record(["Smith, John", "say \"hi\"\nbye", "=HYPERLINK(\"x\")"])
        .unwrap();
    writer.write_record(["Zoë", "", "-1"]).unwrap();
    let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    assert_eq!(
        written,
        "name,note,phone\r\n\"Smith, John\",\"say \"\"hi\"\"\nbye\",\"'=HYPERLINK(\"\"x\"\")\"\r\nZoë,,'-1\r\n"
    );
}

#[test]
fn with_bom_starts_with_the_utf8_mark_and_rows_must_match_in_length() {
    let mut writer = CsvWriter::with_bom(Vec::new()).unwrap();
    writer.write_record(["a", "b"]).unwrap();
    assert!(writer.write_record(["only one"]).is_err());
    let written = writer.into_inner().unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBFa,b\r\n"));
}

#[test]
fn export_then_import_gives_back_every_cell() {
    let table: [[&str; 4]; 6] = [
        ["client_id", "name", "phone", "note"],
        ["1", "Smith, John", "+15551234567", "plain"],
        ["2", "Müller", "555 0100", "two\r\nlines"],
        ["3", "O\"Brien", "=1+2", "tab\there"],
        ["4", "Zoë", "", "@SUM(A1)"],
        ["5", "", "-1", "€ and ; and |"],
    ];
    let mut writer = CsvWriter::with_bom(Vec::new()).unwrap();
    for row in &table {
        writer.write_record(row).unwrap();
    }
    let exported = writer.into_inner().unwrap();

    let reader = open(&exported, &delimited(None, true)).unwrap();
    assert_eq!(reader.delimiter(), Some(b','));
    assert_eq!(reader.headers().unwrap(), table[0]);
    let imported: Vec<(u64, Vec<String>)> = reader
        .map(|row| {
            let record = row.unwrap().unwrap();
            (record.line, record.fields)
        })
        .collect();
    let expected: Vec<(u64, Vec<String>)> = table[1..]
        .iter()
        .zip([2, 3, 5, 6, 7])
        .map(|(row, line)| {
            (
                line,
                row.iter()
                    .map(|cell| escape_cell(cell).into_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(imported, expected);
}
