//! Bulk changes from the list: assign, state or priority for many
//! incidents at once. Each incident goes through the same write path as
//! one changed by hand (its version, rights, rules, one journal entry); what
//! is refused is reported per incident and the rest goes ahead.

use crate::Code;
use crate::{
    Actor, App,
    error::AppError,
    incidents::{IncidentPatch, Patch, TransitionInput},
};
use futures_util::{StreamExt, stream};
use steward_domain::{Impact, PriorityMatrix, Urgency};
use steward_store::records::Incident;

/// At most this many incidents in one request.
pub const MAX_BULK: usize = 200;

/// One incident to change, with the version the caller saw (none: as it is).
#[derive(Debug, Clone)]
pub struct BulkItem {
    pub number: String,
    pub version: Option<i64>,
}

/// What to change: field changes or a state change, not both (each
/// incident gets one journal entry).
#[derive(Debug, Clone, Default)]
pub struct BulkChange {
    /// A username, `me`, or empty to unassign.
    pub assignee: Option<String>,
    /// A group name, or empty to clear.
    pub assignment_group: Option<String>,
    /// 1–5: impact and urgency are set to give it by the priority matrix.
    pub priority: Option<i64>,
    pub state: Option<TransitionInput>,
}

/// An incident the change did not reach, and why.
#[derive(Debug)]
pub struct Refusal {
    pub number: String,
    pub error: AppError,
}

#[derive(Debug, Default)]
pub struct BulkOutcome {
    pub updated: Vec<Incident>,
    pub refused: Vec<Refusal>,
}

/// The impact and urgency that give `priority`, changing as little of the
/// current pair as the matrix allows.
fn levels_for(m: &PriorityMatrix, priority: i64, impact: i64, urgency: i64) -> Option<(i64, i64)> {
    let pairs: Vec<(i64, i64)> = Impact::all()
        .flat_map(|i| Urgency::all().map(move |u| (i, u)))
        .filter(|(i, u)| i64::from(m.priority(*i, *u)) == priority)
        .map(|(i, u)| (i64::from(i), i64::from(u)))
        .collect();
    // Fewest changes first; between equals, keep the impact (what is
    // affected is a fact; how urgent it is, a judgement).
    let changed = |(i, u): &(i64, i64)| (i64::from(*i != impact) + i64::from(*u != urgency), *i != impact);
    pairs.into_iter().min_by_key(changed)
}

fn check(items: &[BulkItem], change: &BulkChange, m: &PriorityMatrix) -> Result<(), AppError> {
    if items.is_empty() {
        return Err(AppError::field("incidents", Code::ChooseIncidents.msg("choose at least one incident")));
    }
    if items.len() > MAX_BULK {
        return Err(AppError::field(
            "incidents",
            Code::BulkTooMany.msg(format!("at most {MAX_BULK} incidents at once")),
        ));
    }
    let fields = change.assignee.is_some() || change.assignment_group.is_some() || change.priority.is_some();
    match (&change.state, fields) {
        (None, false) => Err(AppError::field(
            "change",
            Code::BulkNothing.msg("say what to change: assignee, group, priority or state"),
        )),
        (Some(_), true) => Err(AppError::field(
            "state",
            Code::BulkStateAlone.msg("change the state on its own, not with other fields"),
        )),
        _ => match change.priority {
            Some(p) if !(1..=5).contains(&p) => {
                Err(AppError::field("priority", Code::FromTo.msg("must be 1 to 5").with("max", 5)))
            }
            Some(p) if levels_for(m, p, 0, 0).is_none() => Err(AppError::field(
                "priority",
                Code::PriorityUnreachable
                    .msg(format!("the priority matrix gives P{p} for no impact and urgency"))
                    .with("p", p),
            )),
            _ => Ok(()),
        },
    }
}

fn text_patch(v: &Option<String>) -> Patch<String> {
    match v.as_deref().map(str::trim) {
        None => Patch::Keep,
        Some("" | "none") => Patch::Clear,
        Some(s) => Patch::Set(s.to_owned()),
    }
}

impl App {
    /// Applies `change` to each incident; never fails as a whole once the
    /// request itself is valid.
    pub async fn bulk_update(
        &self,
        actor: &Actor,
        items: Vec<BulkItem>,
        change: BulkChange,
    ) -> Result<BulkOutcome, AppError> {
        check(&items, &change, &self.config.priority_matrix)?;
        let mut seen = std::collections::HashSet::new();
        let items: Vec<BulkItem> = items.into_iter().filter(|i| seen.insert(i.number.trim().to_uppercase())).collect();
        // Concurrent, so the writer commits many in one batch; in order.
        let results: Vec<(String, Result<Incident, AppError>)> = stream::iter(items)
            .map(|item| async {
                let r = self.bulk_one(actor, &item, &change).await;
                (item.number, r)
            })
            .buffered(16)
            .collect()
            .await;
        let mut out = BulkOutcome::default();
        for (number, r) in results {
            match r {
                Ok(inc) => out.updated.push(inc),
                Err(error) => out.refused.push(Refusal { number, error }),
            }
        }
        Ok(out)
    }

    async fn bulk_one(&self, actor: &Actor, item: &BulkItem, change: &BulkChange) -> Result<Incident, AppError> {
        let inc = self.get_incident(actor, &item.number).await?;
        let version = Some(item.version.unwrap_or(inc.version));
        if let Some(t) = &change.state {
            return self.transition_incident(actor, &item.number, version, t.clone()).await;
        }
        let mut patch = IncidentPatch {
            assignee: text_patch(&change.assignee),
            assignment_group: text_patch(&change.assignment_group),
            ..IncidentPatch::default()
        };
        if matches!(&patch.assignee, Patch::Set(me) if me == "me") {
            if patch.assignment_group.is_keep() {
                let mine = self.assign_to_me_patch(actor, &inc).await?;
                (patch.assignee, patch.assignment_group) = (mine.assignee, mine.assignment_group);
            } else {
                patch.assignee = Patch::Set(actor.username.clone());
            }
        }
        if let Some(p) = change.priority {
            let (i, u) = levels_for(&self.config.priority_matrix, p, inc.impact, inc.urgency).ok_or_else(|| {
                AppError::field("priority", Code::PriorityUnreachable.msg("no impact and urgency give it").with("p", p))
            })?;
            (patch.impact, patch.urgency) = (Some(i), Some(u));
        }
        self.update_incident(actor, &item.number, version, patch).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_changes_as_little_as_it_can() {
        let m = PriorityMatrix::default();
        for p in 1..=5 {
            for i in 1..=3 {
                for u in 1..=3 {
                    let (ni, nu) = levels_for(&m, p, i, u).unwrap_or((0, 0));
                    let got = m.priority(Impact::new(ni).unwrap(), Urgency::new(nu).unwrap());
                    assert_eq!(i64::from(got), p, "P{p} from {i}/{u}");
                    // When keeping the impact can give it, the impact is kept.
                    let can_keep_impact =
                        Urgency::all().any(|x| i64::from(m.priority(Impact::new(i).unwrap(), x)) == p);
                    if can_keep_impact {
                        assert_eq!(ni, i, "P{p} from {i}/{u} keeps the impact");
                    }
                }
            }
        }
    }

    #[test]
    fn a_request_says_one_thing() {
        let m = PriorityMatrix::default();
        let one = [BulkItem { number: "INC1".into(), version: None }];
        let state = Some(TransitionInput { state: "in_progress".into(), ..TransitionInput::default() });
        assert!(check(&[], &BulkChange { priority: Some(2), ..BulkChange::default() }, &m).is_err());
        assert!(check(&one, &BulkChange::default(), &m).is_err());
        assert!(
            check(&one, &BulkChange { priority: Some(2), state: state.clone(), ..BulkChange::default() }, &m).is_err()
        );
        assert!(check(&one, &BulkChange { priority: Some(6), ..BulkChange::default() }, &m).is_err());
        assert!(check(&one, &BulkChange { state, ..BulkChange::default() }, &m).is_ok());
    }
}
