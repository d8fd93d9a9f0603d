//! Review and learning: what became of the changes closed in a period —
//! the success rate per type, service and assignment group — and the
//! changes that failed or caused incidents, with those incidents, in one
//! list. Counted by the store (`change_outcomes`), judged by
//! `domain::change::outcome`.

use crate::{Actor, App, Code, error::AppError};
use serde::Serialize;
use std::collections::BTreeMap;
use steward_domain::change::{CloseCode, can_view_change, outcome::Tally};
use steward_store::{StoreError, change_outcomes as store, change_outcomes::OutcomeRow, now_micros};

/// The period looked at when none is asked for, in days.
pub const DEFAULT_DAYS: i64 = 90;
pub const MAX_DAYS: i64 = 730;
/// The failed changes listed at most, the latest first.
pub const MAX_FAILED: i64 = 200;

const DAY_MICROS: i64 = 86_400 * 1_000_000;

/// One group's figures: a type (`name` only), a service or an assignment
/// group (`id` and `name`; neither for the changes without one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeGroup {
    pub id: Option<i64>,
    pub name: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
    /// Per cent of the closed changes that succeeded, one decimal.
    pub success_rate: Option<f64>,
}

/// The period's figures, each list with the most changes first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcomes {
    pub days: i64,
    pub total: OutcomeGroup,
    pub by_type: Vec<OutcomeGroup>,
    pub by_service: Vec<OutcomeGroup>,
    pub by_group: Vec<OutcomeGroup>,
}

/// An incident a failed change caused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CausedIncident {
    pub number: String,
    pub title: String,
    pub state: String,
    pub priority: i64,
    pub opened_at: i64,
}

/// A change that failed, was backed out or caused an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedChange {
    pub number: String,
    pub title: String,
    pub change_type: String,
    pub close_code: Option<String>,
    /// When its implementation ended (microseconds).
    pub resolved_at: Option<i64>,
    pub service: Option<String>,
    pub group: Option<String>,
    pub review_notes: Option<String>,
    pub incidents: Vec<CausedIncident>,
}

/// The period asked for, checked: 1 to [`MAX_DAYS`] days.
pub fn outcome_days(days: Option<i64>) -> Result<i64, AppError> {
    let days = days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::field(
            "days",
            Code::FromTo.msg(format!("must be 1 to {MAX_DAYS}")).with("max", MAX_DAYS),
        ));
    }
    Ok(days)
}

fn since(days: i64) -> i64 {
    now_micros() - days * DAY_MICROS
}

impl App {
    /// The success rate of the changes closed in the last `days` days, in
    /// total and per type, service and group.
    pub async fn change_outcomes(&self, actor: &Actor, days: Option<i64>) -> Result<Outcomes, AppError> {
        can_view_change(actor.role)?;
        let days = outcome_days(days)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::outcome_counts(&mut conn, since(days)).await?;
        drop(conn);
        let mut total = Tally::default();
        let mut groups: BTreeMap<(String, Option<i64>, Option<String>), Tally> = BTreeMap::new();
        for r in &rows {
            let tally = groups.entry((r.by.clone(), r.id, r.name.clone())).or_default();
            tally.add(code(r), count(r.changes), count(r.caused));
            if r.by == "type" {
                total.add(code(r), count(r.changes), count(r.caused));
            }
        }
        let mut lists: BTreeMap<String, Vec<OutcomeGroup>> = BTreeMap::new();
        for ((by, id, name), tally) in groups {
            let success_rate = tally.success_rate();
            lists.entry(by).or_default().push(OutcomeGroup { id, name, tally, success_rate });
        }
        let mut take = |by: &str| {
            let mut list = lists.remove(by).unwrap_or_default();
            list.sort_by(|a, b| b.tally.closed.cmp(&a.tally.closed).then_with(|| a.name.cmp(&b.name)));
            list
        };
        let total = OutcomeGroup { id: None, name: None, success_rate: total.success_rate(), tally: total };
        Ok(Outcomes { days, total, by_type: take("type"), by_service: take("service"), by_group: take("group") })
    }

    /// The changes closed in the last `days` days that failed, were backed
    /// out or caused an incident, the latest first (at most
    /// [`MAX_FAILED`]), each with the incidents it caused.
    pub async fn failed_changes(&self, actor: &Actor, days: Option<i64>) -> Result<Vec<FailedChange>, AppError> {
        can_view_change(actor.role)?;
        let days = outcome_days(days)?;
        let failed: Vec<&str> = [CloseCode::Failed, CloseCode::BackedOut].map(|c| c.as_str()).to_vec();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::failed_changes(&mut conn, since(days), &failed, MAX_FAILED).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let caused = store::caused_incidents(&mut conn, &ids).await?;
        drop(conn);
        let mut by_change: BTreeMap<i64, Vec<CausedIncident>> = BTreeMap::new();
        for i in caused {
            by_change.entry(i.change_id).or_default().push(CausedIncident {
                number: crate::incidents::number(i.number),
                title: i.title,
                state: i.state,
                priority: i.priority,
                opened_at: i.opened_at,
            });
        }
        Ok(rows
            .into_iter()
            .map(|r| FailedChange {
                number: super::number(r.number),
                title: r.title,
                change_type: r.change_type,
                close_code: r.code,
                resolved_at: r.resolved_at,
                service: r.service,
                group: r.group_name,
                review_notes: r.review_notes,
                incidents: by_change.remove(&r.id).unwrap_or_default(),
            })
            .collect())
    }
}

fn code(r: &OutcomeRow) -> Option<CloseCode> {
    r.code.as_deref().and_then(|c| c.parse().ok())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
