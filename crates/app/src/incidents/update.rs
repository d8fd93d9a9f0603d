//! Editing an incident's fields, guarded by the version the caller read.

use super::{create::optional_text, diff, viewer};
use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    sla,
};
use steward_domain::{
    Impact, Urgency, access,
    journal::Action,
    links::{self, LinkType},
    text,
};
use steward_store::{
    StoreError, accounts, now_micros,
    records::{self, Incident},
};

/// A field in a patch: left alone, cleared, or set.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// Keep instead of setting or clearing what `current` already is.
    fn or_keep_if(self, current: Option<&T>, same: impl Fn(&T, &T) -> bool) -> Patch<T> {
        match (&self, current) {
            (Patch::Set(v), Some(c)) if same(v, c) => Patch::Keep,
            (Patch::Clear, None) => Patch::Keep,
            _ => self,
        }
    }
}

impl IncidentPatch {
    /// Leaves alone the references that already hold what the patch names,
    /// so an unchanged form neither looks them up again (a service since
    /// retired from the catalog would be refused) nor writes them.
    fn without_unchanged(mut self, cur: &Incident) -> IncidentPatch {
        let text = |a: &String, b: &String| a.trim() == b.trim();
        self.category = self.category.or_keep_if(cur.category.as_ref(), text);
        self.service =
            self.service.or_keep_if(cur.service.as_ref(), |a: &String, b: &String| a.trim().eq_ignore_ascii_case(b));
        self.assignment_group = self.assignment_group.or_keep_if(cur.group_name.as_ref(), text);
        let parent = cur.parent_number.map(super::number);
        self.parent = self.parent.or_keep_if(parent.as_ref(), |a: &String, b: &String| {
            super::parse_number(a.trim()).ok() == super::parse_number(b).ok()
        });
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct IncidentPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub requester: Option<String>,
    pub category: Patch<String>,
    pub service: Patch<String>,
    pub assignment_group: Patch<String>,
    pub assignee: Patch<String>,
    pub major: Option<bool>,
    pub parent: Patch<String>,
    /// Replaces the CIs affected.
    pub cis: Option<Vec<i64>>,
}

impl App {
    /// Applies the patch if the incident is still at `version`.
    pub async fn update_incident(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        p: IncidentPatch,
    ) -> Result<Incident, AppError> {
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        // The write checks the version again; this read only spares looking
        // up what stays as it is.
        let p = match records::by_number(&mut conn, super::KIND, n).await? {
            Some(cur) if cur.version == version => p.without_unchanged(&cur),
            _ => p,
        };
        let mut errs = Errors::default();
        let title = p.title.as_deref().and_then(|t| errs.check("title", text::check(t, text::TITLE)));
        let description = p
            .description
            .as_deref()
            .map(|d| optional_text(&mut errs, "description", Some(d), text::DESCRIPTION).unwrap_or_default());
        let impact = p.impact.and_then(|v| errs.check("impact", Impact::new(v)));
        let urgency = p.urgency.and_then(|v| errs.check("urgency", Urgency::new(v)));
        let category = match &p.category {
            Patch::Set(v) => {
                optional_text(&mut errs, "category", Some(v), text::SHORT).map_or(Patch::Clear, Patch::Set)
            }
            other => other.clone(),
        };
        let service = match &p.service {
            Patch::Set(v) => optional_text(&mut errs, "service", Some(v), text::NAME).map_or(Patch::Clear, Patch::Set),
            other => other.clone(),
        };
        let parent = match &p.parent {
            Patch::Set(v) => match super::parse_number(v) {
                Ok(pid) if pid == n => {
                    errs.add("parent", Code::OwnParent.msg("an incident cannot be its own parent"));
                    Patch::Keep
                }
                Ok(pid) => Patch::Set(pid),
                Err(_) => {
                    errs.add("parent", Code::NotIncidentNumber.msg("is not an incident number"));
                    Patch::Keep
                }
            },
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        };
        errs.finish()?;

        // Resolve names on a read connection before joining the write batch.
        let mut errs = Errors::default();
        let requester = match p.requester.as_deref() {
            Some(name) => match accounts::user_by_name(&mut conn, name.trim()).await? {
                Some(u) => Some(u),
                None => {
                    errs.add("requester", Code::NoSuchUser.msg("no such user"));
                    None
                }
            },
            None => None,
        };
        let group = match &p.assignment_group {
            Patch::Set(name) => match accounts::group_by_name(&mut conn, name.trim()).await? {
                Some(g) => Patch::Set(g),
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
        let assignee = match &p.assignee {
            Patch::Set(name) => match accounts::user_by_name(&mut conn, name.trim()).await? {
                Some(u) => Patch::Set(u),
                None => {
                    errs.add("assignee", Code::NoSuchUser.msg("no such user"));
                    Patch::Keep
                }
            },
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        };
        let parent = match parent {
            Patch::Set(pid) => match records::id_of(&mut conn, super::KIND, pid).await? {
                // A parent below this incident would close a loop.
                Some(id) if below(&mut conn, n, id).await? => {
                    errs.add("parent", links::cycle(LinkType::Parent, &super::number(n)));
                    Patch::Keep
                }
                Some(id) => Patch::Set((id, pid)),
                None => {
                    errs.add("parent", Code::NoSuchIncident.msg("no such incident"));
                    Patch::Keep
                }
            },
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        };
        drop(conn);
        errs.finish()?;
        let (service, cis) = self.resolve_service_and_cis(service, p.cis.as_deref()).await?;

        let (actor, matrix) = (actor.clone(), self.config.priority_matrix.clone());
        let dialect = self.store.dialect();
        let snap = self.sla_snapshot().await?;
        let ctx = self.notify_ctx();
        let by = crate::notify::Author::user(actor.id, &actor.display_name);
        let actor_id = actor.id;
        self.store
            .write_checked(
                // Everything up to the decision only reads: a refusal writes
                // nothing (see `crate::records`).
                move |c| {
                    Box::pin(async move {
                        let old = crate::records::lock(c, dialect, super::KIND, n).await?;
                        // The same answer as reading it: 403, with the reason.
                        access::can_view(viewer(&actor, &old))?;
                        access::can_edit(viewer(&actor, &old))?;
                        crate::records::check_version(&old, version)?;
                        // Checked again under the lock every change of a parent
                        // takes, as the link use case does: two edits that each
                        // pass alone must not close a loop together.
                        if let Patch::Set((pid, _)) = parent {
                            steward_store::links::lock_chains(c, dialect).await?;
                            if steward_store::links::reaches(c, true, pid, old.id).await? {
                                let cycle = links::cycle(LinkType::Parent, &super::number(n));
                                return Err(AppError::field("parent", cycle));
                            }
                        }
                        let mut new = old.clone();
                        if let Some(t) = title {
                            new.title = t;
                        }
                        if let Some(d) = description {
                            new.description = d;
                        }
                        if let Some(i) = impact {
                            new.impact = i.into();
                        }
                        if let Some(u) = urgency {
                            new.urgency = u.into();
                        }
                        // The matrix may have changed since: only a new impact
                        // or urgency moves the priority.
                        let (i, u) = (Impact::new(new.impact), Urgency::new(new.urgency));
                        if let (Ok(i), Ok(u), true) = (i, u, (new.impact, new.urgency) != (old.impact, old.urgency)) {
                            new.priority = matrix.priority(i, u).into();
                        }
                        // The same requester keeps the organisation recorded.
                        if let Some(r) = requester.filter(|r| r.id != old.requester_id) {
                            new.requester_id = r.id;
                            new.requester_name = Some(r.display_name);
                            new.organisation_id = r.organisation_id;
                            new.organisation_name = match r.organisation_id {
                                Some(o) => accounts::organisation_by_id(c, o).await?.map(|o| o.name),
                                None => None,
                            };
                        }
                        apply(&mut new.category, category);
                        match service {
                            Patch::Set((id, name)) => (new.service_id, new.service) = (Some(id), Some(name)),
                            Patch::Clear => (new.service_id, new.service) = (None, None),
                            Patch::Keep => {}
                        }
                        match group {
                            Patch::Set(g) => {
                                new.assignment_group_id = Some(g.id);
                                new.group_name = Some(g.name);
                            }
                            Patch::Clear => {
                                new.assignment_group_id = None;
                                new.group_name = None;
                            }
                            Patch::Keep => {}
                        }
                        let inactive_assignee = matches!(&assignee, Patch::Set(u) if u.active == 0);
                        match assignee {
                            Patch::Set(u) => {
                                new.assignee_id = Some(u.id);
                                new.assignee_name = Some(u.display_name);
                            }
                            Patch::Clear => {
                                new.assignee_id = None;
                                new.assignee_name = None;
                            }
                            Patch::Keep => {}
                        }
                        // A new assignee must be active. Rules about people are
                        // checked when assignee or group change, so a leaver's
                        // incidents stay editable until someone reassigns them.
                        let moved =
                            (new.assignee_id, new.assignment_group_id) != (old.assignee_id, old.assignment_group_id);
                        if new.assignee_id != old.assignee_id && inactive_assignee {
                            return Err(AppError::field(
                                "assignee",
                                Code::AssigneeDeactivated
                                    .msg(format!("{} is deactivated", new.assignee_name.clone().unwrap_or_default()))
                                    .with("who", new.assignee_name.clone().unwrap_or_default()),
                            ));
                        }
                        if let Some(a) = new.assignee_id.filter(|_| moved) {
                            match new.assignment_group_id {
                                None => {
                                    return Err(AppError::field(
                                        "assignment_group",
                                        Code::GroupForAssignee.msg("is required when an assignee is set"),
                                    ));
                                }
                                Some(g) => {
                                    if !accounts::is_member(c, g, a).await? {
                                        return Err(AppError::field(
                                            "assignee",
                                            Code::NotMember
                                                .msg(format!(
                                                    "{} is not a member of the assignment group",
                                                    new.assignee_name.clone().unwrap_or_default()
                                                ))
                                                .with("who", new.assignee_name.clone().unwrap_or_default()),
                                        ));
                                    }
                                }
                            }
                        }
                        if let Some(m) = p.major {
                            new.major = i64::from(m);
                        }
                        match parent {
                            Patch::Set((pid, pn)) => (new.parent_id, new.parent_number) = (Some(pid), Some(pn)),
                            Patch::Clear => (new.parent_id, new.parent_number) = (None, None),
                            Patch::Keep => {}
                        }
                        let mut changes = diff(&old, &new);
                        let mut new_cis = None;
                        if let Some(cis) = cis {
                            let before = steward_store::cmdb::record_cis(c, old.id).await?;
                            if let Some(change) = super::cis_change(&before, &cis) {
                                changes.push(change);
                                new_cis = Some(cis);
                            }
                        }
                        Ok::<_, AppError>((old, new, changes, new_cis))
                    })
                },
                move |c, (old, mut new, changes, new_cis)| {
                    Box::pin(async move {
                        if changes.is_empty() {
                            return Ok(old);
                        }
                        if let Some(cis) = &new_cis {
                            steward_store::cmdb::set_record_cis(c, old.id, cis).await?;
                        }
                        let now = now_micros();
                        new.updated_at = now;
                        if new.assignee_id.is_some()
                            && old.assignee_id != new.assignee_id
                            && new.first_response_at.is_none()
                        {
                            new.first_response_at = Some(now);
                        }
                        new.version = records::update(c, &new, version).await.map_err(|e| match e {
                            StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                            other => other.into(),
                        })?;
                        crate::records::journal(c, &old, now, Some(actor_id), Action::Updated, &changes, None).await?;
                        (_, new.sla) =
                            sla::engine::sync(c, dialect, &snap, Some(&old), &new, Some(actor_id), now).await?;
                        crate::notify::hooks::assigned(c, &ctx, Some(&old), &new, &by).await?;
                        Ok(new)
                    })
                },
            )
            .await
    }
}

fn apply(field: &mut Option<String>, p: Patch<String>) {
    match p {
        Patch::Set(v) => *field = Some(v),
        Patch::Clear => *field = None,
        Patch::Keep => {}
    }
}

/// Whether the record `id` is the incident numbered `n` or one of its
/// children, grandchildren, ….
async fn below(conn: &mut steward_store::Conn, n: i64, id: i64) -> Result<bool, AppError> {
    match records::id_of(conn, super::KIND, n).await? {
        Some(me) => Ok(steward_store::links::reaches(conn, true, id, me).await?),
        None => Ok(false),
    }
}
