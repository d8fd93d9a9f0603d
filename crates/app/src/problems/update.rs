//! Editing a problem's fields and its analysis (cause, 5-whys,
//! workaround), guarded by the version the caller read.

use super::{KIND, Problem, details_diff};
use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::{Patch, diff, optional_text},
    records::Writing,
};
use steward_domain::{
    Impact, Urgency,
    journal::Action,
    problem::{WhyStep, can_edit_problem, check_known_error_edit},
    text,
};
use steward_store::{StoreError, accounts, now_micros, problems as store_problems, records as store_records};

#[derive(Debug, Clone, Default)]
pub struct ProblemPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub category: Patch<String>,
    pub service: Patch<String>,
    pub assignment_group: Patch<String>,
    /// The problem owner.
    pub assignee: Patch<String>,
    /// Replaces the CIs affected.
    pub cis: Option<Vec<i64>>,
    pub cause_category: Patch<String>,
    pub root_cause: Patch<String>,
    /// Replaces the 5-whys.
    pub whys: Option<Vec<WhyStep>>,
    pub workaround: Patch<String>,
}

/// A text patch checked against its limit; blank clears.
pub(crate) fn text_patch(errs: &mut Errors, field: &str, p: &Patch<String>, limit: text::Limit) -> Patch<String> {
    match p {
        Patch::Set(v) => optional_text(errs, field, Some(v), limit).map_or(Patch::Clear, Patch::Set),
        other => other.clone(),
    }
}

pub(crate) fn apply(field: &mut Option<String>, p: Patch<String>) {
    match p {
        Patch::Set(v) => *field = Some(v),
        Patch::Clear => *field = None,
        Patch::Keep => {}
    }
}

impl App {
    /// Applies the patch if the problem is still at `version`.
    pub async fn update_problem(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        p: ProblemPatch,
    ) -> Result<Problem, AppError> {
        can_edit_problem(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let title = p.title.as_deref().and_then(|t| errs.check("title", text::check(t, text::TITLE)));
        let description = p
            .description
            .as_deref()
            .map(|d| optional_text(&mut errs, "description", Some(d), text::DESCRIPTION).unwrap_or_default());
        let impact = p.impact.and_then(|v| errs.check("impact", Impact::new(v)));
        let urgency = p.urgency.and_then(|v| errs.check("urgency", Urgency::new(v)));
        let category = text_patch(&mut errs, "category", &p.category, text::SHORT);
        let service = text_patch(&mut errs, "service", &p.service, text::NAME);
        let root_cause = text_patch(&mut errs, "root_cause", &p.root_cause, text::DESCRIPTION);
        let workaround = text_patch(&mut errs, "workaround", &p.workaround, text::DESCRIPTION);
        let cause_category = match &p.cause_category {
            Patch::Set(v) if v.trim().is_empty() => Patch::Clear,
            Patch::Set(v) => errs.check("cause_category", super::cause_category(v)).map_or(Patch::Keep, Patch::Set),
            other => other.clone(),
        };
        let whys = match p.whys {
            Some(steps) => match super::whys_json(steps) {
                Ok(w) => Some(w),
                Err(AppError::Invalid(e)) => {
                    errs.0.extend(e);
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        // Names are resolved on a read connection, outside the write batch.
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (group, assignee) = resolve_owner(&mut conn, &mut errs, &p.assignment_group, &p.assignee).await?;
        drop(conn);
        errs.finish()?;
        let (service, cis) = self.resolve_service_and_cis(service, p.cis.as_deref()).await?;
        let (dialect, matrix, actor) = (self.store.dialect(), self.config.priority_matrix.clone(), actor.clone());
        let (ctx, by) = (self.notify_ctx(), crate::notify::Author::user(actor.id, &actor.display_name));
        let snap = self.sla_snapshot().await?;
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let old = super::lock_at(c, dialect, n, Some(version)).await?;
                        let old_details = store_problems::details(c, old.id).await?.ok_or(AppError::NotFound(KIND))?;
                        let edit =
                            RecordEdit { title, description, impact, urgency, category, service, group, assignee };
                        let new = edit.apply(&old, &matrix);
                        check_owner(c, &old, &new).await?;
                        let mut details = old_details.clone();
                        apply(&mut details.cause_category, cause_category);
                        apply(&mut details.root_cause, root_cause);
                        apply(&mut details.workaround, workaround);
                        if let Some(w) = whys {
                            details.whys = w;
                        }
                        // A published known error keeps its cause and workaround.
                        check_known_error_edit(
                            details.known_error != 0,
                            details.root_cause.as_deref(),
                            details.workaround.as_deref(),
                        )
                        .map_err(|e| match e {
                            steward_domain::problem::KnownErrorError::Cleared { field } => {
                                AppError::field(api_field(field), e)
                            }
                            other => AppError::field("known_error", other),
                        })?;
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        let mut new_cis = None;
                        if let Some(cis) = cis {
                            let before = steward_store::cmdb::record_cis(c, old.id).await?;
                            if let Some(change) = crate::incidents::cis_change(&before, &cis) {
                                changes.push(change);
                                new_cis = Some(cis);
                            }
                        }
                        Ok::<_, AppError>((old, new, details, changes, new_cis))
                    })
                },
                move |c, (old, new, details, changes, new_cis)| {
                    Box::pin(async move {
                        if changes.is_empty() {
                            return Ok(Problem { record: old, details });
                        }
                        if let Some(cis) = &new_cis {
                            steward_store::cmdb::set_record_cis(c, old.id, cis).await?;
                        }
                        let at = (version, now_micros());
                        let w = Writing { dialect, snap: &snap, ctx: &ctx, by: &by, actor: &actor };
                        let written =
                            super::write_change(c, &w, &old, new, details, at, (Action::Updated, &changes)).await?;
                        // A new owner, or the members of a new group, hear of it.
                        crate::notify::hooks::assigned(c, &ctx, Some(&old), &written.record, &by).await?;
                        Ok(written)
                    })
                },
            )
            .await
    }
}

/// The API's name of a field the domain's rules name: the cause is the
/// root cause analysis.
pub(crate) fn api_field(field: &str) -> &str {
    if field == "cause" { "root_cause" } else { field }
}

/// A problem owner must be in the problem's group, when either changes.
pub(crate) async fn check_owner(
    c: &mut steward_store::Conn,
    old: &store_records::Record,
    new: &store_records::Record,
) -> Result<(), AppError> {
    let moved = (new.assignee_id, new.assignment_group_id) != (old.assignee_id, old.assignment_group_id);
    let Some(a) = new.assignee_id.filter(|_| moved) else { return Ok(()) };
    let Some(g) = new.assignment_group_id else {
        return Err(AppError::field(
            "assignment_group",
            Code::GroupForAssignee.msg("is required when an assignee is set"),
        ));
    };
    if !accounts::is_member(c, g, a).await? {
        let who = new.assignee_name.clone().unwrap_or_default();
        return Err(AppError::field(
            "assignee",
            Code::NotMember.msg(format!("{who} is not a member of the assignment group")).with("who", who),
        ));
    }
    Ok(())
}

/// A group or user, resolved: id and name.
pub(crate) type Named = (i64, String);

/// The shared record's fields a patch sets, checked and resolved.
pub(crate) struct RecordEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
    pub category: Patch<String>,
    pub service: Patch<Named>,
    pub group: Patch<Named>,
    pub assignee: Patch<Named>,
}

impl RecordEdit {
    /// The record with the edit applied; only a new impact or urgency moves
    /// the priority.
    pub(crate) fn apply(
        self,
        old: &store_records::Record,
        matrix: &steward_domain::PriorityMatrix,
    ) -> store_records::Record {
        let mut new = old.clone();
        if let Some(t) = self.title {
            new.title = t;
        }
        if let Some(d) = self.description {
            new.description = d;
        }
        if let Some(i) = self.impact {
            new.impact = i.into();
        }
        if let Some(u) = self.urgency {
            new.urgency = u.into();
        }
        if let (Ok(i), Ok(u), true) =
            (Impact::new(new.impact), Urgency::new(new.urgency), (new.impact, new.urgency) != (old.impact, old.urgency))
        {
            new.priority = matrix.priority(i, u).into();
        }
        apply(&mut new.category, self.category);
        match self.service {
            Patch::Set((id, name)) => (new.service_id, new.service) = (Some(id), Some(name)),
            Patch::Clear => (new.service_id, new.service) = (None, None),
            Patch::Keep => {}
        }
        match self.group {
            Patch::Set((id, name)) => (new.assignment_group_id, new.group_name) = (Some(id), Some(name)),
            Patch::Clear => (new.assignment_group_id, new.group_name) = (None, None),
            Patch::Keep => {}
        }
        match self.assignee {
            Patch::Set((id, name)) => (new.assignee_id, new.assignee_name) = (Some(id), Some(name)),
            Patch::Clear => (new.assignee_id, new.assignee_name) = (None, None),
            Patch::Keep => {}
        }
        new
    }
}

/// The group and the owner a patch names, resolved by name; each unknown
/// or deactivated one recorded in `errs` (and kept).
pub(crate) async fn resolve_owner(
    conn: &mut steward_store::Conn,
    errs: &mut Errors,
    group: &Patch<String>,
    assignee: &Patch<String>,
) -> Result<(Patch<Named>, Patch<Named>), AppError> {
    let group = match group {
        Patch::Set(name) => match accounts::group_by_name(&mut *conn, name.trim()).await? {
            Some(g) => Patch::Set((g.id, g.name)),
            None => {
                errs.add(
                    "assignment_group",
                    Code::NoGroup
                        .msg(format!("no group named {:?}", name.trim()))
                        .with("name", format!("{:?}", name.trim())),
                );
                Patch::Keep
            }
        },
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    let assignee = match assignee {
        Patch::Set(name) => match accounts::user_by_name(&mut *conn, name.trim()).await? {
            Some(u) if u.active == 0 => {
                errs.add(
                    "assignee",
                    Code::AssigneeDeactivated
                        .msg(format!("{} is deactivated", u.display_name))
                        .with("who", u.display_name),
                );
                Patch::Keep
            }
            Some(u) => Patch::Set((u.id, u.display_name)),
            None => {
                errs.add("assignee", Code::NoSuchUser.msg("no such user"));
                Patch::Keep
            }
        },
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    Ok((group, assignee))
}
