//! The Dialer traffic page's view model: `validationTraffic` turned into the
//! labels, the per-second chart geometry and the refusing-rules table the
//! page draws. Pure, so the arithmetic (scales, shares, rounding, the empty
//! case) is tested on the host; the page only places what this returns.

use crate::api::dialers::Traffic;
use crate::format::format_count;

/// The window the page asks for: the last five minutes.
pub const WINDOW_SECONDS: i64 = 300;

/// How often the page asks again while it is open, in milliseconds; the
/// server flushes its counters once a second, so faster adds nothing.
pub const POLL_INTERVAL_MILLISECONDS: u64 = 2_000;

/// The chart's drawing width in SVG user units (it scales to its box).
pub const CHART_WIDTH: f64 = 900.0;

/// The chart's drawing height in SVG user units.
pub const CHART_HEIGHT: f64 = 160.0;

/// Share of a second's slot a bar fills; the rest keeps bars apart.
const BAR_FILL: f64 = 0.8;

/// What one record's validation came to, for the chart's colours and legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered 200: dial.
    Allowed,
    /// Answered 409: do not dial.
    Refused,
    /// Could not be judged (bad input).
    Invalid,
}

impl Outcome {
    /// The SVG class that colours the outcome (see `style.css`).
    pub fn css_class(self) -> &'static str {
        match self {
            Outcome::Allowed => "traffic-chart__allowed",
            Outcome::Refused => "traffic-chart__refused",
            Outcome::Invalid => "traffic-chart__invalid",
        }
    }

    /// The word in the legend and tooltips.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Allowed => "Allowed",
            Outcome::Refused => "Refused",
            Outcome::Invalid => "Invalid",
        }
    }
}

/// One coloured part of a bar, in SVG user units from the top.
#[derive(Clone, Debug, PartialEq)]
pub struct BarSegment {
    /// Which outcome the part counts.
    pub outcome: Outcome,
    /// Top edge.
    pub y: f64,
    /// Height (never zero: empty parts are left out).
    pub height: f64,
}

/// One second's stacked bar: allowed at the bottom, refused, then invalid.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartBar {
    /// Left edge.
    pub x: f64,
    /// Width.
    pub width: f64,
    /// The non-empty parts, bottom first.
    pub segments: Vec<BarSegment>,
    /// The tooltip: the second and its counts.
    pub title: String,
}

/// The per-second chart: bars for the seconds with traffic, and its scale.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficChart {
    /// Records per second at the top gridline (a round number).
    pub scale_max: i64,
    /// Bars of the seconds that saw records, oldest first.
    pub bars: Vec<ChartBar>,
    /// The label under the left edge, e.g. "5 min ago".
    pub start_label: String,
}

/// One row of the top refusing rules.
#[derive(Clone, Debug, PartialEq)]
pub struct RefusalRow {
    /// The rule's name as the rule set spells it.
    pub rule: String,
    /// Refusals in the window, formatted.
    pub count: String,
    /// The rule's refusals as a share of refused records, e.g. "75%".
    pub share_label: String,
    /// The same share as 0–100, for the inline bar's width.
    pub share_percent: f64,
}

/// Everything the Dialer traffic page shows for one poll.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficReport {
    /// The window in words, e.g. "5 minutes".
    pub window_label: String,
    /// Whether any record was validated in the window (else: the empty state).
    pub has_traffic: bool,
    /// Records per second over the last 10 seconds, e.g. "12.5".
    pub records_per_second: String,
    /// Allowed records in the window.
    pub allowed: String,
    /// Refused records in the window.
    pub refused: String,
    /// Records that could not be judged in the window.
    pub invalid: String,
    /// Allowed ÷ decided, e.g. "83.3%"; "—" without decisions.
    pub allow_ratio: String,
    /// The per-second chart.
    pub chart: TrafficChart,
    /// The rules that refused most, most frequent first.
    pub refusals: Vec<RefusalRow>,
}

impl TrafficReport {
    /// Shapes one `validationTraffic` answer for the page.
    pub fn from_traffic(traffic: &Traffic) -> TrafficReport {
        let total = traffic.allowed + traffic.refused + traffic.invalid;
        TrafficReport {
            window_label: window_label(traffic.seconds),
            has_traffic: total > 0,
            records_per_second: format_rate(traffic.records_per_second),
            allowed: format_count(traffic.allowed),
            refused: format_count(traffic.refused),
            invalid: format_count(traffic.invalid),
            allow_ratio: traffic
                .allow_ratio
                .map_or_else(|| "—".to_owned(), format_percent),
            chart: chart(traffic),
            refusals: refusal_rows(traffic),
        }
    }

    /// The empty state's sentence, naming the window.
    pub fn empty_message(&self) -> String {
        format!(
            "No validation requests in the last {}. Dialers call POST /ocs/v1/validate \
             with an API client key.",
            self.window_label
        )
    }
}

/// "5 minutes", "1 minute", "90 seconds": the window as a person says it.
pub fn window_label(seconds: i64) -> String {
    match seconds {
        60 => "minute".to_owned(),
        seconds if seconds > 60 && seconds % 60 == 0 => format!("{} minutes", seconds / 60),
        1 => "second".to_owned(),
        seconds => format!("{seconds} seconds"),
    }
}

/// A rate with one decimal below 100 ("0.4", "12.5"), whole above ("1,250").
pub fn format_rate(per_second: f64) -> String {
    if !per_second.is_finite() || per_second <= 0.0 {
        return "0".to_owned();
    }
    if per_second < 100.0 {
        return format!("{per_second:.1}");
    }
    format_count(per_second.round() as i64)
}

/// A fraction as a percentage with one decimal, without a trailing ".0":
/// 0.8333 → "83.3%", 1.0 → "100%".
pub fn format_percent(fraction: f64) -> String {
    let tenths = (fraction * 1000.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}%")
    } else {
        format!("{tenths:.1}%")
    }
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `value` (at least 1), so the
/// top gridline reads as a round number.
pub fn round_scale(value: i64) -> i64 {
    let mut magnitude: i64 = 1;
    loop {
        for step in [1, 2, 5] {
            let candidate = step * magnitude;
            if candidate >= value {
                return candidate;
            }
        }
        magnitude = match magnitude.checked_mul(10) {
            Some(next) => next,
            None => return value,
        };
    }
}

/// The chart of `traffic.series`: one slot per second across the width.
fn chart(traffic: &Traffic) -> TrafficChart {
    let busiest = traffic
        .series
        .iter()
        .map(|second| second.allowed + second.refused + second.invalid)
        .max()
        .unwrap_or(0);
    let scale_max = round_scale(busiest);
    let slot = CHART_WIDTH / traffic.series.len().max(1) as f64;
    let unit = CHART_HEIGHT / scale_max as f64;
    let bars = traffic
        .series
        .iter()
        .enumerate()
        .filter(|(_, second)| second.allowed + second.refused + second.invalid > 0)
        .map(|(index, second)| {
            let mut bottom = CHART_HEIGHT;
            let segments = [
                (Outcome::Allowed, second.allowed),
                (Outcome::Refused, second.refused),
                (Outcome::Invalid, second.invalid),
            ]
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(outcome, count)| {
                let height = count as f64 * unit;
                bottom -= height;
                BarSegment {
                    outcome,
                    y: bottom,
                    height,
                }
            })
            .collect();
            ChartBar {
                x: index as f64 * slot + slot * (1.0 - BAR_FILL) / 2.0,
                width: slot * BAR_FILL,
                segments,
                title: format!(
                    "{}: {} allowed, {} refused, {} invalid",
                    time_of_day(&second.at),
                    format_count(second.allowed),
                    format_count(second.refused),
                    format_count(second.invalid)
                ),
            }
        })
        .collect();
    TrafficChart {
        scale_max,
        bars,
        start_label: start_label(traffic.seconds),
    }
}

/// "5 min ago" under the chart's left edge.
fn start_label(seconds: i64) -> String {
    if seconds >= 60 && seconds % 60 == 0 {
        format!("{} min ago", seconds / 60)
    } else {
        format!("{seconds} s ago")
    }
}

/// `12:03:04 UTC` from an RFC 3339 instant; other text is kept as it is.
fn time_of_day(rfc3339: &str) -> String {
    let time = rfc3339.get(11..19).filter(|time| {
        time.char_indices().all(|(index, c)| {
            if index % 3 == 2 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        })
    });
    match time {
        Some(time) if rfc3339.ends_with(['Z', 'z']) || rfc3339.ends_with("+00:00") => {
            format!("{time} UTC")
        }
        _ => rfc3339.to_owned(),
    }
}

/// The top refusing rules with their share of the refused records (a record
/// refused by two rules counts for both, so shares may add up past 100%).
fn refusal_rows(traffic: &Traffic) -> Vec<RefusalRow> {
    traffic
        .top_refusals
        .iter()
        .map(|refusal| {
            let share = if traffic.refused > 0 {
                (refusal.count as f64 / traffic.refused as f64).min(1.0)
            } else {
                0.0
            };
            RefusalRow {
                rule: refusal.rule.clone(),
                count: format_count(refusal.count),
                share_label: format_percent(share),
                share_percent: share * 100.0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
