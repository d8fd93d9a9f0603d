//! A change's approval: each time it enters authorization a round starts
//! with the plan of the first approval policy that matches it (or none:
//! then one manager's or admin's approval, never on their own change);
//! the approvers the plan asks approve or reject, stage by stage, each
//! decision journaled. The change is approved when every stage has its
//! quorum; one rejection sends it back (a normal change to assessment, an
//! emergency one to draft) with the approval cleared.

use super::{Change, details_diff};
use crate::{
    Actor, App, Code,
    error::AppError,
    incidents::diff,
    notify::{self, compose::Ctx},
};
use std::collections::HashMap;
use steward_domain::{
    change::{
        ChangeState, ChangeType, RiskLevel,
        approval::{self, Approvers, Decision, Outcome, Plan, Progress, Who},
        can_approve_change, can_view_change, own_approval, targets,
    },
    journal::{Action, FieldChange},
    text,
};
use steward_store::{
    Conn, StoreError, accounts,
    approvals::{self as store, DecisionRow, PlanRow},
    changes::Details,
    cmdb, now_micros,
    records::{self as store_records, Record},
};

/// A round as it stands: its plan (none: no policy matched, one manager
/// approves), the decisions given and where that leaves it.
#[derive(Debug, Clone)]
pub struct Round {
    pub round: i64,
    pub plan: Option<Plan>,
    pub decisions: Vec<DecisionRow>,
    pub progress: Option<Progress>,
    /// (stage, user) of those who may decide now.
    pub awaiting: Vec<(u32, i64)>,
    /// User id → display name, for everyone the plan and decisions name.
    pub names: HashMap<i64, String>,
    /// Group id → name, for the groups the plan asked through.
    pub groups: HashMap<i64, String>,
}

/// A round about to start: the row to write, its journal lines and, under
/// a policy, the approvers to ask by e-mail.
pub(crate) struct NewRound {
    row: PlanRow,
    journal: Vec<FieldChange>,
    ask: Option<(Plan, Vec<(u32, i64)>)>,
}

/// The round a change entering authorization starts: its policy's plan,
/// refused when a stage could never reach its quorum.
pub(crate) async fn start_round(c: &mut Conn, rec: &Record, d: &Details) -> Result<NewRound, AppError> {
    let rows = store::policies(c).await?;
    let policies = rows.iter().map(crate::approval_policies::policy_of).collect::<Result<Vec<_>, _>>()?;
    let facts = approval::ChangeFacts {
        change_type: d.change_type.parse().unwrap_or(ChangeType::Normal),
        risk: d.risk_level.as_deref().and_then(|r| r.parse::<RiskLevel>().ok()),
        service: rec.service_id,
    };
    let round = store::last_round(c, rec.id).await? + 1;
    let now = now_micros();
    let Some(policy) = approval::pick(&policies, &facts) else {
        let row = PlanRow { record_id: rec.id, round, policy_id: None, plan: "null".into(), created_at: now };
        return Ok(NewRound { row, journal: Vec::new(), ask: None });
    };
    let mut members = HashMap::new();
    for s in &policy.stages {
        if let Approvers::Group(g) = s.approvers {
            let users = accounts::members_of(c, g).await?;
            let ids = users.into_iter().filter(|u| u.active != 0 && u.role != "requester").map(|u| u.id).collect();
            members.insert(g, ids);
        }
    }
    let service_owner = match rec.service_id {
        Some(s) => cmdb::get(c, s).await?.and_then(|ci| ci.owner_id),
        None => None,
    };
    let plan = {
        let members_of = |g: i64| members.get(&g).cloned().unwrap_or_default();
        let who = Who { own: &[rec.requester_id, rec.created_by], service_owner, members: &members_of };
        approval::resolve(policy, &who).map_err(|m| AppError::Transition { message: m, allowed: Vec::new() })?
    };
    let names = names_of(c, plan.stages.iter().flat_map(|s| s.approvers.iter().copied())).await?;
    let json = serde_json::to_string(&plan).map_err(|e| AppError::Internal(e.to_string()))?;
    let journal = [
        FieldChange::new("approval_policy", None, Some(plan.policy_name.clone())),
        FieldChange::new("approvers", None, Some(describe(&plan, &names))),
    ];
    let row = PlanRow { record_id: rec.id, round, policy_id: Some(plan.policy), plan: json, created_at: now };
    let asked = approval::awaiting(&plan, &[]);
    Ok(NewRound { row, journal: journal.into_iter().flatten().collect(), ask: Some((plan, asked)) })
}

/// Writes the round and asks its first approvers; its journal lines.
pub(crate) async fn write_round(
    c: &mut Conn,
    ctx: &Ctx,
    change: (&Record, &Details),
    r: NewRound,
) -> Result<Vec<FieldChange>, AppError> {
    store::insert_plan(c, &r.row).await?;
    if let Some((plan, asked)) = &r.ask {
        notify::approval::ask(c, ctx, change, plan, r.row.round, asked, r.row.created_at).await?;
    }
    Ok(r.journal)
}

/// "CAB: 2 of Ann Lee, Bo Chen, Cy Diaz; then Owner: Dan Eve".
fn describe(plan: &Plan, names: &HashMap<i64, String>) -> String {
    let joiner = if plan.parallel { "; and " } else { "; then " };
    let stages: Vec<String> = plan
        .stages
        .iter()
        .map(|s| {
            let who: Vec<&str> = s.approvers.iter().map(|u| names.get(u).map_or("?", String::as_str)).collect();
            if s.quorum as usize == s.approvers.len() {
                format!("{}: {}", s.name, who.join(", "))
            } else {
                format!("{}: {} of {}", s.name, s.quorum, who.join(", "))
            }
        })
        .collect();
    stages.join(joiner)
}

async fn names_of(c: &mut Conn, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, String>, AppError> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id)
            && let Some(u) = accounts::user_by_id(c, id).await?
        {
            e.insert(u.display_name);
        }
    }
    Ok(names)
}

/// The plan of the change's current round and its decisions; none when it
/// entered authorization with no policy (or before policies existed).
async fn current(c: &mut Conn, record_id: i64) -> Result<Option<(i64, Plan, Vec<DecisionRow>)>, AppError> {
    let Some(row) = store::last_plan(c, record_id).await? else { return Ok(None) };
    let plan: Option<Plan> = serde_json::from_str(&row.plan).map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(plan) = plan else { return Ok(None) };
    let decisions = store::decisions(c, record_id, row.round).await?;
    Ok(Some((row.round, plan, decisions)))
}

fn decisions_of(rows: &[DecisionRow]) -> Vec<Decision> {
    rows.iter().map(|d| Decision { stage: d.stage as u32, user: d.user_id, approve: d.approved != 0 }).collect()
}

/// The stage the actor decides in, or why not.
fn stage_of(plan: &Plan, rows: &[DecisionRow], actor: &Actor, own: bool) -> Result<u32, AppError> {
    if own && !plan.self_approval {
        return Err(own_approval().into());
    }
    approval::stage_for(plan, &decisions_of(rows), actor.id).map_err(|r| match r {
        approval::Refusal::NotAsked => AppError::Forbidden(r.message()),
        _ => AppError::Transition { message: r.message(), allowed: Vec::new() },
    })
}

fn code_refused(text: &str) -> AppError {
    AppError::Forbidden(Code::ApprovalDecided.msg(text))
}

/// The code must be unused and sent to this approver for this round and
/// stage.
async fn check_code(
    c: &mut Conn,
    hash: &str,
    (record, round, stage): (i64, i64, u32),
    user: i64,
) -> Result<(), AppError> {
    let Some(row) = store::code(c, hash).await? else { return Err(code_refused("the approval code is unknown")) };
    if row.used_at.is_some() {
        return Err(code_refused("the approval code was used already"));
    }
    if row.user_id != user {
        return Err(code_refused(
            "the approval code was sent to another approver: a decision by e-mail is accepted only from the approver's own address",
        ));
    }
    if (row.record_id, row.round, row.stage) != (record, round, i64::from(stage)) {
        return Err(code_refused("the approval code is for an approval request that is no longer open"));
    }
    Ok(())
}

/// What a decision sets: the check's findings, handed to the write.
struct Decided {
    old: Record,
    details: Details,
    /// (round, stage) when a plan asked the actor.
    at: Option<(i64, u32, Plan, Vec<DecisionRow>)>,
}

impl App {
    /// Approves the change (in authorization, still at `version`) as one of
    /// the approvers its plan asks now, with an optional comment.
    pub async fn approve_change(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        comment: Option<String>,
    ) -> Result<Change, AppError> {
        self.decide(actor, number, version, comment, true, None).await
    }

    /// Rejects the change: the comment (why) is required; the change goes
    /// back with its approval cleared.
    pub async fn reject_change(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        comment: Option<String>,
    ) -> Result<Change, AppError> {
        if comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err(AppError::field("comment", Code::Required.msg("say why the change is rejected")));
        }
        self.decide(actor, number, version, comment, false, None).await
    }

    /// A decision; `code` the hash of the e-mail code it came with, which
    /// must be the actor's for this round and stage, and unused.
    pub(crate) async fn decide(
        &self,
        actor: &Actor,
        number: &str,
        version: Option<i64>,
        comment: Option<String>,
        approve: bool,
        code: Option<String>,
    ) -> Result<Change, AppError> {
        can_view_change(actor.role)?;
        let n = super::parse_number(number)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let comment = comment
            .filter(|c| !c.trim().is_empty())
            .map(|c| text::check(&c, text::NOTES).map_err(|e| AppError::field("comment", e)))
            .transpose()?;
        let (dialect, actor2, actor_id, ctx) = (self.store.dialect(), actor.clone(), actor.id, self.notify_ctx());
        let code2 = code.clone();
        self.store
            .write_checked(
                move |c| {
                    Box::pin(async move {
                        let actor = actor2;
                        let (old, details) = super::lock_at(c, dialect, n, version).await?;
                        if old.state != ChangeState::Authorization.as_str() {
                            let text = format!("a change is approved only in authorization; this one is {}", old.state);
                            let message = Code::NotAwaitingApproval.msg(text).with("state", &old.state);
                            return Err(AppError::Transition { message, allowed: Vec::new() });
                        }
                        let own = old.requester_id == actor.id || old.created_by == actor.id;
                        let at = match current(c, old.id).await? {
                            Some((round, plan, rows)) => {
                                let stage = stage_of(&plan, &rows, &actor, own)?;
                                if let Some(hash) = &code2 {
                                    check_code(c, hash, (old.id, round, stage), actor.id).await?;
                                }
                                Some((round, stage, plan, rows))
                            }
                            None => {
                                can_approve_change(actor.role, own)?;
                                None
                            }
                        };
                        Ok::<_, AppError>(Decided { old, details, at })
                    })
                },
                move |c, Decided { old, details: old_details, at }| {
                    Box::pin(async move {
                        let now = now_micros();
                        // A manager's approval with no plan, given twice, changes nothing.
                        if approve && at.is_none() && old_details.approved != 0 {
                            return Ok(Change { record: old, details: old_details });
                        }
                        let mut lines = Vec::new();
                        let outcome = match at {
                            Some((round, stage, plan, mut rows)) => {
                                let row = DecisionRow {
                                    record_id: old.id,
                                    round,
                                    stage: i64::from(stage),
                                    user_id: actor_id,
                                    approved: i64::from(approve),
                                    comment: comment.clone(),
                                    decided_at: now,
                                };
                                if let Some(hash) = &code
                                    && !store::use_code(c, hash, now).await?
                                {
                                    return Err(code_refused("the approval code was used already"));
                                }
                                store::insert_decision(c, &row).await?;
                                let before = approval::awaiting(&plan, &decisions_of(&rows));
                                rows.push(row);
                                let p = approval::progress(&plan, &decisions_of(&rows));
                                // A stage this decision opened asks its approvers now.
                                let opened: Vec<(u32, i64)> = approval::awaiting(&plan, &decisions_of(&rows))
                                    .into_iter()
                                    .filter(|a| !before.contains(a))
                                    .collect();
                                if !opened.is_empty() {
                                    notify::approval::ask(c, &ctx, (&old, &old_details), &plan, round, &opened, now)
                                        .await?;
                                }
                                let s = &plan.stages[stage as usize];
                                let given = rows.iter().filter(|r| r.stage == i64::from(stage) && r.approved != 0);
                                let line = if approve {
                                    format!("approved in {} ({} of {})", s.name, given.count(), s.quorum)
                                } else {
                                    format!("rejected in {}", s.name)
                                };
                                lines.extend(FieldChange::new("approval", None, Some(line)));
                                p.outcome
                            }
                            None if approve => Outcome::Approved,
                            None => Outcome::Rejected,
                        };
                        lines.extend(FieldChange::new("approval_comment", None, comment));
                        let mut new = old.clone();
                        let mut details = old_details.clone();
                        let action = match outcome {
                            Outcome::Approved => {
                                (details.approved, details.approved_at) = (1, Some(now));
                                Action::Updated
                            }
                            Outcome::Pending => Action::Updated,
                            Outcome::Rejected => {
                                let ty: ChangeType = details.change_type.parse().unwrap_or_default();
                                let back = targets(ty, ChangeState::Authorization);
                                let to = if back.contains(&ChangeState::Assessment) {
                                    ChangeState::Assessment
                                } else {
                                    ChangeState::Draft
                                };
                                new.state = to.as_str().to_owned();
                                (details.approved, details.approved_at) = (0, None);
                                Action::StateChanged
                            }
                        };
                        let mut changes = diff(&old, &new);
                        changes.extend(details_diff(&old_details, &details));
                        changes.extend(lines);
                        super::write_change(c, actor_id, &old, new, details, (version, now), (action, &changes)).await
                    })
                },
            )
            .await
    }

    /// The change's current approval round as it stands.
    pub async fn change_approval(&self, actor: &Actor, number: &str) -> Result<Round, AppError> {
        let change = self.get_change(actor, number).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let round = store::last_round(&mut conn, change.record.id).await?;
        let Some((round, plan, decisions)) = current(&mut conn, change.record.id).await? else {
            let names = HashMap::new();
            let progress = None;
            let (decisions, awaiting, groups) = (Vec::new(), Vec::new(), HashMap::new());
            return Ok(Round { round, plan: None, decisions, progress, awaiting, names, groups });
        };
        round_of(&mut conn, round, plan, decisions).await
    }

    /// [`Self::awaiting_approval`] by a username (or `me`) and a group's
    /// name, each refused beside its field when there is no such one.
    pub async fn awaiting_approval_named(
        &self,
        actor: &Actor,
        approver: Option<&str>,
        group: Option<&str>,
    ) -> Result<Vec<(Change, Round)>, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = match approver.map(str::trim).filter(|s| !s.is_empty()) {
            Some("me") => Some(actor.id),
            Some(name) => match accounts::user_by_name(&mut conn, name).await? {
                Some(u) => Some(u.id),
                None => {
                    return Err(AppError::field("approver", Code::NoSuchUser.msg(format!("no user named {name:?}"))));
                }
            },
            None => None,
        };
        let group = match group.map(str::trim).filter(|s| !s.is_empty()) {
            Some(name) => match accounts::group_by_name(&mut conn, name).await? {
                Some(g) => Some(g.id),
                None => {
                    let m = Code::NoGroup.msg(format!("no group named {name:?}")).with("name", name);
                    return Err(AppError::field("group", m));
                }
            },
            None => None,
        };
        drop(conn);
        self.awaiting_approval(actor, user, group).await
    }

    /// The changes in authorization waiting for `user`'s decision, or for
    /// a decision from `group`'s members (the CAB's agenda), oldest first.
    pub async fn awaiting_approval(
        &self,
        actor: &Actor,
        user: Option<i64>,
        group: Option<i64>,
    ) -> Result<Vec<(Change, Round)>, AppError> {
        can_view_change(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let waiting =
            store_records::in_state(&mut conn, super::KIND, ChangeState::Authorization.as_str(), 1_000).await?;
        let ids: Vec<i64> = waiting.iter().map(|r| r.id).collect();
        let plans = store::last_plans(&mut conn, &ids).await?;
        let decisions = store::decisions_of(&mut conn, &ids).await?;
        let details = steward_store::changes::details_many(&mut conn, &ids).await?;
        let mut out = Vec::new();
        for rec in waiting {
            let Some(row) = plans.iter().find(|p| p.record_id == rec.id) else { continue };
            let Ok(Some(plan)) = serde_json::from_str::<Option<Plan>>(&row.plan) else { continue };
            let rows: Vec<DecisionRow> =
                decisions.iter().filter(|d| d.record_id == rec.id && d.round == row.round).cloned().collect();
            let awaiting = approval::awaiting(&plan, &decisions_of(&rows));
            let wanted = awaiting.iter().any(|(stage, u)| {
                user.is_none_or(|me| *u == me) && group.is_none_or(|g| plan.stages[*stage as usize].group == Some(g))
            });
            let Some(d) = details.iter().find(|d| d.record_id == rec.id).cloned() else { continue };
            if wanted {
                let round = round_of(&mut conn, row.round, plan, rows).await?;
                out.push((Change { record: rec, details: d }, round));
            }
        }
        Ok(out)
    }
}

async fn round_of(c: &mut Conn, round: i64, plan: Plan, decisions: Vec<DecisionRow>) -> Result<Round, AppError> {
    let ds = decisions_of(&decisions);
    let progress = approval::progress(&plan, &ds);
    let awaiting = approval::awaiting(&plan, &ds);
    let ids = plan.stages.iter().flat_map(|s| s.approvers.iter().copied()).chain(decisions.iter().map(|d| d.user_id));
    let names = names_of(c, ids.collect::<Vec<_>>().into_iter()).await?;
    let mut groups = HashMap::new();
    for g in plan.stages.iter().filter_map(|s| s.group) {
        if let Some(found) = accounts::group_by_id(c, g).await? {
            groups.insert(g, found.name);
        }
    }
    Ok(Round { round, plan: Some(plan), decisions, progress: Some(progress), awaiting, names, groups })
}
