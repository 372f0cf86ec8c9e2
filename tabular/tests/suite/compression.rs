//! gzip and zip: the same records as plain text, and the archive rules.

use tabular::{Compression, ReadError};

use crate::helpers::{delimited, gzip, open, open_error, read, rows, zip};

/// A file with a bit of everything, big enough to cross the internal chunk sizes.
fn contacts() -> Vec<u8> {
    let mut file = b"id;name;phone\r\n".to_vec();
    for id in 0..20_000 {
        let line = match id % 10 {
            0 => format!("{id};\"Smith; John\";555 {id:04}\r\n"),
            1 => format!("{id};M\u{fc}ller;555 {id:04}\r\n"),
            2 => format!("{id};ragged\r\n"),
            3 => format!("{id};\"two\r\nlines\";555\r\n"),
            4 => format!("{id};Zo\u{eb};\r\n"),
            _ => format!("{id};Plain;555 {id:04}\r\n"),
        };
        file.extend_from_slice(line.as_bytes());
    }
    file
}

#[test]
fn gzip_and_zip_give_the_same_records_as_plain_text() {
    let plain = contacts();
    let expected = read(&plain, &delimited(None, true));
    assert_eq!(expected.len(), 20_000);
    assert!(expected[2].starts_with("4! expected 3 fields"));

    let cases = [
        ("gzip", gzip(&plain), Compression::Gzip),
        (
            "zip",
            zip(&[("contacts.csv", &plain)]),
            Compression::Zip {
                entry: "contacts.csv".to_owned(),
            },
        ),
        (
            "zip from macOS, in a folder",
            zip(&[
                ("export/", b""),
                ("export/contacts.csv", &plain),
                ("__MACOSX/export/._contacts.csv", b"\0\x05\x16\x07"),
            ]),
            Compression::Zip {
                entry: "export/contacts.csv".to_owned(),
            },
        ),
        (
            "gzip of two members",
            [gzip(&plain[..1_000]), gzip(&plain[1_000..])].concat(),
            Compression::Gzip,
        ),
    ];
    for (label, packed, compression) in cases {
        let reader = open(&packed, &delimited(None, true))
            .unwrap_or_else(|error| panic!("{label}: {error}"));
        assert_eq!(reader.compression(), &compression, "{label}");
        assert_eq!(reader.delimiter(), Some(b';'), "{label}");
        assert_eq!(rows(reader), expected, "{label}");
    }
}

#[test]
fn progress_counts_the_packed_bytes() {
    let plain = contacts();
    for (label, packed) in [("plain", plain.clone()), ("gzip", gzip(&plain))] {
        let mut reader = open(&packed, &delimited(None, true)).unwrap();
        assert!(reader.bytes_read() > 0, "{label}");
        reader.by_ref().for_each(drop);
        assert_eq!(reader.bytes_read(), packed.len() as u64, "{label}");
    }
    let packed = zip(&[("contacts.csv", &plain)]);
    let mut reader = open(&packed, &delimited(None, true)).unwrap();
    reader.by_ref().for_each(drop);
    let consumed = reader.bytes_read();
    assert!(
        consumed > packed.len() as u64 / 2 && consumed <= 2 * packed.len() as u64,
        "{consumed}"
    );
}

#[test]
fn archive_rules() {
    let csv: &[u8] = b"name,phone\nAnn,555\n";
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "two files",
            zip(&[("a.csv", csv), ("b.csv", csv)]),
            "a zip archive must contain exactly one file, found 2",
        ),
        (
            "no file",
            zip(&[]),
            "a zip archive must contain exactly one file, found 0",
        ),
        (
            "only a folder",
            zip(&[("export/", b"")]),
            "a zip archive must contain exactly one file, found 0",
        ),
        (
            "an Excel workbook",
            zip(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
            ]),
            "the file is a spreadsheet workbook (Excel .xlsx), not a text file: save it as CSV and upload that",
        ),
        (
            "bzip2",
            b"BZh91AY&SY\x00\x01".to_vec(),
            "unsupported compression: bzip2",
        ),
    ];
    for (label, bytes, message) in cases {
        assert_eq!(
            open_error(&bytes, &delimited(None, true)).to_string(),
            message,
            "{label}"
        );
    }
    let damaged = b"PK\x03\x04 this is not really a zip archive".to_vec();
    assert!(matches!(
        open_error(&damaged, &delimited(None, true)),
        ReadError::Archive(_)
    ));
}

#[test]
fn a_truncated_gzip_is_a_fatal_error_after_the_good_rows() {
    let packed = gzip(&contacts());
    let truncated = &packed[..packed.len() * 2 / 3];
    let reader = open(truncated, &delimited(None, true)).unwrap();
    let mut good_rows = 0;
    let mut fatal = None;
    for row in reader {
        match row {
            Ok(_) => good_rows += 1,
            Err(error) => fatal = Some(error),
        }
    }
    assert!(good_rows > 1_000, "{good_rows}");
    let error = fatal.expect("a truncated file is reported");
    assert!(
        matches!(error, ReadError::Input { line, .. } if line > 1_000),
        "{error}"
    );
}
