//! Holidays from an iCalendar file (RFC 5545), as Google Calendar, Outlook
//! and government sites export them. Only what holidays need is read:
//! each VEVENT's start date, end or duration, summary and a yearly rule.

use super::{CalendarProblem, Holiday, spec::no_such_date};
use crate::code::{Code, Message};
use jiff::SignedDuration;
use jiff::civil::Date;
use std::collections::HashSet;

/// Larger files are refused before parsing.
pub const ICAL_MAX_BYTES: usize = 1 << 20;
/// A longer event is surely not a holiday (or a mistake).
const MAX_EVENT_DAYS: i64 = 366;
const MAX_COUNT: i64 = 500;

#[derive(Default)]
struct Event {
    dtstart: Option<String>,
    dtend: Option<String>,
    duration: Option<String>,
    summary: Option<String>,
    rrule: Option<String>,
    cancelled: bool,
}

/// Reads the holidays of an iCalendar text.
///
/// An all-day event is one [`Holiday::Date`]; one spanning several days
/// (DTEND is exclusive) gives one per day. A date-time start counts by its
/// written date. `RRULE:FREQ=YEARLY` (BYMONTH/BYMONTHDAY matching the start,
/// optional COUNT or UNTIL) becomes [`Holiday::Yearly`] from the start year.
/// Cancelled events are skipped, duplicates dropped. Any other recurrence,
/// a missing or malformed DTSTART, no VCALENDAR or more than
/// [`ICAL_MAX_BYTES`] are problems, all reported together.
pub fn parse_ical_holidays(text: &str) -> Result<Vec<Holiday>, Vec<CalendarProblem>> {
    if text.len() > ICAL_MAX_BYTES {
        return Err(vec![CalendarProblem::new(
            "ical",
            Code::IcalTooLarge
                .msg(format!("is {} bytes; at most {ICAL_MAX_BYTES} (1 MiB) are accepted", text.len()))
                .with("size", text.len())
                .with("max", ICAL_MAX_BYTES),
        )]);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut problems = Vec::new();
    let mut holidays = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<String> = Vec::new();
    let mut saw_calendar = false;
    let mut event: Option<Event> = None;
    let mut index = 0;
    for line in unfold(text) {
        let Some((name, value)) = split_property(&line) else { continue };
        let name = name.to_ascii_uppercase();
        match name.as_str() {
            "BEGIN" => {
                let component = value.trim().to_ascii_uppercase();
                saw_calendar |= component == "VCALENDAR" && stack.is_empty();
                if component == "VEVENT" && stack.last().is_some_and(|c| c == "VCALENDAR") {
                    event = Some(Event::default());
                }
                stack.push(component);
            }
            "END" => {
                let component = value.trim().to_ascii_uppercase();
                if let Some(at) = stack.iter().rposition(|c| *c == component) {
                    stack.truncate(at);
                }
                if component == "VEVENT" {
                    if let Some(ev) = event.take() {
                        for h in convert(index, ev, &mut problems) {
                            if seen.insert(h.clone()) {
                                holidays.push(h);
                            }
                        }
                        index += 1;
                    }
                }
            }
            _ if stack.last().is_some_and(|c| c == "VEVENT") => {
                if let Some(ev) = event.as_mut() {
                    match name.as_str() {
                        "DTSTART" => ev.dtstart = Some(value),
                        "DTEND" => ev.dtend = Some(value),
                        "DURATION" => ev.duration = Some(value),
                        "SUMMARY" => ev.summary = Some(unescape(&value)),
                        "RRULE" => ev.rrule = Some(value),
                        "STATUS" => ev.cancelled = value.trim().eq_ignore_ascii_case("CANCELLED"),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if event.is_some() {
        problems
            .push(CalendarProblem::new(format!("vevent[{index}]"), Code::IcalUnclosed.msg("not closed by END:VEVENT")));
    }
    if !saw_calendar {
        let m = Code::IcalNotCalendar.msg("no BEGIN:VCALENDAR; this is not an iCalendar file");
        problems.insert(0, CalendarProblem::new("ical", m));
    }
    if problems.is_empty() { Ok(holidays) } else { Err(problems) }
}

fn convert(index: usize, ev: Event, problems: &mut Vec<CalendarProblem>) -> Vec<Holiday> {
    let field = |f: &str| format!("vevent[{index}].{f}");
    if ev.cancelled {
        return Vec::new();
    }
    let Some(dtstart) = ev.dtstart else {
        problems.push(CalendarProblem::new(field("dtstart"), Code::IcalNoStart.msg("missing DTSTART")));
        return Vec::new();
    };
    let start = match parse_date(&dtstart) {
        Ok((d, _)) => d,
        Err(reason) => {
            problems.push(CalendarProblem::new(field("dtstart"), reason));
            return Vec::new();
        }
    };
    let days = match (&ev.dtend, &ev.duration) {
        (Some(end), _) => parse_date(end).map(|(end, timed)| {
            // An end date is exclusive; an end time after midnight includes its day.
            end.duration_since(start).as_hours().div_euclid(24) + i64::from(timed)
        }),
        (None, Some(d)) => parse_duration_days(d),
        (None, None) => Ok(1),
    };
    let days = match days {
        Ok(n) if n > MAX_EVENT_DAYS => {
            let m = Code::IcalTooLong.msg(format!("spans {n} days; at most {MAX_EVENT_DAYS}"));
            problems.push(CalendarProblem::new(field("dtend"), m.with("n", n).with("max", MAX_EVENT_DAYS)));
            return Vec::new();
        }
        Ok(n) => n.max(1),
        Err(reason) => {
            let f = if ev.dtend.is_some() { "dtend" } else { "duration" };
            problems.push(CalendarProblem::new(field(f), reason));
            return Vec::new();
        }
    };
    let recurrence = match ev.rrule.as_deref().map(|r| parse_rrule(r, start)).transpose() {
        Ok(r) => r,
        Err(reason) => {
            problems.push(CalendarProblem::new(field("rrule"), reason));
            return Vec::new();
        }
    };
    let name = ev.summary.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "Holiday".to_owned());
    (0..days)
        .filter_map(|k| start.checked_add(SignedDuration::from_hours(24 * k)).ok())
        .map(|d| match recurrence {
            None => Holiday::Date { date: d.to_string(), name: name.clone() },
            Some(until_year) => Holiday::Yearly {
                month: d.month() as u8,
                day: d.day() as u8,
                name: name.clone(),
                from_year: Some(start.year()),
                until_year,
            },
        })
        .collect()
}

/// Lines with RFC 5545 folding undone (a line starting with a space or tab
/// continues the previous one); CRLF and bare LF both accepted.
fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_owned()),
        }
    }
    lines
}

/// `NAME;PARAM=..;PARAM="..:..":value` → (NAME, value).
fn split_property(line: &str) -> Option<(&str, String)> {
    let name_end = line.find([';', ':'])?;
    let mut quoted = false;
    for (i, c) in line[name_end..].char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return Some((&line[..name_end], line[name_end + i + 1..].to_owned())),
            _ => {}
        }
    }
    None
}

/// `\,` `\;` `\\` `\n` as RFC 5545 escapes them in text.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ (',' | ';' | '\\')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out.trim().to_owned()
}

/// `20261224`, `20261224T000000` or `20261224T000000Z` → the written date,
/// and whether a time after midnight was given.
fn parse_date(value: &str) -> Result<(Date, bool), Message> {
    let v = value.trim();
    let bad = || {
        Code::IcalBadDate
            .msg(format!("{v:?} is not a date; expected YYYYMMDD or YYYYMMDDTHHMMSS"))
            .with("text", format!("{v:?}"))
    };
    let b = v.as_bytes();
    if b.len() < 8 || !b[..8].iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let rest = &v[8..];
    let timed = match rest.strip_prefix('T') {
        None if rest.is_empty() => false,
        Some(t) => {
            let t = t.strip_suffix('Z').unwrap_or(t);
            if t.len() != 6 || !t.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            t != "000000"
        }
        None => return Err(bad()),
    };
    let num = |r: std::ops::Range<usize>| b[r].iter().fold(0i16, |n, d| n * 10 + i16::from(d - b'0'));
    let date = Date::new(num(0..4), num(4..6) as i8, num(6..8) as i8)
        .map_err(|_| no_such_date(&format!("{v:?}"), format!("{v:?} is not a day of the calendar")))?;
    Ok((date, timed))
}

/// `P1D`, `P2W`, `PT24H` (one day) → whole days, at least one.
fn parse_duration_days(value: &str) -> Result<i64, Message> {
    let v = value.trim().trim_start_matches('+');
    let bad = || {
        Code::IcalBadDuration.msg(format!("{v:?} is not a duration in days, e.g. P1D")).with("text", format!("{v:?}"))
    };
    let body = v.strip_prefix('P').ok_or_else(bad)?;
    let (days, _) = body.split_once('T').unwrap_or((body, ""));
    if days.is_empty() {
        return Ok(1);
    }
    let parse = |digits: &str| digits.parse::<i64>().map_err(|_| bad());
    match (days.strip_suffix('D'), days.strip_suffix('W')) {
        (Some(d), _) => Ok(parse(d)?.max(1)),
        (_, Some(w)) => Ok(parse(w)?.saturating_mul(7).max(1)),
        _ => Err(bad()),
    }
}

/// A yearly rule → the last year it applies to (`None`: no end).
fn parse_rrule(rule: &str, start: Date) -> Result<Option<i16>, Message> {
    let mut until = None;
    let mut yearly = false;
    for part in rule.trim().split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let value = value.trim();
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" if value.eq_ignore_ascii_case("YEARLY") => yearly = true,
            "FREQ" => {
                let text = format!("FREQ={value} is not supported; only yearly holidays (FREQ=YEARLY) are");
                return Err(Code::IcalFreq.msg(text).with("value", value));
            }
            "BYMONTH" if value.parse::<i8>() == Ok(start.month()) => {}
            "BYMONTHDAY" if value.parse::<i8>() == Ok(start.day()) => {}
            "INTERVAL" if value == "1" => {}
            "WKST" => {}
            "COUNT" => match value.parse::<i64>() {
                Ok(n @ 1..=MAX_COUNT) => until = Some(start.year().saturating_add((n - 1) as i16)),
                _ => {
                    let text = format!("COUNT={value} must be 1 to {MAX_COUNT}");
                    return Err(Code::IcalCount.msg(text).with("value", value).with("max", MAX_COUNT));
                }
            },
            "UNTIL" => {
                let (end, _) = parse_date(value)?;
                let before = (end.month(), end.day()) < (start.month(), start.day());
                until = Some(end.year() - i16::from(before));
            }
            k => {
                let text = format!(
                    "{k}={value} is not supported; a holiday must repeat on the start's month and day every year \
                     (export the occurrences as single days instead)"
                );
                return Err(Code::IcalRule.msg(text).with("part", format!("{k}={value}")));
            }
        }
    }
    if !yearly {
        return Err(Code::IcalNoYearly.msg("RRULE needs FREQ=YEARLY"));
    }
    Ok(until)
}
