//! A period's figures, summed from its days: what the dashboards, reports
//! and the reporting API show.

use super::{Counts, Histogram, SlaCounts, SlaKey, marks::KindFigures};
use crate::code::{Code, Message};
use jiff::civil::Date;
use serde::Serialize;

/// Days from `from` to `to`, both included, in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period was refused, and which end is at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodError {
    pub field: &'static str,
    pub message: Message,
}

/// The longest period one question may cover (ten years of days).
pub const MAX_DAYS: i64 = 3_660;

impl Period {
    /// Reads `YYYY-MM-DD` ends; the end may not come before the start, and
    /// a period is at most [`MAX_DAYS`] long.
    pub fn parse(from: &str, to: &str) -> Result<Self, PeriodError> {
        let date = |field: &'static str, text: &str| {
            text.trim().parse::<Date>().map_err(|_| PeriodError {
                field,
                message: Code::BadDate
                    .msg(format!("{text:?} is not a date: write it as YYYY-MM-DD"))
                    .with("text", format!("{text:?}")),
            })
        };
        let p = Period { from: date("from", from)?, to: date("to", to)? };
        if p.to < p.from {
            return Err(PeriodError {
                field: "to",
                message: Code::EndBeforeStart.msg("must not be before from").with("start", "from"),
            });
        }
        if p.days() > MAX_DAYS {
            return Err(PeriodError {
                field: "to",
                message: Code::TooLong
                    .msg(format!("a period is at most {MAX_DAYS} days"))
                    .with("max", MAX_DAYS.to_string())
                    .with("got", p.days().to_string()),
            });
        }
        Ok(p)
    }

    /// How many days it covers.
    pub fn days(&self) -> i64 {
        i64::from(self.from.until(self.to).map(|s| s.get_days()).unwrap_or(0)) + 1
    }

    /// The ends as `YYYYMMDD`, as the totals are keyed.
    pub fn keys(&self) -> (i64, i64) {
        (key_of(self.from), key_of(self.to))
    }

    /// The period of the same length just before this one (a trend's base).
    pub fn previous(&self) -> Period {
        let n = self.days();
        let to = self.from.yesterday().unwrap_or(self.from);
        let from = to.checked_sub(jiff::Span::new().days(n - 1)).unwrap_or(to);
        Period { from, to }
    }

    /// Every day in it, in order.
    pub fn each_day(&self) -> impl Iterator<Item = Date> + '_ {
        self.from.series(jiff::Span::new().days(1)).take_while(move |d| *d <= self.to)
    }
}

/// A `YYYYMMDD` key as a date.
pub fn date_of(key: i64) -> Option<Date> {
    Date::new((key / 10_000) as i16, ((key / 100) % 100) as i8, (key % 100) as i8).ok()
}

/// A date as `YYYYMMDD`.
pub fn key_of(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// A duration figure: how many, the mean and percentiles, in seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeFigure {
    pub count: i64,
    pub mean_seconds: Option<f64>,
    pub p50_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub p95_seconds: Option<f64>,
}

impl TimeFigure {
    pub fn of(h: &Histogram) -> Self {
        TimeFigure {
            count: h.n,
            mean_seconds: h.mean().map(round),
            p50_seconds: h.percentile(50.0).map(round),
            p90_seconds: h.percentile(90.0).map(round),
            p95_seconds: h.percentile(95.0).map(round),
        }
    }
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One day's arrivals and closures (a time series panel's points).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayTotals {
    pub day: String,
    pub arrivals: i64,
    pub resolved: i64,
}

/// The records open at a day's last snapshot, by age since opening: under
/// a day, 1–3 days, 3–7 days, 7–30 days, over 30 days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacklogDay {
    pub day: String,
    pub open: i64,
    pub by_age: [i64; 5],
}

/// Met and breached clocks of one SLA target or one group's OLA.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlaOutcome {
    /// The SLA definition (none for an OLA).
    pub sla_id: Option<i64>,
    /// The group whose OLA it is (none for an SLA target).
    pub ola_group_id: Option<i64>,
    /// `response`, `resolution` or `group`.
    pub target: String,
    pub met: i64,
    pub breached: i64,
    /// Met over met and breached (none when nothing ended).
    pub compliance: Option<f64>,
}

impl SlaOutcome {
    pub fn of(key: &SlaKey, c: &SlaCounts) -> Self {
        let total = c.met + c.breached;
        SlaOutcome {
            sla_id: (key.sla != 0).then_some(key.sla),
            ola_group_id: (key.ola_group != 0).then_some(key.ola_group),
            target: key.target.clone(),
            met: c.met,
            breached: c.breached,
            compliance: (total > 0).then(|| ratio(c.met, total)),
        }
    }
}

pub(crate) fn ratio(a: i64, b: i64) -> f64 {
    ((a as f64 / b as f64) * 10_000.0).round() / 10_000.0
}

/// A service's availability over a period, from its checks' results:
/// up (ok or warning) over the results that said up or down (unknown ones
/// left out), every result weighing the same.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAvailability {
    pub service_id: i64,
    pub checks: i64,
    pub ok: i64,
    pub warning: i64,
    pub critical: i64,
    pub unknown: i64,
    /// 0–1 (none when no result said up or down).
    pub availability: Option<f64>,
}

impl ServiceAvailability {
    pub fn of(service_id: i64, checks: i64, [ok, warning, critical, unknown]: [i64; 4]) -> Self {
        let known = ok + warning + critical;
        let availability =
            (known > 0).then(|| ((ok + warning) as f64 / known as f64 * 1_000_000.0).round() / 1_000_000.0);
        ServiceAvailability { service_id, checks, ok, warning, critical, unknown, availability }
    }
}

/// A period's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    pub arrivals: i64,
    pub resolved: i64,
    /// Mean time to acknowledge: creation to first response by staff.
    pub mtta: TimeFigure,
    /// Mean time to resolve, wall time.
    pub mttr: TimeFigure,
    /// Mean time to resolve in the SLA's business hours.
    pub mttr_business: TimeFigure,
    /// Resolved with no reassignment and no reopen.
    pub first_contact_resolved: i64,
    /// Over those resolved (none when nothing was).
    pub first_contact_rate: Option<f64>,
    pub reopened: i64,
    /// Reopens over those resolved.
    pub reopen_rate: Option<f64>,
    pub escalations: i64,
    pub sla: Vec<SlaOutcome>,
    pub daily: Vec<DayTotals>,
    /// The days of the period with a backlog snapshot.
    pub backlog: Vec<BacklogDay>,
    /// Problems, changes and alerts: each kind's own figures.
    pub kinds: KindFigures,
    /// Per service with checks: its availability in the period.
    pub availability: Vec<ServiceAvailability>,
}

impl Measures {
    /// The figures of summed counts, SLA outcomes and per-day totals.
    pub fn of(
        total: &Counts,
        sla: &[(SlaKey, SlaCounts)],
        daily: Vec<DayTotals>,
        backlog: Vec<BacklogDay>,
        kinds: KindFigures,
        availability: Vec<ServiceAvailability>,
    ) -> Self {
        let rate = |a: i64| (total.resolved > 0).then(|| ratio(a, total.resolved));
        Measures {
            arrivals: total.arrivals,
            resolved: total.resolved,
            mtta: TimeFigure::of(&total.response),
            mttr: TimeFigure::of(&total.resolve),
            mttr_business: TimeFigure::of(&total.business),
            first_contact_resolved: total.fcr,
            first_contact_rate: rate(total.fcr),
            reopened: total.reopened,
            reopen_rate: rate(total.reopened),
            escalations: total.escalations,
            sla: sla.iter().map(|(k, c)| SlaOutcome::of(k, c)).collect(),
            daily,
            backlog,
            kinds,
            availability,
        }
    }
}
