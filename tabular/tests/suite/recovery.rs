//! Bad records — unbalanced quotes, over-long records — are rejected with the
//! right line, and the rows after them still come through.

use tabular::ReadOptions;

use crate::helpers::{Trickle, delimited, read, rows};

/// Good rows after the case under test (lines 5 to 8), so detection has a majority to go on.
const TAIL: &str = "4,Dee,558\n5,Eve,559\n6,Fay,560\n7,Gus,561\n";

#[test]
fn unbalanced_quotes() {
    // Each case fills lines 2 and 3; line 4 is `3,Brown,557`, then the tail.
    let cases: [(&str, &str, &str, &str); 3] = [
        (
            "never closed: it would swallow the rest of the file",
            "1,\"Smith,555\n2,Jones,556\n",
            "2! unbalanced quote: the quote opening field 2 on line 2 is never closed",
            "3: 2|Jones|556",
        ),
        (
            "pairs up with the next quote",
            "1,\"Smith,555\n2,\"Jones\",556\n",
            "2! unbalanced quote: the quote opening field 2 on line 2 is closed on line 3 but text follows the closing quote",
            "3: 2|Jones|556",
        ),
        (
            "spans lines and breaks the field count",
            "1,\"Smith\nx\",Jones,556\n",
            "2! unbalanced quote: the quote opening field 2 on line 2 runs on to line 3 and leaves 4 fields instead of 3",
            // The swallowed line is read again on its own; like csv-core, a quote inside a value is kept.
            "3: x\"|Jones|556",
        ),
    ];
    for (label, lines_2_and_3, rejected, line_3) in cases {
        let file = format!("id,name,phone\n{lines_2_and_3}3,Brown,557\n{TAIL}");
        let expected = [
            rejected,
            line_3,
            "4: 3|Brown|557",
            "5: 4|Dee|558",
            "6: 5|Eve|559",
            "7: 6|Fay|560",
            "8: 7|Gus|561",
        ];
        assert_eq!(
            read(file.as_bytes(), &delimited(None, true)),
            expected,
            "{label}"
        );
    }
}

#[test]
fn a_quote_left_open_on_the_last_line() {
    let file = format!("id,name,phone\n{TAIL}8,\"Zed,562");
    assert_eq!(
        read(file.as_bytes(), &delimited(None, true)),
        [
            "2: 4|Dee|558",
            "3: 5|Eve|559",
            "4: 6|Fay|560",
            "5: 7|Gus|561",
            "6! unbalanced quote: the quote opening field 2 on line 6 is never closed",
        ]
    );
}

#[test]
fn an_over_long_record_is_rejected_and_skipped() {
    let options = ReadOptions {
        max_record_bytes: 20,
        ..delimited(Some(b','), true)
    };
    let file = format!("id,name\n1,short\n2,{}\n3,ok\n", "x".repeat(30));
    assert_eq!(
        read(file.as_bytes(), &options),
        [
            "2: 1|short",
            "3! the record is longer than 20 bytes",
            "4: 3|ok"
        ]
    );
}

#[test]
fn an_over_long_line_in_a_big_file_is_skipped_without_buffering_it() {
    let options = ReadOptions {
        max_record_bytes: 1_000,
        ..delimited(None, true)
    };
    let mut file = format!("id,name\n1,a\n2,{}\n", "x".repeat(300_000));
    for id in 3..=1_000 {
        file.push_str(&format!("{id},n{id}\n"));
    }
    let reader = tabular::open(Trickle::new(file.into_bytes(), 4_096), &options).unwrap();
    let found = rows(reader);
    assert_eq!(found.len(), 1_000);
    assert_eq!(
        found[..3],
        [
            "2: 1|a",
            "3! the record is longer than 1000 bytes",
            "4: 3|n3"
        ]
    );
    assert_eq!(found[999], "1001: 1000|n1000");
}

#[test]
fn a_quote_never_closed_in_a_big_file_costs_one_row() {
    let options = ReadOptions {
        max_record_bytes: 1_000,
        ..delimited(None, true)
    };
    let mut file = String::from("id,name\n1,\"open\n");
    for id in 2..=20_000 {
        file.push_str(&format!("{id},name\n"));
    }
    let found = rows(tabular::open(Trickle::new(file.into_bytes(), 4_096), &options).unwrap());
    assert_eq!(found.len(), 20_000);
    assert_eq!(
        found[0],
        "2! unbalanced quote: the quote opening field 2 on line 2 is not closed within 1000 bytes"
    );
    assert_eq!(found[1], "3: 2|name");
    assert_eq!(found[19_999], "20001: 20000|name");
}

#[test]
fn line_numbers_survive_every_read_boundary() {
    let mut file = String::from("id,note,phone\r\n");
    for id in 0..3_000 {
        match id % 7 {
            0 => file.push_str(&format!("{id},\"two\r\nlines\",555\r\n")),
            3 => file.push_str(&format!("{id},\"a, \"\"quoted\"\" note\",555\r\n")),
            5 => file.push_str(&format!("{id},ragged\r\n")),
            _ => file.push_str(&format!("{id},plain,555\r\n")),
        }
        if id % 11 == 0 {
            file.push_str("\r\n");
        }
    }
    let options = delimited(None, true);
    let whole = read(file.as_bytes(), &options);
    for chunk in [1, 2, 7, 4_096] {
        let trickled =
            rows(tabular::open(Trickle::new(file.clone().into_bytes(), chunk), &options).unwrap());
        assert_eq!(trickled, whole, "chunk {chunk}");
    }
    let physical_lines = file.matches('\n').count() as u64;
    let last = whole.last().unwrap();
    assert!(
        last.starts_with(&format!("{physical_lines}: 2999|")),
        "{last} vs {physical_lines} lines"
    );
    let ragged = (0..3_000).filter(|id| id % 7 == 5).count();
    assert_eq!(
        whole
            .iter()
            .filter(|row| row.contains("! expected 3 fields, found 2"))
            .count(),
        ragged
    );
}
