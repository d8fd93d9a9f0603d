//! The manager's dashboard (issue 14): a period's headline figures with
//! their trend against the period before, arrivals against resolutions per
//! day, the load per group and service, SLA and OLA compliance, and a heat
//! map of arrivals by weekday and hour. Five queries over the daily
//! totals, whatever the number of records.

use super::Filter;
use crate::{Actor, App, error::AppError};
use jiff::civil::Date;
use std::collections::BTreeMap;
use steward_domain::report::{
    Counts, Period, ServiceAvailability, SlaOutcome, can_view_reports, marks::KindFigures, measures::date_of,
};
use steward_store::{StoreError, reports as store, reports::By};

/// A headline figure now and in the period before (none: nothing to
/// measure then).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub now: Option<f64>,
    pub before: Option<f64>,
}

impl Figure {
    fn of(now: Option<f64>, before: Option<f64>) -> Self {
        Figure { now, before }
    }

    /// The change against the period before, in per cent of it.
    pub fn trend(&self) -> Option<f64> {
        match (self.now, self.before) {
            (Some(n), Some(b)) if b != 0.0 => Some(((n - b) / b * 1000.0).round() / 10.0),
            _ => None,
        }
    }
}

/// The headline figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub arrivals: Figure,
    pub resolved: Figure,
    /// Mean seconds.
    pub mtta: Figure,
    pub mttr: Figure,
    /// 90th percentile seconds.
    pub mttr_p90: Figure,
    /// 0–1.
    pub sla_compliance: Figure,
    pub first_contact_rate: Figure,
    pub reopen_rate: Figure,
    pub escalations: Figure,
    /// Open at the period's last backlog snapshot.
    pub backlog: Figure,
}

/// One bar: a group's, a service's or a priority's load.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// 0: none (records with no group, no service).
    pub id: i64,
    pub name: Option<String>,
    pub arrivals: i64,
    pub resolved: i64,
    /// Mean seconds to resolve.
    pub mttr: Option<f64>,
}

/// One day's point.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: Date,
    pub arrivals: i64,
    pub resolved: i64,
}

/// The SLA targets and group OLAs, named.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaRow {
    pub name: Option<String>,
    pub outcome: SlaOutcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub headline: Headline,
    pub days: Vec<Day>,
    pub by_group: Vec<Bar>,
    pub by_service: Vec<Bar>,
    pub by_priority: Vec<Bar>,
    pub sla: Vec<SlaRow>,
    /// Arrivals by weekday (Monday first) and hour of the day.
    pub heat: [[i64; 24]; 7],
    /// The days with a backlog snapshot: open records and their split by age.
    pub backlog: Vec<(Date, i64, [i64; 5])>,
    /// Problems, changes and alerts, in the period and the one before.
    pub kinds: KindFigures,
    pub kinds_before: KindFigures,
    /// The services with checks, named, the least available first.
    pub availability: Vec<(Option<String>, ServiceAvailability)>,
}

fn total(rows: &[(i64, Counts)]) -> Counts {
    let mut t = Counts::default();
    for (_, c) in rows {
        t.add(c, 1);
    }
    t
}

fn rate(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn compliance(rows: &[(steward_domain::report::SlaKey, steward_domain::report::SlaCounts)]) -> Option<f64> {
    let (met, breached) = rows.iter().fold((0, 0), |(m, b), (_, c)| (m + c.met, b + c.breached));
    rate(met, met + breached)
}

impl App {
    /// The manager's dashboard for `period`, narrowed by `filter`.
    pub async fn dashboard(&self, actor: &Actor, period: Period, filter: Filter) -> Result<Dashboard, AppError> {
        can_view_reports(actor.role)?;
        let previous = period.previous();
        let (from, to) = period.keys();
        let (pfrom, pto) = previous.keys();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let days = store::sums(&mut conn, from, to, &filter, By::Day).await?;
        let before = store::sums(&mut conn, pfrom, pto, &filter, By::Priority).await?;
        let by_group = store::light_sums(&mut conn, from, to, &filter, By::Group).await?;
        let by_service = store::light_sums(&mut conn, from, to, &filter, By::Service).await?;
        let by_priority = store::light_sums(&mut conn, from, to, &filter, By::Priority).await?;
        let sla_now = store::sla(&mut conn, from, to, &filter).await?;
        let sla_before = store::sla(&mut conn, pfrom, pto, &filter).await?;
        let backlog = store::backlog(&mut conn, from, to, &filter).await?;
        let backlog_before = store::backlog(&mut conn, pfrom, pto, &filter).await?;
        // Each kind's own figures are of that kind whatever kind is asked.
        let own = Filter { kind: None, ..filter.clone() };
        let kinds = KindFigures::of(&store::mark_sums(&mut conn, from, to, &own).await?);
        let kinds_before = KindFigures::of(&store::mark_sums(&mut conn, pfrom, pto, &own).await?);
        let (start, end) = self.instants(period);
        let up = steward_store::checks::availability_by_service(&mut conn, start, end, filter.service).await?;
        drop(conn);
        let last_open = |rows: &[(i64, i64, [i64; 5])]| rows.last().map(|r| r.1 as f64);

        let (now, then) = (total(&days), total(&before));
        let resolve_rate = |c: &Counts, n: i64| rate(n, c.resolved);
        let headline = Headline {
            arrivals: Figure::of(Some(now.arrivals as f64), Some(then.arrivals as f64)),
            resolved: Figure::of(Some(now.resolved as f64), Some(then.resolved as f64)),
            mtta: Figure::of(now.response.mean(), then.response.mean()),
            mttr: Figure::of(now.resolve.mean(), then.resolve.mean()),
            mttr_p90: Figure::of(now.resolve.percentile(90.0), then.resolve.percentile(90.0)),
            sla_compliance: Figure::of(compliance(&sla_now), compliance(&sla_before)),
            first_contact_rate: Figure::of(resolve_rate(&now, now.fcr), resolve_rate(&then, then.fcr)),
            reopen_rate: Figure::of(resolve_rate(&now, now.reopened), resolve_rate(&then, then.reopened)),
            escalations: Figure::of(Some(now.escalations as f64), Some(then.escalations as f64)),
            backlog: Figure::of(last_open(&backlog), last_open(&backlog_before)),
        };
        let backlog: Vec<(Date, i64, [i64; 5])> =
            backlog.into_iter().filter_map(|(d, open, ages)| Some((date_of(d)?, open, ages))).collect();

        let by_key: BTreeMap<i64, &Counts> = days.iter().map(|(k, c)| (*k, c)).collect();
        let mut heat = [[0i64; 24]; 7];
        let days: Vec<Day> = period
            .each_day()
            .map(|d| {
                let c = by_key.get(&steward_domain::report::measures::key_of(d));
                if let Some(c) = c {
                    let weekday = d.weekday().to_monday_zero_offset() as usize;
                    for (h, n) in c.arrivals_by_hour.iter().enumerate() {
                        heat[weekday][h] += n;
                    }
                }
                Day { date: d, arrivals: c.map_or(0, |c| c.arrivals), resolved: c.map_or(0, |c| c.resolved) }
            })
            .collect();

        let groups: BTreeMap<i64, String> = self.list_groups().await?.into_iter().map(|g| (g.id, g.name)).collect();
        let service_ids: Vec<i64> = by_service.iter().map(|(id, _)| *id).chain(up.iter().map(|u| u.0)).collect();
        let services: BTreeMap<i64, String> = self
            .cmdb_view(move |v| {
                service_ids.iter().filter_map(|id| v.cis.get(id).map(|b| (*id, b.name.clone()))).collect()
            })
            .await?;
        let bars = |rows: Vec<(i64, Counts)>, names: &BTreeMap<i64, String>| -> Vec<Bar> {
            let mut bars: Vec<Bar> = rows
                .into_iter()
                .filter(|(_, c)| c.arrivals > 0 || c.resolved > 0)
                .map(|(id, c)| Bar {
                    id,
                    name: names.get(&id).cloned(),
                    arrivals: c.arrivals,
                    resolved: c.resolved,
                    mttr: c.resolve.mean(),
                })
                .collect();
            bars.sort_by(|a, b| b.arrivals.cmp(&a.arrivals).then_with(|| a.name.cmp(&b.name)));
            bars
        };
        let by_group = bars(by_group, &groups);
        let by_service = bars(by_service, &services);
        let by_priority = {
            let names: BTreeMap<i64, String> = (1..=5).map(|p| (p, format!("P{p}"))).collect();
            let mut b = bars(by_priority, &names);
            b.sort_by_key(|b| b.id);
            b
        };
        let slas: BTreeMap<i64, String> = {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            steward_store::sla::definitions(&mut conn).await?.into_iter().map(|d| (d.id, d.name)).collect()
        };
        let sla = sla_now
            .iter()
            .map(|(k, c)| {
                let outcome = SlaOutcome::of(k, c);
                let name = match (outcome.sla_id, outcome.ola_group_id) {
                    (Some(id), _) => slas.get(&id).cloned(),
                    (None, Some(g)) => groups.get(&g).cloned(),
                    _ => None,
                };
                SlaRow { name, outcome }
            })
            .collect();
        let mut availability: Vec<(Option<String>, ServiceAvailability)> = up
            .into_iter()
            .map(|(id, checks, counts)| (services.get(&id).cloned(), ServiceAvailability::of(id, checks, counts)))
            .collect();
        // The least available first; those with no result said last.
        availability.sort_by(|a, b| {
            let key = |s: &ServiceAvailability| s.availability.unwrap_or(f64::INFINITY);
            key(&a.1).total_cmp(&key(&b.1)).then_with(|| a.0.cmp(&b.0))
        });
        Ok(Dashboard {
            period,
            previous,
            headline,
            days,
            by_group,
            by_service,
            by_priority,
            sla,
            heat,
            backlog,
            kinds,
            kinds_before,
            availability,
        })
    }
}
