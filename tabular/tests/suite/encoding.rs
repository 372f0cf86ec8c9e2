//! Encodings: explicit and auto, byte-order marks, strict rejections per row.

use tabular::Encoding;

use crate::helpers::{delimited, open, read, rows};

const NAMES: &str = "name,amount\nMüller,1\nZoë,2\n";
const NAMES_ROWS: [&str; 2] = ["2: Müller|1", "3: Zoë|2"];
const EURO: &str = "name,amount\nZoë,5 €\n";
const EURO_ROWS: [&str; 1] = ["2: Zoë|5 €"];

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|character| u8::try_from(u32::from(character)).unwrap())
        .collect()
}

fn windows_1252(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

fn with_bom(bom: &[u8], bytes: Vec<u8>) -> Vec<u8> {
    [bom.to_vec(), bytes].concat()
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let units = text.encode_utf16();
    let bom: &[u8] = if little_endian {
        b"\xFF\xFE"
    } else {
        b"\xFE\xFF"
    };
    let body = units.flat_map(|unit| {
        if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        }
    });
    bom.iter().copied().chain(body).collect()
}

#[test]
fn names_decode_right_in_explicit_and_auto_modes() {
    use Encoding::*;
    let utf8 = |text: &str| text.as_bytes().to_vec();
    // (label, bytes, encoding asked for, encoding reported, rows)
    type Case = (
        &'static str,
        Vec<u8>,
        Encoding,
        Encoding,
        &'static [&'static str],
    );
    let cases: Vec<Case> = vec![
        ("UTF-8, auto", utf8(NAMES), Auto, Utf8, &NAMES_ROWS),
        ("UTF-8, explicit", utf8(NAMES), Utf8, Utf8, &NAMES_ROWS),
        (
            "UTF-8 with BOM, auto",
            with_bom(b"\xEF\xBB\xBF", utf8(NAMES)),
            Auto,
            Utf8,
            &NAMES_ROWS,
        ),
        (
            "UTF-8 with BOM beats a wrong choice",
            with_bom(b"\xEF\xBB\xBF", utf8(EURO)),
            Latin1,
            Utf8,
            &EURO_ROWS,
        ),
        ("UTF-8 euro, auto", utf8(EURO), Auto, Utf8, &EURO_ROWS),
        (
            "ISO-8859-1, explicit",
            latin1(NAMES),
            Latin1,
            Latin1,
            &NAMES_ROWS,
        ),
        (
            "ISO-8859-1, auto",
            latin1(NAMES),
            Auto,
            Windows1252,
            &NAMES_ROWS,
        ),
        (
            "Windows-1252, explicit",
            windows_1252(EURO),
            Windows1252,
            Windows1252,
            &EURO_ROWS,
        ),
        (
            "Windows-1252, auto",
            windows_1252(EURO),
            Auto,
            Windows1252,
            &EURO_ROWS,
        ),
        (
            "UTF-16LE with BOM, auto",
            utf16(EURO, true),
            Auto,
            Utf16Le,
            &EURO_ROWS,
        ),
        (
            "UTF-16BE with BOM, auto",
            utf16(NAMES, false),
            Auto,
            Utf16Be,
            &NAMES_ROWS,
        ),
        // A wrong explicit choice is not detectable for these bytes: it is honoured.
        (
            "UTF-8 read as ISO-8859-1",
            utf8("name,amount\nMüller,1\n"),
            Latin1,
            Latin1,
            &["2: MÃ¼ller|1"],
        ),
    ];
    for (label, bytes, requested, reported, expected) in cases {
        let options = tabular::ReadOptions {
            encoding: requested,
            ..delimited(None, true)
        };
        let reader = open(&bytes, &options).unwrap_or_else(|error| panic!("{label}: {error}"));
        assert_eq!(reader.headers().unwrap(), ["name", "amount"], "{label}");
        assert_eq!(reader.encoding(), reported, "{label}");
        assert_eq!(rows(reader), expected, "{label}");
    }
}

#[test]
fn bytes_a_strict_encoding_refuses_reject_only_their_row() {
    use Encoding::*;
    let cases: [(&str, &[u8], Encoding, &str); 3] = [
        (
            "Latin-1 bytes in a UTF-8 file",
            b"name,amount\nAnn,1\nM\xFCller,2\nBo,3\n",
            Utf8,
            "3! field 1 is not valid UTF-8 (byte 0xFC): the file is probably ISO-8859-1 or Windows-1252",
        ),
        (
            "a euro sign in an ISO-8859-1 file",
            b"name,amount\nAnn,1\nZo\xEB,\x80 5\nBo,3\n",
            Latin1,
            "3! field 2 has byte 0x80, a control character in ISO-8859-1: the file is probably Windows-1252",
        ),
        (
            "an unassigned Windows-1252 byte",
            b"name,amount\nAnn,1\nZo\xEB,\x81\nBo,3\n",
            Windows1252,
            "3! field 2 has byte 0x81, which Windows-1252 does not define",
        ),
    ];
    for (label, bytes, encoding, rejected) in cases {
        let options = tabular::ReadOptions {
            encoding,
            ..delimited(None, true)
        };
        assert_eq!(
            read(bytes, &options),
            ["2: Ann|1", rejected, "4: Bo|3"],
            "{label}"
        );
    }
}

#[test]
fn auto_switches_to_windows_1252_at_the_first_row_that_is_not_utf8() {
    // Far more ASCII than the first read, so the decision cannot be made up front.
    let mut file = b"name,amount\n".to_vec();
    for id in 0..40_000 {
        file.extend_from_slice(format!("n{id},{id}\n").as_bytes());
    }
    file.extend_from_slice(b"M\xFCller,1\nZo\xEB,2\n\x80 sign,3\n");
    let mut reader = open(&file, &delimited(None, true)).unwrap();
    assert_eq!(reader.encoding(), Encoding::Utf8);
    let last: Vec<String> = reader
        .by_ref()
        .skip(40_000)
        .map(|row| row.unwrap().unwrap().fields.join("|"))
        .collect();
    assert_eq!(last, ["Müller|1", "Zoë|2", "€ sign|3"]);
    assert_eq!(reader.encoding(), Encoding::Windows1252);
}

#[test]
fn auto_keeps_utf8_when_the_late_rows_are_utf8() {
    let mut file = String::from("name,amount\n");
    for id in 0..10_000 {
        file.push_str(&format!("n{id},{id}\n"));
    }
    file.push_str("Müller,1\n");
    let mut reader = open(file.as_bytes(), &delimited(None, true)).unwrap();
    let last = reader.by_ref().last().unwrap().unwrap().unwrap();
    assert_eq!(last.fields, ["Müller", "1"]);
    assert_eq!(reader.encoding(), Encoding::Utf8);
}
