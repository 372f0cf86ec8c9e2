//! A strict second look at the quotes of a suspicious record.
//!
//! `csv-core` is lenient: a quote that is never closed quietly swallows the
//! following lines until some later quote. Records that span several lines (or
//! that run into the end of the file) are therefore scanned again here, by the
//! RFC 4180 rules, to find the quote that went wrong and the value it opened.
//! Only such records are scanned, so the cost does not show on ordinary files.

use memchr::memchr3;

/// Where a quoted value starts: its 1-based field number and byte offset in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OpenQuote {
    pub(crate) field: usize,
    pub(crate) offset: usize,
}

/// What went wrong with a quoted value, and where it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuoteProblem {
    /// The quote is never closed before the record's bytes end.
    Unclosed(OpenQuote),
    /// A value that spans lines is closed, but text follows the closing quote:
    /// the sign of a stray quote pairing up with the next one.
    TextAfterClose { open: OpenQuote, close: usize },
}

/// The findings of one scan.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuoteScan {
    /// The first problem, if any.
    pub(crate) problem: Option<QuoteProblem>,
    /// The first quoted value that contains a line break, and where it closes.
    pub(crate) first_spanning: Option<(OpenQuote, usize)>,
}

/// Scans the bytes of one record (without its final line break).
pub(crate) fn scan(record: &[u8], delimiter: u8) -> QuoteScan {
    let mut result = QuoteScan::default();
    let mut field = 1;
    let mut at_field_start = true;
    let mut index = 0;
    while index < record.len() {
        let byte = record[index];
        if at_field_start && byte == b'"' {
            let open = OpenQuote {
                field,
                offset: index,
            };
            let Some((close, spans)) = closing_quote(record, index + 1) else {
                result.problem = Some(QuoteProblem::Unclosed(open));
                return result;
            };
            if spans && result.first_spanning.is_none() {
                result.first_spanning = Some((open, close));
            }
            let after = close
                + 1
                + record[close + 1..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
            let clean_end = match record.get(after) {
                None | Some(b'\r' | b'\n') => true,
                Some(&next) => next == delimiter,
            };
            if spans && !clean_end && result.problem.is_none() {
                result.problem = Some(QuoteProblem::TextAfterClose { open, close });
            }
            // Like csv-core, whatever follows a closing quote belongs to the same value.
            at_field_start = false;
            index = close + 1;
            continue;
        }
        if byte == delimiter {
            field += 1;
            at_field_start = true;
        } else {
            at_field_start = false;
        }
        index += 1;
    }
    result
}

/// Offset of the quote closing a value whose content starts at `from`, and whether
/// the value contains a line break; `None` when it is never closed.
fn closing_quote(record: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut spans = false;
    let mut index = from;
    loop {
        let found = index + memchr3(b'"', b'\n', b'\r', &record[index..])?;
        match record[found] {
            b'"' if record.get(found + 1) == Some(&b'"') => index = found + 2,
            b'"' => return Some((found, spans)),
            _ => {
                spans = true;
                index = found + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings() {
        let open = |field, offset| OpenQuote { field, offset };
        type Case = (
            &'static str,
            Option<QuoteProblem>,
            Option<(OpenQuote, usize)>,
        );
        let cases: [Case; 6] = [
            ("a,\"b,c\",d", None, None),
            ("a,\"b\nc\",d", None, Some((open(2, 2), 6))),
            ("a,\"say \"\"hi\"\"\",d", None, None),
            (
                "1,\"Smith,555\n2,Jones,555",
                Some(QuoteProblem::Unclosed(open(2, 2))),
                None,
            ),
            (
                "1,\"Smith,555\n2,\"Jones\",555",
                Some(QuoteProblem::TextAfterClose {
                    open: open(2, 2),
                    close: 15,
                }),
                Some((open(2, 2), 15)),
            ),
            // Text after a quote on one line is tolerated (csv-core keeps it in the value).
            ("\"abc\"def,x", None, None),
        ];
        for (record, problem, spanning) in cases {
            let found = scan(record.as_bytes(), b',');
            assert_eq!(found.problem, problem, "{record:?}");
            assert_eq!(found.first_spanning, spanning, "{record:?}");
        }
    }
}
