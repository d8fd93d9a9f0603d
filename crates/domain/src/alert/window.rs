//! Maintenance windows for alerts (issue 13, item 4), as ServiceNow and
//! iTop keep them: while one is open the alerts it covers are muted. It
//! opens once (a start and an end), weekly (on some days, at a clock time,
//! for a duration) or monthly (on a day of the month), on the wall clock
//! of a zone from the tz database — so a window at 01:00 Europe/Warsaw
//! opens at 01:00 on the clock in winter and in summer alike — and it may
//! expire. What it covers (matchers, CIs) is the use case's; this is when.

use super::Problems;
use crate::change::conflicts::{DAYS, MaintenanceWindow, Window, wall_instant};
use crate::code::{Code, not_one_of};
use jiff::{Timestamp, ToSpan, civil::Time, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// The longest a window stays open at a time: a week, in minutes.
pub const MAX_MINUTES: i64 = 7 * 24 * 60;
const MINUTE: i64 = 60 * 1_000_000;
/// How far ahead the next opening is looked for: a bit over a year.
const LOOKAHEAD: i64 = 400 * 24 * 60 * MINUTE;

/// The ways a window recurs.
pub const RECURRENCES: [&str; 3] = ["once", "weekly", "monthly"];

/// A window's schedule as given (and kept, as JSON): `recurrence` says
/// which of the other fields count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSpec {
    pub recurrence: String,
    /// once: the span (µs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<i64>,
    /// weekly: `mon` … `sun`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<String>,
    /// monthly: 1–31 (a shorter month: its last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<i64>,
    /// weekly and monthly: `HH:MM` on the clock of `time_zone`, for
    /// `duration_minutes` of clock time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// A checked schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    Once(Window),
    Weekly(MaintenanceWindow),
    Monthly { day: i8, start: Time, minutes: i64, zone: TimeZone },
}

fn parse_time(text: &str) -> Option<Time> {
    let t = text.trim();
    t.parse::<Time>().ok().filter(|_| t.len() == 5)
}

impl ScheduleSpec {
    /// The schedule, or every field's problem at once.
    pub fn parse(&self) -> Result<Schedule, Problems> {
        let mut problems: Problems = Vec::new();
        let need = |field: &str, what: &str| {
            (field.to_owned(), Code::Required.msg(format!("a {} window needs {what}", self.recurrence.trim())))
        };
        match self.recurrence.trim() {
            "once" => {
                match (self.starts_at, self.ends_at) {
                    (Some(start), Some(end)) if end > start => return Ok(Schedule::Once(Window { start, end })),
                    (Some(_), Some(_)) => problems.push((
                        "ends_at".into(),
                        Code::EndBeforeStart.msg("must be after starts_at").with("start", "starts_at"),
                    )),
                    (s, e) => {
                        if s.is_none() {
                            problems.push(need("starts_at", "a start"));
                        }
                        if e.is_none() {
                            problems.push(need("ends_at", "an end"));
                        }
                    }
                }
                Err(problems)
            }
            r @ ("weekly" | "monthly") => {
                let mut days = Vec::new();
                let mut day = 0i8;
                if r == "weekly" {
                    if self.days.is_empty() {
                        problems.push(need("days", "at least one day"));
                    }
                    for (i, d) in self.days.iter().enumerate() {
                        let name = d.trim().to_ascii_lowercase();
                        match DAYS.iter().find(|(n, _)| *n == name) {
                            Some((_, w)) if !days.contains(w) => days.push(*w),
                            Some(_) => {}
                            None => problems.push((format!("days[{i}]"), not_one_of(d.trim(), &DAYS.map(|(n, _)| n)))),
                        }
                    }
                } else {
                    match self.day_of_month {
                        Some(d @ 1..=31) => day = i8::try_from(d).unwrap_or(1),
                        Some(_) => problems.push((
                            "day_of_month".into(),
                            Code::Between.msg("must be between 1 and 31").with("min", 1).with("max", 31),
                        )),
                        None => problems.push(need("day_of_month", "a day of the month")),
                    }
                }
                let start = match self.start_time.as_deref() {
                    Some(t) => {
                        let parsed = parse_time(t);
                        if parsed.is_none() {
                            let text = format!("{:?} is not a time of day: use HH:MM, e.g. 01:00", t.trim());
                            problems.push(("start_time".into(), Code::NotTimeOfDay.msg(text)));
                        }
                        parsed
                    }
                    None => {
                        problems.push(need("start_time", "a start time"));
                        None
                    }
                };
                let minutes = match self.duration_minutes {
                    Some(m @ 1..=MAX_MINUTES) => m,
                    Some(_) => {
                        let text = format!("must be between 1 and {MAX_MINUTES} minutes (a week)");
                        problems.push((
                            "duration_minutes".into(),
                            Code::Between.msg(text).with("min", 1).with("max", MAX_MINUTES),
                        ));
                        0
                    }
                    None => {
                        problems.push(need("duration_minutes", "a duration"));
                        0
                    }
                };
                let zone_name = self.time_zone.as_deref().unwrap_or_default().trim();
                let zone = TimeZone::get(zone_name).ok().filter(|_| !zone_name.is_empty());
                if zone.is_none() {
                    let text = format!("unknown time zone {zone_name:?}; use an IANA name such as Europe/Warsaw");
                    problems
                        .push(("time_zone".into(), Code::UnknownZone.msg(text).with("zone", format!("{zone_name:?}"))));
                }
                match (start, zone) {
                    (Some(start), Some(zone)) if problems.is_empty() => Ok(if r == "weekly" {
                        Schedule::Weekly(MaintenanceWindow { days, start, minutes, zone })
                    } else {
                        Schedule::Monthly { day, start, minutes, zone }
                    }),
                    _ => Err(problems),
                }
            }
            other => Err(vec![("recurrence".into(), not_one_of(other, &RECURRENCES))]),
        }
    }

    /// The spec as it is kept: only the fields its recurrence reads, the
    /// days in lower case, once each.
    pub fn normalized(&self) -> ScheduleSpec {
        let r = self.recurrence.trim().to_owned();
        let clock = r != "once";
        let mut days: Vec<String> = Vec::new();
        if r == "weekly" {
            for d in &self.days {
                let d = d.trim().to_ascii_lowercase();
                if !days.contains(&d) {
                    days.push(d);
                }
            }
        }
        ScheduleSpec {
            starts_at: self.starts_at.filter(|_| !clock),
            ends_at: self.ends_at.filter(|_| !clock),
            days,
            day_of_month: self.day_of_month.filter(|_| r == "monthly"),
            start_time: self.start_time.as_ref().filter(|_| clock).map(|t| t.trim().to_owned()),
            duration_minutes: self.duration_minutes.filter(|_| clock),
            time_zone: self.time_zone.as_ref().filter(|_| clock).map(|z| z.trim().to_owned()),
            recurrence: r,
        }
    }
}

impl Schedule {
    /// The longest one opening lasts (µs), for looking back.
    fn longest(&self) -> i64 {
        match self {
            Schedule::Once(w) => w.end - w.start,
            // An hour more: the night the clocks go back.
            Schedule::Weekly(m) => (m.minutes + 60) * MINUTE,
            Schedule::Monthly { minutes, .. } => (minutes + 60) * MINUTE,
        }
    }

    /// Its openings that overlap [from, to), as instants, in order.
    pub fn occurrences(&self, from: i64, to: i64) -> Vec<Window> {
        let span = Window { start: from, end: to };
        let look_from = from.saturating_sub(self.longest());
        let mut out = match self {
            Schedule::Once(w) => vec![*w],
            Schedule::Weekly(m) => m.occurrences(look_from, to),
            Schedule::Monthly { day, start, minutes, zone } => monthly(*day, *start, *minutes, zone, look_from, to),
        };
        out.retain(|w| w.overlaps(&span));
        out
    }

    /// Whether it is open at `t`.
    pub fn open_at(&self, t: i64) -> bool {
        self.occurrences(t, t.saturating_add(1)).iter().any(|w| w.start <= t && t < w.end)
    }

    /// The opening in progress at `now`, or the next one (within a year).
    pub fn current_or_next(&self, now: i64) -> Option<Window> {
        self.occurrences(now, now.saturating_add(LOOKAHEAD)).into_iter().find(|w| w.end > now)
    }
}

/// Monthly openings on `day` (the month's last day when it is shorter)
/// whose start falls in [from, to).
fn monthly(day: i8, start: Time, minutes: i64, zone: &TimeZone, from: i64, to: i64) -> Vec<Window> {
    let (Ok(a), Ok(b)) = (Timestamp::from_microsecond(from), Timestamp::from_microsecond(to)) else {
        return Vec::new();
    };
    let first = a.to_zoned(zone.clone()).date().first_of_month();
    let last = b.to_zoned(zone.clone()).date();
    let mut month = first;
    let mut out = Vec::new();
    while month <= last {
        let date = month.with().day(day.min(month.days_in_month())).build().unwrap_or(month);
        let begin = date.to_datetime(start);
        let end = begin.checked_add(minutes.minutes()).ok();
        if let (Some(s), Some(e)) = (wall_instant(zone, begin), end.and_then(|e| wall_instant(zone, e))) {
            if e > from && s < to {
                out.push(Window { start: s, end: e });
            }
        }
        match month.checked_add(1.month()) {
            Ok(m) => month = m,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_microsecond()
    }

    fn weekly(days: &[&str], start: &str, minutes: i64, zone: &str) -> ScheduleSpec {
        ScheduleSpec {
            recurrence: "weekly".into(),
            days: days.iter().map(|d| d.to_string()).collect(),
            start_time: Some(start.into()),
            duration_minutes: Some(minutes),
            time_zone: Some(zone.into()),
            ..ScheduleSpec::default()
        }
    }

    #[test]
    fn a_weekly_window_in_warsaw_opens_on_the_clock_across_the_dst_change() {
        // Sundays 01:00–03:00 on Warsaw's clock. 2026-03-29 the clocks go
        // forward at 02:00: that night it is open 01:00 CET–03:00 CEST.
        let s = weekly(&["sun"], "01:00", 120, "Europe/Warsaw").parse().unwrap();
        // The Sunday before (CET, UTC+1): 00:00–02:00 UTC.
        assert!(!s.open_at(at("2026-03-21T23:59:59Z")));
        assert!(s.open_at(at("2026-03-22T00:00:00Z")));
        assert!(s.open_at(at("2026-03-22T01:59:59Z")));
        assert!(!s.open_at(at("2026-03-22T02:00:00Z")));
        // The night of the change: 01:00 CET is 00:00 UTC, 03:00 CEST 01:00 UTC.
        assert!(s.open_at(at("2026-03-29T00:30:00Z")));
        assert!(!s.open_at(at("2026-03-29T01:00:00Z")), "an hour shorter on the clock's night");
        // The Sunday after (CEST, UTC+2): 23:00–01:00 UTC.
        assert!(!s.open_at(at("2026-04-04T22:59:59Z")));
        assert!(s.open_at(at("2026-04-04T23:00:00Z")));
        assert!(s.open_at(at("2026-04-05T00:59:59Z")));
        assert!(!s.open_at(at("2026-04-05T01:00:00Z")));
        // On other days it is shut.
        assert!(!s.open_at(at("2026-04-01T23:30:00Z")));
        let next = s.current_or_next(at("2026-03-23T12:00:00Z")).unwrap();
        assert_eq!((next.start, next.end), (at("2026-03-29T00:00:00Z"), at("2026-03-29T01:00:00Z")));
    }

    #[test]
    fn a_long_window_is_open_for_days_and_monthly_clamps_to_the_last_day() {
        // Fridays 22:00 UTC for three days: open on Sunday.
        let s = weekly(&["fri"], "22:00", 3 * 24 * 60, "UTC").parse().unwrap();
        assert!(s.open_at(at("2026-05-10T12:00:00Z")));
        assert!(!s.open_at(at("2026-05-11T22:00:00Z")));
        let m = ScheduleSpec {
            recurrence: "monthly".into(),
            day_of_month: Some(31),
            start_time: Some("23:00".into()),
            duration_minutes: Some(60),
            time_zone: Some("UTC".into()),
            ..ScheduleSpec::default()
        }
        .parse()
        .unwrap();
        assert!(m.open_at(at("2026-02-28T23:30:00Z")), "February has no 31st: its last day");
        assert!(m.open_at(at("2026-03-31T23:30:00Z")));
        assert!(!m.open_at(at("2026-03-30T23:30:00Z")));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let fields = |s: ScheduleSpec| s.parse().unwrap_err().into_iter().map(|(f, _)| f).collect::<Vec<_>>();
        let bad = weekly(&["mon", "funday"], "25:00", 0, "Mars/Olympus");
        assert_eq!(fields(bad), ["days[1]", "start_time", "duration_minutes", "time_zone"]);
        assert_eq!(fields(weekly(&["mon"], "01:00", MAX_MINUTES + 1, "UTC")), ["duration_minutes"]);
        let once =
            ScheduleSpec { recurrence: "once".into(), starts_at: Some(10), ends_at: Some(5), ..Default::default() };
        assert_eq!(fields(once), ["ends_at"]);
        assert_eq!(fields(ScheduleSpec { recurrence: "yearly".into(), ..Default::default() }), ["recurrence"]);
        let once =
            ScheduleSpec { recurrence: "once".into(), starts_at: Some(5), ends_at: Some(10), ..Default::default() };
        let s = once.parse().unwrap();
        assert!(s.open_at(5) && s.open_at(9) && !s.open_at(10) && !s.open_at(4));
    }
}
