//! Approval policies and the flow they give a change in authorization.
//!
//! A [`Policy`] says, for changes of a type, from a risk level up and on a
//! service (each optional), who approves: its stages, each named users,
//! the service's owner or a group, and how many of them must approve (the
//! quorum: all named users, the owner, one of a group unless told). Stages
//! run one after another, or all at once when the policy is parallel. The
//! first policy in order that matches a change is its policy.
//!
//! When a change enters authorization its policy is resolved into a
//! [`Plan`]: the users of each stage at that moment (group members, the
//! owner), without the change's own requester and raiser unless the policy
//! lets them approve their own change. A plan that could never be approved
//! (fewer approvers than its quorum) is refused before anyone is asked.
//! [`progress`] reads the decisions against the plan: one rejection stops
//! the flow; the change is approved when every stage has its quorum.

use super::{ChangeType, RiskLevel};
use crate::code::{Code, Message};
use serde::{Deserialize, Serialize};

/// Who a policy's stage asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approvers {
    /// These users (ids).
    Users(Vec<i64>),
    /// The owner of the change's service.
    ServiceOwner,
    /// The members of this group (id).
    Group(i64),
}

/// A stage as the policy names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRule {
    pub name: String,
    pub approvers: Approvers,
    /// How many must approve; none: every named user, the owner, or one
    /// member of the group.
    pub quorum: Option<u32>,
}

impl StageRule {
    fn quorum(&self) -> u32 {
        self.quorum.unwrap_or(match &self.approvers {
            Approvers::Users(u) => u.len() as u32,
            Approvers::ServiceOwner | Approvers::Group(_) => 1,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: i64,
    pub name: String,
    /// Only changes of this type; none: every type.
    pub change_type: Option<ChangeType>,
    /// Only changes assessed at this level or above; none: any risk,
    /// assessed or not.
    pub min_risk: Option<RiskLevel>,
    /// Only changes on this service (a CI id); none: any.
    pub service: Option<i64>,
    /// Whether the change's requester and raiser may approve it.
    pub self_approval: bool,
    /// All stages at once; otherwise one after another.
    pub parallel: bool,
    pub stages: Vec<StageRule>,
}

/// What a policy is matched on.
#[derive(Debug, Clone, Copy)]
pub struct ChangeFacts {
    pub change_type: ChangeType,
    pub risk: Option<RiskLevel>,
    pub service: Option<i64>,
}

impl Policy {
    pub fn matches(&self, c: &ChangeFacts) -> bool {
        self.change_type.is_none_or(|t| t == c.change_type)
            && self.min_risk.is_none_or(|min| c.risk.is_some_and(|r| r >= min))
            && self.service.is_none_or(|s| c.service == Some(s))
    }
}

/// The first policy, in their order, that matches the change.
pub fn pick<'a>(policies: &'a [Policy], c: &ChangeFacts) -> Option<&'a Policy> {
    policies.iter().find(|p| p.matches(c))
}

/// A policy resolved for one round of authorization: who approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub policy: i64,
    pub policy_name: String,
    pub parallel: bool,
    /// Whether the requester and raiser were asked too.
    pub self_approval: bool,
    pub stages: Vec<PlanStage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStage {
    pub name: String,
    pub quorum: u32,
    /// The users asked, in the order shown.
    pub approvers: Vec<i64>,
    /// The group they were asked through, if any (the CAB's view).
    pub group: Option<i64>,
}

/// What the resolution needs to know beyond the policy.
pub struct Who<'a> {
    /// The change's requester and raiser.
    pub own: &'a [i64],
    /// The service's owner, if it has one.
    pub service_owner: Option<i64>,
    /// The active members of a group.
    pub members: &'a dyn Fn(i64) -> Vec<i64>,
}

/// The policy's plan for a change; a message naming the stage when a stage
/// could never reach its quorum.
pub fn resolve(policy: &Policy, who: &Who) -> Result<Plan, Message> {
    let mut stages = Vec::with_capacity(policy.stages.len());
    for rule in &policy.stages {
        let (mut approvers, group) = match &rule.approvers {
            Approvers::Users(u) => (u.clone(), None),
            Approvers::ServiceOwner => (who.service_owner.into_iter().collect(), None),
            Approvers::Group(g) => ((who.members)(*g), Some(*g)),
        };
        let mut seen = std::collections::HashSet::new();
        approvers.retain(|u| seen.insert(*u) && (policy.self_approval || !who.own.contains(u)));
        let quorum = rule.quorum();
        if (approvers.len() as u32) < quorum {
            let text = format!(
                "the approval policy {}: stage {} needs {quorum} approvals but {} people may give them",
                policy.name,
                rule.name,
                approvers.len()
            );
            return Err(Code::ApprovalUnreachable
                .msg(text)
                .with("policy", &policy.name)
                .with("stage", &rule.name)
                .with("quorum", quorum)
                .with("count", approvers.len()));
        }
        stages.push(PlanStage { name: rule.name.clone(), quorum, approvers, group });
    }
    let (policy_name, parallel, self_approval) = (policy.name.clone(), policy.parallel, policy.self_approval);
    Ok(Plan { policy: policy.id, policy_name, parallel, self_approval, stages })
}

/// One approver's decision in a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub stage: u32,
    pub user: i64,
    pub approve: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    /// An earlier stage is not approved yet.
    Waiting,
    Open,
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Approved,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub stages: Vec<StageState>,
    pub outcome: Outcome,
}

/// Where the plan stands after these decisions.
pub fn progress(plan: &Plan, decisions: &[Decision]) -> Progress {
    let mut stages = Vec::with_capacity(plan.stages.len());
    let mut before_approved = true;
    for (i, s) in plan.stages.iter().enumerate() {
        let here = decisions.iter().filter(|d| d.stage as usize == i && s.approvers.contains(&d.user));
        let (yes, no) = here.fold((0u32, false), |(y, n), d| (y + u32::from(d.approve), n || !d.approve));
        let state = if no {
            StageState::Rejected
        } else if yes >= s.quorum {
            StageState::Approved
        } else if plan.parallel || before_approved {
            StageState::Open
        } else {
            StageState::Waiting
        };
        before_approved &= state == StageState::Approved;
        stages.push(state);
    }
    let outcome = if stages.contains(&StageState::Rejected) {
        Outcome::Rejected
    } else if stages.iter().all(|s| *s == StageState::Approved) {
        Outcome::Approved
    } else {
        Outcome::Pending
    };
    Progress { stages, outcome }
}

/// Why a user may not decide now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not asked in any stage of this round.
    NotAsked,
    /// Asked only in a stage that waits for an earlier one (its name).
    Waiting(String),
    /// Decided already in every stage that asked them.
    Decided,
    /// The flow is over (approved or rejected).
    Over,
}

impl Refusal {
    pub fn message(&self) -> Message {
        match self {
            Refusal::NotAsked => {
                Code::DenyChangeApprove.msg("you are not among the approvers this change's approval policy asks")
            }
            Refusal::Waiting(stage) => Code::ApprovalWaiting
                .msg(format!("your stage {stage} opens when the stages before it are approved"))
                .with("stage", stage),
            Refusal::Decided => Code::ApprovalDecided.msg("you have given your decision on this change already"),
            Refusal::Over => Code::ApprovalDecided.msg("the approval of this change is decided already"),
        }
    }
}

/// The stage in which `user` decides now: the first open one that asks
/// them and where they have not decided.
pub fn stage_for(plan: &Plan, decisions: &[Decision], user: i64) -> Result<u32, Refusal> {
    let p = progress(plan, decisions);
    if p.outcome != Outcome::Pending {
        return Err(Refusal::Over);
    }
    let mut refusal = Refusal::NotAsked;
    for (i, s) in plan.stages.iter().enumerate() {
        if !s.approvers.contains(&user) {
            continue;
        }
        let decided = decisions.iter().any(|d| d.stage as usize == i && d.user == user);
        match p.stages[i] {
            StageState::Open if !decided => return Ok(i as u32),
            StageState::Waiting if refusal == Refusal::NotAsked => refusal = Refusal::Waiting(s.name.clone()),
            _ if refusal == Refusal::NotAsked => refusal = Refusal::Decided,
            _ => {}
        }
    }
    Err(refusal)
}

/// Those who may decide now, by stage: each open stage's approvers who
/// have not decided.
pub fn awaiting(plan: &Plan, decisions: &[Decision]) -> Vec<(u32, i64)> {
    let p = progress(plan, decisions);
    if p.outcome != Outcome::Pending {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, s) in plan.stages.iter().enumerate().filter(|(i, _)| p.stages[*i] == StageState::Open) {
        for u in &s.approvers {
            if !decisions.iter().any(|d| d.stage as usize == i && d.user == *u) {
                out.push((i as u32, *u));
            }
        }
    }
    out
}

/// At most this many stages, and users named in one.
pub const MAX_STAGES: usize = 10;
pub const MAX_NAMED: usize = 50;
/// A group's quorum at most.
pub const MAX_QUORUM: u32 = 100;

/// A policy's own consistency, field by field (`stages[1].quorum`, …).
pub fn check(p: &Policy) -> Vec<(String, Message)> {
    let mut out = Vec::new();
    if p.stages.is_empty() {
        out.push(("stages".to_owned(), Code::Required.msg("a policy needs at least one stage")));
    }
    if p.stages.len() > MAX_STAGES {
        let text = format!("at most {MAX_STAGES} stages");
        out.push(("stages".to_owned(), Code::TooMany.msg(text).with("max", MAX_STAGES)));
    }
    for (i, s) in p.stages.iter().enumerate() {
        let field = |f: &str| format!("stages[{i}].{f}");
        if let Approvers::Users(u) = &s.approvers {
            if u.is_empty() {
                out.push((field("users"), Code::Required.msg("name at least one approver")));
            } else if u.len() > MAX_NAMED {
                let text = format!("at most {MAX_NAMED} approvers");
                out.push((field("users"), Code::TooMany.msg(text).with("max", MAX_NAMED)));
            }
        }
        let most = match &s.approvers {
            Approvers::Users(u) => (u.len() as u32).max(1),
            Approvers::ServiceOwner => 1,
            Approvers::Group(_) => MAX_QUORUM,
        };
        if let Some(q) = s.quorum.filter(|q| !(1..=most).contains(q)) {
            let text = format!("must be between 1 and {most}, the approvers the stage can have; got {q}");
            out.push((field("quorum"), Code::Between.msg(text).with("min", 1).with("max", most)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(name: &str, approvers: Approvers, quorum: Option<u32>) -> StageRule {
        StageRule { name: name.into(), approvers, quorum }
    }

    fn policy(parallel: bool, stages: Vec<StageRule>) -> Policy {
        Policy {
            id: 1,
            name: "CAB".into(),
            change_type: None,
            min_risk: None,
            service: None,
            self_approval: false,
            parallel,
            stages,
        }
    }

    /// Group 7 has users 10, 11, 12; the service owner is 20; user 1 raised
    /// the change.
    fn plan(p: &Policy) -> Result<Plan, Message> {
        let members = |g: i64| if g == 7 { vec![10, 11, 12] } else { Vec::new() };
        resolve(p, &Who { own: &[1], service_owner: Some(20), members: &members })
    }

    fn d(stage: u32, user: i64, approve: bool) -> Decision {
        Decision { stage, user, approve }
    }

    #[test]
    fn sequential_stages_open_one_after_another() {
        let p = policy(
            false,
            vec![stage("Owner", Approvers::ServiceOwner, None), stage("CAB", Approvers::Group(7), Some(2))],
        );
        let plan = plan(&p).unwrap();
        assert_eq!(plan.stages[1].approvers, [10, 11, 12]);
        assert_eq!(plan.stages[1].group, Some(7));
        let none = progress(&plan, &[]);
        assert_eq!(none.stages, [StageState::Open, StageState::Waiting]);
        // A CAB member waits for the owner.
        assert_eq!(stage_for(&plan, &[], 10), Err(Refusal::Waiting("CAB".into())));
        assert_eq!(awaiting(&plan, &[]), [(0, 20)]);
        let owner = [d(0, 20, true)];
        assert_eq!(progress(&plan, &owner).stages, [StageState::Approved, StageState::Open]);
        assert_eq!(stage_for(&plan, &owner, 20), Err(Refusal::Decided));
        // Two of three is the quorum.
        let one = [d(0, 20, true), d(1, 11, true)];
        assert_eq!(progress(&plan, &one).outcome, Outcome::Pending);
        assert_eq!(awaiting(&plan, &one), [(1, 10), (1, 12)]);
        assert_eq!(stage_for(&plan, &one, 11), Err(Refusal::Decided));
        let two = [d(0, 20, true), d(1, 11, true), d(1, 12, true)];
        assert_eq!(progress(&plan, &two).outcome, Outcome::Approved);
        assert_eq!(stage_for(&plan, &two, 10), Err(Refusal::Over));
        assert!(awaiting(&plan, &two).is_empty());
    }

    #[test]
    fn parallel_stages_are_open_at_once_and_one_rejection_stops_the_flow() {
        let p = policy(
            true,
            vec![stage("Named", Approvers::Users(vec![30, 31]), None), stage("CAB", Approvers::Group(7), None)],
        );
        let plan = plan(&p).unwrap();
        assert_eq!(plan.stages[0].quorum, 2, "every named user by default");
        assert_eq!(progress(&plan, &[]).stages, [StageState::Open, StageState::Open]);
        assert_eq!(stage_for(&plan, &[], 12), Ok(1));
        let cab = [d(1, 12, true), d(0, 30, true)];
        assert_eq!(progress(&plan, &cab).stages, [StageState::Open, StageState::Approved]);
        let rejected = [d(1, 12, true), d(0, 30, true), d(0, 31, false)];
        let p = progress(&plan, &rejected);
        assert_eq!((p.stages[0], p.outcome), (StageState::Rejected, Outcome::Rejected));
        assert_eq!(stage_for(&plan, &rejected, 10), Err(Refusal::Over));
    }

    #[test]
    fn the_raiser_is_not_asked_unless_the_policy_lets_them() {
        let named = |q| policy(false, vec![stage("Leads", Approvers::Users(vec![1, 30]), q)]);
        // Without the raiser one lead is left: a quorum of 2 cannot be met.
        let e = plan(&named(None)).unwrap_err();
        assert_eq!(e.code, Code::ApprovalUnreachable);
        assert_eq!(e.text, "the approval policy CAB: stage Leads needs 2 approvals but 1 people may give them");
        assert_eq!(plan(&named(Some(1))).unwrap().stages[0].approvers, [30]);
        let mut own = named(None);
        own.self_approval = true;
        assert_eq!(plan(&own).unwrap().stages[0].approvers, [1, 30]);
        // A service without an owner cannot give the owner's approval.
        let members = |_| Vec::new();
        let p = policy(false, vec![stage("Owner", Approvers::ServiceOwner, None)]);
        assert!(resolve(&p, &Who { own: &[], service_owner: None, members: &members }).is_err());
        // Decisions from users the plan does not ask count for nothing.
        let plan = plan(&named(Some(1))).unwrap();
        assert_eq!(progress(&plan, &[d(0, 99, true)]).outcome, Outcome::Pending);
        assert_eq!(stage_for(&plan, &[], 99), Err(Refusal::NotAsked));
    }

    #[test]
    fn policies_match_by_type_risk_and_service_in_order() {
        let mut emergency = policy(false, vec![stage("ECAB", Approvers::Group(7), None)]);
        emergency.change_type = Some(ChangeType::Emergency);
        let mut high = policy(false, vec![stage("CAB", Approvers::Group(7), Some(2))]);
        high.min_risk = Some(RiskLevel::High);
        let mut shop = policy(false, vec![stage("Owner", Approvers::ServiceOwner, None)]);
        shop.service = Some(5);
        let all = [emergency.clone(), high.clone(), shop.clone()];
        let facts = |change_type, risk, service| ChangeFacts { change_type, risk, service };
        let picked = |f| pick(&all, &f).map(|p| p.stages[0].name.clone());
        assert_eq!(picked(facts(ChangeType::Emergency, None, Some(5))).as_deref(), Some("ECAB"));
        assert_eq!(picked(facts(ChangeType::Normal, Some(RiskLevel::VeryHigh), Some(5))).as_deref(), Some("CAB"));
        assert_eq!(picked(facts(ChangeType::Normal, Some(RiskLevel::Moderate), Some(5))).as_deref(), Some("Owner"));
        // Not assessed is below every threshold.
        assert_eq!(picked(facts(ChangeType::Normal, None, Some(6))), None);
    }

    #[test]
    fn a_policy_checks_its_stages_and_quorums() {
        assert_eq!(check(&policy(false, vec![]))[0].0, "stages");
        let bad = policy(
            false,
            vec![
                stage("Named", Approvers::Users(vec![30, 31]), Some(3)),
                stage("Empty", Approvers::Users(vec![]), None),
                stage("CAB", Approvers::Group(7), Some(0)),
                stage("Owner", Approvers::ServiceOwner, Some(2)),
            ],
        );
        let fields: Vec<String> = check(&bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["stages[0].quorum", "stages[1].users", "stages[2].quorum", "stages[3].quorum"]);
        assert!(check(&policy(false, vec![stage("CAB", Approvers::Group(7), Some(3))])).is_empty());
    }
}
