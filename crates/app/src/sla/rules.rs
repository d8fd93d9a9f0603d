//! Keeping escalation rules: staff read them; managers and admins add,
//! replace (under the version read), switch off and on, and delete them.
//! Every change is written to the audit log in its own transaction and
//! drops the cached rules, so the timer uses the new ones at once.

use super::snapshot::parse_rule;
use crate::Code;
use crate::audit::{self, AuditEntry};
use crate::{Actor, App, AppError, FieldError};
use steward_domain::access;
use steward_domain::audit::AuditKind;
use steward_domain::sla::escalation::{EscalationAction, EscalationRule, Recipient};
use steward_store::escalations::{self, RuleRow};
use steward_store::{StoreError, accounts, now_micros};

/// A stored rule with its switch and version.
#[derive(Debug, Clone)]
pub struct RuleView {
    pub rule: EscalationRule,
    pub active: bool,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

fn view(row: RuleRow) -> Result<RuleView, AppError> {
    let rule = parse_rule(&row).map_err(AppError::Internal)?;
    Ok(RuleView {
        rule,
        active: row.active == 1,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn staff(actor: &Actor) -> Result<(), AppError> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden(Code::DenyStaffOnly.msg("only staff can see escalation rules")))
    }
}

/// The row to store for a rule, once its rules and the groups and users it
/// names are checked (every problem at once, each naming its field).
async fn checked_row(app: &App, rule: &EscalationRule, active: bool) -> Result<RuleRow, AppError> {
    let mut errs: Vec<FieldError> = match rule.validate() {
        Ok(()) => Vec::new(),
        Err(p) => p.into_iter().map(|p| FieldError::new(&p.field, p.reason)).collect(),
    };
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    for g in &rule.conditions.groups {
        if accounts::group_by_name(&mut conn, g.trim()).await?.is_none() {
            errs.push(FieldError::new(
                "conditions.groups",
                Code::NoGroup.msg(format!("no group named {:?}", g.trim())).with("name", format!("{:?}", g.trim())),
            ));
        }
    }
    for (i, a) in rule.actions.iter().enumerate() {
        match a {
            EscalationAction::Reassign { group }
                if !group.trim().is_empty() && accounts::group_by_name(&mut conn, group.trim()).await?.is_none() =>
            {
                errs.push(FieldError::new(
                    &format!("actions[{i}].group"),
                    Code::NoGroup
                        .msg(format!("no group named {:?}", group.trim()))
                        .with("name", format!("{:?}", group.trim())),
                ));
            }
            EscalationAction::Notify { to } => {
                for r in to {
                    let Recipient::Users(names) = r else { continue };
                    for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                        if accounts::user_by_name(&mut conn, n).await?.is_none() {
                            let m = Code::NoUserNamed.msg(format!("no user named {n:?}")).with("who", format!("{n:?}"));
                            errs.push(FieldError::new(&format!("actions[{i}].to"), m));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let now = now_micros();
    Ok(RuleRow {
        id: 0,
        name: rule.name.trim().to_owned(),
        position: i64::from(rule.position),
        active: i64::from(active),
        rule: serde_json::to_string(rule).map_err(|e| AppError::Internal(e.to_string()))?,
        created_at: now,
        updated_at: now,
        version: 1,
    })
}

fn refused(e: StoreError, version: i64) -> AppError {
    match e {
        StoreError::Duplicate(_) => {
            AppError::field("name", Code::NameTaken.msg("another escalation rule already has this name"))
        }
        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
        StoreError::NotFound => AppError::NotFound("escalation rule"),
        other => other.into(),
    }
}

/// The audit entry for a change to rule `name`.
fn entry(actor: &Actor, name: &str, what: &str) -> AuditEntry {
    AuditEntry::new(AuditKind::EscalationRuleChanged, Some(actor), name).detail(what)
}

impl App {
    pub async fn list_escalation_rules(&self, actor: &Actor) -> Result<Vec<RuleView>, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        escalations::rules(&mut conn).await?.into_iter().map(view).collect()
    }

    pub async fn get_escalation_rule(&self, actor: &Actor, id: i64) -> Result<RuleView, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        view(escalations::rule(&mut conn, id).await?.ok_or(AppError::NotFound("escalation rule"))?)
    }

    /// Adds a rule; managers and admins only.
    pub async fn create_escalation_rule(
        &self,
        actor: &Actor,
        rule: EscalationRule,
        active: bool,
    ) -> Result<RuleView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let row = checked_row(self, &rule, active).await?;
        let e = entry(actor, &row.name, if active { "created" } else { "created, switched off" });
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let id = escalations::insert_rule(c, &row).await?;
                    audit::write(c, &e).await?;
                    Ok::<_, StoreError>(id)
                })
            })
            .await
            .map_err(|e| refused(e, 1))?;
        self.get_escalation_rule(actor, id).await
    }

    /// Replaces a rule (trigger, conditions, actions, name, position and
    /// switch) if it is still at `version`.
    pub async fn update_escalation_rule(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        rule: EscalationRule,
        active: bool,
    ) -> Result<RuleView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let mut row = checked_row(self, &rule, active).await?;
        (row.id, row.version) = (id, version);
        let actor2 = actor.clone();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let old = escalations::rule(c, id).await?.ok_or(StoreError::NotFound)?;
                    escalations::update_rule(c, &row).await?;
                    let what = match (old.active == 1, active) {
                        (true, false) => "changed, switched off",
                        (false, true) => "changed, switched on",
                        _ => "changed",
                    };
                    let name =
                        if old.name == row.name { row.name.clone() } else { format!("{} → {}", old.name, row.name) };
                    audit::write(c, &entry(&actor2, &name, what)).await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .map_err(|e| refused(e, version))?;
        self.get_escalation_rule(actor, id).await
    }

    /// Switches a rule on or off, keeping everything else.
    pub async fn set_escalation_rule_active(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        active: bool,
    ) -> Result<RuleView, AppError> {
        access::can_manage_service_levels(actor.role)?;
        let current = self.get_escalation_rule(actor, id).await?;
        self.update_escalation_rule(actor, id, version, current.rule, active).await
    }

    /// Deletes a rule if it is still at `version`; what it did stays in the
    /// incidents' journals.
    pub async fn delete_escalation_rule(&self, actor: &Actor, id: i64, version: i64) -> Result<(), AppError> {
        access::can_manage_service_levels(actor.role)?;
        let actor2 = actor.clone();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let old = escalations::rule(c, id).await?.ok_or(StoreError::NotFound)?;
                    escalations::delete_rule(c, id, version).await?;
                    audit::write(c, &entry(&actor2, &old.name, "deleted")).await?;
                    Ok::<_, StoreError>(())
                })
            })
            .await
            .map_err(|e| refused(e, version))?;
        Ok(())
    }
}
