//! Approval policies: who approves which changes (by type, risk and
//! service), in which stages. Managers and admins keep them; the desk reads
//! them. Users and groups are sent by name and kept by id, every field's
//! problem at once (`stages[1].users[0]`, …).

use crate::{
    Actor, App, Code,
    error::{AppError, Errors},
};
use steward_domain::{
    Role,
    access::Denied,
    change::{
        ChangeType, RiskLevel,
        approval::{self, Approvers, Policy, StageRule},
        can_view_change,
    },
    text,
};
use steward_store::{
    StoreError, accounts,
    approvals::{self as store, PolicyRow},
    now_micros,
};

/// A policy as sent.
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub name: String,
    /// Where it is tried; none: after the others (on create) or where it
    /// was (on update).
    pub position: Option<i64>,
    pub change_type: Option<String>,
    pub min_risk: Option<String>,
    /// The service's name.
    pub service: Option<String>,
    pub self_approval: bool,
    pub parallel: bool,
    pub stages: Vec<StageInput>,
}

/// A stage as sent: exactly one of `users`, `group` and `service_owner`.
#[derive(Debug, Clone, Default)]
pub struct StageInput {
    pub name: String,
    pub users: Option<Vec<String>>,
    pub group: Option<String>,
    pub service_owner: bool,
    pub quorum: Option<i64>,
}

/// A policy with the names of what it refers to.
#[derive(Debug, Clone)]
pub struct PolicyView {
    pub policy: Policy,
    pub position: i64,
    pub service_name: Option<String>,
    /// Id → (username, display name) of the users its stages name.
    pub users: Vec<(i64, String, String)>,
    /// Id → name of the groups its stages name.
    pub groups: Vec<(i64, String)>,
}

/// Keeping the approval policies: managers and admins.
fn can_keep_policies(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can set approval policies", Code::DenyApprovalPolicies))
    }
}

/// The domain's policy from its row.
pub(crate) fn policy_of(row: &PolicyRow) -> Result<Policy, AppError> {
    let bad = |e: String| AppError::Internal(format!("approval policy {}: {e}", row.id));
    Ok(Policy {
        id: row.id,
        name: row.name.clone(),
        change_type: row.change_type.as_deref().map(str::parse::<ChangeType>).transpose().map_err(|e| bad(e.text))?,
        min_risk: row.min_risk.as_deref().map(str::parse::<RiskLevel>).transpose().map_err(|e| bad(e.text))?,
        service: row.service_id,
        self_approval: row.self_approval != 0,
        parallel: row.parallel != 0,
        stages: serde_json::from_str(&row.stages).map_err(|e| bad(e.to_string()))?,
    })
}

impl App {
    pub async fn approval_policies(&self, actor: &Actor) -> Result<Vec<PolicyView>, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::policies(&mut conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.view_of(&mut conn, r).await?);
        }
        Ok(out)
    }

    pub async fn approval_policy(&self, actor: &Actor, id: i64) -> Result<PolicyView, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::policy(&mut conn, id).await?.ok_or(AppError::NotFound("approval policy"))?;
        self.view_of(&mut conn, &row).await
    }

    pub async fn add_approval_policy(&self, actor: &Actor, input: PolicyInput) -> Result<PolicyView, AppError> {
        can_keep_policies(actor.role)?;
        let mut row = self.checked_policy(input.clone(), 0).await?;
        let position = input.position;
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    if store::policy_named(c, &row.name).await?.is_some() {
                        return Err(taken());
                    }
                    row.position = match position {
                        Some(p) => p,
                        None => store::next_position(c).await?,
                    };
                    Ok::<_, AppError>(store::insert_policy(c, &row).await?)
                })
            })
            .await?;
        self.approval_policy(actor, id).await
    }

    pub async fn update_approval_policy(
        &self,
        actor: &Actor,
        id: i64,
        input: PolicyInput,
    ) -> Result<PolicyView, AppError> {
        can_keep_policies(actor.role)?;
        let mut row = self.checked_policy(input.clone(), id).await?;
        let position = input.position;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let old = store::policy(c, id).await?.ok_or(AppError::NotFound("approval policy"))?;
                    if store::policy_named(c, &row.name).await?.is_some_and(|p| p.id != id) {
                        return Err(taken());
                    }
                    (row.position, row.created_at) = (position.unwrap_or(old.position), old.created_at);
                    store::update_policy(c, &row).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.approval_policy(actor, id).await
    }

    /// Deletes the policy; the rounds it planned keep their plans.
    pub async fn delete_approval_policy(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        can_keep_policies(actor.role)?;
        let gone = self.store.write(move |c| Box::pin(async move { store::delete_policy(c, id).await })).await?;
        if gone { Ok(()) } else { Err(AppError::NotFound("approval policy")) }
    }

    /// The input checked and resolved to ids, as a row (`id`, position and
    /// creation filled in by the caller).
    async fn checked_policy(&self, p: PolicyInput, id: i64) -> Result<PolicyRow, AppError> {
        let mut errs = Errors::default();
        let name = errs.check("name", text::check(&p.name, text::NAME));
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let change_type = blank(&p.change_type).and_then(|t| errs.check("change_type", t.parse::<ChangeType>()));
        let min_risk = blank(&p.min_risk).and_then(|t| errs.check("min_risk", t.parse::<RiskLevel>()));
        let service = match blank(&p.service) {
            Some(s) => match self.resolve_service(&s).await {
                Ok((id, _)) => Some(id),
                Err(AppError::Invalid(found)) => {
                    errs.0.extend(found);
                    None
                }
                Err(e) => return Err(e),
            },
            None => None,
        };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        // Each stage's approvers; none where they could not be read, so the
        // stages' own rules run only when every stage was read.
        let mut stages = Vec::with_capacity(p.stages.len());
        for (i, s) in p.stages.iter().enumerate() {
            let field = |f: &str| format!("stages[{i}].{f}");
            let stage_name = errs.check(&field("name"), text::check(&s.name, text::NAME)).unwrap_or_default();
            let kinds =
                usize::from(s.users.is_some()) + usize::from(blank(&s.group).is_some()) + usize::from(s.service_owner);
            let approvers = if kinds != 1 {
                let text = "give exactly one of users, group and service_owner";
                errs.add(&format!("stages[{i}]"), Code::NotApplicable.msg(text));
                None
            } else if let Some(users) = &s.users {
                let before = errs.0.len();
                let mut ids = Vec::with_capacity(users.len());
                for (j, u) in users.iter().enumerate() {
                    match accounts::user_by_name(&mut conn, u.trim()).await? {
                        Some(found) if found.active != 0 && found.role != "requester" => ids.push(found.id),
                        _ => errs.add(
                            &format!("stages[{i}].users[{j}]"),
                            Code::NoSuchUser.msg(format!("no active agent, manager or admin named {:?}", u.trim())),
                        ),
                    }
                }
                (errs.0.len() == before).then_some(Approvers::Users(ids))
            } else if let Some(g) = blank(&s.group) {
                match accounts::group_by_name(&mut conn, &g).await? {
                    Some(found) => Some(Approvers::Group(found.id)),
                    None => {
                        errs.add(&field("group"), Code::NoGroup.msg(format!("no group named {g:?}")).with("name", &g));
                        None
                    }
                }
            } else {
                Some(Approvers::ServiceOwner)
            };
            // Out of u32's range is out of every stage's: 0 says so.
            let quorum = s.quorum.map(|q| u32::try_from(q).unwrap_or(0));
            stages.push(approvers.map(|approvers| StageRule { name: stage_name, approvers, quorum }));
        }
        drop(conn);
        let whole = stages.iter().all(Option::is_some);
        let stages = stages.into_iter().flatten().collect();
        let policy = Policy {
            id,
            name: name.clone().unwrap_or_default(),
            change_type,
            min_risk,
            service,
            self_approval: p.self_approval,
            parallel: p.parallel,
            stages,
        };
        if whole {
            for (field, m) in approval::check(&policy) {
                errs.add(&field, m);
            }
        }
        errs.finish()?;
        let now = now_micros();
        Ok(PolicyRow {
            id,
            name: policy.name.clone(),
            position: 0,
            change_type: policy.change_type.map(|t| t.as_str().to_owned()),
            min_risk: policy.min_risk.map(|r| r.as_str().to_owned()),
            service_id: policy.service,
            self_approval: i64::from(policy.self_approval),
            parallel: i64::from(policy.parallel),
            stages: serde_json::to_string(&policy.stages).map_err(|e| AppError::Internal(e.to_string()))?,
            created_at: now,
            updated_at: now,
        })
    }

    /// The policy with the names its ids stand for.
    async fn view_of(&self, conn: &mut steward_store::Conn, row: &PolicyRow) -> Result<PolicyView, AppError> {
        let policy = policy_of(row)?;
        let (mut users, mut groups) = (Vec::new(), Vec::new());
        for s in &policy.stages {
            match &s.approvers {
                Approvers::Users(ids) => {
                    for u in ids {
                        if let Some(found) = accounts::user_by_id(conn, *u).await? {
                            users.push((found.id, found.username, found.display_name));
                        }
                    }
                }
                Approvers::Group(g) => {
                    if let Some(found) = accounts::group_by_id(conn, *g).await? {
                        groups.push((found.id, found.name));
                    }
                }
                Approvers::ServiceOwner => {}
            }
        }
        let service_name = match policy.service {
            Some(s) => self.cmdb_view(move |v| v.ci(s).map(|b| b.name.clone())).await?,
            None => None,
        };
        Ok(PolicyView { policy, position: row.position, service_name, users, groups })
    }
}

fn taken() -> AppError {
    AppError::field("name", Code::NameTaken.msg("another approval policy already has this name"))
}
