//! File-name patterns with dates: which files a job picks up from a directory
//! and what it names the files and lists it makes.
//!
//! A date token `{date:%Y%m%d}` is today in the job's zone, `{date-1:%Y%m%d}`
//! yesterday, `{date+1:…}` tomorrow (any chrono `strftime` format). In a
//! [`FilePattern`] the rest is a glob: `*` any run of characters, `?` one
//! character. A [`NameTemplate`] also takes `{file}`, the picked-up file's
//! name without its extension.

use chrono::format::{Item, StrftimeItems};
use chrono::{Days, NaiveDate};

/// One piece of a pattern or template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Date { offset_days: i64, format: String },
    File,
}

/// Splits `{…}` tokens out of `source`; `allow_file` admits `{file}`.
fn pieces(source: &str, allow_file: bool) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_owned()));
        }
        let Some(close) = rest[open..].find('}') else {
            return Err(format!(
                "has a '{{' at {:?} without its '}}'",
                &rest[open..]
            ));
        };
        let token = &rest[open + 1..open + close];
        out.push(token_piece(token, allow_file)?);
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_owned()));
    }
    if out.is_empty() {
        return Err("is empty".into());
    }
    Ok(out)
}

/// Reads one token's inside: `date:FMT`, `date-N:FMT`, `date+N:FMT`, `file`.
fn token_piece(token: &str, allow_file: bool) -> Result<Piece, String> {
    if token == "file" {
        return if allow_file {
            Ok(Piece::File)
        } else {
            Err("uses {file}, which only names made from a picked-up file can use".into())
        };
    }
    let unknown = || {
        format!(
            "has an unknown token {{{token}}}: use {{date:%Y%m%d}}, {{date-1:%Y%m%d}} (yesterday){}",
            if allow_file { " or {file}" } else { "" }
        )
    };
    let Some(rest) = token.strip_prefix("date") else {
        return Err(unknown());
    };
    let Some((offset, format)) = rest.split_once(':') else {
        return Err(unknown());
    };
    let offset_days = match offset {
        "" => 0,
        signed => signed
            .parse::<i64>()
            .ok()
            .filter(|days| (-366..=366).contains(days) && signed.starts_with(['+', '-']))
            .ok_or_else(unknown)?,
    };
    if format.is_empty() || StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(format!("has a bad date format {format:?} in {{{token}}}"));
    }
    let sample = NaiveDate::from_ymd_opt(2026, 12, 31)
        .map(|day| day.format(format).to_string())
        .unwrap_or_default();
    if sample.contains(['/', '\\']) {
        return Err(format!(
            "date format {format:?} writes a '/': not allowed in a file name"
        ));
    }
    Ok(Piece::Date {
        offset_days,
        format: format.to_owned(),
    })
}

/// Writes the pieces for `today`, `file` standing for `{file}`.
fn render(pieces: &[Piece], today: NaiveDate, file: &str) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::File => out.push_str(file),
            Piece::Date {
                offset_days,
                format,
            } => {
                let day = if *offset_days >= 0 {
                    today.checked_add_days(Days::new(offset_days.unsigned_abs()))
                } else {
                    today.checked_sub_days(Days::new(offset_days.unsigned_abs()))
                };
                if let Some(day) = day {
                    out.push_str(&day.format(format).to_string());
                }
            }
        }
    }
    out
}

/// Refuses path separators: a pattern or name is one file name, the directory is separate.
fn single_name(source: &str) -> Result<(), String> {
    if source.contains(['/', '\\']) {
        return Err("must be a file name without '/' (give the directory separately)".into());
    }
    Ok(())
}

/// Which files a job takes from its directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePattern {
    source: String,
    pieces: Vec<Piece>,
}

impl FilePattern {
    /// Checks a pattern; the error reads after the field name ("pattern …").
    pub fn parse(source: &str) -> Result<Self, String> {
        single_name(source)?;
        Ok(Self {
            source: source.to_owned(),
            pieces: pieces(source.trim(), false)?,
        })
    }

    /// The glob for `today`, dates written in (what the run log shows).
    pub fn for_day(&self, today: NaiveDate) -> String {
        render(&self.pieces, today, "")
    }

    /// Whether `name` matches the pattern on `today`.
    pub fn matches(&self, today: NaiveDate, name: &str) -> bool {
        glob_match(self.for_day(today).as_bytes(), name.as_bytes())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// What a job names the files it writes and the lists it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameTemplate {
    pieces: Vec<Piece>,
}

impl NameTemplate {
    /// Checks a template; `{file}` is allowed when `allow_file`.
    pub fn parse(source: &str, allow_file: bool) -> Result<Self, String> {
        single_name(source)?;
        if source.contains(['*', '?']) {
            return Err("must not contain '*' or '?' (it names one file)".into());
        }
        Ok(Self {
            pieces: pieces(source.trim(), allow_file)?,
        })
    }

    /// The name for `today` and the picked-up file `file` (its extension dropped).
    pub fn render(&self, today: NaiveDate, file: &str) -> String {
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        render(&self.pieces, today, stem)
    }
}

/// Glob match of `*` (any run) and `?` (one byte) over bytes, linear with one backtrack point.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    #[test]
    fn dates_render_in_patterns_and_names() {
        let pattern = FilePattern::parse("contacts_{date:%Y%m%d}_*.csv").expect("valid");
        let today = day(2026, 11, 21);
        assert_eq!(pattern.for_day(today), "contacts_20261121_*.csv");
        assert!(pattern.matches(today, "contacts_20261121_batch1.csv"));
        assert!(!pattern.matches(today, "contacts_20261120_batch1.csv"));
        assert!(!pattern.matches(today, "contacts_20261121_batch1.csv.part"));
        let yesterday = FilePattern::parse("dnc-{date-1:%Y-%m-%d}.txt").expect("valid");
        assert!(yesterday.matches(day(2026, 3, 1), "dnc-2026-02-28.txt"));
        let name = NameTemplate::parse("Leads {date:%d %b} ({file})", true).expect("valid");
        assert_eq!(name.render(today, "east.csv"), "Leads 21 Nov (east)");
    }

    #[test]
    fn globs() {
        let today = day(2026, 1, 1);
        let q = FilePattern::parse("a?c*").expect("valid");
        assert!(q.matches(today, "abc"));
        assert!(q.matches(today, "axcdef"));
        assert!(!q.matches(today, "ac"));
        let exact = FilePattern::parse("list.csv").expect("valid");
        assert!(exact.matches(today, "list.csv"));
        assert!(!exact.matches(today, "list.csv2"));
    }

    #[test]
    fn bad_patterns_say_why() {
        for (bad, why) in [
            ("in/x.csv", "without '/'"),
            ("x_{date}.csv", "unknown token"),
            ("x_{date:%Q}.csv", "bad date format"),
            ("x_{date:%D}.csv", "writes a '/'"),
            ("x_{date:%Y", "without its"),
            ("x_{file}.csv", "only names"),
            ("", "is empty"),
        ] {
            let error = FilePattern::parse(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(NameTemplate::parse("out_*.csv", false).is_err());
    }

    proptest! {
        #[test]
        fn a_literal_pattern_matches_exactly_itself(name in "[a-z0-9_.-]{1,20}", other in "[a-z0-9_.-]{1,20}") {
            let pattern = FilePattern::parse(&name).expect("literal");
            let today = day(2026, 1, 1);
            prop_assert!(pattern.matches(today, &name));
            prop_assert_eq!(pattern.matches(today, &other), name == other);
        }

        #[test]
        fn star_matches_any_suffix(prefix in "[a-z]{1,8}", suffix in "[a-z0-9.]{0,12}") {
            let pattern = FilePattern::parse(&format!("{prefix}*")).expect("glob");
            let name = format!("{prefix}{suffix}");
            prop_assert!(pattern.matches(day(2026, 1, 1), &name));
        }
    }
}
