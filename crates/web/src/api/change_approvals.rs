//! A change's approval over HTTP: approve and reject
//! (`/changes/{number}/approve`, `/reject`), the round as it stands
//! (`/changes/{number}/approvals`), the changes awaiting a user's or a
//! group's decision (`/change-approvals`, the CAB's agenda) and the
//! approval policies (`/approval-policies`).

use super::change_dto::{ApproveJson, ChangeJson};
use super::desk::id_of;
use super::dto::{Ref, time};
use super::incidents::version;
use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json, query::Query};
use axum::{
    extract::{Path, State, rejection::PathRejection},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};
use steward_app::{
    approval_policies::{PolicyInput, PolicyView, StageInput},
    changes::Round,
};
use steward_domain::change::approval::{Approvers, StageState};
use utoipa::{IntoParams, ToSchema};

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    approve,
    reject,
    approval,
    awaiting,
    list_policies,
    add_policy,
    get_policy,
    update_policy,
    delete_policy
))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/changes/{number}/approve", post(approve))
        .route("/changes/{number}/reject", post(reject))
        .route("/changes/{number}/approvals", get(approval))
        .route("/change-approvals", get(awaiting))
        .route("/approval-policies", get(list_policies).post(add_policy))
        .route("/approval-policies/{id}", get(get_policy).put(update_policy).delete(delete_policy))
}

#[utoipa::path(post, operation_id = "approve_change", path = "/api/v1/changes/{number}/approve", tag = "changes",
    request_body(content = Option<ApproveJson>, description = "Optional when `If-Match` names the version"),
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, body = ChangeJson, headers(("ETag" = String))),
        (status = 403, description = "Not among the approvers the change's policy asks (with no policy: only managers \
            and admins), or one's own change", body = Problem),
        (status = 409, description = "Not in authorization, the approver's stage not open yet, decided already, or a \
            stale version", body = Problem)))]
pub async fn approve(
    s: State<AppState>,
    actor: ApiActor,
    number: Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    decide(s, actor, number, headers, body, true).await
}

#[utoipa::path(post, operation_id = "reject_change", path = "/api/v1/changes/{number}/reject", tag = "changes",
    request_body(content = ApproveJson, description = "`comment` (why) is required"),
    params(("number" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag you read")),
    responses((status = 200, description = "Rejected: back to assessment (an emergency change to draft), the \
            approval cleared", body = ChangeJson, headers(("ETag" = String))),
        (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, description = "No comment", body = Problem)))]
pub async fn reject(
    s: State<AppState>,
    actor: ApiActor,
    number: Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    decide(s, actor, number, headers, body, false).await
}

async fn decide(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
    approve: bool,
) -> Result<Response, ApiError> {
    let body = super::problems::optional_body::<ApproveJson>(&body)?.unwrap_or_default();
    let (v, used_header) = version(&headers, body.version)?;
    let done = if approve {
        s.app.approve_change(&actor, &number, v, body.comment).await
    } else {
        s.app.reject_change(&actor, &number, v, body.comment).await
    };
    let ch = done.map_err(|e| ApiError::from(e).with_if_match(used_header))?;
    Ok(super::changes::with_etag(StatusCode::OK, ch))
}

/// One approver of a stage and what they decided.
#[derive(Serialize, ToSchema)]
pub struct ApproverJson {
    pub user: Ref,
    /// `approved` or `rejected`; none: not yet.
    pub decision: Option<&'static str>,
    pub comment: Option<String>,
    pub decided_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApprovalStageJson {
    pub name: String,
    /// How many approvals the stage needs.
    pub quorum: u32,
    /// `waiting` (for an earlier stage), `open`, `approved` or `rejected`.
    pub state: &'static str,
    /// The group its approvers were asked through.
    pub group: Option<Ref>,
    pub approvers: Vec<ApproverJson>,
}

/// A change's current round of approval.
#[derive(Serialize, ToSchema)]
pub struct ApprovalJson {
    /// 1 the first time the change entered authorization, and so on; 0:
    /// never.
    pub round: i64,
    /// The policy the round follows; none: one manager's or admin's
    /// approval.
    pub policy: Option<String>,
    /// The stages run at once; otherwise one after another.
    pub parallel: bool,
    /// `pending`, `approved` or `rejected`; none without a policy.
    pub outcome: Option<&'static str>,
    pub stages: Vec<ApprovalStageJson>,
    /// Who may decide now.
    pub awaiting: Vec<Ref>,
}

impl From<Round> for ApprovalJson {
    fn from(r: Round) -> Self {
        let user = |id: i64| Ref { id, name: r.names.get(&id).cloned().unwrap_or_default() };
        let Some(plan) = &r.plan else {
            let (stages, awaiting) = (Vec::new(), Vec::new());
            return Self { round: r.round, policy: None, parallel: false, outcome: None, stages, awaiting };
        };
        let progress = r.progress.as_ref();
        let stages = plan
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| ApprovalStageJson {
                name: s.name.clone(),
                quorum: s.quorum,
                state: match progress.and_then(|p| p.stages.get(i)) {
                    Some(StageState::Waiting) => "waiting",
                    Some(StageState::Open) | None => "open",
                    Some(StageState::Approved) => "approved",
                    Some(StageState::Rejected) => "rejected",
                },
                group: s.group.map(|g| Ref { id: g, name: r.groups.get(&g).cloned().unwrap_or_default() }),
                approvers: s
                    .approvers
                    .iter()
                    .map(|u| {
                        let d = r.decisions.iter().find(|d| d.stage == i as i64 && d.user_id == *u);
                        ApproverJson {
                            user: user(*u),
                            decision: d.map(|d| if d.approved != 0 { "approved" } else { "rejected" }),
                            comment: d.and_then(|d| d.comment.clone()),
                            decided_at: d.map(|d| time(d.decided_at)),
                        }
                    })
                    .collect(),
            })
            .collect();
        let outcome = progress.map(|p| match p.outcome {
            steward_domain::change::approval::Outcome::Pending => "pending",
            steward_domain::change::approval::Outcome::Approved => "approved",
            steward_domain::change::approval::Outcome::Rejected => "rejected",
        });
        let mut awaiting: Vec<Ref> = Vec::new();
        for (_, u) in &r.awaiting {
            if !awaiting.iter().any(|a| a.id == *u) {
                awaiting.push(user(*u));
            }
        }
        Self {
            round: r.round,
            policy: Some(plan.policy_name.clone()),
            parallel: plan.parallel,
            outcome,
            stages,
            awaiting,
        }
    }
}

#[utoipa::path(get, operation_id = "get_change_approval", path = "/api/v1/changes/{number}/approvals", tag = "changes",
    params(("number" = String, Path, description = "e.g. CHG0000042")),
    responses((status = 200, description = "The change's current round: its policy, stages, decisions and who may \
            decide now", body = ApprovalJson),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn approval(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(number): Path<String>,
) -> Result<axum::Json<ApprovalJson>, ApiError> {
    Ok(axum::Json(ApprovalJson::from(s.app.change_approval(&actor, &number).await?)))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AwaitingQuery {
    /// A username or `me`: changes waiting for their decision.
    pub approver: Option<String>,
    /// A group's name: changes waiting for a decision from its members
    /// (the CAB's agenda).
    pub group: Option<String>,
}

/// A change waiting for approval, with its round.
#[derive(Serialize, ToSchema)]
pub struct AwaitingJson {
    pub change: ChangeJson,
    pub approval: ApprovalJson,
}

#[utoipa::path(get, operation_id = "list_change_approvals", path = "/api/v1/change-approvals", tag = "changes",
    params(AwaitingQuery),
    responses((status = 200, description = "Changes in authorization waiting for the approver's or the group's \
            decision, oldest first (without either: every change waiting under a policy)", body = Vec<AwaitingJson>),
        (status = 403, body = Problem), (status = 422, description = "No such user or group", body = Problem)))]
pub async fn awaiting(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Query(q): Query<AwaitingQuery>,
) -> Result<axum::Json<Vec<AwaitingJson>>, ApiError> {
    let found = s.app.awaiting_approval_named(&actor, q.approver.as_deref(), q.group.as_deref()).await?;
    let list = found
        .into_iter()
        .map(|(c, r)| AwaitingJson { change: ChangeJson::from(c), approval: ApprovalJson::from(r) })
        .collect();
    Ok(axum::Json(list))
}

/// A user a policy names.
#[derive(Serialize, ToSchema)]
pub struct PolicyUserJson {
    pub id: i64,
    pub username: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyStageJson {
    pub name: String,
    /// Named approvers (when the stage names users).
    pub users: Option<Vec<PolicyUserJson>>,
    /// The group whose members approve.
    pub group: Option<Ref>,
    /// The owner of the change's service approves.
    pub service_owner: bool,
    /// How many must approve; none: every named user, the owner, one
    /// member of the group.
    pub quorum: Option<u32>,
}

/// An approval policy: which changes (type, risk from, service; each
/// none: any) and who approves them, in stages.
#[derive(Serialize, ToSchema)]
pub struct PolicyJson {
    pub id: i64,
    pub name: String,
    /// Policies are tried in this order; the first that matches applies.
    pub position: i64,
    pub change_type: Option<String>,
    pub min_risk: Option<String>,
    pub service: Option<Ref>,
    pub self_approval: bool,
    pub parallel: bool,
    pub stages: Vec<PolicyStageJson>,
}

impl From<PolicyView> for PolicyJson {
    fn from(v: PolicyView) -> Self {
        let p = v.policy;
        let stages = p
            .stages
            .into_iter()
            .map(|s| {
                let (users, group, service_owner) = match s.approvers {
                    Approvers::Users(ids) => {
                        let users = ids
                            .iter()
                            .filter_map(|id| v.users.iter().find(|u| u.0 == *id))
                            .map(|(id, username, name)| PolicyUserJson {
                                id: *id,
                                username: username.clone(),
                                name: name.clone(),
                            })
                            .collect();
                        (Some(users), None, false)
                    }
                    Approvers::Group(g) => {
                        let name = v.groups.iter().find(|x| x.0 == g).map(|x| x.1.clone()).unwrap_or_default();
                        (None, Some(Ref { id: g, name }), false)
                    }
                    Approvers::ServiceOwner => (None, None, true),
                };
                PolicyStageJson { name: s.name, users, group, service_owner, quorum: s.quorum }
            })
            .collect();
        Self {
            id: p.id,
            name: p.name,
            position: v.position,
            change_type: p.change_type.map(|t| t.as_str().to_owned()),
            min_risk: p.min_risk.map(|r| r.as_str().to_owned()),
            service: p.service.map(|id| Ref { id, name: v.service_name.clone().unwrap_or_default() }),
            self_approval: p.self_approval,
            parallel: p.parallel,
            stages,
        }
    }
}

/// A stage as sent: exactly one of `users`, `group` and `service_owner`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyStageInputJson {
    pub name: String,
    /// Usernames of active agents, managers or admins.
    pub users: Option<Vec<String>>,
    /// A group's name.
    pub group: Option<String>,
    #[serde(default)]
    pub service_owner: bool,
    /// At least 1; at most the named users (the owner: 1; a group: 100).
    pub quorum: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInputJson {
    pub name: String,
    /// Where it is tried; none: after the others (or where it was).
    pub position: Option<i64>,
    /// `standard`, `normal` or `emergency`; none: every type.
    pub change_type: Option<String>,
    /// `low`, `moderate`, `high` or `very_high`: changes assessed at this
    /// level or above; none: any.
    pub min_risk: Option<String>,
    /// A service's name; none: any.
    pub service: Option<String>,
    /// Whether a change's requester and raiser may approve it.
    #[serde(default)]
    pub self_approval: bool,
    /// All stages at once; otherwise one after another.
    #[serde(default)]
    pub parallel: bool,
    pub stages: Vec<PolicyStageInputJson>,
}

impl From<PolicyInputJson> for PolicyInput {
    fn from(b: PolicyInputJson) -> Self {
        Self {
            name: b.name,
            position: b.position,
            change_type: b.change_type,
            min_risk: b.min_risk,
            service: b.service,
            self_approval: b.self_approval,
            parallel: b.parallel,
            stages: b
                .stages
                .into_iter()
                .map(|s| StageInput {
                    name: s.name,
                    users: s.users,
                    group: s.group,
                    service_owner: s.service_owner,
                    quorum: s.quorum,
                })
                .collect(),
        }
    }
}

#[utoipa::path(get, operation_id = "list_approval_policies", path = "/api/v1/approval-policies", tag = "changes",
    responses((status = 200, description = "The policies in the order they are tried", body = Vec<PolicyJson>),
        (status = 403, body = Problem)))]
pub async fn list_policies(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<Vec<PolicyJson>>, ApiError> {
    Ok(axum::Json(s.app.approval_policies(&actor).await?.into_iter().map(PolicyJson::from).collect()))
}

#[utoipa::path(post, operation_id = "add_approval_policy", path = "/api/v1/approval-policies", tag = "changes",
    request_body = PolicyInputJson,
    responses((status = 201, body = PolicyJson), (status = 403, description = "Managers and admins only", body = Problem),
        (status = 422, description = "Every bad field at once (`stages[0].users[1]`, …)", body = Problem)))]
pub async fn add_policy(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<PolicyInputJson>,
) -> Result<(StatusCode, axum::Json<PolicyJson>), ApiError> {
    let p = s.app.add_approval_policy(&actor, b.into()).await?;
    Ok((StatusCode::CREATED, axum::Json(PolicyJson::from(p))))
}

#[utoipa::path(get, operation_id = "get_approval_policy", path = "/api/v1/approval-policies/{id}", tag = "changes",
    params(("id" = i64, Path)),
    responses((status = 200, body = PolicyJson), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_policy(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<axum::Json<PolicyJson>, ApiError> {
    Ok(axum::Json(PolicyJson::from(s.app.approval_policy(&actor, id_of(id, "approval policy")?).await?)))
}

#[utoipa::path(put, operation_id = "update_approval_policy", path = "/api/v1/approval-policies/{id}", tag = "changes",
    params(("id" = i64, Path)), request_body = PolicyInputJson,
    responses((status = 200, description = "Replaced; rounds under way keep the plan they started with",
            body = PolicyJson),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_policy(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
    Json(b): Json<PolicyInputJson>,
) -> Result<axum::Json<PolicyJson>, ApiError> {
    let id = id_of(id, "approval policy")?;
    Ok(axum::Json(PolicyJson::from(s.app.update_approval_policy(&actor, id, b.into()).await?)))
}

#[utoipa::path(delete, operation_id = "delete_approval_policy", path = "/api/v1/approval-policies/{id}", tag = "changes",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted; rounds under way keep their plan"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_policy(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    id: Result<Path<i64>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_approval_policy(&actor, id_of(id, "approval policy")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
