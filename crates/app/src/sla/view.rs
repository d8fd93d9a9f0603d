//! A record's clocks as people read them: time left or overdue, at now.

use super::engine::{clock_of, micros, ts};
use crate::{Actor, App, AppError};
use serde::Serialize;
use std::collections::HashMap;
use steward_domain::calendar::Calendar;
use steward_store::{StoreError, now_micros, sla};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClockView {
    /// `response`, `resolution` or `group`.
    pub kind: String,
    pub sla_name: Option<String>,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    /// `running`, `paused` or `stopped`.
    pub state: &'static str,
    pub target_seconds: i64,
    pub elapsed_seconds: i64,
    /// Negative once overdue.
    pub remaining_seconds: i64,
    /// Share of the target used, in percent (over 100 once overdue).
    pub percent: u32,
    /// When the target runs out, while the clock runs (microseconds).
    pub due_at: Option<i64>,
    pub breached: bool,
    pub breached_at: Option<i64>,
    /// The first warning threshold in percent, as the clock started with.
    pub warn_at: Option<u8>,
    pub started_at: i64,
    pub stopped_at: Option<i64>,
}

impl ClockView {
    fn of(row: &sla::ClockRow, cal: &Calendar, now: i64) -> Result<ClockView, AppError> {
        let clock = clock_of(row)?;
        let at = ts(now)?;
        let elapsed = clock.elapsed_at(at, cal);
        let remaining = clock.remaining_at(at, cal);
        // The timer may not have marked a breach yet that has happened.
        let breached = clock.is_breached() || (clock.is_running() && remaining.is_negative());
        Ok(ClockView {
            kind: row.kind.clone(),
            sla_name: row.sla_name.clone(),
            group_id: row.group_id,
            group_name: row.group_name.clone(),
            state: if clock.is_stopped() {
                "stopped"
            } else if clock.is_running() {
                "running"
            } else {
                "paused"
            },
            target_seconds: micros(clock.target) / 1_000_000,
            elapsed_seconds: micros(elapsed) / 1_000_000,
            remaining_seconds: micros(remaining) / 1_000_000,
            percent: clock.percent_at(at, cal),
            due_at: row.due_at.filter(|_| clock.is_running()),
            breached,
            breached_at: row.breached_at.or(if breached { row.due_at } else { None }),
            warn_at: serde_json::from_str::<Vec<u8>>(&row.thresholds).ok().and_then(|t| t.into_iter().min()),
            started_at: row.started_at,
            stopped_at: row.stopped_at,
        })
    }
}

impl App {
    /// The incident's clocks, as the reader may see the incident.
    pub async fn incident_clocks(&self, actor: &Actor, number: &str) -> Result<Vec<ClockView>, AppError> {
        let inc = self.get_incident(actor, number).await?;
        self.clocks_of_incident(inc.id).await
    }

    /// The clocks of an incident the caller has already checked access to.
    pub async fn clocks_of_incident(&self, id: i64) -> Result<Vec<ClockView>, AppError> {
        Ok(self.clocks_of_incidents(&[id]).await?.remove(&id).unwrap_or_default())
    }

    /// The clocks of incidents the caller has already checked access to
    /// (a page of a list), by incident, in one read.
    pub async fn clocks_of_incidents(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<ClockView>>, AppError> {
        self.clocks_of_records(crate::incidents::KIND, ids).await
    }

    /// The problem's clocks, for staff (who may see every problem).
    pub async fn problem_clocks(&self, actor: &Actor, number: &str) -> Result<Vec<ClockView>, AppError> {
        let problem = self.get_problem(actor, number).await?;
        Ok(self
            .clocks_of_records(crate::problems::KIND, &[problem.record.id])
            .await?
            .remove(&problem.record.id)
            .unwrap_or_default())
    }

    /// The clocks of records of `kind` the caller has already checked
    /// access to, by record, in one read.
    pub async fn clocks_of_records(&self, kind: &str, ids: &[i64]) -> Result<HashMap<i64, Vec<ClockView>>, AppError> {
        let mut out = HashMap::<i64, Vec<ClockView>>::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let snap = self.sla_snapshot().await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = sla::clocks_of(&mut conn, kind, ids).await?;
        let now = now_micros();
        for r in &rows {
            out.entry(r.record_id).or_default().push(ClockView::of(r, &snap.calendar(r.calendar_id), now)?);
        }
        Ok(out)
    }
}
