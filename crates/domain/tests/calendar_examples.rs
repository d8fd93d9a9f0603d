//! Worked examples of business-time arithmetic with exact instants.

#![allow(clippy::unwrap_used)]

use jiff::{SignedDuration, Timestamp, Zoned};
use steward_domain::calendar::{Calendar, CalendarSpec, Holiday, Interval, WeekHours, poland_holidays};

/// Local Warsaw time, e.g. `2026-03-06T14:00` or, where a time exists
/// twice, `2026-10-25T02:30+01:00`.
fn w(local: &str) -> Timestamp {
    format!("{local}[Europe/Warsaw]").parse::<Zoned>().unwrap().timestamp()
}

fn cal(time_zone: &str, week: WeekHours, holidays: Vec<Holiday>) -> Calendar {
    Calendar::compile(&CalendarSpec { time_zone: time_zone.to_owned(), week, holidays }).unwrap()
}

/// Mon–Fri 08:00–16:00 in Warsaw with Poland's public holidays.
fn office() -> Calendar {
    cal("Europe/Warsaw", WeekHours::weekdays(&[Interval::new("08:00", "16:00")]), poland_holidays())
}

/// Mon–Fri 08:00–12:00 and 13:00–17:00, no holidays.
fn lunch() -> Calendar {
    let day = [Interval::new("08:00", "12:00"), Interval::new("13:00", "17:00")];
    cal("Europe/Warsaw", WeekHours::weekdays(&day), vec![])
}

/// Every night 01:00–04:00 local, across both clock changes.
fn night() -> Calendar {
    cal("Europe/Warsaw", WeekHours::every_day(&[Interval::new("01:00", "04:00")]), vec![])
}

const fn h(hours: i64) -> SignedDuration {
    SignedDuration::from_hours(hours)
}

const fn m(mins: i64) -> SignedDuration {
    SignedDuration::from_mins(mins)
}

#[test]
fn due_moments() {
    let (office, lunch, night) = (office(), lunch(), night());
    #[rustfmt::skip]
    let table: &[(&str, &Calendar, &str, SignedDuration, &str)] = &[
        ("Friday afternoon + 4 h is Monday", &office, "2026-03-06T14:00", h(4), "2026-03-09T10:00"),
        ("used up at the end of Friday: due Friday 16:00", &office, "2026-03-06T08:00", h(8), "2026-03-06T16:00"),
        ("3 business days", &office, "2026-03-09T09:00", h(24), "2026-03-12T09:00"),
        ("5 business days", &office, "2026-03-09T09:00", h(40), "2026-03-16T09:00"),
        ("weekend start", &office, "2026-03-07T10:00", m(30), "2026-03-09T08:30"),
        ("zero stays put, even on a Saturday", &office, "2026-03-07T10:00", h(0), "2026-03-07T10:00"),
        ("negative counts as zero", &office, "2026-03-07T10:00", h(-3), "2026-03-07T10:00"),
        ("over the spring-forward weekend", &office, "2026-03-27T14:00", h(4), "2026-03-30T10:00"),
        ("over the fall-back weekend", &office, "2026-10-23T14:00", h(4), "2026-10-26T10:00"),
        ("year end, 1 January a holiday", &office, "2025-12-31T14:00", h(4), "2026-01-02T10:00"),
        ("leap day is a working Tuesday", &office, "2028-02-28T14:00", h(4), "2028-02-29T10:00"),
        ("leap day into March", &office, "2028-02-29T15:00", h(2), "2028-03-01T09:00"),
        ("start on a holiday (1 May)", &office, "2026-05-01T10:00", h(1), "2026-05-04T09:00"),
        ("Easter Monday 2026 skipped", &office, "2026-04-03T12:00", h(8), "2026-04-07T12:00"),
        ("Corpus Christi 2026 skipped", &office, "2026-06-03T12:00", h(8), "2026-06-05T12:00"),
        ("Christmas Eve is off from 2025", &office, "2026-12-23T14:00", h(8), "2026-12-28T14:00"),
        ("Christmas Eve 2024 was a working day", &office, "2024-12-24T08:00", h(8), "2024-12-24T16:00"),
        ("start inside the lunch break", &lunch, "2026-03-10T12:30", h(1), "2026-03-10T14:00"),
        ("across the lunch break", &lunch, "2026-03-10T11:30", h(1), "2026-03-10T13:30"),
        ("used up at lunch: due at 12:00", &lunch, "2026-03-10T11:00", h(1), "2026-03-10T12:00"),
        ("spring forward: 01:00 + 90 min", &night, "2026-03-29T01:00", m(90), "2026-03-29T03:30"),
        ("spring forward: the night holds 2 h", &night, "2026-03-29T01:00", h(2), "2026-03-29T04:00"),
        ("spring forward: a minute more is tomorrow", &night, "2026-03-29T01:00", m(121), "2026-03-30T01:01"),
        ("fall back: first 02:30", &night, "2026-10-25T01:00", m(90), "2026-10-25T02:30+02:00"),
        ("fall back: second 02:30", &night, "2026-10-25T01:00", m(150), "2026-10-25T02:30+01:00"),
        ("fall back: the night holds 4 h", &night, "2026-10-25T01:00", h(4), "2026-10-25T04:00"),
    ];
    for &(name, cal, start, business, due) in table {
        assert_eq!(cal.add(w(start), business), Some(w(due)), "{name}");
        if business > SignedDuration::ZERO {
            assert_eq!(cal.working_between(w(start), w(due)), business, "{name}: working_between");
        }
    }
}

#[test]
fn a_night_interval_lasts_as_long_as_the_clocks_say() {
    let night = night();
    let day = |d: &str, next: &str| night.working_between(w(d), w(next));
    assert_eq!(day("2026-03-28T00:00", "2026-03-29T00:00"), h(3));
    assert_eq!(day("2026-03-29T00:00", "2026-03-30T00:00"), h(2));
    assert_eq!(day("2026-10-25T00:00", "2026-10-26T00:00"), h(4));
}

#[test]
fn intervals_ending_at_midnight_join_the_next_day() {
    let c = cal(
        "Europe/Warsaw",
        WeekHours::every_day(&[Interval::new("00:00", "02:00"), Interval::new("22:00", "24:00")]),
        vec![],
    );
    assert_eq!(c.add(w("2026-05-05T22:00"), h(3)), Some(w("2026-05-06T01:00")));
    assert!(c.is_working(w("2026-05-06T00:00")));
    assert!(!c.is_working(w("2026-05-06T02:00")));
}

#[test]
fn other_zones_keep_their_own_clock_changes() {
    let c = cal("America/New_York", WeekHours::weekdays(&[Interval::new("09:00", "17:00")]), vec![]);
    let ny = |s: &str| format!("{s}[America/New_York]").parse::<Zoned>().unwrap().timestamp();
    // US clocks went forward on 8 March 2026, three weeks before Europe's.
    assert_eq!(c.add(ny("2026-03-06T15:00"), h(4)), Some(ny("2026-03-09T11:00")));
    assert_eq!(ny("2026-03-09T11:00").to_string(), "2026-03-09T15:00:00Z");
}

#[test]
fn always_is_plain_elapsed_time() {
    let c = Calendar::always();
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    assert_eq!(c.add(t("2026-01-01T00:00:00Z"), h(72)), Some(t("2026-01-04T00:00:00Z")));
    assert_eq!(c.add(t("2026-01-01T00:00:00Z"), h(0)), Some(t("2026-01-01T00:00:00Z")));
    assert_eq!(c.working_between(t("2026-01-03T10:00:00Z"), t("2026-01-04T12:30:00Z")), m(26 * 60 + 30));
    assert_eq!(c.working_between(t("2026-01-04T00:00:00Z"), t("2026-01-03T00:00:00Z")), h(0));
    assert!(c.is_working(t("2026-01-03T03:00:00Z")));
    assert_eq!(c.next_working_start(t("2026-01-03T03:00:00Z")), Some(t("2026-01-03T03:00:00Z")));
    assert_eq!(c.add(Timestamp::MAX, h(1)), None);
}

#[test]
fn working_time_and_next_start() {
    let office = office();
    assert!(office.is_working(w("2026-03-09T08:00")));
    assert!(!office.is_working(w("2026-03-09T16:00")));
    assert!(!office.is_working(w("2026-04-06T10:00")), "Easter Monday");
    assert_eq!(office.next_working_start(w("2026-03-09T10:00")), Some(w("2026-03-09T10:00")));
    assert_eq!(office.next_working_start(w("2026-04-03T16:00")), Some(w("2026-04-07T08:00")));
    assert_eq!(office.next_working_start(w("2025-12-31T17:00")), Some(w("2026-01-02T08:00")));
    assert_eq!(office.working_between(w("2026-03-06T12:00"), w("2026-03-09T12:00")), h(8));
    assert_eq!(office.working_between(w("2026-03-09T12:00"), w("2026-03-06T12:00")), h(0));
    // 2026: 261 weekdays, 8 of them holidays (15 August on a Saturday does not count here).
    assert_eq!(office.working_between(w("2026-01-01T00:00"), w("2027-01-01T00:00")), h(253 * 8));
}
