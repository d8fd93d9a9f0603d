//! Who may do what with an incident. Pure: the caller supplies the facts.

use crate::{IncidentState, Role, code::Code};

/// The facts about one user and one incident that decide access.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub role: Role,
    /// The user is the incident's requester.
    pub is_requester: bool,
}

/// A refusal, with the reason shown to the user and its code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub &'static str, pub Code);

pub fn can_view(v: Viewer) -> Result<(), Denied> {
    if v.role.is_staff() || v.is_requester {
        Ok(())
    } else {
        Err(Denied("requesters can only see their own incidents", Code::DenyOwnOnly))
    }
}

pub fn can_comment(v: Viewer, internal: bool) -> Result<(), Denied> {
    can_view(v).map_err(|_| Denied("requesters can only comment on their own incidents", Code::DenyCommentOwn))?;
    if internal && !v.role.is_staff() {
        return Err(Denied("only agents, managers and admins can write work notes", Code::DenyWorkNotes));
    }
    Ok(())
}

/// Editing fields (priority, assignment, …) is the desk's work.
pub fn can_edit(v: Viewer) -> Result<(), Denied> {
    if v.role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can edit incidents", Code::DenyEdit))
    }
}

/// Requesters may confirm (close), reopen or cancel their own incident; the
/// desk may make every allowed move.
pub fn can_transition(v: Viewer, from: IncidentState, to: IncidentState) -> Result<(), Denied> {
    use IncidentState::*;
    if v.role.is_staff() {
        return Ok(());
    }
    can_view(v)?;
    match (from, to) {
        (Resolved, Closed) | (Resolved, InProgress) => Ok(()),
        (New, Cancelled) => Ok(()),
        _ => Err(Denied(
            "requesters can only confirm or reopen a resolved incident, or cancel a new one",
            Code::DenyTransition,
        )),
    }
}

/// Only admins manage users, groups and tokens of others.
pub fn can_admin(role: Role) -> Result<(), Denied> {
    if role == Role::Admin { Ok(()) } else { Err(Denied("only admins can manage users and groups", Code::DenyAdmin)) }
}

/// Service managers own calendars, SLAs and OLAs; admins may too.
pub fn can_manage_service_levels(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can manage calendars and service levels", Code::DenyServiceLevels))
    }
}

/// Agents, managers and admins keep the CMDB (CIs and relations).
pub fn can_edit_cmdb(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can change the CMDB", Code::DenyCmdb))
    }
}

/// Only admins define CI classes: a class shapes every CI of it.
pub fn can_define_classes(role: Role) -> Result<(), Denied> {
    if role == Role::Admin { Ok(()) } else { Err(Denied("only admins can define CI classes", Code::DenyCiClasses)) }
}

/// Service managers own the catalog fields of services; admins may too.
pub fn can_manage_catalog(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can change the service catalog", Code::DenyCatalog))
    }
}

/// Managers and admins keep the desk's canned replies; agents use them.
pub fn can_manage_canned_replies(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can manage canned replies", Code::DenyCannedReplies))
    }
}

/// Managers and admins keep Steward's own checks; the desk reads them.
pub fn can_keep_checks(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can keep checks", Code::DenyChecks))
    }
}

/// Managers and admins keep the maintenance windows that mute alerts; the
/// desk reads them.
pub fn can_keep_alert_windows(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can keep maintenance windows for alerts", Code::DenyAlertWindows))
    }
}

/// Agents, managers and admins read checks, their results and events.
pub fn can_view_checks(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can see this", Code::DenyStaffOnly))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_matrix() {
        use IncidentState::*;
        for role in Role::ALL {
            for is_requester in [false, true] {
                let v = Viewer { role, is_requester };
                let staff = role.is_staff();
                assert_eq!(can_view(v).is_ok(), staff || is_requester, "{role} view");
                assert_eq!(can_comment(v, false).is_ok(), staff || is_requester, "{role} comment");
                assert_eq!(can_comment(v, true).is_ok(), staff, "{role} work note");
                assert_eq!(can_edit(v).is_ok(), staff, "{role} edit");
                assert_eq!(can_transition(v, InProgress, Resolved).is_ok(), staff, "{role} resolve");
                assert_eq!(can_transition(v, Resolved, Closed).is_ok(), staff || is_requester, "{role} close");
                assert_eq!(can_transition(v, New, Cancelled).is_ok(), staff || is_requester, "{role} cancel");
                assert_eq!(can_admin(role).is_ok(), role == Role::Admin);
                assert_eq!(can_keep_checks(role).is_ok(), matches!(role, Role::Manager | Role::Admin));
                assert_eq!(can_view_checks(role).is_ok(), staff);
            }
        }
        let denied = can_view(Viewer { role: Role::Requester, is_requester: false }).unwrap_err();
        assert_eq!(denied.to_string(), "requesters can only see their own incidents");
    }
}
