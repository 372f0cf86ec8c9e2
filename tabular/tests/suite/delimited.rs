//! Delimited text: detection, headers, quoting, line numbers, ragged rows.

use tabular::{Encoding, ReadError};

use crate::helpers::{delimited, open, open_error, read, rows};

#[test]
fn every_delimiter_is_detected() {
    let cases: [(u8, &str); 5] = [
        (b',', "comma"),
        (b'\t', "tab"),
        (b'|', "pipe"),
        (b';', "semicolon"),
        (b':', "colon"),
    ];
    for (delimiter, name) in cases {
        let d = char::from(delimiter);
        let file = format!("name{d}phone{d}city\nAnn{d}555 0100{d}Paris\nBo{d}555 0101{d}Rome\n");
        let reader = open(file.as_bytes(), &delimited(None, true)).unwrap();
        assert_eq!(reader.delimiter(), Some(delimiter), "{name}");
        assert_eq!(
            reader.headers().unwrap(),
            ["name", "phone", "city"],
            "{name}"
        );
        assert_eq!(
            rows(reader),
            ["2: Ann|555 0100|Paris", "3: Bo|555 0101|Rome"],
            "{name}"
        );
    }
}

#[test]
fn detection_prefers_the_structural_character() {
    let cases: [(&str, &[u8], u8); 4] = [
        (
            "times do not make a colon file",
            b"name,time\nAnn,10:30\nBo,11:45\n",
            b',',
        ),
        (
            "decimal commas in a semicolon file",
            b"name;amount\nAnn;1,50\nBo;2,75\n",
            b';',
        ),
        (
            "commas inside values of a tab file",
            b"name\tcity\nAnn\tSpringfield, IL\nBo\tAustin, TX\n",
            b'\t',
        ),
        (
            "quoted commas do not count",
            b"name|company\nAnn|\"Acme, Inc.\"\nBo|\"Foo, Ltd\"\n",
            b'|',
        ),
    ];
    for (label, file, expected) in cases {
        let reader = open(file, &delimited(None, true)).unwrap();
        assert_eq!(reader.delimiter(), Some(expected), "{label}");
    }
}

#[test]
fn a_few_ragged_rows_do_not_defeat_detection() {
    let mut file = String::from("a;b;c\n");
    for row in 0..20 {
        file.push_str(if row == 7 { "1;2\n" } else { "1;2;3\n" });
    }
    let reader = open(file.as_bytes(), &delimited(None, true)).unwrap();
    assert_eq!(reader.delimiter(), Some(b';'));
    assert_eq!(rows(reader)[7], "9! expected 3 fields, found 2");
}

#[test]
fn a_single_column_file_reads_as_one_column() {
    let reader = open(b"phone\n5550100\n5550101\n", &delimited(None, true)).unwrap();
    assert_eq!(reader.delimiter(), Some(b','));
    assert_eq!(reader.headers().unwrap(), ["phone"]);
    assert_eq!(rows(reader), ["2: 5550100", "3: 5550101"]);
}

#[test]
fn candidates_that_split_inconsistently_are_a_fatal_error() {
    let error = open_error(
        b"notes\nSmith, John\nfine\nA; B; C\nok\n",
        &delimited(None, true),
    );
    assert!(
        matches!(error, ReadError::NoDelimiter { records: 5 }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("choose comma, tab, pipe, semicolon or colon explicitly")
    );
    // Naming the delimiter reads the same file.
    assert_eq!(
        read(b"notes\nfine\n", &delimited(Some(b';'), true)),
        ["2: fine"]
    );
}

#[test]
fn header_or_not() {
    let file = b" name , phone \nAnn,5550100\nBo,5550101\n";
    let with = open(file, &delimited(None, true)).unwrap();
    assert_eq!(with.headers().unwrap(), ["name", "phone"]);
    assert_eq!(rows(with), ["2: Ann|5550100", "3: Bo|5550101"]);

    let without = open(file, &delimited(None, false)).unwrap();
    assert_eq!(without.headers(), None);
    assert_eq!(
        rows(without),
        ["1:  name | phone ", "2: Ann|5550100", "3: Bo|5550101"]
    );

    let header_only = open(b"name,phone\r\n\r\n", &delimited(None, true)).unwrap();
    assert_eq!(header_only.headers().unwrap(), ["name", "phone"]);
    assert_eq!(rows(header_only), Vec::<String>::new());
}

#[test]
fn a_reader_can_move_to_a_blocking_thread() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<tabular::RecordReader>();
}

#[test]
fn quoting_and_line_numbers() {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "embedded delimiter",
            "id,company\n1,\"Acme, Inc.\"\n2,Foo\n",
            &["2: 1|Acme, Inc.", "3: 2|Foo"],
        ),
        (
            "doubled quotes",
            "id,note\n1,\"say \"\"hi\"\"\"\n2,x\n",
            &["2: 1|say \"hi\"", "3: 2|x"],
        ),
        (
            "newlines inside quotes",
            "id,address\n1,\"1 Main St\nApt 2\nSpringfield\"\n2,\"x\"\n3,y\n",
            &["2: 1|1 Main St\nApt 2\nSpringfield", "5: 2|x", "6: 3|y"],
        ),
        (
            "CRLF with a quoted CRLF",
            "id,note\r\n1,\"a\r\nb\"\r\n2,c\r\n",
            &["2: 1|a\r\nb", "4: 2|c"],
        ),
        (
            "blank lines are skipped but counted",
            "\n\nid,x\n\n1,a\n   \n\t\n2,b\n\n",
            &["5: 1|a", "8: 2|b"],
        ),
        ("old Mac line ends", "id,x\r1,a\r2,b", &["2: 1|a", "3: 2|b"]),
        (
            "no final line break, empty values",
            "id,x,y\n1,,\n,,3",
            &["2: 1||", "3: ||3"],
        ),
    ];
    for (label, file, expected) in cases {
        assert_eq!(
            read(file.as_bytes(), &delimited(None, true)),
            expected,
            "{label}"
        );
    }
}

#[test]
fn ragged_rows_are_rejected_and_later_rows_still_come() {
    let with_header = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n";
    assert_eq!(
        read(with_header.as_bytes(), &delimited(Some(b','), true)),
        [
            "2: 1|2|3",
            "3! expected 3 fields, found 2",
            "4! expected 3 fields, found 4",
            "5: 10|11|12"
        ]
    );
    // Without a header the first record sets the count.
    let without_header = "1,2\n3,4,5\n6,7\n";
    assert_eq!(
        read(without_header.as_bytes(), &delimited(Some(b','), false)),
        ["1: 1|2", "2! expected 2 fields, found 3", "3: 6|7"]
    );
}

#[test]
fn preview_returns_the_first_rows_and_what_was_detected() {
    let file = b"name|phone\nAnn|5550100\nBo\nCy|5550102\nDi|5550103\n".to_vec();
    let preview = tabular::preview(std::io::Cursor::new(file), &delimited(None, true), 3).unwrap();
    assert_eq!(
        preview.headers.as_deref(),
        Some(&["name".to_owned(), "phone".to_owned()][..])
    );
    assert_eq!(preview.delimiter, Some(b'|'));
    assert_eq!(preview.encoding, Encoding::Utf8);
    assert_eq!(preview.compression, tabular::Compression::None);
    let lines: Vec<(u64, bool)> = preview
        .rows
        .iter()
        .map(|row| match row {
            Ok(record) => (record.line, true),
            Err(error) => (error.line, false),
        })
        .collect();
    assert_eq!(lines, [(2, true), (3, false), (4, true)]);
}
