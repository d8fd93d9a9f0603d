//! Who may read and write a record's conversation: its comments (public),
//! work notes (internal) and the files sent with them. Pure: the caller
//! supplies the facts. The comments, attachments and mail replies of every
//! kind run through one implementation (the app's `discussion`), which asks
//! here rather than naming a kind; a kind takes part by answering below.
//! Articles do not: their readers give feedback instead.

use crate::{
    Role,
    access::{self, Denied, Viewer},
    code::Code,
    number::RecordKind,
    problem,
};

const NOT_DISCUSSED: Denied = Denied("this kind of record takes no comments", Code::DenyNoComments);

/// May this viewer read the record's conversation (what they may read of
/// it is [`sees_work_notes`])?
pub fn can_read(kind: RecordKind, v: Viewer) -> Result<(), Denied> {
    match kind {
        RecordKind::Incident => access::can_view(v),
        RecordKind::Problem => problem::can_view_problem(v.role),
        RecordKind::Article => Err(NOT_DISCUSSED),
        RecordKind::Change => crate::change::can_view_change(v.role),
        RecordKind::Task => crate::task::can_view_task(v.role),
    }
}

/// May this viewer add a comment (with `internal`, a work note)?
pub fn can_post(kind: RecordKind, v: Viewer, internal: bool) -> Result<(), Denied> {
    match kind {
        RecordKind::Incident => access::can_comment(v, internal),
        // Problems are the desk's back office: whoever sees one writes both.
        RecordKind::Problem => problem::can_view_problem(v.role),
        RecordKind::Article => Err(NOT_DISCUSSED),
        RecordKind::Change => crate::change::can_view_change(v.role),
        RecordKind::Task => crate::task::can_view_task(v.role),
    }
}

/// Whether nobody with this role may read any record of the kind, even
/// one they raised: then a request is refused before the record is
/// looked up, so its answer does not tell which numbers exist.
pub fn refused_whatever_the_record(kind: RecordKind, role: Role) -> Option<Denied> {
    can_read(kind, Viewer { role, is_requester: true }).err()
}

/// Whether the role reads work notes and the files sent with them.
pub fn sees_work_notes(role: Role) -> bool {
    role.is_staff()
}

/// Whether the desk's first public reply meets the record's response
/// target. An incident's does; a problem is taken up by leaving New.
pub fn reply_responds(kind: RecordKind) -> bool {
    kind == RecordKind::Incident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_per_kind() {
        for role in Role::ALL {
            let staff = role.is_staff();
            for is_requester in [false, true] {
                let v = Viewer { role, is_requester };
                // Incidents: as the incident's own rules say.
                assert_eq!(can_read(RecordKind::Incident, v).is_ok(), staff || is_requester, "{role}");
                assert_eq!(can_post(RecordKind::Incident, v, false).is_ok(), staff || is_requester, "{role}");
                assert_eq!(can_post(RecordKind::Incident, v, true).is_ok(), staff, "{role}");
                // Problems: the desk's alone, whoever raised them.
                assert_eq!(can_read(RecordKind::Problem, v).is_ok(), staff, "{role}");
                assert_eq!(can_post(RecordKind::Problem, v, false).is_ok(), staff, "{role}");
                assert_eq!(can_post(RecordKind::Problem, v, true).is_ok(), staff, "{role}");
                assert!(can_read(RecordKind::Article, v).is_err() && can_post(RecordKind::Article, v, false).is_err());
            }
            assert_eq!(sees_work_notes(role), staff);
            assert_eq!(refused_whatever_the_record(RecordKind::Problem, role).is_some(), !staff, "{role}");
            assert!(refused_whatever_the_record(RecordKind::Incident, role).is_none(), "{role}: maybe their own");
        }
        assert!(reply_responds(RecordKind::Incident) && !reply_responds(RecordKind::Problem));
    }
}
