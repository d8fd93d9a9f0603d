//! Checks into alerts (issue 13, item 3): each hard state change a check
//! records becomes an alert kept exactly as posted ones are
//! ([`write_alerts`]): a change to warning, critical or unknown fires the
//! check's alert (labels `alertname` = the check's name, `check` = its id,
//! `instance` = its target, `severity`, `ci` and `service` names; the
//! plugin's output as annotations) and ends any other of its alerts; a
//! hard ok ends them all. The alert is mapped to the check's CI (else its
//! service) directly, so correlation does not guess from labels, and it is
//! sent as the user who last kept the check (correlation opens incidents
//! as the sender).
//!
//! Followed from `check_events` by a cursor kept in `settings`. One write
//! takes the lease, reads the cursor and the events after it, keeps the
//! alerts, moves the cursor and gives the lease back: a second node waits
//! for that write and then finds the lease or the cursor moved on, so each
//! event is raised once however many nodes run.

use crate::{
    App,
    alerts::{write_alerts, write_alerts_ids},
    error::AppError,
};
use std::collections::HashMap;
use steward_domain::alert::{
    Alert, Labels, Posted, RESOLVE_TIMEOUT,
    from_check::{self, CHECK_LABEL, CheckFacts},
};
use steward_domain::check::Status;
use steward_store::{Conn, Dialect, StoreError, alerts as alert_store, checks as store, cmdb, now_micros, settings};

/// The cursor (the last event raised) and the lease in `settings`.
const CURSOR: &str = "check_alerts_cursor";
const LEASE: &str = "check_alerts_lease";
const LEASE_FOR: i64 = 60 * 1_000_000;
/// Events raised per write at most.
pub const BATCH: i64 = 200;

fn status_of(text: &str) -> Status {
    Status::ALL.into_iter().find(|s| s.as_str() == text).unwrap_or(Status::Unknown)
}

fn alert_of(p: Posted, now: i64) -> Option<Alert> {
    p.into_alert(now, RESOLVE_TIMEOUT, "").ok()
}

/// The resolutions, at `at`, of a check's firing alerts but `keep`.
async fn endings(
    c: &mut Conn,
    d: Dialect,
    check: i64,
    keep: Option<u64>,
    at: i64,
    now: i64,
) -> Result<Vec<Alert>, StoreError> {
    let pair = [(CHECK_LABEL.to_owned(), check.to_string())];
    Ok(alert_store::firing(c, d, now, &pair)
        .await?
        .iter()
        .filter_map(|r| {
            let labels: Labels = serde_json::from_str(&r.labels).ok()?;
            let annotations: Labels = serde_json::from_str(&r.annotations).unwrap_or_default();
            (labels.get(CHECK_LABEL) == check.to_string() && Some(labels.fingerprint()) != keep)
                .then(|| alert_of(from_check::resolution(labels, annotations, at), now))
                .flatten()
        })
        .collect())
}

/// Ends a check's firing alerts now, in the caller's write (the check is
/// deleted: nothing would end them).
pub(crate) async fn end_all(c: &mut Conn, d: Dialect, check: i64, by: i64, now: i64) -> Result<(), StoreError> {
    let batch = endings(c, d, check, None, now, now).await?;
    if !batch.is_empty() {
        write_alerts(c, batch, Some(by), now).await?;
    }
    Ok(())
}

/// One batch in the caller's write: how many events it read (none when
/// another node holds the lease).
async fn raise_batch(c: &mut Conn, d: Dialect, now: i64) -> Result<usize, StoreError> {
    if !settings::take_lease(c, LEASE, now, now + LEASE_FOR).await? {
        return Ok(0);
    }
    let after = settings::get(c, CURSOR).await?.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    let events = store::events_after(c, after, BATCH).await?;
    let mut checks = HashMap::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    for e in events.iter().filter(|e| e.kind == "hard") {
        if let std::collections::hash_map::Entry::Vacant(slot) = checks.entry(e.check_id) {
            let Some(row) = store::get(c, e.check_id).await? else { continue };
            for ci in [row.check.ci_id, row.check.service_id].into_iter().flatten() {
                if let std::collections::hash_map::Entry::Vacant(n) = names.entry(ci) {
                    n.insert(cmdb::get(c, ci).await?.map(|r| r.name).unwrap_or_default());
                }
            }
            slot.insert(row.check);
        }
        let Some(check) = checks.get(&e.check_id) else { continue };
        let Ok(kind) = serde_json::from_str(&check.settings) else { continue };
        let name_of = |id: Option<i64>| id.and_then(|i| names.get(&i)).map(String::as_str);
        let facts = CheckFacts {
            id: check.id,
            name: &check.name,
            kind: &kind,
            ci: name_of(check.ci_id),
            service: name_of(check.service_id),
        };
        let status = status_of(&e.to_status);
        let fired = from_check::firing(&facts, status, &e.message, e.at);
        let keep = fired.as_ref().map(|p| p.labels.fingerprint());
        // The check's other alerts end: it is ok now, or its severity or
        // labels changed.
        let mut batch = endings(c, d, check.id, keep, e.at.min(now), now).await?;
        batch.extend(fired.and_then(|p| alert_of(p, now)));
        let ids = write_alerts_ids(c, batch, check.updated_by.or(check.created_by), now).await?;
        if let Some(fp) = keep {
            if let Some(id) = ids.get(&(fp as i64)) {
                let ci = check.ci_id.or(check.service_id).unwrap_or(0);
                alert_store::set_cis(c, &[(*id, ci)]).await?;
            }
        }
    }
    if let Some(last) = events.last() {
        settings::set(c, CURSOR, &last.id.to_string()).await?;
    }
    settings::end_lease(c, LEASE).await?;
    Ok(events.len())
}

impl App {
    /// Raises the checks' hard state changes not raised yet as alerts, a
    /// batch a write; how many events were read.
    pub async fn raise_check_alerts(&self) -> Result<usize, AppError> {
        let d = self.store.dialect();
        let mut total = 0;
        loop {
            let now = now_micros();
            let n = self.store.write(move |c| Box::pin(async move { raise_batch(c, d, now).await })).await?;
            total += n;
            if n < usize::try_from(BATCH).unwrap_or(0) {
                return Ok(total);
            }
        }
    }
}
