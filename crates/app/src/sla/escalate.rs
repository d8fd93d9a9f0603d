//! Escalation: rules that fire when a clock reaches a threshold or a
//! record has waited too long, and then notify people, hand the record to
//! another group or raise its urgency.
//!
//! A firing is recorded (rule, record, threshold) in the same write as its
//! actions and its journal entry, so each rule fires once per record and
//! threshold, whichever node's timer gets there first.

use super::Snapshot;
use super::engine::{self, Announcement};
use crate::error::Code;
use crate::incidents::diff;
use crate::notify::{self, Author, IncidentEvent, Recipients};
use crate::records::journal;
use crate::{Actor, App, AppError};
use steward_domain::access;
use steward_domain::journal::{Action, FieldChange};
use steward_domain::sla::escalation::{
    EscalationAction, EscalationRule, Recipient, RuleFacts, Trigger, raised_urgency,
};
use steward_domain::sla::{StateFacts, kinds_take};
use steward_domain::{Impact, Priority, PriorityMatrix, Urgency};
use steward_store::escalations::{self, Overdue};
use steward_store::records::{self, Record};
use steward_store::{Conn, Dialect, StoreError, accounts};

/// Records looked at per plain-time rule and pass.
const OVERDUE_LIMIT: i64 = 200;

/// A rule that fired: who is to be told, for the notifications.
#[derive(Debug, Clone)]
pub struct Fired {
    pub rule: String,
    pub record_id: i64,
    /// Users to notify, without duplicates.
    pub notify: Vec<i64>,
}

/// What a rule needs to know beyond the record.
pub(crate) struct Ctx<'a> {
    pub d: Dialect,
    pub snap: &'a Snapshot,
    pub matrix: &'a PriorityMatrix,
    pub notify: &'a notify::Ctx,
    pub now: i64,
}

/// Fires the clock rules that the announcements reach, for a record loaded
/// for update in this write.
pub(crate) async fn on_announcements(
    c: &mut Conn,
    ctx: &Ctx<'_>,
    inc: &Record,
    announced: &[Announcement],
) -> Result<Vec<Fired>, AppError> {
    let mut fired = Vec::new();
    let mut current = inc.clone();
    for rule in &ctx.snap.rules {
        for a in announced {
            if rule.fires_on_clock(&a.clock, a.event.percent()) && applies(rule, &current)? {
                let key = rule.firing_key(Some(&a.clock));
                if let Some((f, next)) = fire(c, ctx, rule, &key, &current).await? {
                    fired.push(f);
                    current = next;
                }
            }
        }
    }
    Ok(fired)
}

fn applies(rule: &EscalationRule, rec: &Record) -> Result<bool, AppError> {
    let priority = Priority::new(rec.priority).map_err(|e| AppError::Internal(e.to_string()))?;
    if !kinds_take(&rule.conditions.kinds, &rec.kind) {
        return Ok(false);
    }
    let facts = StateFacts::of(&rec.kind, &rec.state, rec.hold_reason.as_deref(), &[]).map_err(AppError::Internal)?;
    Ok(rule.applies_to(&RuleFacts {
        kind: &rec.kind,
        priority,
        state: &rec.state,
        open: facts.open,
        group: rec.group_name.as_deref(),
        has_assignee: rec.assignee_id.is_some(),
    }))
}

/// Records the firing and, if it is new, carries out the actions and
/// journals them; the record as it stands afterwards.
async fn fire(
    c: &mut Conn,
    ctx: &Ctx<'_>,
    rule: &EscalationRule,
    key: &str,
    inc: &Record,
) -> Result<Option<(Fired, Record)>, AppError> {
    if !escalations::record_firing(c, rule.id, &inc.kind, inc.id, key, ctx.now).await? {
        return Ok(None);
    }
    let mut new = inc.clone();
    let mut notify: Vec<i64> = Vec::new();
    for action in &rule.actions {
        match action {
            EscalationAction::Notify { to } => {
                for r in to {
                    for id in recipients(c, r, &new).await? {
                        if !notify.contains(&id) {
                            notify.push(id);
                        }
                    }
                }
            }
            EscalationAction::Reassign { group } => match accounts::group_by_name(c, group).await? {
                Some(g) if new.assignment_group_id != Some(g.id) => {
                    new.assignment_group_id = Some(g.id);
                    new.group_name = Some(g.name);
                    new.assignee_id = None;
                    new.assignee_name = None;
                }
                Some(_) => {}
                None => {
                    tracing::warn!(rule = %rule.name, group = %group, "escalation names a group that does not exist")
                }
            },
            EscalationAction::RaiseUrgency => {
                if let Some(u) = raised_urgency(new.urgency) {
                    new.urgency = u;
                    if let (Ok(i), Ok(u)) = (Impact::new(new.impact), Urgency::new(new.urgency)) {
                        new.priority = ctx.matrix.priority(i, u).into();
                    }
                }
            }
        }
    }
    let changes = diff(inc, &new);
    if !changes.is_empty() {
        new.updated_at = ctx.now;
        new.version = records::update(c, &new, inc.version).await?;
        journal(c, inc, ctx.now, None, Action::Updated, &changes, None).await?;
        (_, new.sla) = engine::sync(c, ctx.d, ctx.snap, Some(inc), &new, None, ctx.now).await?;
        // Handed to another group: its members hear of it (and webhooks of
        // the assignment) as after any other assignment.
        notify::hooks::assigned(c, ctx.notify, Some(inc), &new, &Author::system()).await?;
    }
    let mut names = Vec::new();
    for id in &notify {
        if let Some(u) = accounts::user_by_id(c, *id).await? {
            names.push(u.display_name);
        }
    }
    let mut what = vec![FieldChange { field: "escalation".into(), old: None, new: Some(rule.name.clone()) }];
    if !names.is_empty() {
        what.push(FieldChange { field: "notified".into(), old: None, new: Some(names.join(", ")) });
    }
    journal(c, inc, ctx.now, None, Action::Escalated, &what, None).await?;
    if !notify.is_empty() {
        let event = IncidentEvent::Escalated { reason: rule.name.clone() };
        notify::incident_event(c, ctx.notify, &new, &Author::system(), &event, &[Recipients::Users(notify.clone())])
            .await?;
    }
    Ok(Some((Fired { rule: rule.name.clone(), record_id: inc.id, notify }, new)))
}

/// The active users a rule names: a deactivated assignee, manager or named
/// user is skipped (they hear nothing and are not journaled as notified).
async fn recipients(c: &mut Conn, r: &Recipient, inc: &Record) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for id in named(c, r, inc).await? {
        if accounts::user_by_id(c, id).await?.is_some_and(|u| u.active == 1) {
            ids.push(id);
        }
    }
    Ok(ids)
}

async fn named(c: &mut Conn, r: &Recipient, inc: &Record) -> Result<Vec<i64>, AppError> {
    Ok(match r {
        Recipient::Assignee => inc.assignee_id.into_iter().collect(),
        Recipient::Group => match inc.assignment_group_id {
            Some(g) => accounts::members_of(c, g).await?.into_iter().filter(|u| u.active == 1).map(|u| u.id).collect(),
            None => Vec::new(),
        },
        Recipient::GroupManager => match inc.assignment_group_id {
            Some(g) => escalations::group_manager(c, g).await?.into_iter().collect(),
            None => Vec::new(),
        },
        Recipient::Users(names) => {
            let mut ids = Vec::new();
            for n in names {
                if let Some(u) = accounts::user_by_name(c, n).await? {
                    ids.push(u.id);
                }
            }
            ids
        }
    })
}

impl App {
    /// Fires the plain-time rules (e.g. a P1 unassigned for 15 minutes) for
    /// records that have waited that long by `now`.
    pub async fn run_escalations_at(&self, now: i64) -> Result<Vec<Fired>, AppError> {
        let snap = self.sla_snapshot().await?;
        let mut fired = Vec::new();
        for rule in snap.rules.iter().filter(|r| matches!(r.trigger, Trigger::Elapsed { .. })) {
            let Trigger::Elapsed { after: Some(after) } = rule.trigger else { continue };
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let mut group_ids = Vec::new();
            for name in &rule.conditions.groups {
                if let Some(g) = accounts::group_by_name(&mut conn, name).await? {
                    group_ids.push(g.id);
                }
            }
            if !rule.conditions.groups.is_empty() && group_ids.is_empty() {
                continue; // its groups are gone: nothing can match
            }
            let mut due = Vec::new();
            for (kind, states) in rule.kind_states() {
                let o = Overdue {
                    rule_id: rule.id,
                    kind,
                    states,
                    priorities: rule.conditions.priorities.iter().map(|p| i64::from(*p)).collect(),
                    group_ids: group_ids.clone(),
                    no_assignee: rule.conditions.no_assignee,
                    no_group: rule.conditions.no_group,
                    opened_by: now - engine::micros(after),
                    limit: OVERDUE_LIMIT,
                };
                due.extend(escalations::overdue(&mut conn, &o).await?);
            }
            drop(conn);
            for id in due {
                let (snap, one, matrix, d, notify) = (
                    snap.clone(),
                    rule.clone(),
                    self.config.priority_matrix.clone(),
                    self.store.dialect(),
                    self.notify_ctx(),
                );
                let r = self
                    .store
                    .write(move |c| {
                        Box::pin(async move {
                            let inc = records::get_for_update(c, d, id).await?;
                            // Someone may have acted since the scan.
                            if !applies(&one, &inc)? {
                                return Ok::<_, AppError>(None);
                            }
                            let ctx = Ctx { d, snap: &snap, matrix: &matrix, notify: &notify, now };
                            Ok(fire(c, &ctx, &one, "elapsed", &inc).await?.map(|(f, _)| f))
                        })
                    })
                    .await;
                match r {
                    Ok(Some(f)) => fired.push(f),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(record = id, rule = %rule.name, error = %e, "escalation failed"),
                }
            }
        }
        Ok(fired)
    }

    /// Names the manager of an assignment group (told by escalations that
    /// notify the group's manager); `None` clears it.
    pub async fn set_group_manager(&self, actor: &Actor, group: &str, manager: Option<&str>) -> Result<(), AppError> {
        access::can_manage_service_levels(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let g = accounts::group_by_name(&mut conn, group)
            .await?
            .ok_or_else(|| AppError::field("group", Code::NoSuchGroup.msg("no such group")))?;
        let m = match manager {
            Some(name) => Some(
                accounts::user_by_name(&mut conn, name)
                    .await?
                    .filter(|u| u.role != "requester")
                    .ok_or_else(|| {
                        let m = Code::NoStaffNamed.msg(format!("no staff user named {name:?}"));
                        AppError::field("manager", m.with("who", format!("{name:?}")))
                    })?
                    .id,
            ),
            None => None,
        };
        drop(conn);
        self.store.write(move |c| Box::pin(async move { escalations::set_group_manager(c, g.id, m).await })).await?;
        Ok(())
    }
}
