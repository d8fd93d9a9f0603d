//! Problem use cases: create (also from an incident), read, list, edit the
//! fields and the analysis, move through the states (resolving the linked
//! incidents when asked), link and unlink incidents, publish and unpublish
//! the known error. The rules are `steward_domain::problem`'s; every change
//! goes through `Store::write_checked` (check: lock, rights, version,
//! decision; apply: the writes) and is journaled on the problem, and a
//! link also on each incident.
//!
//! A problem is a `records` row of kind "problem" (the assignee is the
//! problem owner, the requester who raised it, the resolution code and
//! notes the fix) plus its `problem_details` row.

pub mod candidates;
mod create;
pub mod export;
mod known_error;
mod links;
mod list;
mod query;
mod transition;
pub(crate) mod update;
mod workaround;

pub use create::{FromIncident, NewProblem};
pub use list::ProblemListParams;
pub use transition::ProblemTransitionInput;
pub use update::ProblemPatch;

use crate::{error::AppError, records, records::Writing};
use serde::Serialize;
use steward_domain::{
    RecordNumber,
    journal::{Action, FieldChange},
    number::RecordKind,
    problem::{CauseCategory, WhyStep, Whys},
};
use steward_store::{
    Conn, Dialect,
    problems::{self as store_problems, Details},
    records::{self as store_records, Record},
};

pub(crate) const KIND: &str = "problem";

/// At most this many incidents are linked in one request.
pub const MAX_LINK: usize = 1_000;

/// A problem: the shared record and its own details.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    pub record: Record,
    pub details: Details,
}

impl Problem {
    /// The 5-whys as stored (checked when written).
    pub fn whys(&self) -> Vec<WhyStep> {
        serde_json::from_str::<Whys>(&self.details.whys).map(Vec::from).unwrap_or_default()
    }
    pub fn is_known_error(&self) -> bool {
        self.details.known_error != 0
    }
}

/// An incident or problem at the other end of a link.
pub type Linked = store_problems::Linked;

/// A problem an incident is linked to, with what the desk needs of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IncidentProblem {
    pub problem: Linked,
    pub known_error: bool,
    /// The workaround of a published known error.
    pub workaround: Option<String>,
}

/// Parses "PRB0000042" (or "42") into the problem's number.
pub fn parse_number(s: &str) -> Result<i64, AppError> {
    RecordKind::Problem.seq_of(s).ok_or(AppError::NotFound(KIND))
}

pub fn number(n: i64) -> String {
    RecordNumber::problem(n).to_string()
}

/// Field changes of the details, values as text.
pub(crate) fn details_diff(old: &Details, new: &Details) -> Vec<FieldChange> {
    let flag = |v: i64| Some(if v != 0 { "true" } else { "false" }.to_owned());
    [
        FieldChange::new("cause_category", old.cause_category.clone(), new.cause_category.clone()),
        FieldChange::new("root_cause", old.root_cause.clone(), new.root_cause.clone()),
        FieldChange::new("whys", whys_text(&old.whys), whys_text(&new.whys)),
        FieldChange::new("workaround", old.workaround.clone(), new.workaround.clone()),
        FieldChange::new("known_error", flag(old.known_error), flag(new.known_error)),
        FieldChange::new("cancel_reason", old.cancel_reason.clone(), new.cancel_reason.clone()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The whys as the journal shows them: none when empty.
fn whys_text(json: &str) -> Option<String> {
    (json != "[]").then(|| json.to_owned())
}

/// Whether the analysis has a root cause recorded: a category and the
/// analysis itself (what moving to fix_in_progress needs).
pub(crate) fn has_cause(d: &Details) -> bool {
    d.cause_category.is_some() && d.root_cause.as_deref().is_some_and(|c| !c.trim().is_empty())
}

/// A cause category as sent.
pub(crate) fn cause_category(v: &str) -> Result<String, steward_domain::code::Message> {
    v.trim().parse::<CauseCategory>().map(|c| c.as_str().to_owned())
}

/// The 5-whys as sent, checked and as stored.
pub(crate) fn whys_json(steps: Vec<WhyStep>) -> Result<String, AppError> {
    let whys = Whys::new(steps).map_err(|e| AppError::field(&e.field(), e))?;
    serde_json::to_string(&whys).map_err(|e| AppError::Internal(e.to_string()))
}

/// The journal's value for a list of record numbers.
pub(crate) fn numbers_text(numbers: impl Iterator<Item = String>) -> Option<String> {
    let list: Vec<String> = numbers.collect();
    (!list.is_empty()).then(|| list.join(", "))
}

/// Locks the problem for a change; checks the version when one is sent.
pub(crate) async fn lock_at(c: &mut Conn, d: Dialect, n: i64, version: Option<i64>) -> Result<Record, AppError> {
    let problem = records::lock(c, d, KIND, n).await?;
    if let Some(v) = version {
        records::check_version(&problem, v)?;
    }
    Ok(problem)
}

/// Indexes what the analysis found (the root cause, the whys' answers, the
/// workaround) with the description, so that searching for a cause or a
/// workaround finds its problem. Writing the record indexed its title and
/// description only; a problem without analysis text is left so.
pub(crate) async fn index_analysis(c: &mut Conn, rec: &Record, d: &Details) -> Result<(), AppError> {
    let whys: Vec<WhyStep> = serde_json::from_str(&d.whys).unwrap_or_default();
    let found: Vec<&str> = [d.root_cause.as_deref(), d.workaround.as_deref()]
        .into_iter()
        .flatten()
        .chain(whys.iter().flat_map(|w| [w.question.as_str(), w.answer.as_str()]))
        .filter(|t| !t.trim().is_empty())
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    let body = format!("{}\n\n{}", rec.description, found.join("\n\n"));
    steward_store::fulltext::set_search_text(c, rec.id, &rec.title, &body).await?;
    Ok(())
}

/// Writes a changed problem (its row under `version`, then its details)
/// with its journal entry, at `now`, and keeps its SLA clocks in step.
pub(crate) async fn write_change(
    c: &mut Conn,
    w: &Writing<'_>,
    old: &Record,
    mut new: Record,
    details: Details,
    (version, now): (i64, i64),
    (action, changes): (Action, &[FieldChange]),
) -> Result<Problem, AppError> {
    let actor_id = w.actor.id;
    new.updated_at = now;
    new.version = store_records::update(c, &new, version).await?;
    store_problems::update_details(c, &details).await?;
    index_analysis(c, &new, &details).await?;
    steward_store::fulltext::refresh_suggest_to(c, new.id).await?;
    records::journal(c, old, now, Some(actor_id), action, changes, None).await?;
    (_, new.sla) = crate::sla::engine::sync(c, w.dialect, w.snap, Some(old), &new, Some(actor_id), now).await?;
    Ok(Problem { record: new, details })
}
