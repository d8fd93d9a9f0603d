//! The SLA rules in force, parsed and compiled once and shared: active
//! definitions in order, compiled calendars, group OLAs.
//!
//! Every write that moves a clock needs them, so they are cached under the
//! `sla` revision (`crate::cache::Revised`): a change answered by any node
//! holds on every node for the next write.

use crate::{App, AppError};
use jiff::SignedDuration;
use std::collections::HashMap;
use std::sync::Arc;
use steward_domain::calendar::{Calendar, CalendarSpec};
use steward_domain::sla::SlaDefinition;
use steward_domain::sla::escalation::EscalationRule;
use steward_store::{Conn, StoreError, escalations, revs, sla};

/// A group's operational-level agreement.
#[derive(Debug, Clone)]
pub(crate) struct Ola {
    pub target: SignedDuration,
    pub calendar_id: i64,
    pub thresholds: Vec<u8>,
    /// The record kinds it measures.
    pub kinds: Vec<String>,
}

impl Ola {
    pub fn takes(&self, kind: &str) -> bool {
        steward_domain::sla::kinds_take(&self.kinds, kind)
    }
}

#[derive(Clone, Default)]
pub(crate) struct Snapshot {
    /// Active definitions, in the order they are tried.
    pub definitions: Vec<SlaDefinition>,
    pub calendars: HashMap<i64, Calendar>,
    pub olas: HashMap<i64, Ola>,
    /// Active escalation rules, in order.
    pub rules: Vec<EscalationRule>,
}

impl Snapshot {
    /// The calendar by id; a missing one counts round the clock, which
    /// errs towards warning early rather than late.
    pub fn calendar(&self, id: i64) -> Calendar {
        self.calendars.get(&id).cloned().unwrap_or_else(Calendar::always)
    }

    /// Whether any definition applies to records of `kind`.
    pub fn has_definitions_for(&self, kind: &str) -> bool {
        self.definitions.iter().any(|d| steward_domain::sla::kinds_take(&d.conditions.kinds, kind))
    }

    /// The group's OLA, if it measures records of `kind`.
    pub fn ola(&self, group: Option<i64>, kind: &str) -> Option<&Ola> {
        group.and_then(|g| self.olas.get(&g)).filter(|o| o.takes(kind))
    }

    pub fn definition(&self, id: Option<i64>) -> Option<&SlaDefinition> {
        id.and_then(|id| self.definitions.iter().find(|d| d.id == id))
    }

    async fn load(conn: &mut Conn) -> Result<Snapshot, AppError> {
        let mut snap = Snapshot::default();
        for row in sla::calendars(&mut *conn).await? {
            let compiled = serde_json::from_str::<CalendarSpec>(&row.spec)
                .map_err(|e| e.to_string())
                .and_then(|spec| Calendar::compile(&spec).map_err(|p| format!("{p:?}")));
            match compiled {
                Ok(cal) => {
                    snap.calendars.insert(row.id, cal);
                }
                Err(e) => tracing::warn!(calendar = row.id, error = %e, "stored calendar unusable"),
            }
        }
        for row in sla::definitions(&mut *conn).await?.into_iter().filter(|r| r.active == 1) {
            match parse_definition(&row) {
                Ok(d) => snap.definitions.push(d),
                Err(e) => tracing::warn!(sla = row.id, error = %e, "stored SLA definition unusable"),
            }
        }
        for row in sla::olas(&mut *conn).await? {
            let thresholds = serde_json::from_str(&row.thresholds).unwrap_or_default();
            let ola = Ola {
                target: SignedDuration::from_micros(row.target_us),
                calendar_id: row.calendar_id,
                thresholds,
                kinds: super::admin::stored_kinds(&row.record_kinds),
            };
            snap.olas.insert(row.group_id, ola);
        }
        for row in escalations::rules(conn).await?.into_iter().filter(|r| r.active == 1) {
            match parse_rule(&row) {
                Ok(r) => snap.rules.push(r),
                Err(e) => tracing::warn!(rule = row.id, error = %e, "stored escalation rule unusable"),
            }
        }
        Ok(snap)
    }
}

/// A stored rule: the JSON body, with the columns as the truth for id,
/// name and position.
pub(crate) fn parse_rule(row: &escalations::RuleRow) -> Result<EscalationRule, String> {
    let mut r: EscalationRule = serde_json::from_str(&row.rule).map_err(|e| e.to_string())?;
    r.id = row.id;
    r.name = row.name.clone();
    r.position = i32::try_from(row.position).unwrap_or(i32::MAX);
    Ok(r)
}

/// A stored definition: the JSON body, with the columns as the truth for
/// id, name, position, calendar and record kinds.
pub(crate) fn parse_definition(row: &sla::DefinitionRow) -> Result<SlaDefinition, String> {
    let mut d: SlaDefinition = serde_json::from_str(&row.definition).map_err(|e| e.to_string())?;
    // The column says what it applies to; the kinds stay as written when
    // they say the same (none named: incidents).
    let kinds = super::admin::stored_kinds(&row.record_kinds);
    if steward_domain::sla::normalise_kinds(&d.conditions.kinds) != kinds {
        d.conditions.kinds = kinds;
    }
    d.id = row.id;
    d.name = row.name.clone();
    d.position = i32::try_from(row.position).unwrap_or(i32::MAX);
    d.calendar_id = row.calendar_id;
    Ok(d)
}

/// The rules in force, under the `sla` revision.
pub(crate) type SlaCache = crate::cache::Revised<Snapshot>;

impl App {
    pub(crate) async fn sla_snapshot(&self) -> Result<Arc<Snapshot>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        self.sla_cache.get(&mut conn, revs::SLA, async |c: &mut Conn| Snapshot::load(c).await).await
    }
}
