//! What the incident use cases notify, called inside their write closures:
//! who hears about a creation, a comment, an assignment or a state change.

use super::compose::{Author, Ctx, IncidentEvent, Recipients, incident_event};
use crate::error::AppError;
use steward_store::{Conn, incidents::Incident};

/// A new incident: the requester's acknowledgement, and the assignment if
/// it was opened assigned.
pub(crate) async fn on_created(c: &mut Conn, ctx: &Ctx, inc: &Incident, by: &Author) -> Result<(), AppError> {
    incident_event(c, ctx, inc, by, &IncidentEvent::Created, &[Recipients::Requester]).await?;
    assigned(c, ctx, None, inc, by).await
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
    let (old_assignee, old_group) = old.map(|o| (o.assignee_id, o.assignment_group_id)).unwrap_or((None, None));
    if new.assignee_id.is_some() && new.assignee_id != old_assignee {
        let to = new.assignee_name.clone().unwrap_or_default();
        incident_event(c, ctx, new, by, &IncidentEvent::Assigned { to }, &[Recipients::Assignee]).await?;
    } else if new.assignee_id.is_none() && new.assignment_group_id.is_some() && new.assignment_group_id != old_group {
        let to = new.group_name.clone().unwrap_or_default();
        incident_event(c, ctx, new, by, &IncidentEvent::Assigned { to }, &[Recipients::GroupMembers]).await?;
    }
    Ok(())
}

/// A state change: the resolution to the requester; a public comment sent
/// with any other change as a comment.
pub(crate) async fn on_transition(
    c: &mut Conn,
    ctx: &Ctx,
    old: &Incident,
    new: &Incident,
    by: &Author,
    comment: Option<&str>,
) -> Result<(), AppError> {
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
