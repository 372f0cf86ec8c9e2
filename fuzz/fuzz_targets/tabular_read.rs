//! `tabular::open` on any bytes, under options chosen by the first two bytes:
//! no panic, the same answer twice, line numbers that never go back, and the
//! same number of fields in every accepted record.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use tabular::{Encoding, FixedColumn, Layout, ReadOptions, Row};

/// Stops a pathological input from looping on rows forever (none should).
const MAX_ROWS: usize = 100_000;

const ENCODINGS: [Encoding; 6] = [
    Encoding::Auto,
    Encoding::Utf8,
    Encoding::Latin1,
    Encoding::Windows1252,
    Encoding::Utf16Le,
    Encoding::Utf16Be,
];

/// Byte 0: layout (bits 0–2), encoding (3–5), header (6), a tiny record limit (7);
/// byte 1: the fixed-width columns.
fn options(control: u8, columns: u8) -> ReadOptions {
    let layout = match control & 0b111 {
        0 | 1 => Layout::Delimited { delimiter: None },
        2 => Layout::Delimited {
            delimiter: Some(b','),
        },
        3 => Layout::Delimited {
            delimiter: Some(b';'),
        },
        4 => Layout::Delimited {
            delimiter: Some(b'\t'),
        },
        5 => Layout::Delimited {
            delimiter: Some(b'|'),
        },
        _ => {
            let count = 1 + usize::from(columns & 0b11);
            let width = 1 + usize::from((columns >> 2) & 0b111);
            let gap = usize::from(columns >> 5);
            Layout::FixedWidth {
                columns: (0..count)
                    .map(|index| {
                        FixedColumn::new(format!("c{index}"), index * (width + gap), width)
                    })
                    .collect(),
            }
        }
    };
    ReadOptions {
        layout,
        encoding: ENCODINGS[usize::from((control >> 3) & 0b111) % ENCODINGS.len()],
        has_header: control & 0b0100_0000 != 0,
        max_record_bytes: if control & 0b1000_0000 != 0 {
            16
        } else {
            tabular::DEFAULT_MAX_RECORD_BYTES
        },
    }
}

/// Everything the reader said about a file, comparable.
#[derive(Debug, PartialEq)]
struct Outcome {
    headers: Option<Vec<String>>,
    delimiter: Option<u8>,
    rows: Vec<Row>,
    failure: Option<String>,
}

fn read(file: &[u8], options: &ReadOptions) -> Result<Outcome, String> {
    let mut reader =
        tabular::open(Cursor::new(file.to_vec()), options).map_err(|error| error.to_string())?;
    let mut rows = Vec::new();
    let mut failure = None;
    for row in reader.by_ref().take(MAX_ROWS) {
        match row {
            Ok(row) => rows.push(row),
            Err(error) => {
                failure = Some(error.to_string());
                break;
            }
        }
    }
    Ok(Outcome {
        headers: reader.headers().map(<[String]>::to_vec),
        delimiter: reader.delimiter(),
        rows,
        failure,
    })
}

fuzz_target!(|data: &[u8]| {
    let [control, columns, file @ ..] = data else {
        return;
    };
    let options = options(*control, *columns);
    let first = read(file, &options);
    assert_eq!(first, read(file, &options), "reading is deterministic");
    let Ok(outcome) = first else {
        return;
    };

    let lines: Vec<u64> = outcome
        .rows
        .iter()
        .map(|row| match row {
            Ok(record) => record.line,
            Err(error) => error.line,
        })
        .collect();
    assert!(
        lines.windows(2).all(|pair| pair[0] <= pair[1]),
        "line numbers go back: {lines:?}"
    );
    assert!(
        lines.iter().all(|line| *line >= 1),
        "line numbers are 1-based: {lines:?}"
    );

    let widths: Vec<usize> = outcome
        .rows
        .iter()
        .flatten()
        .map(|record| record.fields.len())
        .collect();
    match &options.layout {
        Layout::FixedWidth { columns } => {
            assert_eq!(outcome.delimiter, None);
            let names: Vec<String> = columns.iter().map(|column| column.name.clone()).collect();
            assert_eq!(
                outcome.headers.as_ref(),
                Some(&names),
                "fixed-width headers are the column names"
            );
            assert!(
                widths.iter().all(|width| *width == columns.len()),
                "{widths:?}"
            );
        }
        Layout::Delimited { delimiter } => {
            let used = outcome.delimiter.expect("a delimited file has a delimiter");
            if let Some(given) = delimiter {
                assert_eq!(used, *given, "the given delimiter is used");
            }
            let expected = outcome
                .headers
                .as_ref()
                .map(Vec::len)
                .or(widths.first().copied());
            if let Some(expected) = expected {
                assert!(
                    widths.iter().all(|width| *width == expected),
                    "{expected} fields expected: {widths:?}"
                );
            }
        }
    }
});
