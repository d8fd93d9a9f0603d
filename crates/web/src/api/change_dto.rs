//! The JSON shapes of changes.

use super::dto::{Ref, opt_time, patch, time};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use steward_app::{
    changes::{Change, ChangePatch, ChangeTransitionInput, NewChange},
    incidents::Patch,
};
use utoipa::ToSchema;

fn reference(id: Option<i64>, name: &Option<String>) -> Option<Ref> {
    id.map(|id| Ref { id, name: name.clone().unwrap_or_default() })
}

#[derive(Serialize, ToSchema)]
pub struct ChangeJson {
    /// e.g. CHG0000042
    pub number: String,
    pub title: String,
    pub description: String,
    #[schema(value_type = super::schema::ChangeType)]
    pub change_type: String,
    /// The standard change template it was raised from.
    pub template: Option<Ref>,
    #[schema(value_type = super::schema::ChangeState)]
    pub state: String,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub impact: i64,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: i64,
    /// 1 (P1) … 5 (P5), from the impact × urgency matrix
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    /// Who raised the change.
    pub requester: Ref,
    pub category: Option<String>,
    pub service: Option<Ref>,
    pub assignment_group: Option<Ref>,
    /// The change owner.
    pub assignee: Option<Ref>,
    /// The risk questionnaire's answers, question → answer.
    pub answers: BTreeMap<String, String>,
    /// The answers' score; null until answered.
    pub risk_score: Option<i64>,
    #[schema(value_type = Option<super::schema::RiskLevel>)]
    pub risk_level: Option<String>,
    /// The risk calls for the CAB; null until answered.
    pub needs_cab: Option<bool>,
    pub planned_start: Option<String>,
    pub planned_end: Option<String>,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub approved: bool,
    pub approved_at: Option<String>,
    /// Set when closed.
    #[schema(value_type = Option<super::schema::CloseCode>)]
    pub close_code: Option<String>,
    pub review_notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub opened_at: String,
    /// When the work was done (the review began).
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    /// Send it back with a change (body `version` or `If-Match`).
    pub version: i64,
}

impl From<Change> for ChangeJson {
    fn from(ch: Change) -> Self {
        let (answers, needs_cab, approved) = (ch.risk_answers(), ch.needs_cab(), ch.is_approved());
        let (r, d) = (ch.record, ch.details);
        Self {
            number: steward_app::changes::number(r.number),
            requester: Ref { id: r.requester_id, name: r.requester_name.clone().unwrap_or_default() },
            service: reference(r.service_id, &r.service),
            assignment_group: reference(r.assignment_group_id, &r.group_name),
            assignee: reference(r.assignee_id, &r.assignee_name),
            opened_at: time(r.opened_at),
            resolved_at: opt_time(r.resolved_at),
            closed_at: opt_time(r.closed_at),
            updated_at: time(r.updated_at),
            planned_start: opt_time(d.planned_start),
            planned_end: opt_time(d.planned_end),
            actual_start: opt_time(d.actual_start),
            actual_end: opt_time(d.actual_end),
            approved_at: opt_time(d.approved_at),
            template: reference(d.template_id, &d.template_name),
            title: r.title,
            description: r.description,
            change_type: d.change_type,
            state: r.state,
            impact: r.impact,
            urgency: r.urgency,
            priority: r.priority,
            category: r.category,
            answers,
            risk_score: d.risk_score,
            risk_level: d.risk_level,
            needs_cab,
            implementation_plan: d.implementation_plan,
            backout_plan: d.backout_plan,
            test_plan: d.test_plan,
            approved,
            close_code: r.resolution_code,
            review_notes: d.review_notes,
            cancel_reason: d.cancel_reason,
            version: r.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChangePage {
    pub items: Vec<ChangeJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many changes the filters find, exact up to 10,000.
    pub count: i64,
    /// More than 10,000 match.
    pub count_capped: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChangeJson {
    pub title: String,
    pub description: Option<String>,
    /// Default normal.
    #[schema(value_type = Option<super::schema::ChangeType>)]
    pub change_type: Option<String>,
    /// The id of a template of the standard change catalogue: required for
    /// a standard change, refused for the others. Its category, service,
    /// CIs and plans fill in what is not sent, its duration the planned end.
    pub template: Option<i64>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    pub category: Option<String>,
    pub service: Option<String>,
    /// Group name.
    pub assignment_group: Option<String>,
    /// The change owner's username, a member of the group.
    pub assignee: Option<String>,
    /// The CIs it changes, by id (up to 100).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub cis: Vec<i64>,
    /// RFC 3339 (or a date); with `planned_end`, before it.
    pub planned_start: Option<String>,
    /// RFC 3339 (or a date); with `planned_start`, after it.
    pub planned_end: Option<String>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    /// The risk questionnaire's answers, question key → answer key; every
    /// question once, or none.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
}

impl From<NewChangeJson> for NewChange {
    fn from(j: NewChangeJson) -> Self {
        NewChange {
            title: j.title,
            description: j.description,
            change_type: j.change_type,
            category: j.category,
            service: j.service,
            cis: j.cis,
            assignment_group: j.assignment_group,
            assignee: j.assignee,
            impact: j.impact,
            urgency: j.urgency,
            planned_start: j.planned_start,
            planned_end: j.planned_end,
            implementation_plan: j.implementation_plan,
            backout_plan: j.backout_plan,
            test_plan: j.test_plan,
            answers: j.answers,
            template: j.template,
        }
    }
}

/// Absent keeps a field, `null` (or blank) clears it, a value sets it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Only while the change is a draft.
    #[schema(value_type = Option<super::schema::ChangeType>)]
    pub change_type: Option<String>,
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub category: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub service: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignment_group: Patch<String>,
    /// The change owner.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignee: Patch<String>,
    /// Replaces the CIs it changes (up to 100).
    #[schema(max_items = 100)]
    pub cis: Option<Vec<i64>>,
    /// RFC 3339; the window as it will be must have both ends or neither.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub planned_start: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub planned_end: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub implementation_plan: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub backout_plan: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub test_plan: Patch<String>,
    /// Replaces the risk answers (every question once; `{}` clears them).
    pub answers: Option<BTreeMap<String, String>>,
}

impl ChangePatchJson {
    pub fn split(self) -> (Option<i64>, ChangePatch) {
        (
            self.version,
            ChangePatch {
                title: self.title,
                description: self.description,
                change_type: self.change_type,
                impact: self.impact,
                urgency: self.urgency,
                category: self.category,
                service: self.service,
                assignment_group: self.assignment_group,
                assignee: self.assignee,
                cis: self.cis,
                planned_start: self.planned_start,
                planned_end: self.planned_end,
                implementation_plan: self.implementation_plan,
                backout_plan: self.backout_plan,
                test_plan: self.test_plan,
                answers: self.answers,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeTransitionJson {
    /// The target state.
    #[schema(value_type = super::schema::ChangeState)]
    pub state: String,
    /// Required for closed.
    #[schema(value_type = Option<super::schema::CloseCode>)]
    pub close_code: Option<String>,
    /// Closing only; required for an emergency change and one that failed
    /// or was backed out.
    pub review_notes: Option<String>,
    /// Required for cancelled.
    pub cancel_reason: Option<String>,
    pub version: Option<i64>,
}

impl ChangeTransitionJson {
    pub fn split(self) -> (Option<i64>, ChangeTransitionInput) {
        (
            self.version,
            ChangeTransitionInput {
                state: self.state,
                close_code: self.close_code,
                review_notes: self.review_notes,
                cancel_reason: self.cancel_reason,
            },
        )
    }
}

/// Approving a change in authorization.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ApproveJson {
    /// Kept in the journal.
    pub comment: Option<String>,
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
}

/// A span of time.
#[derive(Serialize, ToSchema)]
pub struct WindowJson {
    pub start: String,
    pub end: String,
}

impl From<steward_domain::change::conflicts::Window> for WindowJson {
    fn from(w: steward_domain::change::conflicts::Window) -> Self {
        Self { start: super::dto::time(w.start), end: super::dto::time(w.end) }
    }
}

/// One conflict: with what, why, how near, and when the other holds.
#[derive(Serialize, ToSchema)]
pub struct ConflictJson {
    /// `change` or `freeze`.
    pub with: &'static str,
    /// The other change's number or the freeze's name.
    pub name: String,
    /// `same_ci`, `depends_on` (this change's CI depends on the other's),
    /// `depended_on`, `same_assignee` or `in_freeze`.
    pub reason: &'static str,
    /// Relations between the two CIs (0: the same CI).
    pub hops: Option<u32>,
    /// The CIs from this change's to the other's, by name.
    pub path: Vec<String>,
    pub window: WindowJson,
}

/// What a change's planned window collides with, and the next free slot.
#[derive(Serialize, ToSchema)]
pub struct ConflictsJson {
    pub window: WindowJson,
    pub conflicts: Vec<ConflictJson>,
    /// The first slot of the same length, in 15-minute steps within 30
    /// days, inside the service's maintenance windows, with no conflict
    /// (only when there is a conflict now; none found: null).
    pub proposal: Option<WindowJson>,
}

impl From<steward_app::changes::ChangeConflicts> for ConflictsJson {
    fn from(c: steward_app::changes::ChangeConflicts) -> Self {
        use steward_domain::change::conflicts::{Reason, With};
        let name = |id: i64| c.names.iter().find(|(i, _)| *i == id).map_or_else(|| id.to_string(), |(_, n)| n.clone());
        let conflicts = c
            .conflicts
            .iter()
            .map(|x| {
                let (with, other) = match &x.with {
                    With::Change { number, .. } => ("change", number.clone()),
                    With::Freeze { name, .. } => ("freeze", name.clone()),
                };
                let (reason, path) = match &x.reason {
                    Reason::SameCi { ci } => ("same_ci", vec![name(*ci)]),
                    Reason::DependsOn { ours, path, .. } => {
                        ("depends_on", std::iter::once(name(*ours)).chain(path.iter().map(|s| name(s.ci))).collect())
                    }
                    Reason::DependedOn { ours, path, .. } => {
                        ("depended_on", std::iter::once(name(*ours)).chain(path.iter().map(|s| name(s.ci))).collect())
                    }
                    Reason::SameAssignee { .. } => ("same_assignee", Vec::new()),
                    Reason::InFreeze { service } => ("in_freeze", service.map(name).into_iter().collect()),
                };
                ConflictJson { with, name: other, reason, hops: x.hops, path, window: x.window.into() }
            })
            .collect();
        Self { window: c.window.into(), conflicts, proposal: c.proposal.map(Into::into) }
    }
}
