//! What a journal entry says happened to a record.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Updated,
    StateChanged,
    Comment,
    WorkNote,
    Attachment,
    /// An SLA (and its clocks) began to apply.
    SlaAttached,
    /// A priority change gave a clock a new target.
    SlaRetargeted,
    /// A clock crossed a warning threshold.
    SlaWarning,
    /// A clock used up its target.
    SlaBreached,
    /// An escalation rule fired.
    Escalated,
    /// Linked to another record (an incident to the problem that caused it).
    Linked,
    /// A link to another record removed.
    Unlinked,
    /// A reader said whether a knowledge article helped.
    Feedback,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::StateChanged => "state_changed",
            Action::Comment => "comment",
            Action::WorkNote => "work_note",
            Action::Attachment => "attachment",
            Action::SlaAttached => "sla_attached",
            Action::SlaRetargeted => "sla_retargeted",
            Action::SlaWarning => "sla_warning",
            Action::SlaBreached => "sla_breached",
            Action::Escalated => "escalated",
            Action::Linked => "linked",
            Action::Unlinked => "unlinked",
            Action::Feedback => "feedback",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Created,
            Self::Updated,
            Self::StateChanged,
            Self::Comment,
            Self::WorkNote,
            Self::Attachment,
            Self::SlaAttached,
            Self::SlaRetargeted,
            Self::SlaWarning,
            Self::SlaBreached,
            Self::Escalated,
            Self::Linked,
            Self::Unlinked,
            Self::Feedback,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }
    /// Requesters never see internal entries.
    pub fn is_internal(self) -> bool {
        matches!(self, Action::WorkNote)
    }
}

/// One field's change, values rendered as text (null when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl FieldChange {
    pub fn new(field: &str, old: Option<String>, new: Option<String>) -> Option<Self> {
        (old != new).then(|| Self { field: field.to_owned(), old, new })
    }
}
