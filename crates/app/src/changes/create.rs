//! Raising a change (in Draft).

use super::{Change, KIND, details_diff};
use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
    incidents::{created_changes, optional_text},
};
use std::collections::BTreeMap;
use steward_domain::{
    Impact, Lifecycle, Urgency,
    change::{
        ChangeState, ChangeType, can_edit_change,
        template::{self, TemplateFound},
    },
    text,
};
use steward_store::{
    StoreError,
    change_templates::{self as store_templates, TemplateRow},
    changes::{self as store_changes, Details},
    now_micros,
    records::{self, Record},
};

/// What a caller sends to raise a change; references are by name, times
/// RFC 3339 text.
#[derive(Debug, Clone, Default)]
pub struct NewChange {
    pub title: String,
    pub description: Option<String>,
    /// standard, normal (default) or emergency.
    pub change_type: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    /// The CIs it changes, by id.
    pub cis: Vec<i64>,
    pub assignment_group: Option<String>,
    /// The change owner, a member of the group.
    pub assignee: Option<String>,
    pub impact: Option<i64>,
    pub urgency: Option<i64>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    /// The risk questionnaire's answers, question → answer.
    pub answers: BTreeMap<String, String>,
    /// The standard change template it is raised from, by id: required
    /// for a standard change, refused for the others. Its category,
    /// service, CIs and plans fill in what the request leaves out, and its
    /// duration the planned end.
    pub template: Option<i64>,
}

impl App {
    pub async fn create_change(&self, actor: &Actor, mut n: NewChange) -> Result<Change, AppError> {
        can_edit_change(actor.role)?;
        let mut errs = Errors::default();
        let template = self.template_of(&mut errs, &mut n).await?;
        let title = errs.check("title", text::check(&n.title, text::TITLE));
        let description =
            optional_text(&mut errs, "description", n.description.as_deref(), text::DESCRIPTION).unwrap_or_default();
        let ty = match n.change_type.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(t) => super::change_type(&mut errs, t),
            None => Some(ChangeType::default()),
        };
        let impact = errs.check("impact", Impact::new(n.impact.unwrap_or(3)));
        let urgency = errs.check("urgency", Urgency::new(n.urgency.unwrap_or(3)));
        let category = optional_text(&mut errs, "category", n.category.as_deref(), text::SHORT);
        let service = optional_text(&mut errs, "service", n.service.as_deref(), text::NAME);
        let implementation_plan =
            optional_text(&mut errs, "implementation_plan", n.implementation_plan.as_deref(), text::DESCRIPTION);
        let backout_plan = optional_text(&mut errs, "backout_plan", n.backout_plan.as_deref(), text::DESCRIPTION);
        let test_plan = optional_text(&mut errs, "test_plan", n.test_plan.as_deref(), text::DESCRIPTION);
        let present = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let (start_sent, end_sent) = (present(&n.planned_start), present(&n.planned_end));
        let start = start_sent.as_deref().and_then(|v| super::time_field(&mut errs, "planned_start", v));
        let mut end = end_sent.as_deref().and_then(|v| super::time_field(&mut errs, "planned_end", v));
        let end_read = end.is_some() == end_sent.is_some();
        // The template's duration gives the end of a window sent without one.
        let duration = template.as_ref().and_then(|t| t.duration_minutes);
        if let (None, Some(s), Some(minutes)) = (&end_sent, start, duration) {
            end = Some(s + minutes * 60_000_000);
        }
        // The window is checked when both ends read (or neither was sent).
        if start.is_some() == start_sent.is_some() && end_read {
            super::check_window(&mut errs, start, end);
        }
        let questionnaire = self.questionnaire_in_force().await?;
        let risk = super::score(&mut errs, &questionnaire, &n.answers);
        if n.assignee.is_some() && n.assignment_group.is_none() {
            errs.add("assignment_group", Code::GroupForAssignee.msg("is required when an assignee is given"));
        }
        errs.finish()?;
        let (Some(title), Some(impact), Some(urgency), Some(ty), Some(risk)) = (title, impact, urgency, ty, risk)
        else {
            return Err(AppError::Internal("validation".into()));
        };
        let service = match service {
            Some(name) => Some(self.resolve_service(&name).await?),
            None => None,
        };
        let cis = self.check_cis("cis", &n.cis).await?;
        self.cmdb_view(|v| super::refuse_retired("cis", &cis, v)).await??;
        let mut rec = self.change_record(actor, title, n.assignment_group, n.assignee).await?;
        rec.description = description;
        (rec.impact, rec.urgency) = (impact.into(), urgency.into());
        rec.priority = self.config.priority_matrix.priority(impact, urgency).into();
        rec.category = category;
        (rec.service_id, rec.service) = service.map_or((None, None), |(id, name)| (Some(id), Some(name)));
        let mut details = Details {
            change_type: ty.as_str().to_owned(),
            planned_start: start,
            planned_end: end,
            implementation_plan,
            backout_plan,
            test_plan,
            template_id: template.as_ref().map(|t| t.id),
            template_name: template.map(|t| t.name),
            ..Details::default()
        };
        super::set_risk(&mut details, risk);
        self.insert_change(actor, rec, details, cis).await
    }

    /// The template the new change names, checked against its type (every
    /// problem beside `template`); an active one fills in what the request
    /// leaves out: category, service, CIs and plans.
    async fn template_of(&self, errs: &mut Errors, n: &mut NewChange) -> Result<Option<TemplateRow>, AppError> {
        let ty = n.change_type.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::parse::<ChangeType>);
        let ty = match ty {
            Some(Ok(ty)) => ty,
            // A type that does not read is refused beside its own field.
            Some(Err(_)) => return Ok(None),
            None => ChangeType::default(),
        };
        let row = match n.template {
            Some(id) => {
                let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
                store_templates::template(&mut conn, id).await?
            }
            None => None,
        };
        let found = match (n.template, &row) {
            (None, _) => TemplateFound::None,
            (Some(id), None) => TemplateFound::Unknown(id),
            (Some(_), Some(t)) if t.active == 0 => TemplateFound::Retired,
            (Some(_), Some(_)) => TemplateFound::Active,
        };
        if let Err(m) = template::check_use(ty, found) {
            errs.add("template", m);
            return Ok(None);
        }
        let Some(t) = row else { return Ok(None) };
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
        if blank(&n.category) {
            n.category.clone_from(&t.category);
        }
        if blank(&n.service)
            && let Some(id) = t.service_id
        {
            n.service = self.cmdb_view(|v| v.ci(id).map(|b| b.name.clone())).await?;
        }
        if n.cis.is_empty() {
            // The CIs still in the CMDB.
            let kept = crate::change_templates::cis_of(&t);
            n.cis = self.cmdb_view(|v| kept.into_iter().filter(|id| v.ci(*id).is_some()).collect()).await?;
        }
        for (sent, kept) in [
            (&mut n.implementation_plan, &t.implementation_plan),
            (&mut n.backout_plan, &t.backout_plan),
            (&mut n.test_plan, &t.test_plan),
        ] {
            if blank(sent) {
                sent.clone_from(kept);
            }
        }
        Ok(Some(t))
    }

    /// A new change's record, raised by the actor, with its owner resolved.
    async fn change_record(
        &self,
        actor: &Actor,
        title: String,
        group: Option<String>,
        assignee: Option<String>,
    ) -> Result<Record, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let refs = self.resolve_refs(&mut conn, actor, None, group, assignee, None).await?;
        drop(conn);
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
            ..crate::records::fresh(KIND, ChangeState::initial().as_str(), actor, now_micros())
        })
    }

    /// Inserts the change, its details and its CIs, journaled, in one write.
    async fn insert_change(
        &self,
        actor: &Actor,
        mut rec: Record,
        mut details: Details,
        cis: Vec<i64>,
    ) -> Result<Change, AppError> {
        let mut created = created_changes(&rec);
        let blank = Details { change_type: String::new(), risk_answers: "[]".to_owned(), ..Details::default() };
        created.extend(details_diff(&blank, &details));
        created.extend(crate::incidents::cis_change(&[], &cis));
        let changes = serde_json::to_string(&created).map_err(|e| AppError::Internal(e.to_string()))?;
        let (dialect, actor_id) = (self.store.dialect(), actor.id);
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let key = records::insert_created(c, dialect, &rec, Some(actor_id), changes).await?;
                    (rec.id, rec.number) = (key.id, key.number);
                    details.record_id = rec.id;
                    store_changes::insert_details(c, &details).await?;
                    steward_store::cmdb::set_record_cis(c, rec.id, &cis).await?;
                    Ok::<_, AppError>(Change { record: rec, details })
                })
            })
            .await
    }
}
