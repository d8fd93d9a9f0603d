//! Links between records of any kinds, as people name them, and which
//! links may be made. Pure: the store keeps each link once, in one
//! direction ([`Stored`]), and the use cases check cycles against it.
//!
//! A record has at most one parent (its `parent_id`) and is a duplicate of
//! at most one original; "related" goes both ways; "caused by" ties an
//! incident to its problem; "documents" an article to what it describes;
//! "caused by change" an incident or a problem to the change that caused
//! it (change review: which changes failed, and what they broke).

use crate::{
    Role,
    access::Denied,
    code::{Code, Message, not_one_of},
    number::RecordKind,
};

/// Links are the desk's way of tying its records together: staff see and
/// make them (on every record they can see, which is every record of the
/// kinds so far); requesters see their incidents' own fields only.
pub fn can_link(role: Role) -> Result<(), Denied> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(Denied("only agents, managers and admins can see and make links between records", Code::DenyLinks))
    }
}

/// A link seen from one of its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// This record's parent.
    Parent,
    /// A record whose parent this is.
    Child,
    /// This record repeats the other, the original.
    DuplicateOf,
    /// The other record repeats this one.
    Duplicates,
    Related,
    /// This incident was caused by the problem.
    CausedBy,
    /// The incident this problem caused.
    Causes,
    /// This article documents the problem.
    Documents,
    /// An article that documents this record.
    DocumentedBy,
    /// This incident or problem was caused by the change.
    CausedByChange,
    /// The incident or problem this change caused.
    ChangeCaused,
}

/// How a link is kept: which of the two ends is `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The child's `parent_id`.
    Parent,
    /// A `record_links` row with this name.
    Row(&'static str),
}

impl LinkType {
    /// Every link, in the order a record's page groups them.
    pub const ALL: [LinkType; 11] = [
        LinkType::Parent,
        LinkType::Child,
        LinkType::DuplicateOf,
        LinkType::Duplicates,
        LinkType::Related,
        LinkType::CausedBy,
        LinkType::Causes,
        LinkType::Documents,
        LinkType::DocumentedBy,
        LinkType::CausedByChange,
        LinkType::ChangeCaused,
    ];
    /// The links a person makes from a record's page or `…/links`; the
    /// others have their own forms (a problem's incidents, an article's
    /// problems).
    pub const MADE_HERE: [LinkType; 7] = [
        LinkType::Parent,
        LinkType::Child,
        LinkType::DuplicateOf,
        LinkType::Duplicates,
        LinkType::Related,
        LinkType::CausedByChange,
        LinkType::ChangeCaused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkType::Parent => "parent",
            LinkType::Child => "child",
            LinkType::DuplicateOf => "duplicate_of",
            LinkType::Duplicates => "duplicates",
            LinkType::Related => "related",
            LinkType::CausedBy => "caused_by",
            LinkType::Causes => "causes",
            LinkType::Documents => "documents",
            LinkType::DocumentedBy => "documented_by",
            LinkType::CausedByChange => "caused_by_change",
            LinkType::ChangeCaused => "change_caused",
        }
    }

    /// The link as the other end sees it.
    pub fn inverse(self) -> LinkType {
        match self {
            LinkType::Parent => LinkType::Child,
            LinkType::Child => LinkType::Parent,
            LinkType::DuplicateOf => LinkType::Duplicates,
            LinkType::Duplicates => LinkType::DuplicateOf,
            LinkType::Related => LinkType::Related,
            LinkType::CausedBy => LinkType::Causes,
            LinkType::Causes => LinkType::CausedBy,
            LinkType::Documents => LinkType::DocumentedBy,
            LinkType::DocumentedBy => LinkType::Documents,
            LinkType::CausedByChange => LinkType::ChangeCaused,
            LinkType::ChangeCaused => LinkType::CausedByChange,
        }
    }

    /// How the link is kept, and whether this end is the stored `from`
    /// (the child, the duplicate, the incident, the article; for
    /// "related", whichever end made it).
    pub fn stored(self) -> (Stored, bool) {
        match self {
            LinkType::Parent => (Stored::Parent, true),
            LinkType::Child => (Stored::Parent, false),
            LinkType::DuplicateOf => (Stored::Row(DUPLICATE_OF), true),
            LinkType::Duplicates => (Stored::Row(DUPLICATE_OF), false),
            LinkType::Related => (Stored::Row(RELATED), true),
            LinkType::CausedBy => (Stored::Row(CAUSED_BY), true),
            LinkType::Causes => (Stored::Row(CAUSED_BY), false),
            LinkType::Documents => (Stored::Row(DOCUMENTS), true),
            LinkType::DocumentedBy => (Stored::Row(DOCUMENTS), false),
            LinkType::CausedByChange => (Stored::Row(CAUSED_BY_CHANGE), true),
            LinkType::ChangeCaused => (Stored::Row(CAUSED_BY_CHANGE), false),
        }
    }

    /// The link a stored row names, seen from its `from` end (`true`) or
    /// its `to` end.
    pub fn of_row(name: &str, from_end: bool) -> Option<LinkType> {
        let name = leak(name)?;
        if name == RELATED {
            return Some(LinkType::Related);
        }
        LinkType::ALL.into_iter().find(|l| l.stored() == (Stored::Row(name), from_end))
    }

    /// A link a person asks for by name, made here ([`Self::MADE_HERE`]).
    pub fn requested(name: &str) -> Result<LinkType, Message> {
        let name = name.trim();
        match LinkType::MADE_HERE.into_iter().find(|l| l.as_str() == name) {
            Some(l) => Ok(l),
            None => {
                let made = LinkType::MADE_HERE.map(LinkType::as_str);
                match LinkType::ALL.into_iter().find(|l| l.as_str() == name) {
                    Some(LinkType::CausedBy | LinkType::Causes) => Err(Code::LinkElsewhere.msg(
                        "link incidents to the problem that caused them from the problem \
                         (POST /api/v1/problems/{number}/incidents)",
                    )),
                    Some(_) => Err(Code::LinkElsewhere
                        .msg("link articles to problems from the article (POST /api/v1/articles/{number}/problems)")),
                    None => Err(not_one_of(name, &made)),
                }
            }
        }
    }
}

/// The names `record_links` keeps.
pub const DUPLICATE_OF: &str = "duplicate_of";
pub const RELATED: &str = "related";
pub const CAUSED_BY: &str = "caused_by";
pub const DOCUMENTS: &str = "documents";
pub const CAUSED_BY_CHANGE: &str = "caused_by_change";

/// The stored name as one of the constants (a row's text is not `'static`).
fn leak(name: &str) -> Option<&'static str> {
    [DUPLICATE_OF, RELATED, CAUSED_BY, DOCUMENTS, CAUSED_BY_CHANGE].into_iter().find(|n| *n == name)
}

/// Whether a record of kind `here` may have `link` to a record of kind
/// `there` (`same` when both ends are one record). Parents and
/// duplicates stay within a kind (a later kind's tasks will name their
/// change as parent here); anything may be related to anything else.
pub fn may_link(here: RecordKind, link: LinkType, there: RecordKind, same: bool) -> Result<(), Message> {
    if same {
        return Err(match link {
            LinkType::Parent | LinkType::Child => Code::OwnParent.msg("a record cannot be its own parent"),
            _ => Code::LinkSelf.msg("a record cannot be linked to itself"),
        });
    }
    let (child, parent) = match link {
        LinkType::Parent | LinkType::DuplicateOf => (here, there),
        LinkType::Child | LinkType::Duplicates => (there, here),
        LinkType::Related => return Ok(()),
        LinkType::CausedByChange | LinkType::ChangeCaused => {
            let (caused, change) = if link == LinkType::CausedByChange { (here, there) } else { (there, here) };
            if change != RecordKind::Change || !matches!(caused, RecordKind::Incident | RecordKind::Problem) {
                return Err(Code::LinkKinds
                    .msg("a change causes incidents and problems: link an incident or a problem to a change")
                    .with("kind", RecordKind::Change.as_str()));
            }
            return Ok(());
        }
        LinkType::CausedBy | LinkType::Causes | LinkType::Documents | LinkType::DocumentedBy => {
            return LinkType::requested(link.as_str()).map(|_| ());
        }
    };
    if child != parent {
        let what = if matches!(link, LinkType::Parent | LinkType::Child) { "parent" } else { "original" };
        return Err(Code::LinkKinds
            .msg(format!("{}'s {what} must be {} too", with_article(child), with_article(child)))
            .with("kind", child.as_str()));
    }
    if child == RecordKind::Article {
        return Err(Code::LinkKinds
            .msg("articles have no parents or duplicates: a new version of an article replaces it")
            .with("kind", child.as_str()));
    }
    Ok(())
}

/// "an incident", "a problem".
fn with_article(kind: RecordKind) -> String {
    let name = kind.as_str();
    let an = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if an { "an" } else { "a" })
}

/// Refusal: the link would close a loop (`number` is the record that
/// would end up above itself).
pub fn cycle(link: LinkType, number: &str) -> Message {
    match link {
        LinkType::Parent | LinkType::Child => {
            Code::ParentCycle.msg(format!("this would make {number} its own parent")).with("number", number)
        }
        _ => Code::DuplicateCycle.msg(format!("this would make {number} a duplicate of itself")).with("number", number),
    }
}

/// Refusal: the record has its one parent or original already.
pub fn taken(link: LinkType, number: &str, other: &str) -> Message {
    let text = match link {
        LinkType::Parent | LinkType::Child => format!("{number} already has a parent, {other}: remove that link first"),
        _ => format!("{number} is already a duplicate of {other}: remove that link first"),
    };
    Code::LinkTaken.msg(text).with("number", number).with("other", other)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RecordKind::*;

    #[test]
    fn each_link_reads_back_from_the_other_end() {
        for l in LinkType::ALL {
            assert_eq!(l.inverse().inverse(), l);
            let (how, from) = l.stored();
            let (how2, from2) = l.inverse().stored();
            assert_eq!(how, how2, "{l:?}");
            if l != LinkType::Related {
                assert_ne!(from, from2, "{l:?}");
            }
            if let Stored::Row(name) = how {
                assert_eq!(LinkType::of_row(name, from), Some(l));
            }
        }
        assert_eq!(LinkType::of_row(RELATED, false), Some(LinkType::Related));
        assert_eq!(LinkType::of_row(CAUSED_BY, false), Some(LinkType::Causes));
        assert_eq!(LinkType::of_row("nonsense", true), None);
    }

    #[test]
    fn people_ask_for_the_links_made_here_and_are_sent_to_the_others() {
        assert_eq!(LinkType::requested(" duplicate_of "), Ok(LinkType::DuplicateOf));
        assert_eq!(LinkType::requested("child"), Ok(LinkType::Child));
        assert_eq!(LinkType::requested("caused_by").unwrap_err().code, Code::LinkElsewhere);
        assert_eq!(LinkType::requested("documented_by").unwrap_err().code, Code::LinkElsewhere);
        let e = LinkType::requested("sibling").unwrap_err();
        assert_eq!(e.code, Code::NotOneOf);
        assert!(e.text.contains("duplicate_of"), "{}", e.text);
    }

    #[test]
    fn parents_and_originals_stay_in_the_kind_and_nothing_links_to_itself() {
        assert!(may_link(Incident, LinkType::Parent, Incident, false).is_ok());
        assert!(may_link(Problem, LinkType::Child, Problem, false).is_ok());
        assert!(may_link(Incident, LinkType::Related, Article, false).is_ok());
        assert_eq!(may_link(Incident, LinkType::Parent, Incident, true).unwrap_err().code, Code::OwnParent);
        assert_eq!(may_link(Incident, LinkType::Related, Incident, true).unwrap_err().code, Code::LinkSelf);
        let e = may_link(Incident, LinkType::DuplicateOf, Problem, false).unwrap_err();
        assert_eq!((e.code, e.text.as_str()), (Code::LinkKinds, "an incident's original must be an incident too"));
        assert_eq!(may_link(Problem, LinkType::Duplicates, Incident, false).unwrap_err().code, Code::LinkKinds);
        assert_eq!(may_link(Article, LinkType::Parent, Article, false).unwrap_err().code, Code::LinkKinds);
    }

    #[test]
    fn refusals_name_the_record() {
        let c = cycle(LinkType::Child, "INC0000001");
        assert_eq!((c.code, c.text.as_str()), (Code::ParentCycle, "this would make INC0000001 its own parent"));
        assert_eq!(cycle(LinkType::DuplicateOf, "INC1").code, Code::DuplicateCycle);
        let t = taken(LinkType::DuplicateOf, "INC1", "INC2");
        assert_eq!(t.params, vec![("number", "INC1".to_owned()), ("other", "INC2".to_owned())]);
    }
}
