use super::*;
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp, Zoned};
use proptest::prelude::*;
use std::sync::LazyLock;

pub(crate) fn spec(time_zone: &str, week: WeekHours, holidays: Vec<Holiday>) -> CalendarSpec {
    CalendarSpec { time_zone: time_zone.to_owned(), week, holidays }
}

/// Mon–Fri 08:00–16:00, Europe/Warsaw, Polish public holidays.
pub(crate) fn office() -> Calendar {
    static CAL: LazyLock<Calendar> = LazyLock::new(|| {
        let week = WeekHours::weekdays(&[Interval::new("08:00", "16:00")]);
        Calendar::compile(&spec("Europe/Warsaw", week, poland_holidays())).unwrap()
    });
    CAL.clone()
}

/// Two intervals a day, a Saturday night into Sunday and Sunday hours
/// around the clock changes, Polish holidays plus a one-off day.
fn awkward() -> Calendar {
    static CAL: LazyLock<Calendar> = LazyLock::new(|| {
        let mut week = WeekHours::weekdays(&[Interval::new("08:00", "12:00"), Interval::new("13:00", "17:00")]);
        week.saturday = vec![Interval::new("22:00", "24:00")];
        week.sunday = vec![Interval::new("00:00", "02:00"), Interval::new("02:30", "04:00")];
        let mut holidays = poland_holidays();
        holidays.push(Holiday::date("2027-06-07", "Office move"));
        Calendar::compile(&spec("Europe/Warsaw", week, holidays)).unwrap()
    });
    CAL.clone()
}

pub(crate) fn warsaw(local: &str) -> Timestamp {
    format!("{local}[Europe/Warsaw]").parse::<Zoned>().unwrap().timestamp()
}

fn fields(problems: Vec<CalendarProblem>) -> Vec<String> {
    problems.into_iter().map(|p| p.field).collect()
}

#[test]
fn easter_dates() {
    for (y, m, d) in [
        (1961, 4, 2),
        (1970, 3, 29),
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2038, 4, 25),
        (2100, 3, 28),
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
    }
    for y in 1583..=2400 {
        let e = easter_sunday(y);
        assert!(date(y, 3, 22) <= e && e <= date(y, 4, 25), "{y}: {e}");
        assert_eq!(e.weekday(), jiff::civil::Weekday::Sunday, "{y}");
    }
}

#[test]
fn poland_2026_days_off() {
    let spec = spec("Europe/Warsaw", WeekHours::every_day(&[Interval::new("00:00", "24:00")]), poland_holidays());
    let cal = Calendar::compile(&spec).unwrap();
    let off: Vec<String> = (0..365)
        .map(|i| date(2026, 1, 1).checked_add(SignedDuration::from_hours(24 * i)).unwrap())
        .filter(|d| !cal.is_working(warsaw(&format!("{d}T12:00"))))
        .map(|d| d.to_string())
        .collect();
    let expected = [
        "2026-01-01",
        "2026-01-06",
        "2026-04-05",
        "2026-04-06",
        "2026-05-01",
        "2026-05-03",
        "2026-05-24",
        "2026-06-04",
        "2026-08-15",
        "2026-11-01",
        "2026-11-11",
        "2026-12-24",
        "2026-12-25",
        "2026-12-26",
    ];
    assert_eq!(off, expected);
    assert!(cal.is_working(warsaw("2010-01-06T12:00")), "Epiphany only from 2011");
    assert!(!cal.is_working(warsaw("2011-01-06T12:00")));
}

#[test]
fn holidays_as_json() {
    let json = r#"[{"kind":"date","date":"2026-12-31","name":"Stocktaking"},
                   {"kind":"yearly","month":12,"day":24,"name":"Wigilia","from_year":2025},
                   {"kind":"easter","offset_days":60,"name":"Boże Ciało"}]"#;
    let holidays: Vec<Holiday> = serde_json::from_str(json).unwrap();
    assert_eq!(holidays[0], Holiday::date("2026-12-31", "Stocktaking"));
    assert_eq!(holidays[2], Holiday::easter(60, "Boże Ciało"));
    let back = serde_json::to_string(&holidays[1]).unwrap();
    assert_eq!(back, r#"{"kind":"yearly","month":12,"day":24,"name":"Wigilia","from_year":2025}"#);
    let spec: CalendarSpec =
        serde_json::from_str(r#"{"time_zone":"Europe/Warsaw","week":{"monday":[{"start":"08:00","end":"16:00"}]}}"#)
            .unwrap();
    assert_eq!(spec.week.monday, vec![Interval::new("08:00", "16:00")]);
    assert!(spec.validate().is_ok());
}

#[test]
fn validation_names_every_problem() {
    let week = WeekHours {
        monday: vec![Interval::new("08:00", "12:00"), Interval::new("8:00", "25:00")],
        tuesday: vec![Interval::new("08:00", "12:00"), Interval::new("11:00", "13:00")],
        wednesday: vec![Interval::new("16:00", "08:00"), Interval::new("24:00", "24:00")],
        thursday: vec![Interval::new("12:00", "12:00"), Interval::new("00:00", "24:00")],
        ..WeekHours::default()
    };
    let holidays = vec![
        Holiday::date("2026-02-30", "x"),
        Holiday::yearly(2, 30, "x"),
        Holiday::yearly(13, 1, "x"),
        Holiday::easter(401, "x"),
        Holiday::date("24.12.2026", "x"),
        Holiday::yearly(2, 29, "fine: leap years only"),
        Holiday::Yearly { month: 1, day: 1, name: "x".into(), from_year: Some(2030), until_year: Some(2020) },
    ];
    let problems = spec("Europe/Warsow", week, holidays).validate().unwrap_err();
    assert_eq!(
        fields(problems.clone()),
        [
            "time_zone",
            "week.monday[1].start",
            "week.monday[1].end",
            "week.tuesday[1]",
            "week.wednesday[0]",
            "week.wednesday[1].start",
            "week.thursday[0]",
            "holidays[0].date",
            "holidays[1].day",
            "holidays[2].month",
            "holidays[3].offset_days",
            "holidays[4].date",
            "holidays[6].until_year",
        ]
    );
    let reason = |f: &str| problems.iter().find(|p| p.field == f).unwrap().reason.clone();
    assert_eq!(reason("time_zone"), "unknown time zone \"Europe/Warsow\"; use an IANA name such as Europe/Warsaw");
    assert_eq!(reason("week.tuesday[1]"), "overlaps week.tuesday[0]; intervals of one day must not overlap");
    assert_eq!(reason("week.wednesday[0]"), "starts at 16:00 but ends at 08:00; the start must be before the end");
    assert_eq!(reason("week.monday[1].start"), "\"8:00\" is not a time; write HH:MM, e.g. 08:30");
    assert_eq!(reason("holidays[1].day"), "month 2 has no day 30");
    assert_eq!(reason("holidays[0].date"), "2026-02-30 does not exist in the calendar");
    assert_eq!(reason("holidays[3].offset_days"), "401 is too far from Easter; keep within ±400 days");
    assert!(Calendar::compile(&spec("Europe/Warsow", WeekHours::default(), vec![])).is_err());
}

#[test]
fn the_farthest_easter_offsets_are_refused_not_a_panic() {
    let week = WeekHours::every_day(&[Interval::new("08:00", "16:00")]);
    for offset in [i16::MIN, i16::MAX] {
        let holiday = Holiday::Easter { offset_days: offset, name: String::new(), from_year: None, until_year: None };
        let problems = spec("UTC", week.clone(), vec![holiday]).validate().unwrap_err();
        assert_eq!(fields(problems), ["holidays[0].offset_days"]);
    }
}

#[test]
fn a_week_without_hours_is_refused() {
    let problems = spec("UTC", WeekHours::default(), vec![]).validate().unwrap_err();
    assert_eq!(
        problems,
        [CalendarProblem::new(
            "week",
            crate::code::Code::NoHours.msg("no working hours on any day; add at least one interval")
        )]
    );
}

#[test]
fn a_calendar_with_no_working_time_answers_none() {
    // Every day of the year a holiday: valid, but never working.
    let holidays = (1..=12)
        .flat_map(|m| (1..=31).map(move |d| (m, d)))
        .filter(|&(m, d)| date(2000, m, 1).days_in_month() >= d)
        .map(|(m, d)| Holiday::yearly(m as u8, d as u8, "closed"))
        .collect();
    let cal =
        Calendar::compile(&spec("UTC", WeekHours::every_day(&[Interval::new("09:00", "17:00")]), holidays)).unwrap();
    let t = warsaw("2026-03-09T10:00");
    assert_eq!(cal.add(t, SignedDuration::from_hours(1)), None);
    assert_eq!(cal.add(t, SignedDuration::ZERO), Some(t));
    assert_eq!(cal.next_working_start(t), None);
    assert!(!cal.is_working(t));
    assert_eq!(cal.working_between(t, warsaw("2030-01-01T00:00")), SignedDuration::ZERO);
}

#[test]
fn the_covered_years_end() {
    let cal = office();
    let late = warsaw("2299-12-29T09:00"); // the last Friday
    assert_eq!(cal.add(late, SignedDuration::from_hours(4)), Some(warsaw("2299-12-29T13:00")));
    assert_eq!(cal.add(late, SignedDuration::from_hours(40)), None);
    assert_eq!(cal.add(warsaw("2400-01-03T09:00"), SignedDuration::from_hours(1)), None);
    assert!(!cal.is_working(warsaw("1899-06-05T09:00")));
    // Before the covered years, the count starts with them.
    assert_eq!(cal.add(warsaw("1899-06-05T09:00"), SignedDuration::from_hours(1)), Some(warsaw("1900-01-02T09:00")));
    assert_eq!(cal.next_working_start(warsaw("1899-06-05T09:00")), Some(warsaw("1900-01-02T08:00")));
    assert_eq!(easter_sunday(1970), date(1970, 3, 29));
    assert!(!cal.is_working(warsaw("1970-03-30T09:00")), "Easter Monday 1970");
    assert!(!cal.is_working(warsaw("2200-04-07T09:00")), "Easter Monday 2200");
}

#[test]
fn sub_second_and_pre_1970_instants() {
    let cal = office();
    let start = warsaw("1965-06-01T15:59:59.25");
    let due = cal.add(start, SignedDuration::new(1, 500_000_000)).unwrap();
    assert_eq!(due, warsaw("1965-06-02T08:00:00.75"));
    assert_eq!(cal.working_between(start, due), SignedDuration::new(1, 500_000_000));
}

const GOOGLE_EXPORT: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n\
CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Holidays in Poland\r\nX-WR-TIMEZONE:UTC\r\n\
X-WR-CALDESC:Holidays and Observances in Poland\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261225\r\nDTSTAMP:20260101T000000Z\r\n\
UID:20261224_abc@google.com\r\nCLASS:PUBLIC\r\nDESCRIPTION:Public holiday\r\nSTATUS:CONFIRMED\r\n\
SUMMARY:Christmas Eve\\, Wigilia\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261227\r\nUID:x2\r\n\
SUMMARY:Christmas\r\n  (both days)\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\n\
DESCRIPTION:ignored\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;TZID=\"Europe/Warsaw\":20270101T000000\r\nDTEND;TZID=Europe/Warsaw:20270102T000000\r\n\
SUMMARY:New Year\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1\r\nSUMMARY:Nowy Rok\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART:20260815T000000Z\r\nDURATION:P1D\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nSUMMARY:Assumption\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261111\r\nSTATUS:CANCELLED\r\nSUMMARY:Cancelled\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:Christmas Eve\\, Wigilia\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

#[test]
fn ical_google_style_export() {
    let holidays = parse_ical_holidays(GOOGLE_EXPORT).unwrap();
    assert_eq!(
        holidays,
        [
            Holiday::date("2026-12-24", "Christmas Eve, Wigilia"),
            Holiday::date("2026-12-25", "Christmas (both days)"),
            Holiday::date("2026-12-26", "Christmas (both days)"),
            Holiday::date("2027-01-01", "New Year"),
            Holiday::Yearly { month: 1, day: 1, name: "Nowy Rok".into(), from_year: Some(2026), until_year: None },
            Holiday::Yearly {
                month: 8,
                day: 15,
                name: "Assumption".into(),
                from_year: Some(2026),
                until_year: Some(2028),
            },
        ]
    );
    // The imported list compiles into a calendar as is.
    let mut spec = spec("Europe/Warsaw", WeekHours::weekdays(&[Interval::new("08:00", "16:00")]), holidays);
    spec.holidays.push(Holiday::date("2026-12-31", "Stocktaking"));
    let cal = Calendar::compile(&spec).unwrap();
    assert!(!cal.is_working(warsaw("2028-08-15T10:00")));
    assert!(cal.is_working(warsaw("2029-08-15T10:00")));
}

#[test]
fn ical_outlook_style_lf_and_unescaping() {
    let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\nBEGIN:STANDARD\n\
DTSTART:16010101T030000\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VEVENT\nSUMMARY;LANGUAGE=pl:Święto\\; Niepodległości\\n\
(PL)\nDTSTART;VALUE=DATE:20261111\nDTEND;VALUE=DATE:20261112\nRRULE:FREQ=YEARLY;INTERVAL=1;BYMONTH=11;BYMONTHDAY=\n\t11\n\
END:VEVENT\nEND:VCALENDAR\n";
    assert_eq!(
        parse_ical_holidays(text).unwrap(),
        [Holiday::Yearly {
            month: 11,
            day: 11,
            name: "Święto; Niepodległości\n(PL)".into(),
            from_year: Some(2026),
            until_year: None,
        }]
    );
}

#[test]
fn ical_problems() {
    let problems = parse_ical_holidays("hello").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].field.as_str(), problems[0].reason.code), ("ical", crate::code::Code::IcalNotCalendar));
    assert_eq!(problems[0].reason, "no BEGIN:VCALENDAR; this is not an iCalendar file");
    let big = "X".repeat(ICAL_MAX_BYTES + 1);
    assert_eq!(fields(parse_ical_holidays(&big).unwrap_err()), ["ical"]);
    let text = "BEGIN:VCALENDAR\r\n\
BEGIN:VEVENT\r\nSUMMARY:no start\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260230\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026-12-24\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20280101\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nRRULE:FREQ=YEARLY;BYMONTH=2\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\n";
    let problems = parse_ical_holidays(text).unwrap_err();
    assert_eq!(
        fields(problems.clone()),
        [
            "vevent[0].dtstart",
            "vevent[1].dtstart",
            "vevent[2].dtstart",
            "vevent[3].rrule",
            "vevent[4].dtend",
            "vevent[5].rrule",
            "vevent[6].rrule",
            "vevent[7]",
        ]
    );
    assert_eq!(problems[0].reason, "missing DTSTART");
    assert_eq!(problems[1].reason, "\"20260230\" is not a day of the calendar");
    assert_eq!(problems[4].reason, "spans 730 days; at most 366");
    assert!(problems[3].reason.text.starts_with("BYDAY=4TH is not supported"), "{}", problems[3].reason);
}

#[test]
fn always_and_a_utc_24x7_calendar_agree() {
    let utc =
        Calendar::compile(&spec("UTC", WeekHours::every_day(&[Interval::new("00:00", "24:00")]), vec![])).unwrap();
    let always = Calendar::always();
    let s = warsaw("2026-12-31T23:17:05.5");
    for h in [0, 1, 24, 1000, 30_000] {
        let d = SignedDuration::from_hours(h);
        assert_eq!(utc.add(s, d), always.add(s, d), "{h} h");
    }
}

fn instant() -> impl Strategy<Value = Timestamp> {
    // 2025-01-01 .. 2031-01-01, sometimes with a fraction of a second, often
    // on a half hour so that interval edges are hit exactly.
    let any = (1_735_686_000_i64..1_924_988_400, prop_oneof![Just(0), 0..1_000_000_000_i32]);
    prop_oneof![
        any.prop_map(|(s, n)| Timestamp::new(s, n).unwrap()),
        (0_i64..105_000).prop_map(|k| Timestamp::from_second(1_735_686_000 + 1800 * k).unwrap()),
    ]
}

fn business() -> impl Strategy<Value = SignedDuration> {
    prop_oneof![
        (0_i64..=160).prop_map(|k| SignedDuration::from_mins(30 * k)),
        (0_i64..=40 * 3600).prop_map(SignedDuration::from_secs),
        (0_i64..=400 * 3600, 0..1_000_000_000_i32).prop_map(|(s, n)| SignedDuration::new(s, n)),
        Just(SignedDuration::ZERO),
    ]
}

proptest! {
    #[test]
    fn add_is_monotonic(s in instant(), a in business(), b in business(), step in 0_i64..400_000) {
        for cal in [awkward(), office()] {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(cal.add(s, lo).unwrap() <= cal.add(s, hi).unwrap());
            let later = s.checked_add(SignedDuration::from_secs(step)).unwrap();
            prop_assert!(cal.add(s, a).unwrap() <= cal.add(later, a).unwrap());
        }
    }

    #[test]
    fn adding_in_two_steps_is_adding_once(s in instant(), a in business(), b in business()) {
        for cal in [awkward(), office(), Calendar::always()] {
            let two = cal.add(cal.add(s, a).unwrap(), b).unwrap();
            prop_assert_eq!(two, cal.add(s, a + b).unwrap());
        }
    }

    #[test]
    fn working_between_measures_what_add_spent(s in instant(), d in business()) {
        for cal in [awkward(), office(), Calendar::always()] {
            let due = cal.add(s, d).unwrap();
            prop_assert_eq!(cal.working_between(s, due), d);
            if d > SignedDuration::ZERO {
                // Inside working time or exactly at an interval's end.
                prop_assert!(cal.is_working(due - SignedDuration::from_nanos(1)), "{} + {} = {}", s, d, due);
            }
        }
    }

    #[test]
    fn working_time_adds_up(a in instant(), b in instant(), c in instant()) {
        let mut v = [a, b, c];
        v.sort();
        let cal = awkward();
        let sum = cal.working_between(v[0], v[1]) + cal.working_between(v[1], v[2]);
        prop_assert_eq!(sum, cal.working_between(v[0], v[2]));
        let next = cal.next_working_start(v[0]).unwrap();
        prop_assert!(cal.is_working(next));
        prop_assert_eq!(cal.working_between(v[0], next), SignedDuration::ZERO);
        prop_assert_eq!(cal.is_working(v[0]), next == v[0]);
    }
}

#[test]
fn round_the_clock_without_holidays_compiles_to_real_time() {
    let every = WeekHours::every_day(&[Interval::new("00:00", "24:00")]);
    let spec = CalendarSpec { time_zone: "Europe/Warsaw".into(), week: every.clone(), holidays: vec![] };
    assert!(Calendar::compile(&spec).unwrap().is_always());
    let with_holiday = CalendarSpec { holidays: vec![Holiday::yearly(12, 25, "Christmas")], ..spec };
    assert!(!Calendar::compile(&with_holiday).unwrap().is_always());
}
