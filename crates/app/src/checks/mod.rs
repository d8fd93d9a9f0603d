//! Steward's own checks: the desk reads them, managers and admins keep
//! them; the scheduler (`scheduler.rs`) runs them, `history.rs` reads
//! what they found and each service's availability.

pub mod alerts;
pub mod history;
pub mod scheduler;

use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    incidents::Patch,
};
use std::path::PathBuf;
use std::time::Duration;
use steward_domain::access::{can_keep_checks, can_view_checks};
use steward_domain::check::{CheckDef, CheckKind, CheckState, spread};
use steward_domain::text;
use steward_store::{
    StoreError,
    checks::{self as store, CheckRow, CheckWithState, ListFilter},
    now_micros,
};

/// `[checks]` of the configuration.
#[derive(Debug, Clone)]
pub struct ChecksConfig {
    /// false: this node runs no checks (others sharing the database do).
    pub enabled: bool,
    /// The one folder plugins run from; none: plugin checks are refused.
    pub plugin_dir: Option<PathBuf>,
    /// Checks one node runs at once.
    pub concurrency: usize,
    pub keep_raw_days: u32,
    pub keep_minute_days: u32,
    /// How often the scheduler looks for due checks.
    pub tick: Duration,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        ChecksConfig {
            enabled: true,
            plugin_dir: None,
            concurrency: 200,
            keep_raw_days: 14,
            keep_minute_days: 90,
            tick: Duration::from_secs(1),
        }
    }
}

const NAME_MAX: usize = 200;
/// A list page at most.
pub const PAGE_MAX: i64 = 500;

/// A check as sent to make one: the CI and the service by name or id.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub name: String,
    pub definition: CheckDef,
    pub ci: Option<String>,
    pub service: Option<String>,
    pub enabled: Option<bool>,
}

/// An edit: absent keeps a field, `Clear` empties it; a definition is
/// replaced whole.
#[derive(Debug, Clone, Default)]
pub struct CheckPatch {
    pub name: Option<String>,
    pub definition: Option<CheckDef>,
    pub ci: Patch<String>,
    pub service: Patch<String>,
    pub enabled: Option<bool>,
}

/// A check, where it stands and the names of what it watches.
#[derive(Debug, Clone)]
pub struct CheckView {
    pub row: CheckWithState,
    pub definition: CheckDef,
    pub state: CheckState,
    pub ci: Option<(i64, String)>,
    pub service: Option<(i64, String)>,
}

/// The list's filters as sent: the service by name or id.
#[derive(Debug, Clone, Default)]
pub struct CheckFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub service: Option<String>,
    pub enabled: Option<bool>,
    /// Text the name or the target contains, in any case.
    pub text: Option<String>,
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// The definition a row keeps (its kind's settings and its timing).
pub(crate) fn definition_of(row: &CheckRow) -> Result<CheckDef, AppError> {
    let kind: CheckKind = serde_json::from_str(&row.settings)
        .map_err(|e| AppError::Internal(format!("check {}: stored settings: {e}", row.id)))?;
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(CheckDef {
        kind,
        interval_secs: n(row.interval_secs),
        timeout_ms: n(row.timeout_ms),
        retries: u8::try_from(row.retries).unwrap_or(u8::MAX),
    })
}

/// The rules' state a row keeps; a check never run starts as Nagios's do.
pub(crate) fn state_of(memory: &str) -> CheckState {
    serde_json::from_str(memory).unwrap_or_default()
}

/// When a check runs next at or after `now` (µs): its slot in the
/// interval. `now` is rounded up to the millisecond (slots are whole
/// milliseconds): rounded down, a run claimed in its slot's millisecond
/// would be given the same slot again, and run twice.
pub(crate) fn next_slot(id: i64, interval_secs: u32, now: i64) -> i64 {
    let now_ms = now.div_euclid(1000) + i64::from(now.rem_euclid(1000) != 0);
    let ms = spread::next_run(&id.to_string(), Duration::from_secs(u64::from(interval_secs)), now_ms);
    ms.saturating_mul(1000)
}

impl App {
    pub async fn checks(&self, actor: &Actor, f: CheckFilter) -> Result<(Vec<CheckView>, bool), AppError> {
        can_view_checks(actor.role)?;
        let mut errs = Errors::default();
        let limit = f.limit.unwrap_or(100);
        if !(1..=PAGE_MAX).contains(&limit) {
            errs.add("limit", crate::error::between(1, PAGE_MAX));
        }
        let statuses = ["ok", "warning", "critical", "unknown"];
        if let Some(s) = f.status.as_deref().filter(|s| !statuses.contains(s)) {
            errs.add("status", steward_domain::code::not_one_of(s, &statuses));
        }
        let kinds = ["http", "tcp", "dns", "tls", "ping", "plugin"];
        if let Some(k) = f.kind.as_deref().filter(|k| !kinds.contains(k)) {
            errs.add("kind", steward_domain::code::not_one_of(k, &kinds));
        }
        let service_id = match f.service.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => match self.service_by_name_or_id(s).await {
                Ok((id, _)) => Some(id),
                Err(AppError::Invalid(e)) => {
                    errs.0.extend(e);
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        errs.finish()?;
        let text = f.text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let filter =
            ListFilter { hard_status: f.status, kind: f.kind, service_id, ci_id: None, enabled: f.enabled, text };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (rows, more) = store::list(&mut conn, &filter, f.after, limit).await?;
        drop(conn);
        Ok((self.check_views(rows).await?, more))
    }

    pub async fn check(&self, actor: &Actor, id: i64) -> Result<CheckView, AppError> {
        can_view_checks(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::get(&mut conn, id).await?.ok_or(AppError::NotFound("check"))?;
        drop(conn);
        self.check_views(vec![row]).await?.pop().ok_or(AppError::NotFound("check"))
    }

    /// The check's latest raw result (its output and performance data),
    /// while raw results are kept.
    pub async fn check_latest(&self, actor: &Actor, id: i64) -> Result<Option<store::ResultRow>, AppError> {
        can_view_checks(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::latest_result(&mut conn, id).await?)
    }

    /// The files in the configured plugin folder, by name (at most 1,000):
    /// what a plugin check may run. None without a folder.
    pub async fn plugin_files(&self, actor: &Actor) -> Result<Option<Vec<String>>, AppError> {
        can_keep_checks(actor.role)?;
        let Some(dir) = self.config.checks.plugin_dir.clone() else { return Ok(None) };
        let mut names = Vec::new();
        // A folder that cannot be read offers nothing; the check says why when it runs.
        if let Ok(mut entries) = tokio::fs::read_dir(&dir).await {
            while let Ok(Some(e)) = entries.next_entry().await {
                let file = e.file_type().await.is_ok_and(|t| t.is_file() || t.is_symlink());
                if let (true, Some(name)) = (file, e.file_name().to_str()) {
                    names.push(name.to_owned());
                }
                if names.len() >= 1_000 {
                    break;
                }
            }
        }
        names.sort();
        Ok(Some(names))
    }

    pub async fn add_check(&self, actor: &Actor, new: NewCheck) -> Result<CheckView, AppError> {
        can_keep_checks(actor.role)?;
        let mut errs = Errors::default();
        let name = errs.check("name", text::check(&new.name, name_limit()));
        self.check_definition(&mut errs, &new.definition);
        let ci = self.resolve_patch(&mut errs, "ci", set_or_clear(new.ci), None).await?;
        let service = self.resolve_patch(&mut errs, "service", set_or_clear(new.service), None).await?;
        errs.finish()?;
        let (Some(name), Some(ci_id), Some(service_id)) = (name, ci, service) else {
            return Err(AppError::Internal("validation".into()));
        };
        let now = now_micros();
        let mut row = CheckRow {
            name,
            enabled: i64::from(new.enabled.unwrap_or(true)),
            ci_id,
            service_id,
            created_by: Some(actor.id),
            updated_by: Some(actor.id),
            created_at: now,
            updated_at: now,
            version: 1,
            ..CheckRow::default()
        };
        fill(&mut row, &new.definition)?;
        let interval = new.definition.interval_secs;
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    name_free(c, &row.name, None).await?;
                    Ok::<_, AppError>(store::insert(c, &row, |id| next_slot(id, interval, now)).await?)
                })
            })
            .await?;
        self.check(actor, id).await
    }

    /// Applies the edit if the check is still at `version`.
    pub async fn update_check(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        p: CheckPatch,
    ) -> Result<CheckView, AppError> {
        can_keep_checks(actor.role)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let old = self.check(actor, id).await?;
        if old.row.check.version != version {
            return Err(AppError::Stale { sent: version, current: old.row.check.version });
        }
        let mut errs = Errors::default();
        let name = match &p.name {
            Some(n) => errs.check("name", text::check(n, name_limit())),
            None => Some(old.row.check.name.clone()),
        };
        let definition = p.definition.unwrap_or_else(|| old.definition.clone());
        self.check_definition(&mut errs, &definition);
        let ci = self.resolve_patch(&mut errs, "ci", p.ci, old.row.check.ci_id).await?;
        let service = self.resolve_patch(&mut errs, "service", p.service, old.row.check.service_id).await?;
        errs.finish()?;
        let (Some(name), Some(ci_id), Some(service_id)) = (name, ci, service) else {
            return Err(AppError::Internal("validation".into()));
        };
        let now = now_micros();
        let mut row = CheckRow {
            name,
            ci_id,
            service_id,
            enabled: p.enabled.map_or(old.row.check.enabled, i64::from),
            updated_by: Some(actor.id),
            updated_at: now,
            ..old.row.check.clone()
        };
        fill(&mut row, &definition)?;
        // A new interval or a check enabled again takes its slot from now;
        // otherwise the next run stays as it was; a disabled one has none.
        let keep_slot = row.interval_secs == old.row.check.interval_secs && old.row.state.next_run_at.is_some();
        let next = match (row.enabled != 0, keep_slot) {
            (false, _) => None,
            (true, true) => old.row.state.next_run_at,
            (true, false) => Some(next_slot(id, definition.interval_secs, now)),
        };
        self.store
            .write(move |c| {
                Box::pin(async move {
                    name_free(c, &row.name, Some(id)).await?;
                    if store::update(c, &row, version, next).await? {
                        return Ok(());
                    }
                    match store::get(c, id).await? {
                        Some(now) => Err(AppError::Stale { sent: version, current: now.check.version }),
                        None => Err(AppError::NotFound("check")),
                    }
                })
            })
            .await?;
        self.check(actor, id).await
    }

    /// Deletes the check with its history and events; its firing alerts
    /// are resolved.
    pub async fn delete_check(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_checks(actor.role)?;
        let (d, by, now) = (self.store.dialect(), actor.id, now_micros());
        let gone = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let gone = store::delete(c, id).await?;
                    // Its alerts end with it.
                    if gone {
                        alerts::end_all(c, d, id, by, now).await?;
                    }
                    Ok::<_, StoreError>(gone)
                })
            })
            .await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("check")) }
    }

    /// The definition's own rules, and plugins only where a folder is set.
    fn check_definition(&self, errs: &mut Errors, def: &CheckDef) {
        if let Err(problems) = def.validate() {
            for p in problems {
                errs.add(&format!("definition.{}", p.field), p.reason);
            }
        }
        if matches!(def.kind, CheckKind::Plugin(_)) && self.config.checks.plugin_dir.is_none() {
            let m = Code::PluginsOff.msg("plugin checks are off: the configuration names no checks.plugin_dir");
            errs.add("definition.kind", m);
        }
    }

    /// A service by its name, or by its id written as digits.
    pub(crate) async fn service_by_name_or_id(&self, s: &str) -> Result<(i64, String), AppError> {
        if let Ok(id) = s.trim().parse::<i64>() {
            let found =
                self.cmdb_view(|v| v.is_service(id).then(|| v.ci(id).map(|b| b.name.clone())).flatten()).await?;
            if let Some(name) = found {
                return Ok((id, name));
            }
        }
        self.resolve_service(s).await
    }

    /// A CI by its id written as digits, or by its name when one CI alone
    /// has it.
    pub(crate) async fn ci_by_name_or_id(&self, s: &str) -> Result<(i64, String), AppError> {
        let s = s.trim();
        let id = s.parse::<i64>().ok();
        let found: Vec<(i64, String)> = self
            .cmdb_view(|v| {
                if let Some(b) = id.and_then(|id| v.ci(id)) {
                    return id.map(|id| vec![(id, b.name.clone())]).unwrap_or_default();
                }
                v.cis
                    .iter()
                    .filter(|(_, b)| b.name.eq_ignore_ascii_case(s))
                    .map(|(i, b)| (*i, b.name.clone()))
                    .collect()
            })
            .await?;
        match found.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(AppError::field(
                "ci",
                Code::NoCiIdOrName.msg(format!("no CI with the id or name {s:?}")).with("ci", format!("{s:?}")),
            )),
            many => {
                let mut ids: Vec<i64> = many.iter().map(|(i, _)| *i).collect();
                ids.sort_unstable();
                let ids: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
                let (n, ids) = (ids.len(), ids.join(", "));
                let m = Code::CisNamed
                    .msg(format!("{n} CIs are named {s:?} ({ids}): write the one you mean by its id"))
                    .with("n", n)
                    .with("name", format!("{s:?}"))
                    .with("ids", ids);
                Err(AppError::field("ci", m))
            }
        }
    }

    /// The id a patch of `field` leaves (`kept` when kept); `None` with
    /// the problem noted when it names nothing.
    async fn resolve_patch(
        &self,
        errs: &mut Errors,
        field: &str,
        p: Patch<String>,
        kept: Option<i64>,
    ) -> Result<Option<Option<i64>>, AppError> {
        let name = match p {
            Patch::Keep => return Ok(Some(kept)),
            Patch::Clear => return Ok(Some(None)),
            Patch::Set(n) if n.trim().is_empty() => return Ok(Some(None)),
            Patch::Set(n) => n,
        };
        let found =
            if field == "ci" { self.ci_by_name_or_id(&name).await } else { self.service_by_name_or_id(&name).await };
        match found {
            Ok((id, _)) => Ok(Some(Some(id))),
            Err(AppError::Invalid(e)) => {
                errs.0.extend(e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The views of these rows, with the names of their CIs and services.
    async fn check_views(&self, rows: Vec<CheckWithState>) -> Result<Vec<CheckView>, AppError> {
        let names: Vec<(Option<String>, Option<String>)> = self
            .cmdb_view(|v| {
                let name = |id: Option<i64>| id.and_then(|id| v.ci(id).map(|b| b.name.clone()));
                rows.iter().map(|r| (name(r.check.ci_id), name(r.check.service_id))).collect()
            })
            .await?;
        rows.into_iter()
            .zip(names)
            .map(|(row, (ci, service))| {
                Ok(CheckView {
                    definition: definition_of(&row.check)?,
                    state: state_of(&row.state.memory),
                    ci: row.check.ci_id.map(|id| (id, ci.unwrap_or_default())),
                    service: row.check.service_id.map(|id| (id, service.unwrap_or_default())),
                    row,
                })
            })
            .collect()
    }
}

fn name_limit() -> text::Limit {
    text::Limit { min: 1, max: NAME_MAX, multiline: false }
}

fn set_or_clear(v: Option<String>) -> Patch<String> {
    v.map_or(Patch::Clear, Patch::Set)
}

/// Puts the definition into the row.
fn fill(row: &mut CheckRow, def: &CheckDef) -> Result<(), AppError> {
    row.kind = def.kind.as_str().to_owned();
    row.settings = serde_json::to_string(&def.kind).map_err(|e| AppError::Internal(e.to_string()))?;
    row.interval_secs = i64::from(def.interval_secs);
    row.timeout_ms = i64::from(def.timeout_ms);
    row.retries = i64::from(def.retries);
    Ok(())
}

/// No other check has this name.
async fn name_free(c: &mut steward_store::Conn, name: &str, id: Option<i64>) -> Result<(), AppError> {
    match store::named(c, name).await? {
        Some(other) if Some(other) != id => {
            Err(AppError::field("name", Code::NameTaken.msg("another check already has this name")))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::next_slot;

    #[test]
    fn a_run_in_its_slots_millisecond_gets_the_next_slot() {
        let minute = 60_000_000;
        let slot = next_slot(42, 60, 1_700_000_000_000_000);
        assert_eq!(slot % 1000, 0, "slots are whole milliseconds");
        assert_eq!(next_slot(42, 60, slot), slot, "a slot is due at itself");
        // What the scheduler asks after a run claimed at `slot + k` µs.
        for k in [0, 1, 300, 998, 999, 1000, 59_999_999] {
            assert_eq!(next_slot(42, 60, slot + k + 1), slot + minute, "claimed {k} µs after the slot");
        }
    }
}
