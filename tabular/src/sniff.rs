//! Guessing the file's conventions from its first lines: the line break and,
//! when the caller did not name one, the delimiter.
//!
//! Delimiter rule: each candidate splits the sample (quote-aware, with
//! `csv-core`) and the most common field count is taken. A candidate is
//! *consistent* when that count is at least 2 and covers at least 80% of the
//! sampled records (a few ragged rows must not defeat detection). The most
//! consistent candidate wins; ties go to the earlier one in
//! [`CANDIDATE_DELIMITERS`]. If no candidate occurs at all outside quotes, the
//! file is one column. If candidates occur but none is consistent, detection
//! fails rather than guess.

use std::collections::HashMap;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::memchr;

use crate::options::CANDIDATE_DELIMITERS;

/// Records looked at per candidate.
const MAX_SAMPLE_RECORDS: usize = 200;
/// Share of sampled records that must agree on the field count.
const MIN_CONSISTENCY: f64 = 0.8;

/// The line break used for counting lines: `\n` (also in CRLF files), or `\r`
/// for the old Mac convention that Excel for Mac still writes.
pub(crate) fn line_break(sample: &[u8]) -> u8 {
    if memchr(b'\n', sample).is_none() && memchr(b'\r', sample).is_some() {
        b'\r'
    } else {
        b'\n'
    }
}

/// What delimiter detection concluded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Detection {
    /// This delimiter splits the sample consistently.
    Delimiter(u8),
    /// No candidate occurs outside quotes: a single-column file.
    SingleColumn,
    /// Candidates occur, but none consistently, in this many records.
    Ambiguous { records: usize },
}

/// Detects the delimiter from `sample`, which should end at a line break.
pub(crate) fn detect_delimiter(sample: &[u8]) -> Detection {
    let mut best: Option<(f64, u8)> = None;
    let mut any_split = false;
    let mut records = 0;
    for candidate in CANDIDATE_DELIMITERS {
        // Two views of the same sample: records (a quoted value may span lines)
        // and single lines (an unbalanced quote cannot swallow the rest). A
        // candidate only has to be consistent in one of them.
        for counts in [
            record_field_counts(sample, candidate),
            line_field_counts(sample, candidate),
        ] {
            records = records.max(counts.len());
            any_split |= counts.iter().any(|&count| count > 1);
            let Some((fields, agreeing)) = most_common(&counts) else {
                continue;
            };
            let consistency = agreeing as f64 / counts.len() as f64;
            let better = best.is_none_or(|(best_consistency, _)| consistency > best_consistency);
            if fields >= 2 && consistency >= MIN_CONSISTENCY && better {
                best = Some((consistency, candidate));
            }
        }
    }
    match best {
        Some((_, delimiter)) => Detection::Delimiter(delimiter),
        None if !any_split => Detection::SingleColumn,
        None => Detection::Ambiguous { records },
    }
}

/// The most common value and how often it occurs; ties go to the larger value.
fn most_common(counts: &[usize]) -> Option<(usize, usize)> {
    let mut frequencies: HashMap<usize, usize> = HashMap::new();
    for &count in counts {
        *frequencies.entry(count).or_default() += 1;
    }
    frequencies
        .into_iter()
        .map(|(value, frequency)| (frequency, value))
        .max()
        .map(|(frequency, value)| (value, frequency))
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&byte| byte == b' ' || byte == b'\t')
}

/// Field count of each of the first records of `sample` split on `delimiter`,
/// leaving out records of nothing but spaces and tabs, as the reader does.
fn record_field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut splitter = Splitter::new(sample.len(), delimiter);
    let mut counts = Vec::new();
    let mut input = sample;
    while counts.len() < MAX_SAMPLE_RECORDS {
        match splitter.next_record(input) {
            Some((read, fields, blank)) => {
                input = &input[read..];
                if !blank {
                    counts.push(fields);
                }
            }
            None => break,
        }
    }
    counts
}

/// Field count of each of the first non-blank lines of `sample`, each split on its own.
fn line_field_counts(sample: &[u8], delimiter: u8) -> Vec<usize> {
    let mut splitter = Splitter::new(sample.len(), delimiter);
    sample
        .split(|&byte| byte == b'\n' || byte == b'\r')
        .filter(|line| !is_blank(line))
        .take(MAX_SAMPLE_RECORDS)
        .filter_map(|line| {
            splitter.reader.reset();
            splitter.next_record(line).map(|(_, fields, _)| fields)
        })
        .collect()
}

/// `csv-core` with buffers sized for the sample.
struct Splitter {
    reader: Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
}

impl Splitter {
    fn new(sample_len: usize, delimiter: u8) -> Self {
        // The output never holds more than the sample, so it cannot fill up.
        Splitter {
            reader: ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; sample_len + 1],
            ends: vec![0; 64],
        }
    }

    /// The next record of `input`: bytes consumed, field count, whether it is blank.
    fn next_record(&mut self, mut input: &[u8]) -> Option<(usize, usize, bool)> {
        let (mut consumed, mut output_len, mut fields) = (0, 0, 0);
        loop {
            let (result, read, written, ended) = self.reader.read_record(
                input,
                &mut self.output[output_len..],
                &mut self.ends[fields..],
            );
            input = &input[read..];
            consumed += read;
            output_len += written;
            fields += ended;
            match result {
                ReadRecordResult::Record => {
                    return Some((consumed, fields, is_blank(&self.output[..output_len])));
                }
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull | ReadRecordResult::End => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks() {
        assert_eq!(line_break(b"a\r\nb\r\n"), b'\n');
        assert_eq!(line_break(b"a\rb\r"), b'\r');
        assert_eq!(line_break(b"a"), b'\n');
    }

    #[test]
    fn ties_go_to_the_rarer_character() {
        // Every row has one tab and one comma: tab is the likelier delimiter.
        assert_eq!(
            detect_delimiter(b"Ann\tSpringfield, IL\nBo\tAustin, TX\n"),
            Detection::Delimiter(b'\t')
        );
        // Decimal commas inside a semicolon file.
        assert_eq!(
            detect_delimiter(b"a;b;c\n1,5;2;3\n2,5;3;4\n"),
            Detection::Delimiter(b';')
        );
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        assert_eq!(
            detect_delimiter(b"name\n\"Smith, John\"\n\"Doe, Jane\"\n"),
            Detection::SingleColumn
        );
    }

    #[test]
    fn inconsistent_candidates_are_ambiguous() {
        assert_eq!(
            detect_delimiter(b"a,b\nc\nd;e;f\ng\nh:i\n"),
            Detection::Ambiguous { records: 5 }
        );
    }
}
