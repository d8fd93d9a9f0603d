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
    change::{ChangeState, ChangeType, can_edit_change},
    text,
};
use steward_store::{
    StoreError,
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
}

impl App {
    pub async fn create_change(&self, actor: &Actor, n: NewChange) -> Result<Change, AppError> {
        can_edit_change(actor.role)?;
        let mut errs = Errors::default();
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
        let end = end_sent.as_deref().and_then(|v| super::time_field(&mut errs, "planned_end", v));
        // The window is checked when both ends read (or neither was sent).
        if start.is_some() == start_sent.is_some() && end.is_some() == end_sent.is_some() {
            super::check_window(&mut errs, start, end);
        }
        let risk = super::score(&mut errs, &n.answers);
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
            ..Details::default()
        };
        super::set_risk(&mut details, risk);
        self.insert_change(actor, rec, details, cis).await
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
