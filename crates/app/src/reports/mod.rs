//! The service manager's measures (issue 14): kept as daily totals by a
//! worker ([`count`]), read back for a period and a breakdown here.

mod count;

pub use count::Counted;

use crate::{Actor, App, error::AppError};
use steward_domain::report::{Counts, DayTotals, Measures, Period, can_view_reports, measures::key_of};
use steward_store::{StoreError, reports as store};

pub use store::Filter;

/// The kinds of record the measures count.
pub const KINDS: [&str; 4] = ["incident", "problem", "change", "task"];

impl App {
    /// A period's figures, narrowed by `filter` (each of its ids must be 0
    /// or more: 0 is "none", e.g. the records with no service).
    pub async fn measures(&self, actor: &Actor, period: Period, filter: Filter) -> Result<Measures, AppError> {
        can_view_reports(actor.role)?;
        let (from, to) = period.keys();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let days = store::days(&mut conn, from, to, &filter).await?;
        let sla = store::sla(&mut conn, from, to, &filter).await?;
        drop(conn);
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
        Ok(Measures::of(&total, &sla, daily))
    }
}
