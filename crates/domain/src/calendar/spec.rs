//! Calendars as users author them, and the checks that name every mistake.

use super::CalendarProblem;
use super::holidays::HolidayRules;
use crate::code::{Code, Message};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

/// A business calendar as an admin writes it.
///
/// ```json
/// {"time_zone": "Europe/Warsaw",
///  "week": {"monday": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]},
///  "holidays": [{"kind": "date", "date": "2026-12-31", "name": "Stocktaking"},
///               {"kind": "yearly", "month": 12, "day": 25, "name": "Christmas"},
///               {"kind": "easter", "offset_days": 1, "name": "Easter Monday"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// An IANA zone name such as `Europe/Warsaw`.
    pub time_zone: String,
    #[serde(default)]
    pub week: WeekHours,
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

/// Working intervals per weekday; a day without intervals is a day off.
/// A misspelt day is refused rather than read as a day off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeekHours {
    pub monday: Vec<Interval>,
    pub tuesday: Vec<Interval>,
    pub wednesday: Vec<Interval>,
    pub thursday: Vec<Interval>,
    pub friday: Vec<Interval>,
    pub saturday: Vec<Interval>,
    pub sunday: Vec<Interval>,
}

impl WeekHours {
    /// The same intervals Monday to Friday, weekends off.
    pub fn weekdays(intervals: &[Interval]) -> Self {
        let v = || intervals.to_vec();
        Self { monday: v(), tuesday: v(), wednesday: v(), thursday: v(), friday: v(), ..Self::default() }
    }

    /// The same intervals every day of the week.
    pub fn every_day(intervals: &[Interval]) -> Self {
        let v = || intervals.to_vec();
        Self { monday: v(), tuesday: v(), wednesday: v(), thursday: v(), friday: v(), saturday: v(), sunday: v() }
    }

    /// Monday first, with the field names used in problem paths.
    pub fn days(&self) -> [(&'static str, &[Interval]); 7] {
        [
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
            ("sunday", &self.sunday),
        ]
    }
}

/// Local wall-clock `HH:MM`–`HH:MM`; `end` may be `24:00` (midnight after).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    pub start: String,
    pub end: String,
}

impl Interval {
    pub fn new(start: &str, end: &str) -> Self {
        Self { start: start.to_owned(), end: end.to_owned() }
    }
}

/// A whole local day without working time.
///
/// `from_year`/`until_year` (inclusive, optional) bound the recurring kinds
/// to the years a law made them holidays.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holiday {
    /// One day, once: `YYYY-MM-DD`.
    Date {
        date: String,
        #[serde(default)]
        name: String,
    },
    /// The same month and day every year (29 February only in leap years).
    Yearly {
        month: u8,
        day: u8,
        #[serde(default)]
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_year: Option<i16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_year: Option<i16>,
    },
    /// Days before (negative) or after Western Easter Sunday: Easter Monday
    /// is 1, Pentecost 49, Corpus Christi 60.
    Easter {
        offset_days: i16,
        #[serde(default)]
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_year: Option<i16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until_year: Option<i16>,
    },
}

impl Holiday {
    pub fn date(date: &str, name: &str) -> Self {
        Self::Date { date: date.to_owned(), name: name.to_owned() }
    }

    pub fn yearly(month: u8, day: u8, name: &str) -> Self {
        Self::Yearly { month, day, name: name.to_owned(), from_year: None, until_year: None }
    }

    pub fn easter(offset_days: i16, name: &str) -> Self {
        Self::Easter { offset_days, name: name.to_owned(), from_year: None, until_year: None }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Date { name, .. } | Self::Yearly { name, .. } | Self::Easter { name, .. } => name,
        }
    }
}

/// Easter offsets further than this are surely a typo.
pub const MAX_EASTER_OFFSET: i16 = 400;

impl CalendarSpec {
    /// Every problem at once, each named by its field.
    pub fn validate(&self) -> Result<(), Vec<CalendarProblem>> {
        check(self).map(|_| ())
    }
}

/// A checked spec: the zone, minutes-of-day intervals (Monday first, sorted,
/// adjacent ones merged) and the holiday rules.
pub(crate) struct Parsed {
    pub tz: TimeZone,
    pub week: [Vec<(u16, u16)>; 7],
    pub holidays: HolidayRules,
}

pub(crate) fn check(spec: &CalendarSpec) -> Result<Parsed, Vec<CalendarProblem>> {
    let mut problems = Vec::new();
    let tz = match TimeZone::get(spec.time_zone.trim()) {
        Ok(tz) if !spec.time_zone.trim().is_empty() => Some(tz),
        _ => {
            problems.push(CalendarProblem::new(
                "time_zone",
                Code::UnknownZone
                    .msg(format!("unknown time zone {:?}; use an IANA name such as Europe/Warsaw", spec.time_zone))
                    .with("zone", format!("{:?}", spec.time_zone)),
            ));
            None
        }
    };
    let mut week: [Vec<(u16, u16)>; 7] = Default::default();
    for (slot, (day, intervals)) in week.iter_mut().zip(spec.week.days()) {
        *slot = check_day(day, intervals, &mut problems);
    }
    if spec.week.days().iter().all(|(_, iv)| iv.is_empty()) {
        problems.push(CalendarProblem::new(
            "week",
            Code::NoHours.msg("no working hours on any day; add at least one interval"),
        ));
    }
    let holidays = HolidayRules::check(&spec.holidays, &mut problems);
    match tz {
        Some(tz) if problems.is_empty() => Ok(Parsed { tz, week, holidays }),
        _ => Err(problems),
    }
}

fn check_day(day: &str, intervals: &[Interval], problems: &mut Vec<CalendarProblem>) -> Vec<(u16, u16)> {
    let mut ok: Vec<(u16, u16, usize)> = Vec::new();
    for (i, iv) in intervals.iter().enumerate() {
        let field = format!("week.{day}[{i}]");
        let start = parse_hhmm(&iv.start, false);
        let end = parse_hhmm(&iv.end, true);
        if let Err(reason) = &start {
            problems.push(CalendarProblem::new(format!("{field}.start"), reason.clone()));
        }
        if let Err(reason) = &end {
            problems.push(CalendarProblem::new(format!("{field}.end"), reason.clone()));
        }
        if let (Ok(s), Ok(e)) = (start, end) {
            if s >= e {
                problems.push(CalendarProblem::new(
                    field,
                    Code::Inverted
                        .msg(format!("starts at {} but ends at {}; the start must be before the end", iv.start, iv.end))
                        .with("start", &iv.start)
                        .with("end", &iv.end),
                ));
            } else {
                ok.push((s, e, i));
            }
        }
    }
    ok.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for pair in ok.windows(2) {
        let ((_, prev_end, prev_i), (start, _, i)) = (pair[0], pair[1]);
        if start < prev_end {
            problems.push(CalendarProblem::new(
                format!("week.{day}[{i}]"),
                Code::Overlaps
                    .msg(format!("overlaps week.{day}[{prev_i}]; intervals of one day must not overlap"))
                    .with("other", format!("week.{day}[{prev_i}]")),
            ));
        }
    }
    for (s, e, _) in ok {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// `HH:MM` → minutes after midnight; `24:00` only as an end.
pub(crate) fn parse_hhmm(text: &str, is_end: bool) -> Result<u16, Message> {
    let bad = || {
        Code::NotTime.msg(format!("{text:?} is not a time; write HH:MM, e.g. 08:30")).with("text", format!("{text:?}"))
    };
    let b = text.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()) {
        return Err(bad());
    }
    let h = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
    let m = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
    match (h, m) {
        (24, 0) if is_end => Ok(1440),
        (24, 0) => Err(Code::EndOnly.msg("24:00 is only allowed as an end; start at 00:00")),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

/// A date written well that the calendar does not have (30 February).
pub(crate) fn no_such_date(text: &str, message: String) -> Message {
    Code::NoSuchDate.msg(message).with("text", text)
}

/// `YYYY-MM-DD`, strictly, as a real calendar date.
pub(crate) fn parse_date(text: &str) -> Result<Date, Message> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return Err(Code::BadDate
            .msg(format!("{text:?} is not a date; write YYYY-MM-DD, e.g. 2026-12-24"))
            .with("text", format!("{text:?}")));
    }
    let num = |r: std::ops::Range<usize>| b[r].iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    let (y, m, d) = (num(0..4), num(5..7), num(8..10));
    // Month and day have two digits, so they fit i8.
    Date::new(y, m as i8, d as i8).map_err(|_| no_such_date(text, format!("{text} does not exist in the calendar")))
}
