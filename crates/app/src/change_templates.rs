//! The standard change catalogue: templates of pre-approved changes. The
//! desk reads them (it raises standard changes from them); managers and
//! admins make, edit, retire, reactivate and delete them. A template is
//! pre-approved by whoever keeps the catalogue: no CAB looks at it (nor
//! at the changes made from it). Deleting a template that a change was
//! raised from retires it instead, so the change keeps its template.

use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    incidents::Patch,
};
use steward_domain::change::{
    can_view_change,
    template::{self, TemplateDraft, TemplateFields, can_keep_templates},
};
use steward_store::{
    Conn, StoreError, accounts,
    change_templates::{self as store, TemplateRow},
    now_micros,
};

/// A template as sent to make one: the service by name, CIs by id.
#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    pub cis: Vec<i64>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub duration_minutes: Option<i64>,
}

/// An edit: absent keeps a field, `Clear` empties it; `active` retires
/// (false) or reactivates (true) the template.
#[derive(Debug, Clone, Default)]
pub struct TemplatePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Patch<String>,
    pub service: Patch<String>,
    pub cis: Option<Vec<i64>>,
    pub implementation_plan: Patch<String>,
    pub backout_plan: Patch<String>,
    pub test_plan: Patch<String>,
    pub duration_minutes: Patch<i64>,
    pub active: Option<bool>,
}

/// A template with the names of what it refers to.
#[derive(Debug, Clone)]
pub struct TemplateView {
    pub row: TemplateRow,
    pub service_name: Option<String>,
    /// Its CIs, (id, name), in the order kept.
    pub cis: Vec<(i64, String)>,
    /// (id, display name) of who made it and who changed it last.
    pub created_by: Option<(i64, String)>,
    pub updated_by: Option<(i64, String)>,
}

impl TemplateView {
    pub fn is_active(&self) -> bool {
        self.row.active != 0
    }
}

/// A template's service name and its CIs' (id, name).
type Named = (Option<String>, Vec<(i64, String)>);

/// What deleting a template did.
#[derive(Debug, Clone)]
pub enum Removed {
    /// Never used: gone.
    Deleted,
    /// Changes were raised from it: retired instead, as it now is.
    Retired(Box<TemplateView>),
}

/// A template's CIs as kept (a JSON array of ids).
pub(crate) fn cis_of(row: &TemplateRow) -> Vec<i64> {
    serde_json::from_str(&row.cis).unwrap_or_default()
}

impl App {
    /// Every template, the catalogue's (active) first, by name; only the
    /// catalogue's when `active_only`.
    pub async fn change_templates(&self, actor: &Actor, active_only: bool) -> Result<Vec<TemplateView>, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::templates(&mut conn, active_only).await?;
        self.views_of(&mut conn, rows).await
    }

    pub async fn change_template(&self, actor: &Actor, id: i64) -> Result<TemplateView, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::template(&mut conn, id).await?.ok_or(AppError::NotFound("change template"))?;
        let mut views = self.views_of(&mut conn, vec![row]).await?;
        views.pop().ok_or(AppError::NotFound("change template"))
    }

    pub async fn add_change_template(&self, actor: &Actor, t: NewTemplate) -> Result<TemplateView, AppError> {
        can_keep_templates(actor.role)?;
        let draft = TemplateDraft {
            name: t.name,
            description: t.description,
            category: t.category,
            implementation_plan: t.implementation_plan,
            backout_plan: t.backout_plan,
            test_plan: t.test_plan,
            duration_minutes: t.duration_minutes,
        };
        let service = match t.service.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => Patch::Set(name.to_owned()),
            None => Patch::Clear,
        };
        let (fields, service_id, cis) = self.checked_template(&draft, service, None, Some(&t.cis)).await?;
        let now = now_micros();
        let mut row = TemplateRow {
            active: 1,
            version: 1,
            created_by: Some(actor.id),
            updated_by: Some(actor.id),
            created_at: now,
            updated_at: now,
            ..TemplateRow::default()
        };
        fill(&mut row, fields, service_id, &cis.unwrap_or_default())?;
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    name_free(c, &row.name, None).await?;
                    Ok::<_, AppError>(store::insert(c, &row).await?)
                })
            })
            .await?;
        self.change_template(actor, id).await
    }

    /// Applies the edit if the template is still at `version`.
    pub async fn update_change_template(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        p: TemplatePatch,
    ) -> Result<TemplateView, AppError> {
        can_keep_templates(actor.role)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let old = store::template(&mut conn, id).await?.ok_or(AppError::NotFound("change template"))?;
        drop(conn);
        if old.version != version {
            return Err(AppError::Stale { sent: version, current: old.version });
        }
        let keep = |p: Patch<String>, old: &Option<String>| match p {
            Patch::Keep => old.clone(),
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        };
        let draft = TemplateDraft {
            name: p.name.unwrap_or_else(|| old.name.clone()),
            description: Some(p.description.unwrap_or_else(|| old.description.clone())),
            category: keep(p.category, &old.category),
            implementation_plan: keep(p.implementation_plan, &old.implementation_plan),
            backout_plan: keep(p.backout_plan, &old.backout_plan),
            test_plan: keep(p.test_plan, &old.test_plan),
            duration_minutes: match p.duration_minutes {
                Patch::Keep => old.duration_minutes,
                Patch::Clear => None,
                Patch::Set(v) => Some(v),
            },
        };
        let (fields, service_id, cis) =
            self.checked_template(&draft, p.service, old.service_id, p.cis.as_deref()).await?;
        let mut row = TemplateRow {
            active: p.active.map_or(old.active, i64::from),
            updated_by: Some(actor.id),
            updated_at: now_micros(),
            ..old.clone()
        };
        fill(&mut row, fields, service_id, &cis.unwrap_or_else(|| cis_of(&old)))?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    if row.active != 0 {
                        name_free(c, &row.name, Some(id)).await?;
                    }
                    if store::update(c, &row, version).await? {
                        return Ok(());
                    }
                    match store::template(c, id).await? {
                        Some(now) => Err(AppError::Stale { sent: version, current: now.version }),
                        None => Err(AppError::NotFound("change template")),
                    }
                })
            })
            .await?;
        self.change_template(actor, id).await
    }

    /// Deletes a template no change was raised from; one that changes were
    /// raised from is refused (`template_in_use`: retire it instead), so a
    /// delete that succeeds leaves nothing to read.
    pub async fn delete_change_template(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        self.remove_template(actor, id, false).await.map(drop)
    }

    /// The page's one button: deletes a template no change was raised
    /// from, retires one that changes were.
    pub async fn remove_change_template(&self, actor: &Actor, id: i64) -> Result<Removed, AppError> {
        self.remove_template(actor, id, true).await
    }

    async fn remove_template(&self, actor: &Actor, id: i64, retire_if_used: bool) -> Result<Removed, AppError> {
        can_keep_templates(actor.role)?;
        let actor_id = actor.id;
        let deleted = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let old = store::template(c, id).await?.ok_or(AppError::NotFound("change template"))?;
                    if !store::used(c, id).await? {
                        store::delete(c, id).await?;
                        return Ok::<_, AppError>(true);
                    }
                    if !retire_if_used {
                        let text = "changes were raised from this template: retire it instead (active: false)";
                        return Err(AppError::Conflict(Code::TemplateInUse.msg(text)));
                    }
                    if old.active != 0 {
                        let row =
                            TemplateRow { active: 0, updated_by: Some(actor_id), updated_at: now_micros(), ..old };
                        store::update(c, &row, row.version).await?;
                    }
                    Ok(false)
                })
            })
            .await?;
        if deleted {
            Ok(Removed::Deleted)
        } else {
            Ok(Removed::Retired(Box::new(self.change_template(actor, id).await?)))
        }
    }

    /// The fields checked (every problem at once), the service resolved
    /// (`Keep`: `kept`) and the CIs checked (none: unchanged).
    async fn checked_template(
        &self,
        draft: &TemplateDraft,
        service: Patch<String>,
        kept: Option<i64>,
        cis: Option<&[i64]>,
    ) -> Result<(TemplateFields, Option<i64>, Option<Vec<i64>>), AppError> {
        let mut errs = Errors::default();
        let fields = match template::check(draft) {
            Ok(f) => Some(f),
            Err(problems) => {
                for (field, m) in problems {
                    errs.add(&field, m);
                }
                None
            }
        };
        let service_id = match service {
            Patch::Keep => Some(kept),
            Patch::Clear => Some(None),
            Patch::Set(name) if name.trim().is_empty() => Some(None),
            Patch::Set(name) => found(&mut errs, self.resolve_service(&name).await.map(|(id, _)| Some(id)))?,
        };
        let cis = match cis {
            Some(list) => found(&mut errs, self.check_cis("cis", list).await.map(Some))?,
            None => Some(None),
        };
        errs.finish()?;
        match (fields, service_id, cis) {
            (Some(f), Some(s), Some(c)) => Ok((f, s, c)),
            _ => Err(AppError::Internal("validation".into())),
        }
    }

    /// The views of these rows, each user and CI looked up once.
    async fn views_of(&self, conn: &mut Conn, rows: Vec<TemplateRow>) -> Result<Vec<TemplateView>, AppError> {
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len() * 2);
        for r in &rows {
            ids.extend(r.created_by);
            ids.extend(r.updated_by);
        }
        ids.sort_unstable();
        ids.dedup();
        let mut people: Vec<(i64, String)> = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = accounts::user_by_id(conn, id).await? {
                people.push((u.id, u.display_name));
            }
        }
        let named: Vec<Named> = self
            .cmdb_view(|v| {
                let name = |id: i64| v.ci(id).map(|b| b.name.clone());
                rows.iter()
                    .map(|r| {
                        let cis = cis_of(r).into_iter().map(|id| (id, name(id).unwrap_or_default())).collect();
                        (r.service_id.and_then(name), cis)
                    })
                    .collect()
            })
            .await?;
        let person = |id: Option<i64>| id.and_then(|id| people.iter().find(|(i, _)| *i == id).cloned());
        Ok(rows
            .into_iter()
            .zip(named)
            .map(|(row, (service_name, cis))| TemplateView {
                created_by: person(row.created_by),
                updated_by: person(row.updated_by),
                row,
                service_name,
                cis,
            })
            .collect())
    }
}

/// The value, or none with its field's problems kept (other errors go on).
fn found<T>(errs: &mut Errors, r: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Invalid(e)) => {
            errs.0.extend(e);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Puts the checked fields into the row.
fn fill(row: &mut TemplateRow, f: TemplateFields, service_id: Option<i64>, cis: &[i64]) -> Result<(), AppError> {
    row.name = f.name;
    row.description = f.description;
    row.category = f.category;
    row.service_id = service_id;
    row.cis = serde_json::to_string(cis).map_err(|e| AppError::Internal(e.to_string()))?;
    row.implementation_plan = f.implementation_plan;
    row.backout_plan = f.backout_plan;
    row.test_plan = f.test_plan;
    row.duration_minutes = f.duration_minutes;
    Ok(())
}

/// No other template in the catalogue has this name.
async fn name_free(c: &mut Conn, name: &str, id: Option<i64>) -> Result<(), AppError> {
    match store::active_named(c, name).await? {
        Some(other) if Some(other.id) != id => {
            Err(AppError::field("name", Code::NameTaken.msg("another template in the catalogue already has this name")))
        }
        _ => Ok(()),
    }
}
