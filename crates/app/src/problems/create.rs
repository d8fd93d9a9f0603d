//! Raising a problem, from scratch or from an incident.

use super::{KIND, Problem, details_diff, links::write_links};
use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::{created_changes, optional_text},
};
use steward_domain::{
    Impact, Lifecycle, Urgency,
    problem::{ProblemState, WhyStep, can_edit_problem},
    text,
};
use steward_store::{
    StoreError, now_micros,
    problems::{self as store_problems, Details},
    records::{self, Record},
};

/// What a caller sends to raise a problem; references are by name.
#[derive(Debug, Clone, Default)]
pub struct NewProblem {
    pub title: String,
    pub description: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub category: Option<String>,
    pub service: Option<String>,
    pub assignment_group: Option<String>,
    /// The problem owner, a member of the group.
    pub assignee: Option<String>,
    /// The CIs affected, by id.
    pub cis: Vec<i64>,
    pub cause_category: Option<String>,
    pub root_cause: Option<String>,
    pub whys: Vec<WhyStep>,
    pub workaround: Option<String>,
    /// Incidents to link at once, by number (e.g. a candidate's).
    pub incidents: Vec<String>,
}

/// What may be set when a problem is raised from an incident; the rest
/// (title unless given, description, service, CIs, impact, urgency,
/// category) is copied from the incident.
#[derive(Debug, Clone, Default)]
pub struct FromIncident {
    pub title: Option<String>,
    pub assignment_group: Option<String>,
    pub assignee: Option<String>,
}

/// A problem checked and ready to insert.
struct Draft {
    rec: Record,
    details: Details,
    cis: Vec<i64>,
}

impl App {
    pub async fn create_problem(&self, actor: &Actor, n: NewProblem) -> Result<Problem, AppError> {
        can_edit_problem(actor.role)?;
        let mut errs = Errors::default();
        let title = errs.check("title", text::check(&n.title, text::TITLE));
        let description =
            optional_text(&mut errs, "description", n.description.as_deref(), text::DESCRIPTION).unwrap_or_default();
        let impact = errs.check("impact", Impact::new(n.impact.unwrap_or(3)));
        let urgency = errs.check("urgency", Urgency::new(n.urgency.unwrap_or(3)));
        let category = optional_text(&mut errs, "category", n.category.as_deref(), text::SHORT);
        let service = optional_text(&mut errs, "service", n.service.as_deref(), text::NAME);
        let root_cause = optional_text(&mut errs, "root_cause", n.root_cause.as_deref(), text::DESCRIPTION);
        let workaround = optional_text(&mut errs, "workaround", n.workaround.as_deref(), text::DESCRIPTION);
        let cause_category = match n.cause_category.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => errs.check("cause_category", super::cause_category(c)),
            None => None,
        };
        let whys = match super::whys_json(n.whys) {
            Ok(w) => Some(w),
            Err(AppError::Invalid(e)) => {
                errs.0.extend(e);
                None
            }
            Err(e) => return Err(e),
        };
        if n.assignee.is_some() && n.assignment_group.is_none() {
            errs.add("assignment_group", Code::GroupForAssignee.msg("is required when an assignee is given"));
        }
        errs.finish()?;
        let (Some(title), Some(impact), Some(urgency), Some(whys)) = (title, impact, urgency, whys) else {
            return Err(AppError::Internal("validation".into()));
        };
        let service = match service {
            Some(name) => Some(self.resolve_service(&name).await?),
            None => None,
        };
        let cis = self.check_cis("cis", &n.cis).await?;
        let links = if n.incidents.is_empty() { Vec::new() } else { self.incidents_named(&n.incidents).await? };
        let mut rec = self.problem_record(actor, title, n.assignment_group, n.assignee).await?;
        rec.description = description;
        (rec.impact, rec.urgency) = (impact.into(), urgency.into());
        rec.priority = self.config.priority_matrix.priority(impact, urgency).into();
        rec.category = category;
        (rec.service_id, rec.service) = service.map_or((None, None), |(id, name)| (Some(id), Some(name)));
        let details = Details { cause_category, root_cause, whys, workaround, ..Details::default() };
        self.insert_problem(actor, Draft { rec, details, cis }, links).await
    }

    /// Raises a problem from an incident: copies what is known of the fault
    /// and links the incident to it.
    pub async fn create_problem_from_incident(
        &self,
        actor: &Actor,
        incident: &str,
        f: FromIncident,
    ) -> Result<Problem, AppError> {
        can_edit_problem(actor.role)?;
        let inc = self.get_incident(actor, incident).await?;
        let title = match f.title.as_deref() {
            Some(t) => text::check(t, text::TITLE).map_err(|e| AppError::field("title", e))?,
            None => inc.title.clone(),
        };
        if f.assignee.is_some() && f.assignment_group.is_none() {
            return Err(AppError::field(
                "assignment_group",
                Code::GroupForAssignee.msg("is required when an assignee is given"),
            ));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let cis = steward_store::cmdb::record_cis(&mut conn, inc.id).await?;
        drop(conn);
        let mut rec = self.problem_record(actor, title, f.assignment_group, f.assignee).await?;
        rec.description = inc.description.clone();
        (rec.impact, rec.urgency, rec.priority) = (inc.impact, inc.urgency, inc.priority);
        rec.category = inc.category.clone();
        (rec.service_id, rec.service) = (inc.service_id, inc.service.clone());
        let details = Details { whys: "[]".to_owned(), ..Details::default() };
        self.insert_problem(actor, Draft { rec, details, cis }, vec![(inc.id, inc.number)]).await
    }

    /// A new problem's record, raised by the actor, with its owner resolved.
    async fn problem_record(
        &self,
        actor: &Actor,
        title: String,
        group: Option<String>,
        assignee: Option<String>,
    ) -> Result<Record, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let refs = self.resolve_refs(&mut conn, actor, None, group, assignee, None).await?;
        drop(conn);
        let now = now_micros();
        Ok(Record {
            title,
            requester_id: refs.requester.id,
            organisation_id: refs.requester.organisation_id,
            assignment_group_id: refs.group.as_ref().map(|g| g.0),
            assignee_id: refs.assignee.as_ref().map(|a| a.0),
            requester_name: Some(refs.requester.display_name),
            organisation_name: refs.organisation_name,
            group_name: refs.group.map(|g| g.1),
            assignee_name: refs.assignee.map(|a| a.1),
            ..crate::records::fresh(KIND, ProblemState::initial().as_str(), actor, now)
        })
    }

    /// Inserts the problem, its details, its CIs and its first links
    /// (incidents as (id, number), in number order), journaled, in one write.
    async fn insert_problem(&self, actor: &Actor, draft: Draft, links: Vec<(i64, i64)>) -> Result<Problem, AppError> {
        let Draft { mut rec, mut details, cis } = draft;
        let mut created = created_changes(&rec);
        let blank = Details { whys: "[]".to_owned(), ..Details::default() };
        created.extend(details_diff(&blank, &details));
        created.extend(crate::incidents::cis_change(&[], &cis));
        let changes = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        let (ctx, by) = (self.notify_ctx(), crate::notify::Author::user(actor.id, &actor.display_name));
        let snap = self.sla_snapshot().await?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let key = records::insert_created(c, dialect, &rec, Some(actor_id), changes).await?;
                    (rec.id, rec.number) = (key.id, key.number);
                    details.record_id = rec.id;
                    store_problems::insert_details(c, &details).await?;
                    super::index_analysis(c, &rec, &details).await?;
                    steward_store::cmdb::set_record_cis(c, rec.id, &cis).await?;
                    if !links.is_empty() {
                        write_links(c, dialect, &rec, &links, actor_id, rec.opened_at).await?;
                    }
                    // The clocks of the SLA that applies start at its opening.
                    let now = rec.opened_at;
                    (_, rec.sla) = crate::sla::engine::sync(c, dialect, &snap, None, &rec, Some(actor_id), now).await?;
                    // Webhooks hear of it; the owner, or the group's members, of the assignment.
                    crate::notify::hooks::on_raised(c, &ctx, &rec, &by).await?;
                    Ok::<_, AppError>(Problem { record: rec, details })
                })
            })
            .await
    }
}
