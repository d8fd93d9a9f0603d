//! What scheduling a change answers (and moving the window of one that is
//! scheduled): its conflicts at the window it will hold. A freeze refuses
//! the desk, with the next free slot; managers and admins may schedule
//! into one, and emergency changes skip the rule. Every other conflict is
//! allowed but written into the journal, so the CAB and the implementer
//! see what they accepted.

use super::{Change, ChangeConflicts, time_text};
use crate::{Actor, App, Code, error::AppError};
use steward_domain::{
    change::{
        ChangeType,
        conflicts::{Conflict, Reason, Window, With},
        may_schedule_in_freeze,
    },
    journal::FieldChange,
};

impl App {
    /// Checks `window` for `change` about to be scheduled at it: `Err` when
    /// it falls in a freeze and the actor may not; otherwise the journal's
    /// `conflicts` entry, if there are any.
    pub(crate) async fn schedule_gate(
        &self,
        actor: &Actor,
        change: &Change,
        window: Window,
    ) -> Result<Option<FieldChange>, AppError> {
        let found = self.conflicts_at(change, window).await?;
        let mut freezes: Vec<&str> = found
            .conflicts
            .iter()
            .filter_map(|c| match &c.with {
                With::Freeze { name, .. } => Some(name.as_str()),
                With::Change { .. } => None,
            })
            .collect();
        freezes.dedup();
        let emergency = change.change_type() == ChangeType::Emergency;
        if !freezes.is_empty() && !emergency && !may_schedule_in_freeze(actor.role) {
            let names = freezes.join(", ");
            let next = found.proposal.map(window_text).unwrap_or_else(|| "none within 30 days".to_owned());
            let text = format!(
                "the planned window falls in the freeze {names}; only managers and admins can schedule into a freeze (next free slot: {next})"
            );
            return Err(AppError::field(
                "planned_start",
                Code::InFreeze.msg(text).with("freeze", names).with("next", next),
            ));
        }
        Ok(FieldChange::new("conflicts", None, summary(&found)))
    }
}

/// "2027-01-05T10:00:00Z – 2027-01-05T12:00:00Z".
fn window_text(w: Window) -> String {
    let t = |m| time_text(Some(m)).unwrap_or_default();
    format!("{} – {}", t(w.start), t(w.end))
}

/// The conflicts in one line each, as the journal keeps them; none when
/// there are none.
fn summary(found: &ChangeConflicts) -> Option<String> {
    let name = |id: i64| {
        found.names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_else(|| format!("CI {id}"))
    };
    let lines: Vec<String> = found.conflicts.iter().map(|c| line(c, &name)).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

fn line(c: &Conflict, name: &dyn Fn(i64) -> String) -> String {
    let with = match &c.with {
        With::Change { number, .. } => number.clone(),
        With::Freeze { name, .. } => format!("freeze {name}"),
    };
    let why = match &c.reason {
        Reason::SameCi { ci } => format!("both change {}", name(*ci)),
        Reason::DependsOn { ours, theirs, .. } => format!("{} depends on {}", name(*ours), name(*theirs)),
        Reason::DependedOn { ours, theirs, .. } => format!("{} depends on {}", name(*theirs), name(*ours)),
        Reason::SameAssignee { .. } => "the same owner at the same time".to_owned(),
        Reason::InFreeze { service: Some(s) } => format!("{} is frozen", name(*s)),
        Reason::InFreeze { service: None } => "every service is frozen".to_owned(),
    };
    match c.hops {
        Some(1) => format!("{with}: {why} (1 hop)"),
        Some(h) if h > 1 => format!("{with}: {why} ({h} hops)"),
        _ => format!("{with}: {why}"),
    }
}
