//! The service manager's measures (issue 14): kept as daily totals by a
//! worker ([`count`]), read back for a period and a breakdown here.

mod count;
pub mod dashboard;
pub mod improvements;
pub mod metrics;
pub mod panels;
pub mod saved;

pub use count::Counted;

use crate::{Actor, App, Code, error::AppError};
use steward_domain::report::{
    BacklogDay, Counts, DayTotals, Measures, Period, ServiceAvailability, can_view_reports,
    marks::KindFigures,
    measures::{date_of, key_of},
};
use steward_store::{StoreError, reports as store};

pub use store::Filter;

/// The kinds of record the measures count.
pub const KINDS: [&str; 4] = ["incident", "problem", "change", "task"];

/// The days looked at when no period is asked for: the last 30, today
/// included.
pub const DEFAULT_DAYS: i64 = 30;

/// A question as asked (from a query string or a saved report): the
/// period's ends (`YYYY-MM-DD`) and what to narrow to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasureQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub service: Option<i64>,
    pub group: Option<i64>,
    pub organisation: Option<i64>,
    pub priority: Option<i64>,
    /// Only the asker's own groups (an agent's team view).
    pub my_groups: bool,
}

impl App {
    /// Checks a question: the period (the last [`DEFAULT_DAYS`] days in the
    /// site's time zone when not given), a known kind, ids of 0 or more (0:
    /// none, e.g. the records with no service), a priority from 1 to 5.
    /// Each problem beside its parameter.
    pub fn measure_query(&self, actor: &Actor, q: &MeasureQuery) -> Result<(Period, Filter), AppError> {
        can_view_reports(actor.role)?;
        let today = jiff::Timestamp::now().to_zoned(self.config.site.time_zone.zone()).date();
        let to = q.to.clone().unwrap_or_else(|| today.to_string());
        let from = match &q.from {
            Some(f) => f.clone(),
            None => to
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|t| t.checked_sub(jiff::Span::new().days(DEFAULT_DAYS - 1)).ok())
                .map_or_else(|| to.clone(), |d| d.to_string()),
        };
        let period = Period::parse(&from, &to).map_err(|e| AppError::field(e.field, e.message))?;
        if let Some(kind) = q.kind.as_deref().filter(|k| !KINDS.contains(k)) {
            let list = KINDS.join(", ");
            return Err(AppError::field(
                "kind",
                Code::NotOneOf
                    .msg(format!("{kind:?} is not one of {list}"))
                    .with("text", format!("{kind:?}"))
                    .with("list", list),
            ));
        }
        for (field, v) in [("service", q.service), ("group", q.group), ("organisation", q.organisation)] {
            if v.is_some_and(|v| v < 0) {
                return Err(AppError::field(field, Code::NotId.msg("must be an id, or 0 for none")));
            }
        }
        if q.priority.is_some_and(|p| !(1..=5).contains(&p)) {
            return Err(AppError::field("priority", Code::PriorityLevel.msg("must be one of 1, 2, 3, 4, 5")));
        }
        let filter = Filter {
            kind: q.kind.clone(),
            service: q.service,
            group: q.group,
            organisation: q.organisation,
            priority: q.priority,
            // No group of their own: nothing is theirs (-1 is no group's id).
            groups: match (q.my_groups, actor.group_ids.is_empty()) {
                (false, _) => Vec::new(),
                (true, true) => vec![-1],
                (true, false) => actor.group_ids.clone(),
            },
        };
        Ok((period, filter))
    }
}

impl App {
    /// A period's figures, narrowed by `filter` (each of its ids must be 0
    /// or more: 0 is "none", e.g. the records with no service).
    pub async fn measures(&self, actor: &Actor, period: Period, filter: Filter) -> Result<Measures, AppError> {
        can_view_reports(actor.role)?;
        let (from, to) = period.keys();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let days = store::sums(&mut conn, from, to, &filter, store::By::Day).await?;
        let sla = store::sla(&mut conn, from, to, &filter).await?;
        let backlog = store::backlog(&mut conn, from, to, &filter).await?;
        // Each kind's own figures are of that kind whatever kind is asked.
        let own = Filter { kind: None, ..filter.clone() };
        let marks = store::mark_sums(&mut conn, from, to, &own).await?;
        let (start, end) = self.instants(period);
        let up = steward_store::checks::availability_by_service(&mut conn, start, end, filter.service).await?;
        drop(conn);
        let availability = up.into_iter().map(|(s, n, counts)| ServiceAvailability::of(s, n, counts)).collect();
        let backlog = backlog
            .into_iter()
            .filter_map(|(d, open, by_age)| Some(BacklogDay { day: date_of(d)?.to_string(), open, by_age }))
            .collect();
        let mut total = Counts::default();
        for (_, c) in &days {
            total.add(c, 1);
        }
        // Every day of the period has its point, those with nothing too.
        let by_day: std::collections::BTreeMap<i64, &Counts> = days.iter().map(|(d, c)| (*d, c)).collect();
        let daily = period
            .each_day()
            .map(|d| {
                let c = by_day.get(&key_of(d));
                DayTotals {
                    day: d.to_string(),
                    arrivals: c.map_or(0, |c| c.arrivals),
                    resolved: c.map_or(0, |c| c.resolved),
                }
            })
            .collect();
        Ok(Measures::of(&total, &sla, daily, backlog, KindFigures::of(&marks), availability))
    }

    /// The moments a period begins and ends (its last day's end, not
    /// included), in microseconds: its days are the site's.
    pub fn instants(&self, period: Period) -> (i64, i64) {
        let tz = self.config.site.time_zone.zone();
        let start = |d: jiff::civil::Date| d.to_zoned(tz.clone()).map(|z| z.timestamp().as_microsecond()).unwrap_or(0);
        (start(period.from), start(period.to.tomorrow().unwrap_or(period.to)))
    }
}
