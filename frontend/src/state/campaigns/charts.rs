//! The campaign dashboard's numbers and drawings: the statistics as one
//! type whichever operation brought them (the query or the live
//! subscription), the abandon-rate gauge against its target, and the
//! per-minute charts over the last hour as SVG geometry.

use serde::Deserialize;

use crate::state::messaging::DeliveryCounts;

/// The chart's drawing box (the SVG scales it to the panel).
pub const CHART_WIDTH: f64 = 600.0;
/// The chart's height in the same units.
pub const CHART_HEIGHT: f64 = 140.0;
/// Minutes the charts cover.
pub const CHART_MINUTES: i64 = 60;

/// One minute of activity.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatPoint {
    /// The minute, RFC 3339.
    pub at: String,
    /// Attempts that ended.
    pub attempts: i64,
    /// Answered by a person.
    pub answered: i64,
    /// Conversations.
    pub connects: i64,
    /// Abandoned calls.
    pub abandoned: i64,
}

/// A campaign's statistics, as the dashboard shows them.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignStats {
    /// Records in the calling list.
    pub records_total: i64,
    /// Ready records.
    pub ready: i64,
    /// Leased records.
    pub leased: i64,
    /// Attempts with a result.
    pub dialed: i64,
    /// Conversations.
    pub connected: i64,
    /// Abandoned calls.
    pub abandoned: i64,
    /// No answer.
    pub no_answer: i64,
    /// Busy.
    pub busy: i64,
    /// Answering machines.
    pub machine: i64,
    /// Records done for good.
    pub final_records: i64,
    /// Abandon rate over the template's window, a fraction.
    pub abandon_rate: f64,
    /// The template's target, a fraction.
    pub target_abandon_rate: f64,
    /// Records dialled at least once ÷ records.
    pub penetration: f64,
    /// Messages accepted by the gateway (SMS and e-mail campaigns).
    pub sent: i64,
    /// Messages delivered.
    pub delivered: i64,
    /// Messages refused or failed.
    pub failed: i64,
    /// STOP replies attributed to the campaign.
    pub opted_out: i64,
    /// When a counter last changed.
    pub updated_at: String,
    /// Minutes with activity, oldest first.
    pub timeline: Vec<StatPoint>,
}

impl CampaignStats {
    /// Reads the statistics out of any generated response type that has
    /// the `Stats` fragment's fields (they serialise to the same JSON).
    pub fn from_response(value: &impl serde::Serialize) -> Option<CampaignStats> {
        let mut json = serde_json::to_value(value).ok()?;
        // `final` is a Rust keyword: graphql_client names the field `final_`.
        if let Some(object) = json.as_object_mut() {
            let final_records = object
                .remove("final")
                .or_else(|| object.remove("final_"))
                .unwrap_or_default();
            object.insert("finalRecords".into(), final_records);
        }
        serde_json::from_value(json).ok()
    }

    /// The counters of the delivery funnel (SMS and e-mail campaigns).
    pub fn delivery_counts(&self) -> DeliveryCounts {
        DeliveryCounts {
            records: self.records_total,
            sent: self.sent,
            delivered: self.delivered,
            failed: self.failed,
            opted_out: self.opted_out,
        }
    }
}

/// The abandon-rate gauge: a bar from 0 to `scale`, the rate's fill and the target's mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Gauge {
    /// The fill's width, 0 to 100 (% of the bar).
    pub fill_percent: f64,
    /// Where the target line stands, 0 to 100.
    pub target_percent: f64,
    /// Whether the rate is over the target (drawn red).
    pub over_target: bool,
    /// The bar's right end as a rate, for its label.
    pub scale: f64,
}

/// The gauge for `rate` against `target` (fractions): the bar spans twice
/// the target, or a little more than the rate when it is higher.
pub fn abandon_gauge(rate: f64, target: f64) -> Gauge {
    let rate = if rate.is_finite() { rate.max(0.0) } else { 0.0 };
    let target = if target.is_finite() {
        target.max(0.0)
    } else {
        0.0
    };
    let scale = (target * 2.0).max(rate * 1.25).max(0.01);
    Gauge {
        fill_percent: (rate / scale * 100.0).clamp(0.0, 100.0),
        target_percent: (target / scale * 100.0).clamp(0.0, 100.0),
        over_target: rate > target,
        scale,
    }
}

/// Minutes since 1970 of an RFC 3339 UTC timestamp (`2026-11-21T15:04:00Z`,
/// fractions and an offset allowed), or `None` when it does not parse.
pub fn epoch_minutes(rfc3339: &str) -> Option<i64> {
    let (date, time) = rfc3339.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: i64 = date_parts.next()?.parse().ok()?;
    let day: i64 = date_parts.next()?.parse().ok()?;
    let hours: i64 = time.get(0..2)?.parse().ok()?;
    let minutes: i64 = time.get(3..5)?.parse().ok()?;
    let offset_minutes = match time.rfind(['+', '-']) {
        Some(start) if time.len() - start == 6 => {
            let sign = if time[start..].starts_with('-') {
                -1
            } else {
                1
            };
            let offset_hours: i64 = time.get(start + 1..start + 3)?.parse().ok()?;
            let offset_mins: i64 = time.get(start + 4..start + 6)?.parse().ok()?;
            sign * (offset_hours * 60 + offset_mins)
        }
        _ => 0,
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 1440 + hours * 60 + minutes - offset_minutes)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// One minute's bars: attempts behind, connects in front.
#[derive(Clone, Debug, PartialEq)]
pub struct MinuteBars {
    /// Left edge.
    pub x: f64,
    /// Bar width.
    pub width: f64,
    /// Attempts bar's top and height.
    pub attempts_y: f64,
    /// Attempts bar's height.
    pub attempts_height: f64,
    /// Connects bar's top.
    pub connects_y: f64,
    /// Connects bar's height.
    pub connects_height: f64,
    /// The tooltip.
    pub title: String,
}

/// The attempts-and-connects chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityChart {
    /// The count at the top of the scale.
    pub scale_max: i64,
    /// One entry per minute with activity.
    pub bars: Vec<MinuteBars>,
}

/// The abandon-rate line over the hour, with the target line.
#[derive(Clone, Debug, PartialEq)]
pub struct RateChart {
    /// The rate at the top of the scale, a fraction.
    pub scale_max: f64,
    /// The polyline's `points` ("x,y x,y …"); empty with no answered call.
    pub points: String,
    /// The target line's y.
    pub target_y: f64,
    /// One marker per minute with answered calls: x, y and its tooltip (a
    /// lone minute has no line to draw).
    pub dots: Vec<(f64, f64, String)>,
}

/// Which of the last `CHART_MINUTES` minutes (0 oldest … 59 now) `at` falls in.
fn slot_of(at: &str, now_minute: i64) -> Option<i64> {
    let minute = epoch_minutes(at)?;
    let slot = CHART_MINUTES - 1 - (now_minute - minute);
    (0..CHART_MINUTES).contains(&slot).then_some(slot)
}

/// The minute "now" is, for the charts: the latest of the statistics' own
/// time and their last point (so a quiet campaign's chart still ends now).
pub fn chart_now(stats: &CampaignStats) -> Option<i64> {
    let updated = epoch_minutes(&stats.updated_at);
    let last_point = stats
        .timeline
        .last()
        .and_then(|point| epoch_minutes(&point.at));
    updated.max(last_point)
}

/// Bars for attempts and connects per minute over the last hour ending at `now_minute`.
pub fn activity_chart(timeline: &[StatPoint], now_minute: i64) -> ActivityChart {
    let placed: Vec<(i64, &StatPoint)> = timeline
        .iter()
        .filter_map(|point| slot_of(&point.at, now_minute).map(|slot| (slot, point)))
        .collect();
    let peak = placed
        .iter()
        .map(|(_, point)| point.attempts.max(point.connects))
        .max()
        .unwrap_or(0);
    let scale_max = nice_ceiling(peak.max(1));
    let slot_width = CHART_WIDTH / CHART_MINUTES as f64;
    let height_of = |count: i64| count.max(0) as f64 / scale_max as f64 * CHART_HEIGHT;
    let bars = placed
        .into_iter()
        .map(|(slot, point)| {
            let attempts_height = height_of(point.attempts);
            let connects_height = height_of(point.connects);
            MinuteBars {
                x: slot as f64 * slot_width + slot_width * 0.1,
                width: slot_width * 0.8,
                attempts_y: CHART_HEIGHT - attempts_height,
                attempts_height,
                connects_y: CHART_HEIGHT - connects_height,
                connects_height,
                title: format!(
                    "{}: {} attempts, {} connects",
                    crate::format::format_timestamp(&point.at),
                    point.attempts,
                    point.connects
                ),
            }
        })
        .collect();
    ActivityChart { scale_max, bars }
}

/// The abandon rate per minute (abandoned ÷ answered) with the target line.
pub fn rate_chart(timeline: &[StatPoint], now_minute: i64, target: f64) -> RateChart {
    let rates: Vec<(i64, f64)> = timeline
        .iter()
        .filter(|point| point.answered > 0)
        .filter_map(|point| {
            slot_of(&point.at, now_minute)
                .map(|slot| (slot, point.abandoned as f64 / point.answered as f64))
        })
        .collect();
    let peak = rates.iter().map(|(_, rate)| *rate).fold(0.0, f64::max);
    let scale_max = (target * 2.0).max(peak * 1.1).max(0.01);
    let slot_width = CHART_WIDTH / CHART_MINUTES as f64;
    let y_of = |rate: f64| CHART_HEIGHT - (rate / scale_max).clamp(0.0, 1.0) * CHART_HEIGHT;
    let dots: Vec<(f64, f64, String)> = rates
        .iter()
        .map(|(slot, rate)| {
            let minutes_ago = CHART_MINUTES - 1 - slot;
            (
                *slot as f64 * slot_width + slot_width / 2.0,
                y_of(*rate),
                format!("{minutes_ago} min ago: {:.1}% abandoned", rate * 100.0),
            )
        })
        .collect();
    let points = dots
        .iter()
        .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    RateChart {
        scale_max,
        points,
        target_y: y_of(target),
        dots,
    }
}

/// The smallest of 1, 2, 5, 10, 20, 50, … at least `value`.
fn nice_ceiling(value: i64) -> i64 {
    let mut step = 1;
    loop {
        for multiple in [1, 2, 5] {
            if step * multiple >= value {
                return step * multiple;
            }
        }
        step *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(at: &str, attempts: i64, answered: i64, connects: i64, abandoned: i64) -> StatPoint {
        StatPoint {
            at: at.into(),
            attempts,
            answered,
            connects,
            abandoned,
        }
    }

    #[test]
    fn timestamps_become_minutes() {
        assert_eq!(epoch_minutes("1970-01-01T00:01:00Z"), Some(1));
        assert_eq!(epoch_minutes("1970-01-02T00:00:30.5Z"), Some(1440));
        assert_eq!(epoch_minutes("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(epoch_minutes("2026-11-21T15:04:00Z"), Some(29_921_224));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(epoch_minutes("yesterday"), None);
    }

    #[test]
    fn the_gauge_turns_red_over_the_target() {
        let under = abandon_gauge(0.015, 0.03);
        assert!((under.fill_percent - 25.0).abs() < 1e-9);
        assert!((under.target_percent - 50.0).abs() < 1e-9);
        assert!(!under.over_target);
        let over = abandon_gauge(0.08, 0.03);
        assert!(over.over_target);
        assert!((over.fill_percent - 80.0).abs() < 1e-9);
        assert!(over.target_percent < over.fill_percent);
        let nothing = abandon_gauge(f64::NAN, 0.0);
        assert_eq!(nothing.fill_percent, 0.0);
    }

    #[test]
    fn bars_sit_in_their_minute_and_share_one_scale() {
        let now = epoch_minutes("2026-11-21T15:59:00Z").expect("parses");
        let timeline = [
            point("2026-11-21T14:00:00Z", 50, 0, 0, 0), // more than an hour ago
            point("2026-11-21T15:00:00Z", 8, 4, 3, 1),
            point("2026-11-21T15:59:00Z", 4, 2, 2, 0),
        ];
        let chart = activity_chart(&timeline, now);
        assert_eq!(chart.scale_max, 10);
        assert_eq!(chart.bars.len(), 2);
        assert!((chart.bars[0].x - 1.0).abs() < 1e-9);
        assert!((chart.bars[1].x - 591.0).abs() < 1e-9);
        assert!((chart.bars[0].attempts_height - 112.0).abs() < 1e-9);
        assert!((chart.bars[0].connects_y - (CHART_HEIGHT - 42.0)).abs() < 1e-9);
        let rates = rate_chart(&timeline, now, 0.03);
        assert!((rates.scale_max - 0.275).abs() < 1e-9);
        assert_eq!(rates.points.split(' ').count(), 2);
        assert_eq!(rates.dots.len(), 2);
        assert_eq!(rates.dots[1].2, "0 min ago: 0.0% abandoned");
        assert!(rates.target_y < CHART_HEIGHT);
    }

    #[test]
    fn nice_scales() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(501), 1000);
    }

    #[test]
    fn stats_read_from_any_response_shape() {
        let response = serde_json::json!({
            "recordsTotal": 6, "ready": 6, "leased": 0, "dialed": 0, "connected": 0,
            "abandoned": 0, "noAnswer": 0, "busy": 0, "machine": 0, "final": 1,
            "abandonRate": 0.0, "targetAbandonRate": 0.03, "penetration": 0.0,
            "sent": 4, "delivered": 3, "failed": 1, "optedOut": 0,
            "updatedAt": "2026-11-21T15:00:00Z", "timeline": []
        });
        let stats = CampaignStats::from_response(&response).expect("reads");
        assert_eq!(stats.records_total, 6);
        assert_eq!(stats.final_records, 1);
        assert_eq!(stats.delivery_counts().delivered, 3);
        assert_eq!(chart_now(&stats), epoch_minutes("2026-11-21T15:00:00Z"));
    }
}
