//! The service manager's measures (issue 14), as contributions of each
//! record to the days it touched: a record opened on one day, answered on
//! another and resolved on a third adds to each of those days. Days are
//! calendar days in the site's time zone, kept as `YYYYMMDD` numbers.
//!
//! Per day and per (kind, service, group, organisation, priority) the
//! counts add up, so a period's figure is a sum over its days; times are
//! kept as sums (for the mean) and histograms (for percentiles), never as
//! the records' own values. A record's contributions are recomputed
//! whenever it changes and the difference to what it gave before is
//! applied, so a reopened and re-resolved incident moves its resolution
//! to the later day instead of counting twice.

mod histogram;
pub mod improvement;
pub mod marks;
pub mod measures;
pub mod panels;
pub mod saved;
#[cfg(test)]
mod tests;

pub use histogram::{BUCKETS, Histogram, bucket_of};
pub use marks::MarkFact;
pub use measures::{BacklogDay, DayTotals, Measures, Period, PeriodError, ServiceAvailability, SlaOutcome, TimeFigure};

use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// What a day's measures are broken down by. `0` is "none" (a record with
/// no service, no group or no organisation), so the key never holds NULL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Dims {
    #[serde(rename = "s")]
    pub service: i64,
    #[serde(rename = "g")]
    pub group: i64,
    #[serde(rename = "o")]
    pub organisation: i64,
    #[serde(rename = "p")]
    pub priority: i64,
}

/// The counters of one day and one breakdown. Times are whole seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub arrivals: i64,
    pub resolved: i64,
    /// Resolved without a reassignment and without a reopen.
    pub fcr: i64,
    pub reopened: i64,
    pub escalations: i64,
    /// Arrivals by the hour of the day they came in (site time).
    pub arrivals_by_hour: [i64; 24],
    /// Creation to first response by staff.
    pub response: Histogram,
    /// Creation to resolution, wall time.
    pub resolve: Histogram,
    /// Creation to resolution in the SLA's business hours (records whose
    /// resolution clock stopped).
    pub business: Histogram,
}

impl Counts {
    pub fn add(&mut self, o: &Counts, sign: i64) {
        self.arrivals += sign * o.arrivals;
        self.resolved += sign * o.resolved;
        self.fcr += sign * o.fcr;
        self.reopened += sign * o.reopened;
        self.escalations += sign * o.escalations;
        for (a, b) in self.arrivals_by_hour.iter_mut().zip(o.arrivals_by_hour.iter()) {
            *a += sign * b;
        }
        self.response.add(&o.response, sign);
        self.resolve.add(&o.resolve, sign);
        self.business.add(&o.business, sign);
    }

    pub fn is_zero(&self) -> bool {
        *self == Counts::default()
    }
}

/// What an SLA or OLA clock is measured against: `response`, `resolution`
/// (the SLA's) or `group` (an assignment group's OLA).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SlaKey {
    /// The SLA definition (0: an OLA clock).
    pub sla: i64,
    /// The OLA's group (0: an SLA clock).
    pub ola_group: i64,
    pub target: String,
}

/// Met and breached clocks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaCounts {
    pub met: i64,
    pub breached: i64,
}

/// Everything one record gives: per day, its counts; per day and clock
/// target, its met and breached clocks. The facts it came from are kept
/// beside the totals, so the next change can take back exactly this.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contribution {
    pub kind: String,
    /// The state the record is in now (the metrics' count by state).
    pub state: String,
    pub dims: Option<Dims>,
    pub days: BTreeMap<i64, Counts>,
    pub sla: BTreeMap<(i64, SlaKey), SlaCounts>,
    /// The kind's own marks per (day, name) (see [`marks`]).
    pub marks: BTreeMap<(i64, String), i64>,
}

/// One SLA or OLA clock of a record, as the measures need it. Kept as
/// JSON per record (short names: a million records' facts stay small).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockFact {
    /// `response`, `resolution` or `group`.
    #[serde(rename = "k")]
    pub kind: String,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<i64>,
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    pub group: Option<i64>,
    #[serde(rename = "e")]
    pub elapsed_us: i64,
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    pub stopped_at: Option<i64>,
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    pub breached_at: Option<i64>,
}

/// The shape of [`RecordFacts`] and of what they count into: the totals
/// are rebuilt when the ones kept were counted under another.
pub const FACTS_VERSION: i64 = 2;

/// What the measures read of one record (times in microseconds); kept as
/// JSON beside the totals it was counted into.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordFacts {
    #[serde(rename = "k")]
    pub kind: String,
    #[serde(rename = "d")]
    pub dims: Dims,
    /// The state it is in now (facts kept before [`FACTS_VERSION`] 1 lack it).
    #[serde(rename = "st", default)]
    pub state: String,
    #[serde(rename = "o")]
    pub opened_at: i64,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub first_response_at: Option<i64>,
    /// Set while the record is resolved or closed.
    #[serde(rename = "r", default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<i64>,
    /// When it was reopened, one entry per reopen.
    #[serde(rename = "ro", default, skip_serializing_if = "Vec::is_empty")]
    pub reopened_at: Vec<i64>,
    /// Whether it ever moved from one assignment group to another.
    #[serde(rename = "ra", default, skip_serializing_if = "std::ops::Not::not")]
    pub reassigned: bool,
    #[serde(rename = "es", default, skip_serializing_if = "Vec::is_empty")]
    pub escalated_at: Vec<i64>,
    #[serde(rename = "c", default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<ClockFact>,
    /// The kind's own marks ([`marks::marks`]; facts kept before
    /// [`FACTS_VERSION`] 2 lack them).
    #[serde(rename = "m", default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<MarkFact>,
}

/// The calendar day of a moment in `tz`, as `YYYYMMDD`.
pub fn day_of(at_us: i64, tz: &TimeZone) -> i64 {
    let ts = jiff::Timestamp::from_microsecond(at_us).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let d = ts.to_zoned(tz.clone()).date();
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// The hour of the day (0–23) of a moment in `tz`.
pub fn hour_of(at_us: i64, tz: &TimeZone) -> usize {
    let ts = jiff::Timestamp::from_microsecond(at_us).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.to_zoned(tz.clone()).hour().clamp(0, 23) as usize
}

/// Whole seconds between two moments, never below zero (a first response
/// stamped before the record's own opening, by an import, counts as 0).
fn secs(from_us: i64, to_us: i64) -> i64 {
    (to_us - from_us).max(0) / 1_000_000
}

/// A record's contribution to the measures.
pub fn contribution(f: &RecordFacts, tz: &TimeZone) -> Contribution {
    let mut c = Contribution { kind: f.kind.clone(), state: f.state.clone(), dims: Some(f.dims), ..Default::default() };
    let day = |at: i64| day_of(at, tz);
    let opened = c.days.entry(day(f.opened_at)).or_default();
    opened.arrivals += 1;
    opened.arrivals_by_hour[hour_of(f.opened_at, tz)] += 1;
    if let Some(at) = f.first_response_at {
        c.days.entry(day(at)).or_default().response.record(secs(f.opened_at, at));
    }
    if let Some(at) = f.resolved_at {
        let d = c.days.entry(day(at)).or_default();
        d.resolved += 1;
        d.resolve.record(secs(f.opened_at, at));
        if f.reopened_at.is_empty() && !f.reassigned {
            d.fcr += 1;
        }
        // Business time is the SLA resolution clock's: resolving pauses it.
        if let Some(k) = f.clocks.iter().find(|k| k.kind == "resolution" && k.sla.is_some()) {
            d.business.record(k.elapsed_us.max(0) / 1_000_000);
        }
    }
    for at in &f.reopened_at {
        c.days.entry(day(*at)).or_default().reopened += 1;
    }
    for at in &f.escalated_at {
        c.days.entry(day(*at)).or_default().escalations += 1;
    }
    for m in &f.marks {
        *c.marks.entry((day(m.at), m.name.clone())).or_default() += m.count;
    }
    // A clock counts once it has an outcome: breached (on the day it
    // breached, even while it still runs), else met on the day it stopped
    // or, if it only paused, the day the record was resolved (resolving
    // pauses the resolution clock; closing stops it days later).
    for k in &f.clocks {
        let (at, breached) = match (k.breached_at, k.stopped_at.or(f.resolved_at)) {
            (Some(b), _) => (b, true),
            (None, Some(s)) => (s, false),
            (None, None) => continue,
        };
        let key = SlaKey {
            sla: if k.kind == "group" { 0 } else { k.sla.unwrap_or(0) },
            ola_group: if k.kind == "group" { k.group.unwrap_or(0) } else { 0 },
            target: k.kind.clone(),
        };
        let s = c.sla.entry((day(at), key)).or_default();
        if breached {
            s.breached += 1;
        } else {
            s.met += 1;
        }
    }
    c
}

/// A standing total the metrics read (`/metrics`): per kind and priority,
/// the records in a state (`records`, the state as label) and the clocks
/// met or breached (`sla_met`, `sla_breached`, the target as label).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TotalKey {
    pub kind: String,
    pub name: &'static str,
    pub label: String,
    pub priority: i64,
}

/// The change from `old` to `new`, as rows to add to the totals: per (kind,
/// dims, day) counts, per (kind, dims, day, clock) outcomes and the
/// standing totals; rows that come out even are left out.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Delta {
    pub days: BTreeMap<(String, Dims, i64), Counts>,
    pub sla: BTreeMap<(String, Dims, i64, SlaKey), SlaCounts>,
    pub totals: BTreeMap<TotalKey, i64>,
    /// Per (kind, dims, day, name): the marks.
    pub marks: BTreeMap<(String, Dims, i64, String), i64>,
}

impl Delta {
    /// Adds `c` times `sign` (+1 to give, -1 to take back).
    pub fn add(&mut self, c: &Contribution, sign: i64) {
        let Some(dims) = c.dims else { return };
        for (day, counts) in &c.days {
            self.days.entry((c.kind.clone(), dims, *day)).or_default().add(counts, sign);
        }
        let mut total = |name, label: &str, n: i64| {
            let key = TotalKey { kind: c.kind.clone(), name, label: label.to_owned(), priority: dims.priority };
            *self.totals.entry(key).or_default() += sign * n;
        };
        total("records", &c.state, 1);
        for ((day, key), s) in &c.sla {
            total("sla_met", &key.target, s.met);
            total("sla_breached", &key.target, s.breached);
            let e = self.sla.entry((c.kind.clone(), dims, *day, key.clone())).or_default();
            e.met += sign * s.met;
            e.breached += sign * s.breached;
        }
        for ((day, name), n) in &c.marks {
            *self.marks.entry((c.kind.clone(), dims, *day, name.clone())).or_default() += sign * n;
        }
    }

    /// Drops the rows that came out even.
    pub fn finish(mut self) -> Self {
        self.days.retain(|_, c| !c.is_zero());
        self.sla.retain(|_, s| s.met != 0 || s.breached != 0);
        self.totals.retain(|_, n| *n != 0);
        self.marks.retain(|_, n| *n != 0);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && self.sla.is_empty() && self.totals.is_empty() && self.marks.is_empty()
    }
}

/// The measures and reports are the desk's: agents, managers and admins
/// read them; requesters do not.
pub fn can_view_reports(role: crate::Role) -> Result<(), crate::access::Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(crate::access::Denied(
            "only agents, managers and admins can see the measures and reports",
            crate::code::Code::DenyReports,
        ))
    }
}
