//! The compiled calendar and its arithmetic.
//!
//! Each local year is turned, on first use, into a sorted list of working
//! spans in real time (nanoseconds after the year's local midnight of
//! 1 January, converted through the zone) and the prefix sums of their
//! lengths. Adding business time is then two binary searches inside a year
//! plus a hop per year crossed, whatever the target; no day-by-day walking.
//! A year of Mon–Fri with two intervals a day is ~500 spans, ~12 KB.

use super::spec::{CalendarSpec, check};
use super::{CalendarProblem, holidays::HolidayRules};
use crate::code::Code;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// First local year a zoned calendar has working time in.
pub const FIRST_YEAR: i16 = 1900;
/// Last local year a zoned calendar has working time in. Instants outside
/// `FIRST_YEAR..=LAST_YEAR` count as non-working, so `add` past the end of
/// 2299 gives `None` rather than a guess.
pub const LAST_YEAR: i16 = 2299;

const NS: i64 = 1_000_000_000;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR) as usize + 1;

/// A compiled business calendar. Cloning shares the tables.
#[derive(Clone)]
pub struct Calendar {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    /// 24×7 in UTC: business time is real time.
    Always,
    Zoned(Arc<Zoned>),
}

struct Zoned {
    tz: TimeZone,
    /// Minutes-of-day intervals, Monday first.
    week: [Vec<(u16, u16)>; 7],
    holidays: HolidayRules,
    /// `bounds[i]`: UTC second of local 1 January 00:00 of `FIRST_YEAR + i`;
    /// one more entry than there are years.
    bounds: Vec<i64>,
    years: Box<[OnceLock<Year>]>,
}

/// One local year's working time.
struct Year {
    /// `[start, end)` in ns after the year's start, sorted, disjoint.
    spans: Vec<(i64, i64)>,
    /// `prefix[i]`: working ns before `spans[i]`; one more entry than spans.
    prefix: Vec<i64>,
}

enum Loc {
    Before,
    In(usize, i64),
    After,
}

impl Calendar {
    /// The out-of-box calendar: every instant is working time, so business
    /// time is plain elapsed time.
    pub fn always() -> Self {
        Self { repr: Repr::Always }
    }

    /// Checks the spec (every problem at once) and compiles it.
    pub fn compile(spec: &CalendarSpec) -> Result<Self, Vec<CalendarProblem>> {
        let parsed = check(spec)?;
        // Round the clock with no holidays is real time in any zone.
        if spec.holidays.is_empty() && parsed.week.iter().all(|day| day.as_slice() == [(0, 24 * 60)]) {
            return Ok(Self::always());
        }
        let mut bounds = Vec::with_capacity(YEARS + 1);
        for year in FIRST_YEAR..=LAST_YEAR + 1 {
            let start = Date::new(year, 1, 1).ok().and_then(|d| local_second(&parsed.tz, d, 0));
            match start {
                Some(s) => bounds.push(s),
                None => {
                    return Err(vec![CalendarProblem::new(
                        "time_zone",
                        Code::ZoneUnmappable.msg("cannot map local dates in this zone"),
                    )]);
                }
            }
        }
        let years = (0..YEARS).map(|_| OnceLock::new()).collect();
        let zoned = Zoned { tz: parsed.tz, week: parsed.week, holidays: parsed.holidays, bounds, years };
        Ok(Self { repr: Repr::Zoned(Arc::new(zoned)) })
    }

    pub fn is_always(&self) -> bool {
        matches!(self.repr, Repr::Always)
    }

    pub fn time_zone(&self) -> TimeZone {
        match &self.repr {
            Repr::Always => TimeZone::UTC,
            Repr::Zoned(z) => z.tz.clone(),
        }
    }

    /// The due moment: the earliest instant `t >= start` such that the
    /// working time in `[start, t]` equals `business`.
    ///
    /// - Zero or negative `business` gives `start` itself (not moved to the
    ///   next working instant): nothing is left to spend.
    /// - Otherwise the result is never the start of a working interval: it
    ///   lies inside one or exactly at its end (a target used up at Friday
    ///   16:00 is due Friday 16:00, not Monday 08:00). Formally, the instant
    ///   just before the result is working time.
    /// - `None` when the calendar has too little working time left before
    ///   the end of [`LAST_YEAR`] (or the result leaves jiff's range).
    pub fn add(&self, start: Timestamp, business: SignedDuration) -> Option<Timestamp> {
        if business <= SignedDuration::ZERO {
            return Some(start);
        }
        match &self.repr {
            Repr::Always => start.checked_add(business).ok(),
            Repr::Zoned(z) => z.add(start, business.as_nanos()),
        }
    }

    /// Working time in `[from, to)`; zero when `to <= from`.
    pub fn working_between(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        if to <= from {
            return SignedDuration::ZERO;
        }
        match &self.repr {
            Repr::Always => to.duration_since(from),
            Repr::Zoned(z) => {
                let ns = z.working_between(from, to);
                let secs = i64::try_from(ns.div_euclid(i128::from(NS))).unwrap_or(i64::MAX);
                SignedDuration::new(secs, ns.rem_euclid(i128::from(NS)) as i32)
            }
        }
    }

    /// Whether `t` lies inside a working interval (start inclusive, end
    /// exclusive).
    pub fn is_working(&self, t: Timestamp) -> bool {
        match &self.repr {
            Repr::Always => true,
            Repr::Zoned(z) => match z.locate(t) {
                Loc::In(yi, rel) => z.year(yi).is_some_and(|y| y.span_from(rel).is_some_and(|(a, _)| a <= rel)),
                Loc::Before | Loc::After => false,
            },
        }
    }

    /// The earliest working instant at or after `t`; `None` if there is no
    /// working time left before the end of [`LAST_YEAR`].
    pub fn next_working_start(&self, t: Timestamp) -> Option<Timestamp> {
        match &self.repr {
            Repr::Always => Some(t),
            Repr::Zoned(z) => z.next_working_start(t),
        }
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Always => f.write_str("Calendar::always()"),
            Repr::Zoned(z) => f
                .debug_struct("Calendar")
                .field("time_zone", &z.tz.iana_name().unwrap_or("?"))
                .field("week", &z.week)
                .finish_non_exhaustive(),
        }
    }
}

impl Zoned {
    fn locate(&self, t: Timestamp) -> Loc {
        let (mut s, mut n) = (t.as_second(), i64::from(t.subsec_nanosecond()));
        if n < 0 {
            s -= 1;
            n += NS;
        }
        let (first, last) = (self.bounds[0], self.bounds[YEARS]);
        if s < first {
            return Loc::Before;
        }
        if s >= last {
            return Loc::After;
        }
        let yi = self.bounds.partition_point(|&b| b <= s) - 1;
        Loc::In(yi, (s - self.bounds[yi]) * NS + n)
    }

    fn year(&self, yi: usize) -> Option<&Year> {
        self.years.get(yi).map(|cell| cell.get_or_init(|| self.build(yi)))
    }

    fn instant(&self, yi: usize, rel: i64) -> Option<Timestamp> {
        let secs = self.bounds[yi] + rel.div_euclid(NS);
        Timestamp::new(secs, rel.rem_euclid(NS) as i32).ok()
    }

    /// Year index and working ns before `t` within that year.
    fn position(&self, t: Timestamp) -> Option<(usize, i64)> {
        match self.locate(t) {
            Loc::Before => Some((0, 0)),
            Loc::In(yi, rel) => Some((yi, self.year(yi)?.work_before(rel))),
            Loc::After => Some((YEARS - 1, self.year(YEARS - 1)?.total())),
        }
    }

    fn add(&self, start: Timestamp, mut rem: i128) -> Option<Timestamp> {
        if let Loc::After = self.locate(start) {
            return None;
        }
        let (mut yi, mut pos) = self.position(start)?;
        loop {
            let year = self.year(yi)?;
            let avail = i128::from(year.total() - pos);
            if rem <= avail {
                let w = pos + i64::try_from(rem).ok()?;
                return self.instant(yi, year.at_work(w)?);
            }
            rem -= avail;
            yi += 1;
            pos = 0;
        }
    }

    fn working_between(&self, from: Timestamp, to: Timestamp) -> i128 {
        let (Some((yf, wf)), Some((yt, wt))) = (self.position(from), self.position(to)) else {
            return 0;
        };
        if yf == yt {
            return i128::from(wt - wf);
        }
        let mut sum = i128::from(self.year(yf).map_or(0, Year::total) - wf) + i128::from(wt);
        for yi in yf + 1..yt {
            sum += i128::from(self.year(yi).map_or(0, Year::total));
        }
        sum
    }

    fn next_working_start(&self, t: Timestamp) -> Option<Timestamp> {
        let (mut yi, rel) = match self.locate(t) {
            Loc::Before => (0, i64::MIN),
            Loc::In(yi, rel) => (yi, rel),
            Loc::After => return None,
        };
        if let Some((a, _)) = self.year(yi)?.span_from(rel) {
            return if a <= rel { Some(t) } else { self.instant(yi, a) };
        }
        loop {
            yi += 1;
            if let Some(&(a, _)) = self.year(yi)?.spans.first() {
                return self.instant(yi, a);
            }
        }
    }

    /// Converts one local year into working spans.
    fn build(&self, yi: usize) -> Year {
        let year = FIRST_YEAR + yi as i16;
        let (start, end) = (self.bounds[yi], self.bounds[yi + 1]);
        let mut off = [false; 367];
        self.holidays.mark(year, &mut off);
        let mut raw: Vec<(i64, i64)> = Vec::with_capacity(600);
        let mut day = Date::new(year, 1, 1).ok();
        while let Some(date) = day.filter(|d| d.year() == year) {
            if !off[date.day_of_year() as usize] {
                let weekday = date.weekday().to_monday_zero_offset() as usize;
                for &(a, b) in &self.week[weekday] {
                    let (Some(s), Some(e)) = (local_second(&self.tz, date, a), local_second(&self.tz, date, b)) else {
                        continue;
                    };
                    let (s, e) = (s.max(start), e.min(end));
                    if s < e {
                        raw.push((s, e));
                    }
                }
            }
            day = date.tomorrow().ok();
        }
        // Around a clock change converted intervals may touch or overlap.
        raw.sort_unstable();
        let mut spans: Vec<(i64, i64)> = Vec::with_capacity(raw.len());
        for (s, e) in raw {
            let (s, e) = ((s - start) * NS, (e - start) * NS);
            match spans.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => spans.push((s, e)),
            }
        }
        let mut prefix = Vec::with_capacity(spans.len() + 1);
        let mut sum = 0;
        prefix.push(0);
        for &(s, e) in &spans {
            sum += e - s;
            prefix.push(sum);
        }
        Year { spans, prefix }
    }
}

impl Year {
    fn total(&self) -> i64 {
        self.prefix.last().copied().unwrap_or(0)
    }

    /// The first span ending after `rel`, if any.
    fn span_from(&self, rel: i64) -> Option<(i64, i64)> {
        self.spans.get(self.spans.partition_point(|&(_, e)| e <= rel)).copied()
    }

    /// Working ns in the year before `rel`.
    fn work_before(&self, rel: i64) -> i64 {
        let i = self.spans.partition_point(|&(_, e)| e <= rel);
        match self.spans.get(i) {
            Some(&(a, _)) => self.prefix[i] + (rel - a).max(0),
            None => self.total(),
        }
    }

    /// The instant (ns after the year's start) at which `w` ns of the year's
    /// working time have passed; `w` must be in `1..=total`.
    fn at_work(&self, w: i64) -> Option<i64> {
        let j = self.prefix[1..].partition_point(|&p| p < w);
        let &(a, _) = self.spans.get(j)?;
        Some(a + (w - self.prefix[j]))
    }
}

/// UTC second of a local date plus minutes (1440 = next midnight), with
/// jiff's "compatible" disambiguation.
fn local_second(tz: &TimeZone, date: Date, minutes: u16) -> Option<i64> {
    let (date, minutes) = if minutes >= 1440 { (date.tomorrow().ok()?, minutes - 1440) } else { (date, minutes) };
    let time = Time::new((minutes / 60) as i8, (minutes % 60) as i8, 0, 0).ok()?;
    let ts = tz.to_ambiguous_timestamp(DateTime::from_parts(date, time)).compatible().ok()?;
    Some(ts.as_second())
}
