//! Working an alert: read it with its history, acknowledge it (or take
//! the acknowledgement back), give it to someone, and page through the
//! alerts newest first — what Alertmanager users miss most.

use super::{AlertView, can_use_alerts, event, from_row};
use crate::{Actor, App, Code, error::AppError};
use std::collections::HashMap;
use steward_domain::alert::{Matchers, parse_fingerprint};
use steward_store::{
    Conn, StoreError, accounts,
    alerts::{self as store, AlertEvent, AlertRow},
    cmdb, now_micros,
};

/// An alert with who acknowledged it and who has it, by name.
#[derive(Debug, Clone)]
pub struct HandledAlert {
    pub id: i64,
    pub view: AlertView,
    /// (user id, display name, when).
    pub acked: Option<(i64, String, i64)>,
    pub assignee: Option<(i64, String)>,
    /// The CI its labels map to (id, name): none while not mapped yet or
    /// when no CI label rule finds one.
    pub ci: Option<(i64, String)>,
    /// Whether correlation has looked for its CI yet.
    pub mapped: bool,
    /// The changes whose window it fired in (read with one alert only).
    pub changes: Vec<String>,
}

impl HandledAlert {
    pub fn firing(&self, now: i64) -> bool {
        !self.view.alert.resolved(now)
    }
}

/// A history entry with the actor's name.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub event: AlertEvent,
    pub actor: Option<String>,
}

/// Which alerts a page lists.
#[derive(Debug, Clone)]
pub struct AlertPageQuery {
    /// Only those firing now (else resolved ones too).
    pub firing: bool,
    pub matchers: Matchers,
    /// Acknowledged (true), not (false), either (none).
    pub acked: Option<bool>,
    /// The id of the last alert of the page before.
    pub before: Option<i64>,
    pub limit: usize,
}

/// How many alerts a page holds at most.
pub const PAGE_MAX: usize = 500;
/// How many rows are read to fill one filtered page before giving up
/// (the cursor then lets the caller go on): a list stays fast however
/// few alerts match.
const SCAN_MAX: i64 = 5_000;

async fn names(c: &mut Conn, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, String>, StoreError> {
    let mut out = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(id) {
            if let Some(u) = accounts::user_by_id(c, id).await? {
                e.insert(u.display_name);
            }
        }
    }
    Ok(out)
}

fn fingerprint_of(text: &str) -> Result<i64, AppError> {
    parse_fingerprint(text.trim()).map(|f| f as i64).map_err(|_| AppError::NotFound("alert"))
}

impl App {
    pub(crate) async fn handled(&self, c: &mut Conn, rows: Vec<AlertRow>) -> Result<Vec<HandledAlert>, AppError> {
        let now = now_micros();
        let mutes = self.mutes(c, now, None).await?;
        let people = rows.iter().flat_map(|r| [r.acked_by, r.assignee_id]).flatten().collect::<Vec<_>>();
        let names = names(c, people.into_iter()).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let mut ci_ids: Vec<i64> = rows.iter().filter_map(|r| r.ci_id).filter(|&c| c > 0).collect();
        ci_ids.sort_unstable();
        ci_ids.dedup();
        let cis: HashMap<i64, String> =
            cmdb::get_many(c, &ci_ids).await?.into_iter().map(|ci| (ci.id, ci.name)).collect();
        Ok(rows
            .into_iter()
            .map(|r| {
                let view = mutes.view(from_row(&r), r.ci_id, r.received_at);
                HandledAlert {
                    id: r.id,
                    acked: r.acked_by.map(|u| (u, name(u), r.acked_at.unwrap_or(0))),
                    assignee: r.assignee_id.map(|u| (u, name(u))),
                    ci: r.ci_id.and_then(|id| cis.get(&id).map(|n| (id, n.clone()))),
                    mapped: r.ci_id.is_some(),
                    changes: Vec::new(),
                    view,
                }
            })
            .collect())
    }

    /// The alert of a fingerprint (16 hex digits), firing or not.
    pub async fn get_alert(&self, actor: &Actor, fingerprint: &str) -> Result<HandledAlert, AppError> {
        can_use_alerts(actor)?;
        let fp = fingerprint_of(fingerprint)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::find(&mut c, fp).await?.ok_or(AppError::NotFound("alert"))?;
        let mut a = self.handled(&mut c, vec![row]).await?.pop().ok_or(AppError::NotFound("alert"))?;
        a.changes = super::change_links::changes_of_alert(&mut c, a.id).await?;
        Ok(a)
    }

    /// A page of alerts, newest first; `next` is the cursor of the page
    /// after it, when there may be one.
    pub async fn alert_page(
        &self,
        actor: &Actor,
        q: &AlertPageQuery,
    ) -> Result<(Vec<HandledAlert>, Option<i64>), AppError> {
        can_use_alerts(actor)?;
        let limit = q.limit.clamp(1, PAGE_MAX);
        let now = now_micros();
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (d, pairs) = (self.store.dialect(), super::equal_pairs(&q.matchers));
        let mut kept = Vec::new();
        let mut before = q.before;
        let mut scanned = 0;
        let mut exhausted = false;
        // Read in slices until the page is full, the alerts run out or the
        // scan bound is reached.
        while kept.len() < limit && scanned < SCAN_MAX {
            let slice = (limit as i64 * 4).clamp(100, 1_000);
            let rows = store::page(&mut c, d, q.firing.then_some(now), &pairs, before, slice).await?;
            scanned += rows.len() as i64;
            let got = rows.len() as i64;
            for r in rows {
                before = Some(r.id);
                let acked_ok = q.acked.is_none_or(|want| r.acked_by.is_some() == want);
                if acked_ok && q.matchers.matches(&from_row(&r).labels) {
                    kept.push(r);
                    if kept.len() == limit {
                        break;
                    }
                }
            }
            if got < slice {
                exhausted = kept.len() < limit;
                break;
            }
        }
        let next = if exhausted { None } else { before };
        Ok((self.handled(&mut c, kept).await?, next))
    }

    /// An alert's history, oldest first.
    pub async fn alert_history(&self, actor: &Actor, fingerprint: &str) -> Result<Vec<HistoryEntry>, AppError> {
        let a = self.get_alert(actor, fingerprint).await?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let events = store::events(&mut c, a.id).await?;
        let names = names(&mut c, events.iter().filter_map(|e| e.actor_id)).await?;
        Ok(events
            .into_iter()
            .map(|e| HistoryEntry { actor: e.actor_id.and_then(|id| names.get(&id).cloned()), event: e })
            .collect())
    }

    /// Acknowledges the alert (or takes the acknowledgement back); a
    /// repeat changes nothing. Journaled in its history.
    pub async fn acknowledge_alert(
        &self,
        actor: &Actor,
        fingerprint: &str,
        ack: bool,
    ) -> Result<HandledAlert, AppError> {
        can_use_alerts(actor)?;
        let fp = fingerprint_of(fingerprint)?;
        let (dialect, actor_id, now) = (self.store.dialect(), actor.id, now_micros());
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let row = store::by_fingerprint(c, dialect, fp).await?.ok_or(AppError::NotFound("alert"))?;
                    if row.acked_by.is_some() == ack {
                        return Ok::<_, AppError>(());
                    }
                    let (by, at, kind) =
                        if ack { (Some(actor_id), Some(now), "acknowledged") } else { (None, None, "unacknowledged") };
                    store::set_ack(c, row.id, by, at).await?;
                    store::insert_events(c, &[event(row.id, now, kind, Some(actor_id), String::new())]).await?;
                    Ok(())
                })
            })
            .await?;
        self.get_alert(actor, fingerprint).await
    }

    /// Gives the alert to a staff member (by username), or to no one.
    pub async fn assign_alert(
        &self,
        actor: &Actor,
        fingerprint: &str,
        assignee: Option<&str>,
    ) -> Result<HandledAlert, AppError> {
        can_use_alerts(actor)?;
        let fp = fingerprint_of(fingerprint)?;
        let user = match assignee.map(str::trim).filter(|a| !a.is_empty()) {
            Some(name) => {
                let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
                let u = accounts::user_by_name(&mut c, name).await?.filter(|u| u.active != 0);
                let u = u.filter(|u| u.role.parse::<steward_domain::Role>().is_ok_and(|r| r.is_staff()));
                let text = format!("there is no active staff member {name:?}");
                Some(u.ok_or_else(|| AppError::field("assignee", Code::NoStaffNamed.msg(text).with("who", name)))?)
            }
            None => None,
        };
        let (dialect, actor_id, now) = (self.store.dialect(), actor.id, now_micros());
        let (to, detail) = (user.as_ref().map(|u| u.id), user.map(|u| u.username).unwrap_or_default());
        self.store
            .write(move |c| {
                let detail = detail.clone();
                Box::pin(async move {
                    let row = store::by_fingerprint(c, dialect, fp).await?.ok_or(AppError::NotFound("alert"))?;
                    if row.assignee_id == to {
                        return Ok::<_, AppError>(());
                    }
                    store::set_assignee(c, row.id, to).await?;
                    store::insert_events(c, &[event(row.id, now, "assigned", Some(actor_id), detail)]).await?;
                    Ok(())
                })
            })
            .await?;
        self.get_alert(actor, fingerprint).await
    }
}
