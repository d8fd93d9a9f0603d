//! Saved reports (issue 14): a question kept under a name — the measures
//! of a rolling period broken down one way, or a record list's filters —
//! and, optionally, a schedule that mails it as a file.
//!
//! A schedule is a time of day and a day (every day, a weekday, a day of
//! the month), read in each recipient's own time zone: a report set for
//! 08:00 reaches Warsaw at 08:00 Warsaw time and New York at 08:00 New York
//! time. The periods are whole days in the site's time zone (the measures'
//! days), ending with the last complete one.

use super::Period;
use crate::code::{Code, Message, not_one_of};
use jiff::{Timestamp, civil::Date, tz::TimeZone};

/// What a report is about.
pub const SUBJECTS: [&str; 5] = ["measures", "incidents", "problems", "changes", "tasks"];
/// The files a report makes.
pub const FORMATS: [&str; 2] = ["csv", "xlsx"];
/// How a measures report breaks its rows down (`none`: one row).
pub const BREAKDOWNS: [&str; 6] = ["none", "day", "service", "group", "organisation", "priority"];
/// The rolling periods a measures report covers.
pub const PERIODS: [&str; 7] =
    ["yesterday", "last_7_days", "last_30_days", "last_90_days", "previous_week", "previous_month", "month_to_date"];
pub const FREQUENCIES: [&str; 3] = ["daily", "weekly", "monthly"];
/// The most recipients one report goes to.
pub const MAX_RECIPIENTS: usize = 50;

/// The days `period` (one of [`PERIODS`]) stands for on `today`.
pub fn resolve_period(period: &str, today: Date) -> Option<Period> {
    let back = |n: i64| today.checked_sub(jiff::Span::new().days(n)).unwrap_or(today);
    let yesterday = back(1);
    Some(match period {
        "yesterday" => Period { from: yesterday, to: yesterday },
        "last_7_days" => Period { from: back(7), to: yesterday },
        "last_30_days" => Period { from: back(30), to: yesterday },
        "last_90_days" => Period { from: back(90), to: yesterday },
        "previous_week" => {
            let monday = back(i64::from(today.weekday().to_monday_zero_offset()));
            let from = monday.checked_sub(jiff::Span::new().days(7)).unwrap_or(monday);
            Period { from, to: monday.checked_sub(jiff::Span::new().days(1)).unwrap_or(monday) }
        }
        "previous_month" => {
            let first = today.first_of_month();
            let last = first.checked_sub(jiff::Span::new().days(1)).unwrap_or(first);
            Period { from: last.first_of_month(), to: last }
        }
        "month_to_date" => Period { from: today.first_of_month(), to: today },
        _ => return None,
    })
}

/// When a scheduled report goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub frequency: Frequency,
    /// The hour of the day, 0–23, in the recipient's time zone.
    pub hour: i8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Daily,
    /// Monday is 1, Sunday 7.
    Weekly(i8),
    /// The day of the month, 1–31; a month with fewer days sends on its
    /// last day.
    Monthly(i8),
}

/// A schedule as sent: each part optional, checked together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleInput {
    pub frequency: String,
    pub hour: Option<i64>,
    pub weekday: Option<i64>,
    pub monthday: Option<i64>,
}

fn between(min: i64, max: i64) -> Message {
    Code::Between
        .msg(format!("must be between {min} and {max}"))
        .with("min", min.to_string())
        .with("max", max.to_string())
}

/// Checks a schedule: a known frequency, an hour, and the day a weekly or
/// monthly one needs. Each problem beside its field.
pub fn check_schedule(s: &ScheduleInput) -> Result<Schedule, Vec<(&'static str, Message)>> {
    let mut bad = Vec::new();
    let hour = s.hour.unwrap_or(8);
    if !(0..=23).contains(&hour) {
        bad.push(("hour", between(0, 23)));
    }
    let day = |field: &'static str, v: Option<i64>, max: i64, bad: &mut Vec<(&'static str, Message)>| match v {
        None => {
            bad.push((field, Code::Required.msg(format!("is required for a {} schedule", s.frequency))));
            0
        }
        Some(d) if !(1..=max).contains(&d) => {
            bad.push((field, between(1, max)));
            0
        }
        Some(d) => d as i8,
    };
    let frequency = match s.frequency.as_str() {
        "daily" => Frequency::Daily,
        "weekly" => Frequency::Weekly(day("weekday", s.weekday, 7, &mut bad)),
        "monthly" => Frequency::Monthly(day("monthday", s.monthday, 31, &mut bad)),
        other => {
            bad.push(("frequency", not_one_of(other, &FREQUENCIES)));
            Frequency::Daily
        }
    };
    if bad.is_empty() { Ok(Schedule { frequency, hour: hour as i8 }) } else { Err(bad) }
}

impl Schedule {
    /// The first moment after `after` this schedule names in `tz`. A time
    /// the clocks skip (a spring-forward gap) is read as the moment after
    /// the gap, so a send is never lost.
    pub fn next_after(&self, after: Timestamp, tz: &TimeZone) -> Timestamp {
        let mut day = after.to_zoned(tz.clone()).date();
        // A month has a matching day within 31 days; 400 is only a bound.
        for _ in 0..400 {
            if self.matches(day) {
                let at = day.at(self.hour, 0, 0, 0);
                if let Ok(z) = tz.to_ambiguous_zoned(at).compatible() {
                    if z.timestamp() > after {
                        return z.timestamp();
                    }
                }
            }
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        Timestamp::MAX
    }

    fn matches(&self, day: Date) -> bool {
        match self.frequency {
            Frequency::Daily => true,
            Frequency::Weekly(w) => day.weekday().to_monday_one_offset() == w,
            Frequency::Monthly(d) => day.day() == d.min(day.days_in_month()),
        }
    }

    /// The parts as kept: frequency, weekday, day of the month.
    pub fn parts(&self) -> (&'static str, Option<i64>, Option<i64>) {
        match self.frequency {
            Frequency::Daily => ("daily", None, None),
            Frequency::Weekly(w) => ("weekly", Some(i64::from(w)), None),
            Frequency::Monthly(d) => ("monthly", None, Some(i64::from(d))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn schedule(frequency: &str, hour: i64, weekday: Option<i64>, monthday: Option<i64>) -> Schedule {
        check_schedule(&ScheduleInput { frequency: frequency.into(), hour: Some(hour), weekday, monthday }).unwrap()
    }

    #[test]
    fn daily_runs_at_the_hour_in_the_recipients_zone() {
        let s = schedule("daily", 8, None, None);
        let warsaw = TimeZone::get("Europe/Warsaw").unwrap();
        let new_york = TimeZone::get("America/New_York").unwrap();
        // 2026-12-06 07:30 UTC is 08:30 in Warsaw: the next is tomorrow's 08:00 (07:00 UTC).
        assert_eq!(s.next_after(at("2026-12-06T07:30:00Z"), &warsaw), at("2026-12-07T07:00:00Z"));
        // ... and 02:30 in New York: today's 08:00 (13:00 UTC).
        assert_eq!(s.next_after(at("2026-12-06T07:30:00Z"), &new_york), at("2026-12-06T13:00:00Z"));
        // Exactly at the moment: the next one, never the same twice.
        assert_eq!(s.next_after(at("2026-12-07T07:00:00Z"), &warsaw), at("2026-12-08T07:00:00Z"));
    }

    #[test]
    fn weekly_and_monthly_pick_their_day() {
        let utc = TimeZone::UTC;
        // 2026-12-06 is a Sunday; Mondays at 06:00.
        let monday = schedule("weekly", 6, Some(1), None);
        assert_eq!(monday.next_after(at("2026-12-06T10:00:00Z"), &utc), at("2026-12-07T06:00:00Z"));
        // The 31st: February's last day instead.
        let last = schedule("monthly", 0, None, Some(31));
        assert_eq!(last.next_after(at("2027-02-01T00:00:00Z"), &utc), at("2027-02-28T00:00:00Z"));
        assert_eq!(last.next_after(at("2027-02-28T00:00:00Z"), &utc), at("2027-03-31T00:00:00Z"));
    }

    #[test]
    fn a_skipped_hour_still_sends() {
        // Warsaw jumps from 02:00 to 03:00 on 2027-03-28.
        let warsaw = TimeZone::get("Europe/Warsaw").unwrap();
        let s = schedule("daily", 2, None, None);
        let next = s.next_after(at("2027-03-27T12:00:00Z"), &warsaw);
        assert_eq!(next, at("2027-03-28T01:00:00Z"));
    }

    #[test]
    fn bad_schedules_name_their_field() {
        let fields = |s: ScheduleInput| check_schedule(&s).unwrap_err().into_iter().map(|e| e.0).collect::<Vec<_>>();
        let base = ScheduleInput { frequency: "weekly".into(), hour: Some(8), ..Default::default() };
        assert_eq!(fields(base.clone()), ["weekday"]);
        assert_eq!(fields(ScheduleInput { weekday: Some(8), ..base.clone() }), ["weekday"]);
        assert_eq!(fields(ScheduleInput { hour: Some(24), weekday: Some(1), ..base.clone() }), ["hour"]);
        assert_eq!(
            fields(ScheduleInput { frequency: "monthly".into(), monthday: Some(0), ..base.clone() }),
            ["monthday"]
        );
        assert_eq!(fields(ScheduleInput { frequency: "hourly".into(), ..base }), ["frequency"]);
    }

    #[test]
    fn periods_are_whole_days_ending_yesterday() {
        let today: Date = "2026-12-06".parse().unwrap();
        let p = |name: &str| resolve_period(name, today).map(|p| (p.from.to_string(), p.to.to_string()));
        let pair = |a: &str, b: &str| Some((a.to_owned(), b.to_owned()));
        assert_eq!(p("yesterday"), pair("2026-12-05", "2026-12-05"));
        assert_eq!(p("last_7_days"), pair("2026-11-29", "2026-12-05"));
        assert_eq!(p("previous_week"), pair("2026-11-23", "2026-11-29"));
        assert_eq!(p("previous_month"), pair("2026-11-01", "2026-11-30"));
        assert_eq!(p("month_to_date"), pair("2026-12-01", "2026-12-06"));
        assert_eq!(p("fortnight"), None);
        for name in PERIODS {
            let got = resolve_period(name, today).unwrap();
            assert!(got.from <= got.to, "{name}");
        }
    }
}
