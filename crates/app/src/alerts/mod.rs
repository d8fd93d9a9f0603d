//! Alerts in (issue 13): batches posted as Alertmanager takes them, kept
//! one row per fingerprint and committed before the sender hears back;
//! the firing alerts read with their silences; Alertmanager's silences.
//! Staff only: Prometheus and amtool are given a staff user's token,
//! best one limited to alerts.

mod cause;
mod change_links;
mod ci_rules;
pub mod correlation;
pub mod dispatch;
mod groups;
mod handling;
pub mod hooks;
mod label_index;
mod mutes;
mod notice;
pub mod routing;
mod silences;
mod windows;

pub use cause::{GroupMember, GroupView};
pub use change_links::{ChangeAlerts, ChangeFlag};
pub use groups::AlertGroup;
pub use handling::{AlertPageQuery, HandledAlert, HistoryEntry, PAGE_MAX};
pub use label_index::LabelPacing;
pub use mutes::{MutedBy, Mutes};
pub use silences::{PostedSilence, SilenceView};
pub use windows::{AlertWindow, WindowInput};

use crate::{Actor, App, Code, error::AppError};
use std::collections::HashMap;
use steward_domain::{
    access::Denied,
    alert::{Alert, Labels, Matchers, Posted, Problems, RESOLVE_TIMEOUT, fold},
};
use steward_store::{
    StoreError,
    alerts::{self as store, AlertEvent, AlertRow},
    now_micros,
};

/// What a batch came to: how many alerts were kept, and the problems of
/// those refused (each beside `[i].field`); the valid ones are kept even
/// when others are refused, as Alertmanager does.
#[derive(Debug, Clone, Default)]
pub struct Ingested {
    pub kept: usize,
    pub refused: Problems,
}

/// A firing alert with what mutes it and where the routing sends it.
#[derive(Debug, Clone)]
pub struct AlertView {
    pub alert: Alert,
    /// The ids of the active silences that match it.
    pub silenced_by: Vec<String>,
    /// The open maintenance windows and changes that mute it.
    pub muted_by: Vec<MutedBy>,
    /// The fingerprint of the firing alert that inhibits it (Alertmanager
    /// names one).
    pub inhibited_by: Vec<u64>,
    /// Each route that takes it: the route's receiver and the labels of
    /// the alert's group there, in the tree's order.
    pub groups: Vec<(String, Labels)>,
    pub received_at: i64,
}

impl AlertView {
    /// Silenced as Alertmanager's `silenced` flag means it: by a silence,
    /// a maintenance window or an open change.
    pub fn silenced(&self) -> bool {
        !self.silenced_by.is_empty() || !self.muted_by.is_empty()
    }

    /// Alertmanager's state: `suppressed` when silenced or inhibited, else
    /// `active`.
    pub fn state(&self) -> &'static str {
        if self.silenced() || !self.inhibited_by.is_empty() { "suppressed" } else { "active" }
    }

    /// The receivers it reaches, each once.
    pub fn receivers(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (r, _) in &self.groups {
            if !out.contains(&r.as_str()) {
                out.push(r);
            }
        }
        out
    }
}

/// A list's conditions, as Alertmanager's `GET /api/v2/alerts` takes them.
#[derive(Debug, Clone)]
pub struct AlertFilter {
    pub matchers: Matchers,
    pub active: bool,
    pub silenced: bool,
    pub inhibited: bool,
}

impl Default for AlertFilter {
    fn default() -> Self {
        Self { matchers: Matchers(Vec::new()), active: true, silenced: true, inhibited: true }
    }
}

/// The matchers that ask for a label's exact value: the database narrows
/// a read by them.
pub(crate) fn equal_pairs(m: &Matchers) -> Vec<(String, String)> {
    m.iter()
        .filter(|m| m.op == steward_domain::alert::MatchOp::Equal && !m.value.is_empty())
        .map(|m| (m.name.clone(), m.value.clone()))
        .collect()
}

pub(crate) fn can_use_alerts(actor: &Actor) -> Result<(), Denied> {
    if actor.role.is_staff() { Ok(()) } else { Err(Denied("only staff tokens send and read alerts", Code::DenyAlerts)) }
}

/// What stays with an alert across posts of one episode: when it was
/// first received, who acknowledged it and who has it.
#[derive(Debug, Clone, Copy, Default)]
struct Kept {
    received_at: i64,
    acked_by: Option<i64>,
    acked_at: Option<i64>,
    assignee_id: Option<i64>,
}

fn to_row(a: &Alert, k: Kept) -> AlertRow {
    AlertRow {
        id: 0,
        // The same 64 bits, as PostgreSQL's BIGINT holds them.
        fingerprint: a.fingerprint as i64,
        labels: serde_json::to_string(a.labels.as_map()).unwrap_or_else(|_| "{}".into()),
        annotations: serde_json::to_string(a.annotations.as_map()).unwrap_or_else(|_| "{}".into()),
        generator_url: a.generator_url.clone(),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        timeout: i64::from(a.timeout),
        updated_at: a.updated_at,
        received_at: k.received_at,
        acked_by: k.acked_by,
        acked_at: k.acked_at,
        assignee_id: k.assignee_id,
        sender_id: None,
        ci_id: None,
    }
}

fn event(alert_id: i64, at: i64, kind: &str, actor_id: Option<i64>, detail: String) -> AlertEvent {
    AlertEvent { id: 0, alert_id, at, kind: kind.to_owned(), actor_id, detail }
}

fn from_row(r: &AlertRow) -> Alert {
    let labels: Labels = serde_json::from_str(&r.labels).unwrap_or_default();
    Alert {
        fingerprint: r.fingerprint as u64,
        annotations: serde_json::from_str(&r.annotations).unwrap_or_default(),
        labels,
        generator_url: r.generator_url.clone(),
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        timeout: r.timeout != 0,
        updated_at: r.updated_at,
    }
}

/// The rows a batch keeps: repeats of one fingerprint folded, each sent
/// by `actor_id` and received now.
fn rows_of(alerts: Vec<Alert>, actor_id: Option<i64>, now: i64) -> Vec<AlertRow> {
    fold(alerts, now)
        .iter()
        .map(|a| AlertRow { sender_id: actor_id, ..to_row(a, Kept { received_at: now, ..Kept::default() }) })
        .collect()
}

/// Keeps alerts in the caller's write, repeats of one fingerprint folded
/// and each merged into the alert kept under its fingerprint by the
/// statement itself (nothing is read before the write); the database
/// writes the history it makes.
pub(crate) async fn write_alerts(
    c: &mut steward_store::Conn,
    alerts: Vec<Alert>,
    actor_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    store::upsert(c, now, &rows_of(alerts, actor_id, now)).await
}

/// [`write_alerts`], answering the `(fingerprint, id)` of each.
pub(crate) async fn write_alerts_ids(
    c: &mut steward_store::Conn,
    alerts: Vec<Alert>,
    actor_id: Option<i64>,
    now: i64,
) -> Result<HashMap<i64, i64>, StoreError> {
    let merged = store::upsert_merged(c, now, &rows_of(alerts, actor_id, now)).await?;
    Ok(merged.iter().map(|m| (m.fingerprint, m.id)).collect())
}

impl App {
    /// Keeps a posted batch: each alert made whole and checked, repeats of
    /// one fingerprint merged with the alert kept (in one write, committed
    /// before this returns), the refused ones reported. An entry the edge
    /// refused already (a time that does not read) keeps its place, so
    /// every problem names its alert's position (`[3].endsAt`).
    pub async fn post_alerts(&self, actor: &Actor, batch: Vec<Result<Posted, Problems>>) -> Result<Ingested, AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let mut refused = Problems::new();
        let mut valid = Vec::with_capacity(batch.len());
        let given = batch.len();
        for (i, p) in batch.into_iter().enumerate() {
            match p.and_then(|p| p.into_alert(now, RESOLVE_TIMEOUT, &format!("[{i}]."))) {
                Ok(a) => valid.push(a),
                Err(problems) => refused.extend(problems),
            }
        }
        let refused_alerts = given - valid.len();
        // Made whole here, beside the request, not in the one writer all
        // posts share.
        let rows = std::sync::Arc::new(rows_of(valid, Some(actor.id), now));
        let kept = rows.len();
        if kept > 0 {
            self.store.write(move |c| Box::pin(async move { store::upsert(c, now, &rows).await })).await?;
        }
        self.counters.alerts(given - refused_alerts, refused_alerts);
        Ok(Ingested { kept, refused })
    }

    /// The firing alerts that pass the filter, by fingerprint, each with
    /// the active silences that mute it, the alert that inhibits it and
    /// its receivers. Alertmanager's flags: `active` keeps those muted by
    /// nothing, `silenced` the silenced, `inhibited` the inhibited.
    pub async fn list_alerts(&self, actor: &Actor, f: &AlertFilter) -> Result<Vec<AlertView>, AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let pairs = equal_pairs(&f.matchers);
        let rows = store::firing(&mut conn, self.store.dialect(), now, &pairs).await?;
        let all = pairs.is_empty().then_some(rows.as_slice());
        let mutes = self.mutes(&mut conn, now, all).await?;
        drop(conn);
        let mut out = Vec::new();
        for r in &rows {
            let alert = from_row(r);
            if !f.matchers.matches(&alert.labels) {
                continue;
            }
            let v = mutes.view(alert, r.ci_id, r.received_at);
            let (silenced, inhibited) = (v.silenced(), !v.inhibited_by.is_empty());
            let wanted =
                (!silenced && !inhibited && f.active) || (silenced && f.silenced) || (inhibited && f.inhibited);
            let refused = (silenced && !f.silenced) || (inhibited && !f.inhibited);
            if wanted && !refused {
                out.push(v);
            }
        }
        Ok(out)
    }
}
