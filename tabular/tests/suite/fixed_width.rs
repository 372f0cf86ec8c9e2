//! Fixed-width text: character offsets, trimming, short and long lines.

use tabular::{Encoding, FixedColumn, Layout, ReadOptions};

use crate::helpers::{open, rows};

fn layout(has_header: bool, encoding: Encoding) -> ReadOptions {
    let columns = vec![
        FixedColumn::new("id", 0, 3),
        FixedColumn::new("name", 3, 10),
        FixedColumn::new("phone", 13, 10),
    ];
    ReadOptions {
        layout: Layout::FixedWidth { columns },
        has_header,
        encoding,
        ..ReadOptions::default()
    }
}

#[test]
fn values_are_cut_at_character_offsets_and_trimmed() {
    //          id |name      |phone
    let file = "ID NAME      PHONE\r\n\
                001Müller    5550100   \r\n\
                002Zoë       5550101\r\n\
                \r\n\
                003Short\r\n\
                004Bo        55501\r\n\
                005  Ann Lee 5550105   extra\r\n";
    let reader = open(file.as_bytes(), &layout(true, Encoding::Auto)).unwrap();
    assert_eq!(reader.headers().unwrap(), ["id", "name", "phone"]);
    assert_eq!(reader.delimiter(), None);
    assert_eq!(
        rows(reader),
        [
            "2: 001|Müller|5550100",
            "3: 002|Zoë|5550101",
            "5! the line has 8 characters but column `phone` starts at character 14",
            // A line ending inside the last column keeps what is there (editors strip padding).
            "6: 004|Bo|55501",
            // Characters past the last column are ignored.
            "7: 005|Ann Lee|5550105",
        ]
    );
}

#[test]
fn without_a_header_the_first_line_is_a_record() {
    let file = "001Müller    5550100\n002Zoë       5550101";
    let reader = open(file.as_bytes(), &layout(false, Encoding::Auto)).unwrap();
    assert_eq!(reader.headers().unwrap(), ["id", "name", "phone"]);
    assert_eq!(
        rows(reader),
        ["1: 001|Müller|5550100", "2: 002|Zoë|5550101"]
    );
}

#[test]
fn offsets_count_characters_in_8_bit_encodings_too() {
    let file = b"001M\xFCller    5550100\n002Zo\xEB       5550101\n002\x80uro      5550102\n";
    let reader = open(file, &layout(false, Encoding::Windows1252)).unwrap();
    assert_eq!(
        rows(reader),
        [
            "1: 001|Müller|5550100",
            "2: 002|Zoë|5550101",
            "3: 002|€uro|5550102"
        ]
    );
    let strict_latin1 = open(file, &layout(false, Encoding::Latin1)).unwrap();
    assert_eq!(
        rows(strict_latin1)[2],
        "3! field 1 has byte 0x80, a control character in ISO-8859-1: the file is probably Windows-1252"
    );
}

#[test]
fn an_over_long_line_is_rejected() {
    let options = ReadOptions {
        max_record_bytes: 30,
        ..layout(false, Encoding::Auto)
    };
    let file = format!(
        "001Ann       5550100\n002{}\n003Bo        5550103\n",
        "x".repeat(40)
    );
    assert_eq!(
        rows(open(file.as_bytes(), &options).unwrap()),
        [
            "1: 001|Ann|5550100",
            "2! the line is longer than 30 bytes",
            "3: 003|Bo|5550103"
        ]
    );
}
