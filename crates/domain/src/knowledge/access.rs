//! Who may read and change knowledge articles. Pure: the caller supplies
//! the role and whether the user wrote the version.
//!
//! Agents write: they start articles and revisions and edit, submit,
//! withdraw or discard their own drafts. Managers and admins review and
//! publish, retire, and may do anything an author may with any draft (they
//! are the knowledge managers). Requesters read published versions written
//! for requesters; staff read every published version and the history
//! (superseded and retired versions), and unpublished versions they wrote —
//! managers and admins read all of them, since they review them.

use super::{Audience, VersionState};
use crate::{Role, access::Denied, code::Code};

fn is_manager(role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin)
}

/// The audiences whose published articles a role reads: the filter search
/// and lists apply.
pub fn visible_audiences(role: Role) -> &'static [Audience] {
    if role.is_staff() { &[Audience::Requesters, Audience::Staff] } else { &[Audience::Requesters] }
}

pub fn can_read_version(role: Role, is_author: bool, audience: Audience, state: VersionState) -> Result<(), Denied> {
    use VersionState::*;
    match state {
        Published if visible_audiences(role).contains(&audience) => Ok(()),
        Published => Err(Denied("this article is for staff only", Code::DenyKbStaffOnly)),
        _ if !role.is_staff() => Err(Denied("this article is not published", Code::DenyKbNotPublished)),
        Superseded | Retired => Ok(()),
        Draft | InReview | Discarded => can_edit_version(role, is_author).map_err(|_| {
            Denied("only its author, managers and admins can read an unpublished version", Code::DenyKbUnpublished)
        }),
    }
}

/// Starting an article or a new version of one.
pub fn can_write_articles(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can write articles", Code::DenyKbWrite))
    }
}

/// Changing a draft's texts and fields.
pub fn can_edit_version(role: Role, is_author: bool) -> Result<(), Denied> {
    can_write_articles(role)?;
    if is_author || is_manager(role) {
        Ok(())
    } else {
        Err(Denied("only its author, managers and admins can change a draft", Code::DenyKbDraft))
    }
}

/// Moving a version: the author's moves (submit, withdraw, discard) and
/// the knowledge manager's (publish, retire).
pub fn can_move_version(role: Role, is_author: bool, to: VersionState) -> Result<(), Denied> {
    use VersionState::*;
    match to {
        InReview | Draft | Discarded => can_edit_version(role, is_author),
        Published | Superseded if !is_manager(role) => {
            Err(Denied("only managers and admins can publish articles", Code::DenyKbPublish))
        }
        Retired if !is_manager(role) => Err(Denied("only managers and admins can retire articles", Code::DenyKbRetire)),
        Published | Superseded | Retired => Ok(()),
    }
}
