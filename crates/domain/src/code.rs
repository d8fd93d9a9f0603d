//! Stable codes for the messages users see (validation and refusals), so
//! the UI translates a message by what it means rather than by its
//! English words. A [`Message`] carries its code, the named values the
//! text mentions and the English text itself; the API answers the text and
//! the code, the UI looks the code up in its catalogue and fills in the
//! values, and shows the English only for [`Code::Other`].

use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// What a message means, whatever its English wording.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code the app can answer.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as the API names it (`required`, `too_long`, …).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// Not yet given a code of its own: the UI shows the English text.
    Other = "other",
    // Text (see `text::TextError`).
    Required = "required",
    /// `{max}`, `{got}`.
    TooLong = "too_long",
    ControlCharacters = "control_characters",
    SingleLine = "single_line",
    /// "X is required to move to Y": beside its field, "is required".
    RequiredForState = "required_for_state",
    /// A time or date a filter cannot read.
    NotATime = "not_a_time",
    // References to other records.
    NoSuchUser = "no_such_user",
    NoSuchIncident = "no_such_incident",
    /// `{numbers}`: the ones that do not exist.
    NoSuchIncidents = "no_such_incidents",
    NotIncidentNumber = "not_incident_number",
    OwnParent = "own_parent",
    GroupForAssignee = "group_for_assignee",
    /// `{who}`.
    NotMember = "not_member",
    /// `{name}`.
    NoGroup = "no_group",
    /// `{id}`, once for each missing CI.
    NoCi = "no_ci",
    /// `{who}`.
    NoUserNamed = "no_user_named",
    /// `{who}`, `{n}`.
    UserAmbiguous = "user_ambiguous",
    /// `{name}`.
    NoService = "no_service",
    Level = "level",
    EmptyFile = "empty_file",
    // Service levels and calendars.
    Positive = "positive",
    NoTargets = "no_targets",
    NoHours = "no_hours",
    /// `{other}`.
    Overlaps = "overlaps",
    /// `{start}`, `{end}`.
    Inverted = "inverted",
    /// `{zone}`.
    UnknownZone = "unknown_zone",
    /// `{text}`.
    NotTime = "not_time",
    /// `{p}`.
    ThresholdRange = "threshold_range",
    /// `{p}`.
    ThresholdRising = "threshold_rising",
    /// `{id}`.
    NoCalendar = "no_calendar",
    NameTaken = "name_taken",
    // Accounts and people.
    WrongPassword = "wrong_password",
    SamePassword = "same_password",
    PasswordCommon = "password_common",
    PasswordUsername = "password_username",
    /// `{n}`.
    PasswordShort = "password_short",
    /// `{n}`.
    PasswordLong = "password_long",
    Locale = "locale",
    SelfDemote = "self_demote",
    LastAdmin = "last_admin",
    EmailOneAt = "email_one_at",
    EmailNoLocal = "email_no_local",
    EmailNoDot = "email_no_dot",
    EmailBadDomain = "email_bad_domain",
    EmailSpaces = "email_spaces",
    EmailTooLong = "email_too_long",
    /// `{who}`.
    EmailTaken = "email_taken",
    /// `{who}`.
    AssigneeDeactivated = "assignee_deactivated",
    Taken = "taken",
    /// `{zone}`.
    NotZone = "not_zone",
    /// `{what}`.
    InUse = "in_use",
    /// `{name}`.
    NoOrganisation = "no_organisation",
    // Problems and known errors.
    KnownErrorNeeds = "known_error_needs",
    KeptWhilePublished = "kept_while_published",
    NotKnownError = "not_known_error",
    LinkClosedProblem = "link_closed_problem",
    IncidentsStayOpen = "incidents_stay_open",
    NotLinkedProblem = "not_linked_problem",
    NoWorkaround = "no_workaround",
    ResolutionNotHere = "resolution_not_here",
    NotApplicable = "not_applicable",
    NotWhole = "not_whole",
    /// `{max}`.
    FromTo = "from_to",
    ChooseIncidents = "choose_incidents",
    // The desk: bulk changes, assignment, canned replies.
    NotInAnyGroup = "not_in_any_group",
    TooManyFiles = "too_many_files",
    BulkTooMany = "bulk_too_many",
    BulkNothing = "bulk_nothing",
    BulkStateAlone = "bulk_state_alone",
    /// `{name}`, `{list}`.
    UnknownPlaceholder = "unknown_placeholder",
    UnclosedBrace = "unclosed_brace",
    StrayBrace = "stray_brace",
    // Knowledge.
    KbReviewFirst = "kb_review_first",
    KbReviewByPast = "kb_review_by_past",
    KbOneLanguage = "kb_one_language",
    // Refusals of access.
    DenyOwnOnly = "deny_own_only",
    DenyCommentOwn = "deny_comment_own",
    DenyWorkNotes = "deny_work_notes",
    DenyEdit = "deny_edit",
    DenyTransition = "deny_transition",
    DenyOutbox = "deny_outbox",
    DenyWebhooks = "deny_webhooks",
    DenyRetry = "deny_retry",
    DenyKbNotPublished = "deny_kb_not_published",
    DenyKbStaffOnly = "deny_kb_staff_only",
    DenyKbWrite = "deny_kb_write",
    DenyKbDraft = "deny_kb_draft",
    DenyKbPublish = "deny_kb_publish",
    DenyKbRetire = "deny_kb_retire",
    DenyKbSelfReview = "deny_kb_self_review",
}

impl Code {
    /// A message with this code and its English text.
    pub fn msg(self, text: impl Into<String>) -> Message {
        Message { code: self, params: Vec::new(), text: text.into() }
    }
}

/// A message for a user: its code, the values it names, its English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub code: Code,
    /// Named values (`max`, `who`, …) a translation fills in.
    pub params: Vec<(&'static str, String)>,
    pub text: String,
}

impl Message {
    /// `inner`'s code and values under a longer text ("whys[0].answer is
    /// required" means what "is required" means).
    pub fn wrapping(inner: impl Into<Message>, text: String) -> Self {
        Message { text, ..inner.into() }
    }

    /// The same message naming `value` as `name`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}

/// As JSON a message is its English text.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Compares the English text (tests read best that way).
impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

/// Text without a code of its own yet.
impl From<String> for Message {
    fn from(text: String) -> Self {
        Code::Other.msg(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Code::Other.msg(text)
    }
}

impl From<&String> for Message {
    fn from(text: &String) -> Self {
        Code::Other.msg(text.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c:?} twice");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{c:?}");
            assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
        }
    }
}
