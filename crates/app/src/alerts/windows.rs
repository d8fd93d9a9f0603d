//! Maintenance windows for alerts (issue 13, item 4): named, covering the
//! alerts their matchers (Alertmanager's syntax) match and/or those mapped
//! to their CIs (optionally with the CIs that depend on them: both given,
//! an alert must meet both), open once, weekly or monthly on the clock of
//! a zone (`alert::window`), until they expire. Managers and admins keep
//! them (each change in the audit log); the desk reads them. While one is
//! open the alerts it covers read as suppressed and correlation opens no
//! incident for them (`mutes.rs`).

use super::correlation::DEPTH;
use crate::audit::{self, AuditEntry};
use crate::change_calendar::back;
use crate::{Actor, App, error::AppError, error::Errors};
use std::collections::HashSet;
use steward_domain::access::can_keep_alert_windows;
use steward_domain::alert::{Labels, Matchers, parse_matcher, window::ScheduleSpec};
use steward_domain::audit::AuditKind;
use steward_domain::code::Code;
use steward_domain::text;
use steward_store::{Conn, StoreError, alert_windows as store, alert_windows::WindowRow, now_micros};

/// A window as sent (to make one, or to replace one whole).
#[derive(Debug, Clone, Default)]
pub struct WindowInput {
    pub name: String,
    pub comment: String,
    /// Matchers as Alertmanager writes them: `alertname="DiskFull"`.
    pub matchers: Vec<String>,
    /// CIs by name or id.
    pub cis: Vec<String>,
    /// The CIs that depend on those CIs too.
    pub dependents: bool,
    /// The schedule; a one-off window's span is `starts_at`/`ends_at`.
    pub schedule: ScheduleSpec,
    /// RFC 3339 (or a date): a one-off window's span.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// After this it mutes nothing.
    pub expires_at: Option<String>,
}

/// A time as sent, beside its field when it does not read.
fn time_of(errs: &mut Errors, field: &str, v: &Option<String>) -> Option<i64> {
    let v = v.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
    errs.check(field, crate::incidents::parse_time(v))
}

/// A window as kept, with where it stands now.
#[derive(Debug, Clone)]
pub struct AlertWindow {
    pub id: i64,
    pub name: String,
    pub comment: String,
    pub matchers: Vec<String>,
    pub cis: Vec<(i64, String)>,
    pub dependents: bool,
    pub schedule: ScheduleSpec,
    pub expires_at: Option<i64>,
    /// Open now (and not expired).
    pub open: bool,
    pub expired: bool,
    /// The opening in progress or the next one (within a year, before the
    /// expiry).
    pub next: Option<(i64, i64)>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// An open window, ready to ask whether it mutes an alert.
#[derive(Debug, Clone)]
pub(crate) struct OpenWindow {
    pub id: i64,
    pub name: String,
    matchers: Matchers,
    /// None: any CI (the matchers decide).
    cis: Option<HashSet<i64>>,
}

impl OpenWindow {
    pub fn mutes(&self, labels: &Labels, ci: Option<i64>) -> bool {
        let by_labels = self.matchers.is_empty() || self.matchers.matches(labels);
        let by_ci = match &self.cis {
            None => true,
            Some(set) => ci.is_some_and(|c| set.contains(&c)),
        };
        by_labels && by_ci
    }
}

fn matchers_of(texts: &[String]) -> Matchers {
    Matchers(texts.iter().filter_map(|t| parse_matcher(t).ok()).collect())
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

/// The windows open at `now`, their CIs grown by their dependents.
pub(crate) async fn open_windows(app: &App, c: &mut Conn, now: i64) -> Result<Vec<OpenWindow>, AppError> {
    let mut out = Vec::new();
    for r in store::list(c, Some(now)).await? {
        let Ok(spec) = serde_json::from_str::<ScheduleSpec>(&r.schedule) else { continue };
        let Ok(schedule) = spec.parse() else { continue };
        if !schedule.open_at(now) {
            continue;
        }
        let ids: Vec<i64> = json_list(&r.cis);
        let cis = if ids.is_empty() {
            None
        } else if r.dependents != 0 {
            let mut set: HashSet<i64> = ids.iter().copied().collect();
            let reached = app.cmdb_view(|v| v.graph.impact(&ids, DEPTH)).await?;
            set.extend(reached.into_iter().map(|r| r.ci));
            Some(set)
        } else {
            Some(ids.into_iter().collect())
        };
        out.push(OpenWindow { id: r.id, name: r.name, matchers: matchers_of(&json_list(&r.matchers)), cis });
    }
    Ok(out)
}

impl App {
    fn window_view(&self, r: WindowRow, names: &std::collections::HashMap<i64, String>, now: i64) -> AlertWindow {
        let schedule: ScheduleSpec = serde_json::from_str(&r.schedule).unwrap_or_default();
        let expired = r.expires_at.is_some_and(|e| e <= now);
        let parsed = schedule.parse().ok();
        let next = parsed
            .as_ref()
            .and_then(|s| s.current_or_next(now))
            .filter(|w| !expired && r.expires_at.is_none_or(|e| w.start < e))
            .map(|w| (w.start, w.end));
        let open = !expired && parsed.as_ref().is_some_and(|s| s.open_at(now));
        let cis = json_list::<i64>(&r.cis)
            .into_iter()
            .map(|id| (id, names.get(&id).cloned().unwrap_or_else(|| format!("CI {id}"))))
            .collect();
        AlertWindow {
            id: r.id,
            name: r.name,
            comment: r.comment,
            matchers: json_list(&r.matchers),
            cis,
            dependents: r.dependents != 0,
            schedule,
            expires_at: r.expires_at,
            open,
            expired,
            next,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }

    async fn window_views(&self, rows: Vec<WindowRow>) -> Result<Vec<AlertWindow>, AppError> {
        let ids: Vec<i64> = rows.iter().flat_map(|r| json_list::<i64>(&r.cis)).collect();
        let names = self.cmdb_view(|v| ids.iter().filter_map(|i| Some((*i, v.ci(*i)?.name.clone()))).collect()).await?;
        let now = now_micros();
        Ok(rows.into_iter().map(|r| self.window_view(r, &names, now)).collect())
    }

    /// Every maintenance window for alerts, newest first (expired ones too).
    pub async fn alert_windows(&self, actor: &Actor) -> Result<Vec<AlertWindow>, AppError> {
        super::can_use_alerts(actor)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::list(&mut c, None).await?;
        drop(c);
        self.window_views(rows).await
    }

    pub async fn alert_window(&self, actor: &Actor, id: i64) -> Result<AlertWindow, AppError> {
        super::can_use_alerts(actor)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::get(&mut c, id).await?.ok_or(AppError::NotFound("maintenance window"))?;
        drop(c);
        self.window_views(vec![row]).await?.pop().ok_or(AppError::NotFound("maintenance window"))
    }

    /// The row a window input makes, or every field's problem.
    async fn window_row(&self, w: &WindowInput) -> Result<WindowRow, AppError> {
        let mut errs = Errors::default();
        let name = errs.check("name", text::check(&w.name, text::NAME));
        let comment = if w.comment.trim().is_empty() {
            Some(String::new())
        } else {
            errs.check("comment", text::check(&w.comment, text::DESCRIPTION))
        };
        let mut matchers = Vec::new();
        for (i, m) in w.matchers.iter().enumerate() {
            match parse_matcher(m) {
                Ok(_) => matchers.push(m.trim().to_owned()),
                Err(e) => errs.add(&format!("matchers[{i}]"), e),
            }
        }
        let mut cis: Vec<i64> = Vec::new();
        for (i, ci) in w.cis.iter().enumerate() {
            match self.ci_by_name_or_id(ci).await {
                Ok((id, _)) if !cis.contains(&id) => cis.push(id),
                Ok(_) => {}
                Err(AppError::Invalid(found)) => {
                    for e in found {
                        errs.add(&format!("cis[{i}]"), back(e));
                    }
                }
                Err(e) => return Err(e),
            }
        }
        if w.matchers.is_empty() && w.cis.is_empty() {
            for f in ["matchers", "cis"] {
                errs.add(f, Code::Required.msg("a window needs matchers, CIs or both: it would mute nothing"));
            }
        }
        let mut spec = w.schedule.clone();
        let bad_times = errs.0.len();
        spec.starts_at = time_of(&mut errs, "starts_at", &w.starts_at);
        spec.ends_at = time_of(&mut errs, "ends_at", &w.ends_at);
        let expires_at = time_of(&mut errs, "expires_at", &w.expires_at);
        if let Err(problems) = spec.parse() {
            let timed = errs.0.len() > bad_times;
            for (f, m) in problems {
                // A time that did not read is not also missing.
                if !(timed && errs.0.iter().any(|e| e.field == f)) {
                    errs.add(&f, m);
                }
            }
        }
        errs.finish()?;
        let (Some(name), Some(comment)) = (name, comment) else {
            return Err(AppError::Internal("a window passed its checks half".into()));
        };
        let spec = spec.normalized();
        Ok(WindowRow {
            name,
            comment,
            matchers: serde_json::to_string(&matchers).unwrap_or_else(|_| "[]".into()),
            cis: serde_json::to_string(&cis).unwrap_or_else(|_| "[]".into()),
            dependents: i64::from(w.dependents),
            recurrence: spec.recurrence.clone(),
            schedule: serde_json::to_string(&spec).unwrap_or_else(|_| "{}".into()),
            expires_at,
            ..WindowRow::default()
        })
    }

    pub async fn add_alert_window(&self, actor: &Actor, w: WindowInput) -> Result<AlertWindow, AppError> {
        can_keep_alert_windows(actor.role)?;
        let now = now_micros();
        let row = WindowRow {
            created_by: Some(actor.id),
            updated_by: Some(actor.id),
            created_at: now,
            updated_at: now,
            version: 1,
            ..self.window_row(&w).await?
        };
        let entry = AuditEntry::new(AuditKind::AlertWindowChanged, Some(actor), &row.name);
        let id = self
            .store
            .write(move |c| {
                let (row, entry) = (row.clone(), entry.clone());
                Box::pin(async move {
                    let id = store::insert(c, &row).await?;
                    audit::write(c, &entry.detail(format!("made window {id}"))).await?;
                    Ok::<_, AppError>(id)
                })
            })
            .await?;
        self.alert_window(actor, id).await
    }

    /// Replaces the window if it is still at `version`.
    pub async fn update_alert_window(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        w: WindowInput,
    ) -> Result<AlertWindow, AppError> {
        can_keep_alert_windows(actor.role)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let old = self.alert_window(actor, id).await?;
        if old.version != version {
            return Err(AppError::Stale { sent: version, current: old.version });
        }
        let row = WindowRow { id, updated_by: Some(actor.id), updated_at: now_micros(), ..self.window_row(&w).await? };
        let entry = AuditEntry::new(AuditKind::AlertWindowChanged, Some(actor), &row.name)
            .detail(format!("changed window {id}"));
        self.store
            .write(move |c| {
                let (row, entry) = (row.clone(), entry.clone());
                Box::pin(async move {
                    if !store::update(c, &row, version).await? {
                        return match store::get(c, id).await? {
                            Some(now) => Err(AppError::Stale { sent: version, current: now.version }),
                            None => Err(AppError::NotFound("maintenance window")),
                        };
                    }
                    audit::write(c, &entry).await?;
                    Ok(())
                })
            })
            .await?;
        self.alert_window(actor, id).await
    }

    pub async fn delete_alert_window(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_alert_windows(actor.role)?;
        let old = self.alert_window(actor, id).await?;
        let entry = AuditEntry::new(AuditKind::AlertWindowChanged, Some(actor), &old.name)
            .detail(format!("deleted window {id}"));
        self.store
            .write(move |c| {
                let entry = entry.clone();
                Box::pin(async move {
                    if !store::delete(c, id).await? {
                        return Err(AppError::NotFound("maintenance window"));
                    }
                    audit::write(c, &entry).await?;
                    Ok(())
                })
            })
            .await
    }
}
