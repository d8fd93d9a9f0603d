//! Change use cases: raise, read, list, edit the fields, the plans, the
//! planned window and the risk answers, move through the type's path
//! (`steward_domain::change::plan_transition`) and approve. Every write
//! goes through `Store::write_checked` (check: lock, version, decision;
//! apply: the writes) and is journaled on the change.
//!
//! A change is a `records` row of kind "change" (the assignee is the change
//! owner, the requester who raised it, the resolution code the close code)
//! plus its `change_details` row. Requesters never see changes.

mod approvals;
mod conflicts;
mod create;
pub mod export;
mod list;
mod outcomes;
mod query;
mod questionnaire;
mod schedule;
mod transition;
mod update;

pub use approvals::Round;
pub use conflicts::{ChangeConflicts, HOPS, LONGEST_CHANGE};
pub use create::NewChange;
pub use list::ChangeListParams;
pub use outcomes::{CausedIncident, FailedChange, MAX_DAYS, OutcomeGroup, Outcomes, outcome_days};
pub use transition::ChangeTransitionInput;
pub use update::ChangePatch;

use crate::{
    error::{AppError, Errors, FieldError},
    records,
};
use serde::Serialize;
use std::collections::BTreeMap;
use steward_domain::{
    RecordNumber,
    change::{ChangeType, Questionnaire, Risk},
    journal::{Action, FieldChange},
    number::RecordKind,
};
use steward_store::{
    Conn, Dialect,
    changes::{self as store_changes, Details},
    records::{self as store_records, Record},
};

pub(crate) const KIND: &str = "change";

/// Refusal on `field` when one of `cis` is retired: a retired CI is not
/// changed, and a window is not planned on it.
pub(crate) fn refuse_retired(field: &str, cis: &[i64], view: &crate::cmdb::cache::View) -> Result<(), AppError> {
    let retired: Vec<&str> = cis
        .iter()
        .filter_map(|id| view.ci(*id))
        .filter(|b| b.status == steward_domain::cmdb::CiStatus::Retired.as_str())
        .map(|b| b.name.as_str())
        .collect();
    match retired.first() {
        None => Ok(()),
        Some(first) => {
            let text = format!("{} is retired: take it off the change", retired.join(", "));
            Err(AppError::field(field, crate::Code::CiRetired.msg(text).with("ci", *first)))
        }
    }
}

/// A change: the shared record and its own details.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub record: Record,
    pub details: Details,
}

impl Change {
    /// The risk questionnaire's answers as stored, question → answer.
    pub fn risk_answers(&self) -> BTreeMap<String, String> {
        serde_json::from_str::<Vec<(String, String)>>(&self.details.risk_answers)
            .map(|v| v.into_iter().collect())
            .unwrap_or_default()
    }
    pub fn change_type(&self) -> ChangeType {
        self.details.change_type.parse().unwrap_or_default()
    }
    pub fn is_approved(&self) -> bool {
        self.details.approved != 0
    }
    /// Whether the risk called for the CAB when it was assessed (none when
    /// not assessed).
    pub fn needs_cab(&self) -> Option<bool> {
        self.details.risk_needs_cab.map(|v| v != 0)
    }
}

/// Parses "CHG0000042" (or "42") into the change's number.
pub fn parse_number(s: &str) -> Result<i64, AppError> {
    RecordKind::Change.seq_of(s).ok_or(AppError::NotFound(KIND))
}

pub fn number(n: i64) -> String {
    RecordNumber { kind: RecordKind::Change, seq: n }.to_string()
}

/// A time as the journal and the API show it (RFC 3339, UTC).
pub(crate) fn time_text(micros: Option<i64>) -> Option<String> {
    micros.and_then(|m| jiff::Timestamp::from_microsecond(m).ok()).map(|t| t.to_string())
}

/// Field changes of the details, values as text.
pub(crate) fn details_diff(old: &Details, new: &Details) -> Vec<FieldChange> {
    let flag = |v: i64| Some(if v != 0 { "true" } else { "false" }.to_owned());
    let num = |v: Option<i64>| v.map(|x| x.to_string());
    let answers = |json: &str| (json != "[]" && !json.is_empty()).then(|| json.to_owned());
    [
        FieldChange::new("change_type", Some(old.change_type.clone()), Some(new.change_type.clone())),
        FieldChange::new("template", old.template_name.clone(), new.template_name.clone()),
        FieldChange::new("risk_answers", answers(&old.risk_answers), answers(&new.risk_answers)),
        FieldChange::new("risk_score", num(old.risk_score), num(new.risk_score)),
        FieldChange::new("risk_level", old.risk_level.clone(), new.risk_level.clone()),
        FieldChange::new("planned_start", time_text(old.planned_start), time_text(new.planned_start)),
        FieldChange::new("planned_end", time_text(old.planned_end), time_text(new.planned_end)),
        FieldChange::new("actual_start", time_text(old.actual_start), time_text(new.actual_start)),
        FieldChange::new("actual_end", time_text(old.actual_end), time_text(new.actual_end)),
        FieldChange::new("implementation_plan", old.implementation_plan.clone(), new.implementation_plan.clone()),
        FieldChange::new("backout_plan", old.backout_plan.clone(), new.backout_plan.clone()),
        FieldChange::new("test_plan", old.test_plan.clone(), new.test_plan.clone()),
        FieldChange::new("review_notes", old.review_notes.clone(), new.review_notes.clone()),
        FieldChange::new("cancel_reason", old.cancel_reason.clone(), new.cancel_reason.clone()),
        FieldChange::new("approved", flag(old.approved), flag(new.approved)),
        FieldChange::new("approved_at", time_text(old.approved_at), time_text(new.approved_at)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A change type as sent.
pub(crate) fn change_type(errs: &mut Errors, v: &str) -> Option<ChangeType> {
    errs.check("change_type", v.trim().parse::<ChangeType>())
}

/// The risk answers scored with the questionnaire: `(stored JSON, risk)`;
/// none answered is no risk assessed yet. Every bad answer is recorded
/// beside `answers.<question>`.
pub(crate) fn score(
    errs: &mut Errors,
    q: &Questionnaire,
    answers: &BTreeMap<String, String>,
) -> Option<(String, Option<Risk>)> {
    if answers.is_empty() {
        return Some(("[]".to_owned(), None));
    }
    let pairs: Vec<(String, String)> =
        answers.iter().map(|(q, a)| (q.trim().to_owned(), a.trim().to_owned())).collect();
    match q.score(&pairs) {
        Ok(risk) => Some((serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".to_owned()), Some(risk))),
        Err(problems) => {
            errs.0.extend(problems.into_iter().map(|(f, m)| FieldError::new(&f, m)));
            None
        }
    }
}

/// Sets the details' risk from a score.
pub(crate) fn set_risk(d: &mut Details, (answers, risk): (String, Option<Risk>)) {
    d.risk_answers = answers;
    d.risk_score = risk.map(|r| i64::from(r.score));
    d.risk_level = risk.map(|r| r.level.as_str().to_owned());
    d.risk_needs_cab = risk.map(|r| i64::from(r.needs_cab));
}

/// An RFC 3339 time (or a date, its midnight UTC) as sent, in microseconds.
pub(crate) fn time_field(errs: &mut Errors, field: &str, v: &str) -> Option<i64> {
    errs.check(field, crate::incidents::parse_time(v.trim()))
}

/// A planned window as it will be, checked; the message is `planned_end`'s.
pub(crate) fn check_window(errs: &mut Errors, start: Option<i64>, end: Option<i64>) {
    if let Err(m) = steward_domain::change::check_window(start, end) {
        let field = if start.is_none() { "planned_start" } else { "planned_end" };
        errs.add(field, m);
    }
}

/// Locks the change for a change; checks the version.
pub(crate) async fn lock_at(c: &mut Conn, d: Dialect, n: i64, version: i64) -> Result<(Record, Details), AppError> {
    let rec = records::lock(c, d, KIND, n).await?;
    records::check_version(&rec, version)?;
    let details = store_changes::details(c, rec.id).await?.ok_or(AppError::NotFound(KIND))?;
    Ok((rec, details))
}

/// Writes a changed change (its row under `version`, then its details)
/// with its journal entry, at `now`.
pub(crate) async fn write_change(
    c: &mut Conn,
    actor_id: i64,
    old: &Record,
    mut new: Record,
    details: Details,
    (version, now): (i64, i64),
    (action, changes): (Action, &[FieldChange]),
) -> Result<Change, AppError> {
    new.updated_at = now;
    new.version = store_records::update(c, &new, version).await?;
    store_changes::update_details(c, &details).await?;
    records::journal(c, old, now, Some(actor_id), action, changes, None).await?;
    Ok(Change { record: new, details })
}
