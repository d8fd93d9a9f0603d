//! What the incident use cases notify, called inside their write closures:
//! who hears about a creation, a comment, an assignment or a state change.

use super::compose::{Author, Ctx, IncidentEvent, Recipients, choose, enqueue_for, incident_event, people};
use crate::error::AppError;
use steward_store::{
    Conn,
    accounts::User,
    records::{Incident, Record},
};

/// Who a new incident's messages go to, chosen before the write on the read
/// pool, so the shared write transaction only renders and enqueues them.
#[derive(Clone)]
pub(crate) struct CreatedPlan {
    ack: Vec<User>,
    assigned: Option<(IncidentEvent, Vec<User>)>,
}

/// Plans a new incident's messages: the requester's acknowledgement, and
/// the assignment's (see [`assigned`]). `draft` is the incident to be
/// written (its id not yet drawn).
pub(crate) async fn plan_created(c: &mut Conn, draft: &Incident, by: &Author) -> Result<CreatedPlan, AppError> {
    let assignment = assignment(None, draft);
    // The requester and whoever the assignment tells, in one read.
    let mut named = vec![Recipients::Requester];
    named.extend(assignment.as_ref().map(|(_, to)| to.clone()));
    let found = people(c, draft, &named).await?;
    let ack = choose(c, &found, draft, by, &IncidentEvent::Created, &[Recipients::Requester]).await?;
    let assigned = match assignment {
        Some((event, to)) => {
            let users = choose(c, &found, draft, by, &event, &[to]).await?;
            Some((event, users))
        }
        None => None,
    };
    Ok(CreatedPlan { ack, assigned })
}

/// Enqueues the planned messages for the incident as written.
pub(crate) async fn on_created(
    c: &mut Conn,
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    plan: &CreatedPlan,
) -> Result<(), AppError> {
    let mut events: Vec<(&IncidentEvent, &[User])> = vec![(&IncidentEvent::Created, &plan.ack)];
    if let Some((event, users)) = &plan.assigned {
        events.push((event, users));
    }
    enqueue_for(c, ctx, inc, by, &events).await?;
    Ok(())
}

/// A comment or work note.
pub(crate) async fn on_comment(
    c: &mut Conn,
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    body: &str,
    internal: bool,
) -> Result<(), AppError> {
    let event = IncidentEvent::Commented { body: body.to_owned(), internal };
    let to: &[Recipients] = if internal {
        &[Recipients::Assignee, Recipients::Watchers]
    } else {
        &[Recipients::Requester, Recipients::Assignee, Recipients::Watchers]
    };
    incident_event(c, ctx, inc, by, &event, to).await?;
    Ok(())
}

/// A change of assignee or group: the new assignee, or the new group's
/// members when nobody in particular is assigned.
pub(crate) async fn assigned(
    c: &mut Conn,
    ctx: &Ctx,
    old: Option<&Incident>,
    new: &Incident,
    by: &Author,
) -> Result<(), AppError> {
    if let Some((event, to)) = assignment(old, new) {
        incident_event(c, ctx, new, by, &event, &[to]).await?;
    }
    Ok(())
}

/// What an assignment change announces, and to whom.
fn assignment(old: Option<&Incident>, new: &Incident) -> Option<(IncidentEvent, Recipients)> {
    let (old_assignee, old_group) = old.map(|o| (o.assignee_id, o.assignment_group_id)).unwrap_or((None, None));
    if new.assignee_id.is_some() && new.assignee_id != old_assignee {
        let to = new.assignee_name.clone().unwrap_or_default();
        Some((IncidentEvent::Assigned { to }, Recipients::Assignee))
    } else if new.assignee_id.is_none() && new.assignment_group_id.is_some() && new.assignment_group_id != old_group {
        let to = new.group_name.clone().unwrap_or_default();
        Some((IncidentEvent::Assigned { to }, Recipients::GroupMembers))
    } else {
        None
    }
}

/// A new record of a kind that sends no receipt (a problem, raised by
/// staff): webhooks hear of it, its owner or group of the assignment.
pub(crate) async fn on_raised(c: &mut Conn, ctx: &Ctx, rec: &Record, by: &Author) -> Result<(), AppError> {
    incident_event(c, ctx, rec, by, &IncidentEvent::Created, &[]).await?;
    assigned(c, ctx, None, rec, by).await
}

/// A state change. An incident: the resolution to the requester; a
/// public comment sent with any other change as a comment. Any other kind
/// (a problem): see [`on_state_moved`].
pub(crate) async fn on_transition(
    c: &mut Conn,
    ctx: &Ctx,
    old: &Incident,
    new: &Incident,
    by: &Author,
    comment: Option<&str>,
) -> Result<(), AppError> {
    if new.kind != crate::incidents::KIND {
        return on_state_moved(c, ctx, old, new, by, comment).await;
    }
    if new.state == "resolved" && old.state != "resolved" {
        let mut notes = new.resolution_notes.clone().unwrap_or_default();
        if let Some(cm) = comment {
            if !notes.is_empty() {
                notes.push_str("\n\n");
            }
            notes.push_str(cm);
        }
        incident_event(c, ctx, new, by, &IncidentEvent::Resolved { notes }, &[Recipients::Requester]).await?;
    } else if let Some(cm) = comment {
        on_comment(c, ctx, new, by, cm, false).await?;
    }
    Ok(())
}

/// A move of state of a record worked by an owner and a group (a
/// problem): resolving tells who raised it, the owner (else the group's
/// members) and the watchers, with the resolution notes; closing and
/// cancelling tell the owner (else the group) and the watchers, with
/// `note` (a cancel reason); every other move goes to webhooks only.
async fn on_state_moved(
    c: &mut Conn,
    ctx: &Ctx,
    old: &Record,
    new: &Record,
    by: &Author,
    note: Option<&str>,
) -> Result<(), AppError> {
    if old.state == new.state {
        return Ok(());
    }
    let owner = if new.assignee_id.is_some() { Recipients::Assignee } else { Recipients::GroupMembers };
    let (event, to) = match new.state.as_str() {
        "resolved" => {
            let notes = new.resolution_notes.clone().unwrap_or_default();
            (IncidentEvent::Resolved { notes }, vec![Recipients::Requester, owner, Recipients::Watchers])
        }
        state => {
            let to = if matches!(state, "closed" | "cancelled") { vec![owner, Recipients::Watchers] } else { vec![] };
            let event = IncidentEvent::StateChanged {
                from: old.state.clone(),
                to: state.to_owned(),
                note: note.map(str::to_owned),
            };
            (event, to)
        }
    };
    incident_event(c, ctx, new, by, &event, &to).await?;
    Ok(())
}
