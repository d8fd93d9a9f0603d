//! What `/metrics` reads from the database (issue 14): the standing totals
//! the measures' worker keeps, and a few figures each read from a small
//! partial index or a small table — never a count over the records.

use crate::Result;
use sqlx::AnyConnection;

/// The figures of one scrape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gauges {
    /// `(kind, name, label, priority, n)` from `report_totals`.
    pub totals: Vec<(String, String, String, i64, i64)>,
    /// Messages waiting to be sent, and when the oldest of them was queued.
    pub outbox_pending: i64,
    pub outbox_oldest_at: Option<i64>,
    /// Messages given up on.
    pub outbox_dead: i64,
    pub alerts_firing: i64,
    /// Alerts whose labels the label index does not hold yet.
    pub alert_labels_queued: i64,
    /// Correlated alert groups whose incident is not resolved yet.
    pub alert_groups_open: i64,
    pub silences_active: i64,
    /// Enabled checks by their confirmed status (`ok`, `warning`, …).
    pub checks: Vec<(String, i64)>,
    /// Journal entries the measures' worker has not taken as read yet
    /// (it keeps the last half minute's within reach: see `app::reports`).
    pub measures_behind: i64,
}

pub async fn gauges(c: &mut AnyConnection, now: i64) -> Result<Gauges> {
    let totals = crate::reports::totals(&mut *c).await?;
    let (outbox_pending, outbox_oldest_at): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE state = 'pending'")
            .fetch_one(&mut *c)
            .await?;
    let (outbox_dead,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE state = 'dead'").fetch_one(&mut *c).await?;
    let (alerts_firing,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM alerts WHERE ends_at > $1").bind(now).fetch_one(&mut *c).await?;
    let alert_labels_queued = crate::alerts::label_queue_len(&mut *c).await?;
    let (alert_groups_open,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM alert_groups WHERE resolved_at IS NULL").fetch_one(&mut *c).await?;
    let (silences_active,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM silences WHERE ends_at > $1 AND starts_at <= $1")
            .bind(now)
            .fetch_one(&mut *c)
            .await?;
    let checks = sqlx::query_as(
        "SELECT s.hard_status, COUNT(*) FROM checks c JOIN check_states s ON s.check_id = c.id \
         WHERE c.enabled = 1 GROUP BY s.hard_status ORDER BY s.hard_status",
    )
    .fetch_all(&mut *c)
    .await?;
    let mark = crate::reports::state(&mut *c).await?.map_or(0, |s| s.0);
    let last = crate::reports::last_journal_id(&mut *c).await?;
    Ok(Gauges {
        totals,
        outbox_pending,
        outbox_oldest_at,
        outbox_dead,
        alerts_firing,
        alert_labels_queued,
        alert_groups_open,
        silences_active,
        checks,
        measures_behind: (last - mark).max(0),
    })
}
