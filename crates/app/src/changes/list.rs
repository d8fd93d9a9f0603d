//! The change list's filters as the API takes them (text): the incident
//! list's where they apply, read by the same code, plus the change's own
//! states, its type and its risk level.

use super::KIND;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::ListParams,
};
use serde::{Deserialize, Serialize};
use steward_domain::change::{ChangeState, ChangeType, RiskLevel};
use steward_store::{changes as store_changes, records::Filter};

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeListParams {
    /// Comma-separated states; `open` means draft, assessment,
    /// authorization, scheduled and implementing.
    pub state: Option<String>,
    /// Comma-separated priorities 1–5.
    pub priority: Option<String>,
    /// Comma-separated group names; `mine`, `none`.
    pub group: Option<String>,
    /// The change owner: a username, `me` or `none`.
    pub assignee: Option<String>,
    /// standard, normal or emergency.
    pub change_type: Option<String>,
    /// The assessed risk: low, moderate, high or very_high.
    pub risk_level: Option<String>,
    pub service: Option<String>,
    /// Words in the title or description.
    pub text: Option<String>,
    /// priority (default), -priority, opened, -opened, updated, -updated,
    /// number, -number
    pub sort: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

impl App {
    /// Checks and resolves change list parameters: the shared ones as the
    /// incident list reads them, every bad one named at once.
    pub async fn change_filter(&self, actor: &Actor, p: &ChangeListParams) -> Result<Filter, AppError> {
        steward_domain::change::can_view_change(actor.role)?;
        let mut errs = Errors::default();
        let states = crate::incidents::kind_states::<ChangeState>(&mut errs, p.state.as_deref());
        let ty = p.change_type.as_deref().and_then(|t| super::change_type(&mut errs, t));
        let level = p.risk_level.as_deref().and_then(|l| errs.check("risk_level", l.trim().parse::<RiskLevel>()));
        let extra = store_changes::details_filter(ty.map(ChangeType::as_str), level.map(RiskLevel::as_str));
        let shared = ListParams {
            priority: p.priority.clone(),
            group: p.group.clone(),
            assignee: p.assignee.clone(),
            service: p.service.clone(),
            text: p.text.clone(),
            sort: p.sort.clone(),
            cursor: p.cursor.clone(),
            limit: p.limit,
            ..ListParams::default()
        };
        self.kind_filter(actor, &shared, (KIND, states, extra), errs).await
    }
}
