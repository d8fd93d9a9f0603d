//! Opening an incident.

use super::diff;
use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    sla,
};
use steward_domain::{Impact, IncidentState, Urgency, journal::FieldChange, text};
use steward_store::{
    Conn, accounts, now_micros,
    records::{self, Incident},
};

/// What a caller sends to open an incident; references are by name.
#[derive(Debug, Clone, Default)]
pub struct NewIncident {
    pub title: String,
    pub description: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub requester: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
    pub major: Option<bool>,
    pub parent: Option<String>,
    /// The CIs affected, by id.
    pub cis: Vec<i64>,
}

pub(crate) fn optional_text(errs: &mut Errors, field: &str, v: Option<&str>, limit: text::Limit) -> Option<String> {
    let v = v?;
    errs.check(field, text::check(v, limit)).filter(|s| !s.is_empty())
}

impl App {
    pub async fn create_incident(&self, actor: &Actor, n: NewIncident) -> Result<Incident, AppError> {
        self.open_incident(actor, n, false).await
    }

    /// Opens an incident; `routed` lets Steward itself (mail in with its
    /// default group) place a requester's incident in a group's queue.
    pub(crate) async fn open_incident(
        &self,
        actor: &Actor,
        n: NewIncident,
        routed: bool,
    ) -> Result<Incident, AppError> {
        let mut errs = Errors::default();
        let title = errs.check("title", text::check(&n.title, text::TITLE));
        let description =
            optional_text(&mut errs, "description", n.description.as_deref(), text::DESCRIPTION).unwrap_or_default();
        let impact = errs.check("impact", Impact::new(n.impact.unwrap_or(3)));
        let urgency = errs.check("urgency", Urgency::new(n.urgency.unwrap_or(3)));
        let category = optional_text(&mut errs, "category", n.category.as_deref(), text::SHORT);
        let service = optional_text(&mut errs, "service", n.service.as_deref(), text::NAME);
        if !actor.is_staff() {
            // A requester naming someone else, a group or an assignee is
            // asking for something they may not do: a refusal, not bad input.
            let reserved: Vec<&str> = [
                ("requester", n.requester.as_ref().is_some_and(|r| r.trim() != actor.username)),
                ("assignment_group", n.assignment_group.is_some() && !routed),
                ("assignee", n.assignee.is_some()),
                ("major", n.major == Some(true)),
                ("parent", n.parent.is_some()),
                ("cis", !n.cis.is_empty()),
            ]
            .into_iter()
            .filter_map(|(field, set)| set.then_some(field))
            .collect();
            if !reserved.is_empty() {
                return Err(AppError::Forbidden(
                    Code::DenyReservedFields
                        .msg(format!("only agents, managers and admins can set {}", reserved.join(", ")))
                        .with("fields", reserved.join(", ")),
                ));
            }
        }
        if n.assignee.is_some() && n.assignment_group.is_none() {
            errs.add("assignment_group", Code::GroupForAssignee.msg("is required when an assignee is given"));
        }
        let parent = match n.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => errs.check(
                "parent",
                super::parse_number(p).map_err(|_| Code::NotIncidentNumber.msg("is not an incident number")),
            ),
            None => None,
        };
        errs.finish()?;
        let service = match service {
            Some(name) => Some(self.resolve_service(&name).await?),
            None => None,
        };
        if let Some((id, name)) = service.as_ref().filter(|_| !actor.is_staff()) {
            // Requesters name services from their catalog; the others are
            // as unknown to them as they are in it.
            let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
            if !steward_store::cmdb::get(&mut conn, *id).await?.is_some_and(|row| self.visible_service(&row)) {
                return Err(AppError::field(
                    "service",
                    Code::NoService.msg(format!("no service named {name:?}")).with("name", format!("{name:?}")),
                ));
            }
        }
        let cis = self.check_cis("cis", &n.cis).await?;
        let (Some(title), Some(impact), Some(urgency)) = (title, impact, urgency) else {
            return Err(AppError::Internal("validation".into()));
        };
        let priority = self.config.priority_matrix.priority(impact, urgency);
        let major = i64::from(n.major.unwrap_or(false));
        // Names are resolved on a read connection, outside the write batch:
        // the writer's time is the scarce resource. Foreign keys still guard
        // against a reference vanishing in between.
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let refs = self.resolve_refs(&mut conn, actor, n.requester, n.assignment_group, n.assignee, parent).await?;
        drop(conn);
        let actor_id = actor.id;
        let dialect = self.store.dialect();
        let now = now_micros();
        let mut inc = Incident {
            id: 0,
            kind: super::KIND.to_owned(),
            number: 0,
            title,
            description,
            state: IncidentState::New.as_str().to_owned(),
            hold_reason: None,
            impact: impact.into(),
            urgency: urgency.into(),
            priority: priority.into(),
            requester_id: refs.requester.id,
            organisation_id: refs.requester.organisation_id,
            category,
            service_id: service.as_ref().map(|s| s.0),
            assignment_group_id: refs.group.as_ref().map(|g| g.0),
            assignee_id: refs.assignee.as_ref().map(|a| a.0),
            major,
            parent_id: refs.parent.map(|p| p.0),
            parent_number: refs.parent.map(|p| p.1),
            resolution_code: None,
            resolution_notes: None,
            reopen_count: 0,
            opened_at: now,
            first_response_at: refs.assignee.as_ref().map(|_| now),
            resolved_at: None,
            closed_at: None,
            updated_at: now,
            created_by: actor_id,
            version: 1,
            requester_name: Some(refs.requester.display_name.clone()),
            organisation_name: refs.organisation_name.clone(),
            group_name: refs.group.map(|g| g.1),
            assignee_name: refs.assignee.map(|a| a.1),
            service: service.map(|s| s.1),
            sla: Default::default(),
        };
        // Nothing was there before: every old value is null.
        let mut created = created_changes(&inc);
        created.extend(super::cis_change(&[], &cis));
        let changes = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        let snap = self.sla_snapshot().await?;
        let (ctx, by) = (self.notify_ctx(), crate::notify::Author::user(actor.id, &actor.display_name));
        let mut conn = self.store.pool().acquire().await.map_err(steward_store::StoreError::from)?;
        let plan = crate::notify::hooks::plan_created(&mut conn, &inc, &by).await?;
        drop(conn);
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let key = records::insert_created(c, dialect, &inc, Some(actor_id), changes).await?;
                    (inc.id, inc.number) = (key.id, key.number);
                    if !cis.is_empty() {
                        steward_store::cmdb::set_record_cis(c, inc.id, &cis).await?;
                    }
                    (_, inc.sla) = sla::engine::sync(c, dialect, &snap, None, &inc, Some(actor_id), now).await?;
                    crate::notify::hooks::on_created(c, &ctx, &inc, &by, &plan).await?;
                    Ok::<_, AppError>(inc)
                })
            })
            .await
    }
}

/// What a creation journals: every field set, each old value null.
pub(crate) fn created_changes(inc: &Incident) -> Vec<FieldChange> {
    diff(&blank(inc), inc).into_iter().map(|c| FieldChange { old: None, ..c }).collect()
}

/// An all-empty row, so that creation journals every field it set.
fn blank(inc: &Incident) -> Incident {
    Incident {
        title: String::new(),
        description: String::new(),
        state: String::new(),
        impact: 0,
        urgency: 0,
        priority: 0,
        major: 0,
        reopen_count: 0,
        category: None,
        service: None,
        hold_reason: None,
        assignment_group_id: None,
        assignee_id: None,
        parent_id: None,
        parent_number: None,
        resolution_code: None,
        resolution_notes: None,
        requester_name: None,
        organisation_id: None,
        organisation_name: None,
        ..inc.clone()
    }
}

/// The requester as an incident records them.
pub(crate) struct Person {
    pub id: i64,
    pub display_name: String,
    pub organisation_id: Option<i64>,
}

pub(crate) struct Refs {
    pub requester: Person,
    pub organisation_name: Option<String>,
    /// Id and name.
    pub group: Option<(i64, String)>,
    /// Id and display name.
    pub assignee: Option<(i64, String)>,
    /// The parent's id and number.
    pub parent: Option<(i64, i64)>,
}

impl App {
    /// Resolves the names a caller sent; an assignee must belong to the group.
    /// The caller themself and group names come from memory when they can:
    /// this runs on every create.
    pub(crate) async fn resolve_refs(
        &self,
        c: &mut Conn,
        actor: &Actor,
        requester: Option<String>,
        group: Option<String>,
        assignee: Option<String>,
        parent: Option<i64>,
    ) -> Result<Refs, AppError> {
        let mut errs = Errors::default();
        let (requester, organisation_name) = match requester.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(name) if name != actor.username => match accounts::user_by_name(c, name).await? {
                Some(u) => {
                    let org = match u.organisation_id {
                        Some(o) => accounts::organisation_by_id(c, o).await?.map(|o| o.name),
                        None => None,
                    };
                    (Some(Person { id: u.id, display_name: u.display_name, organisation_id: u.organisation_id }), org)
                }
                None => {
                    errs.add("requester", Code::NoSuchUser.msg("no such user"));
                    (None, None)
                }
            },
            _ => (
                Some(Person {
                    id: actor.id,
                    display_name: actor.display_name.clone(),
                    organisation_id: actor.organisation_id,
                }),
                actor.organisation_name.clone(),
            ),
        };
        let group = match group.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
            Some(name) => {
                let g = self.group_by_name(c, name).await?;
                if g.is_none() {
                    errs.add(
                        "assignment_group",
                        Code::NoGroup.msg(format!("no group named {name:?}")).with("name", format!("{name:?}")),
                    );
                }
                g.map(|id| (id, name.to_owned()))
            }
            None => None,
        };
        let assignee = match assignee.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(name) => match accounts::user_by_name(c, name).await? {
                None => {
                    errs.add("assignee", Code::NoSuchUser.msg("no such user"));
                    None
                }
                Some(u) if u.active == 0 => {
                    errs.add(
                        "assignee",
                        Code::AssigneeDeactivated
                            .msg(format!("{} is deactivated", u.display_name))
                            .with("who", &u.display_name),
                    );
                    None
                }
                Some(u) => {
                    if let Some((g, _)) = &group {
                        if !accounts::is_member(c, *g, u.id).await? {
                            errs.add(
                                "assignee",
                                Code::NotMember
                                    .msg(format!("{} is not a member of the assignment group", u.display_name))
                                    .with("who", &u.display_name),
                            );
                        }
                    }
                    Some((u.id, u.display_name))
                }
            },
            None => None,
        };
        let parent = match parent {
            Some(p) => {
                let id = records::id_of(c, super::KIND, p).await?;
                if id.is_none() {
                    errs.add("parent", Code::NoSuchIncident.msg("no such incident"));
                }
                id.map(|id| (id, p))
            }
            None => None,
        };
        errs.finish()?;
        let requester = requester.ok_or(AppError::Internal("requester".into()))?;
        Ok(Refs { requester, organisation_name, group, assignee, parent })
    }
}
