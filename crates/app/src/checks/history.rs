//! What checks found: a check's results over a period (raw while they are
//! kept and the period is short, else rolled up per minute, hour or day),
//! its events, and a service's availability from its checks' rollups.

use crate::{Actor, App, error::AppError, error::Errors};
use steward_domain::access::can_view_checks;
use steward_domain::code::Code;
use steward_store::checks::{self as store, EventRow, ResultRow, RollupRow, Span};
use steward_store::{StoreError, now_micros};

const DAY: i64 = 86_400_000_000;
/// Rows a history answer holds at most.
pub const HISTORY_MAX: i64 = 10_000;
/// Events a page holds at most.
pub const EVENTS_MAX: i64 = 500;

/// A check's results over a period.
#[derive(Debug, Clone)]
pub enum History {
    Raw(Vec<ResultRow>),
    Rolled(Span, Vec<RollupRow>),
}

/// A service's availability over the last `days` days.
#[derive(Debug, Clone)]
pub struct Availability {
    pub service: (i64, String),
    pub days: i64,
    pub from: i64,
    pub to: i64,
    /// Checks watching the service now.
    pub checks: i64,
    /// Results in the period per status, all its checks together.
    pub totals: RollupRow,
    /// The share of results with a known status (unknown left out: the
    /// check could not tell) in which the service answered (ok or
    /// warning); none without such results.
    pub availability: Option<f64>,
}

/// The span a period is read in: raw results while they are kept and the
/// period is at most a day; minutes while kept and at most two days;
/// hours up to 90 days; days beyond.
pub fn span_for(from: i64, to: i64, now: i64, keep_raw_days: u32, keep_minute_days: u32) -> Option<Span> {
    let length = to - from;
    if from >= now - i64::from(keep_raw_days) * DAY && length <= DAY {
        None
    } else if from >= now - i64::from(keep_minute_days) * DAY && length <= 2 * DAY {
        Some(Span::Minute)
    } else if length <= 90 * DAY {
        Some(Span::Hour)
    } else {
        Some(Span::Day)
    }
}

impl App {
    /// The check's results in `[from, to)` (µs; default: the last day).
    pub async fn check_history(
        &self,
        actor: &Actor,
        id: i64,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<History, AppError> {
        can_view_checks(actor.role)?;
        let now = now_micros();
        let to = to.unwrap_or(now);
        let from = from.unwrap_or(to - DAY);
        if from >= to {
            let mut e = Errors::default();
            e.add("from", Code::EndBeforeStart.msg("must be before to"));
            e.finish()?;
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        store::get(&mut conn, id).await?.ok_or(AppError::NotFound("check"))?;
        let cfg = &self.config.checks;
        Ok(match span_for(from, to, now, cfg.keep_raw_days, cfg.keep_minute_days) {
            None => History::Raw(store::results(&mut conn, id, from, to, HISTORY_MAX).await?),
            Some(span) => {
                let rows = store::rollups(&mut conn, id, span, span.bucket(from), to, HISTORY_MAX).await?;
                History::Rolled(span, rows)
            }
        })
    }

    /// The check's events, newest first, before the event id `before`.
    pub async fn check_events(
        &self,
        actor: &Actor,
        id: i64,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Vec<EventRow>, AppError> {
        can_view_checks(actor.role)?;
        let limit = limit.unwrap_or(100);
        if !(1..=EVENTS_MAX).contains(&limit) {
            return Err(AppError::field("limit", crate::error::between(1, EVENTS_MAX)));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        store::get(&mut conn, id).await?.ok_or(AppError::NotFound("check"))?;
        Ok(store::events(&mut conn, id, before, limit).await?)
    }

    /// The service's availability over the last `days` (1–365) days, from
    /// the hour rollups of its checks: every result counts the same, so a
    /// check run more often weighs more.
    pub async fn service_availability(
        &self,
        actor: &Actor,
        service: &str,
        days: i64,
    ) -> Result<Availability, AppError> {
        can_view_checks(actor.role)?;
        if !(1..=365).contains(&days) {
            return Err(AppError::field("days", crate::error::between(1, 365)));
        }
        let (id, name) = self.service_by_name_or_id(service).await.map_err(|e| match e {
            AppError::Invalid(_) => AppError::NotFound("service"),
            e => e,
        })?;
        let to = now_micros();
        let from = Span::Hour.bucket(to - days * DAY);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (totals, checks) = store::service_totals(&mut conn, id, Span::Hour, from, to + 1).await?;
        let up = totals.ok + totals.warning;
        let known = up + totals.critical;
        let availability = (known > 0).then(|| up as f64 / known as f64);
        Ok(Availability { service: (id, name), days, from, to, checks, totals, availability })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_follows_the_period() {
        let now = 1_000 * DAY;
        assert_eq!(span_for(now - DAY, now, now, 14, 90), None);
        assert_eq!(span_for(now - 2 * DAY, now, now, 14, 90), Some(Span::Minute));
        assert_eq!(span_for(now - 20 * DAY, now - 19 * DAY, now, 14, 90), Some(Span::Minute), "raw expired");
        assert_eq!(span_for(now - 100 * DAY, now - 99 * DAY, now, 14, 90), Some(Span::Hour), "minutes expired");
        assert_eq!(span_for(now - 30 * DAY, now, now, 14, 90), Some(Span::Hour));
        assert_eq!(span_for(now - 365 * DAY, now, now, 14, 90), Some(Span::Day));
    }
}
