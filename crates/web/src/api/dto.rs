//! The API's JSON shapes. Inputs refuse unknown fields; times are RFC 3339
//! in UTC with microseconds.

use serde::{Deserialize, Deserializer, Serialize};
use steward_app::incidents::{IncidentPatch, NewIncident, Patch, TransitionInput, number};
use steward_domain::{RecordNumber, number::RecordKind};
use steward_store::{accounts, journal, records::Incident};
use utoipa::ToSchema;

pub fn time(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros).map(|t| t.to_string()).unwrap_or_default()
}

pub fn opt_time(micros: Option<i64>) -> Option<String> {
    micros.map(time)
}

/// A reference to another object: its id and display name.
#[derive(Serialize, ToSchema)]
pub struct Ref {
    pub id: i64,
    pub name: String,
}

fn reference(id: Option<i64>, name: &Option<String>) -> Option<Ref> {
    id.map(|id| Ref { id, name: name.clone().unwrap_or_default() })
}

#[derive(Serialize, ToSchema)]
pub struct IncidentJson {
    /// e.g. INC0000042
    pub number: String,
    pub title: String,
    pub description: String,
    #[schema(value_type = super::schema::IncidentState)]
    pub state: String,
    #[schema(value_type = Option<super::schema::HoldReason>)]
    pub hold_reason: Option<String>,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub impact: i64,
    /// 1 high … 3 low
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: i64,
    /// 1 (P1, critical) … 5 (P5, planning), from the impact × urgency matrix
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i64,
    pub requester: Ref,
    pub organisation: Option<Ref>,
    pub category: Option<String>,
    pub service: Option<Ref>,
    pub assignment_group: Option<Ref>,
    pub assignee: Option<Ref>,
    pub major: bool,
    /// The parent incident's number.
    pub parent: Option<String>,
    #[schema(value_type = Option<super::schema::ResolutionCode>)]
    pub resolution_code: Option<String>,
    pub resolution_notes: Option<String>,
    pub reopen_count: i64,
    pub opened_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    /// Send it back with an update (body `version` or `If-Match`).
    pub version: i64,
    /// The nearest moment a running SLA clock runs out; null when none runs.
    pub sla_due_at: Option<String>,
    /// Whether any of its SLA clocks has breached.
    pub sla_breached: bool,
}

impl From<Incident> for IncidentJson {
    fn from(i: Incident) -> Self {
        Self {
            number: number(i.number),
            requester: Ref { id: i.requester_id, name: i.requester_name.clone().unwrap_or_default() },
            organisation: reference(i.organisation_id, &i.organisation_name),
            assignment_group: reference(i.assignment_group_id, &i.group_name),
            assignee: reference(i.assignee_id, &i.assignee_name),
            parent: i.parent_number.map(number),
            major: i.major != 0,
            opened_at: time(i.opened_at),
            first_response_at: opt_time(i.first_response_at),
            resolved_at: opt_time(i.resolved_at),
            closed_at: opt_time(i.closed_at),
            updated_at: time(i.updated_at),
            sla_due_at: opt_time(i.sla.sla_due_at),
            sla_breached: i.sla.sla_breached != 0,
            title: i.title,
            description: i.description,
            state: i.state,
            hold_reason: i.hold_reason,
            impact: i.impact,
            urgency: i.urgency,
            priority: i.priority,
            category: i.category,
            service: reference(i.service_id, &i.service),
            resolution_code: i.resolution_code,
            resolution_notes: i.resolution_notes,
            reopen_count: i.reopen_count,
            version: i.version,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IncidentPage {
    pub items: Vec<IncidentJson>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many incidents the filters find (every page together), exact up
    /// to 10,000; past that 10,000 with `count_capped` set.
    pub count: i64,
    /// More than 10,000 match ("10,000+").
    pub count_capped: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncidentJson {
    pub title: String,
    pub description: Option<String>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    /// 1 high … 3 low (default 3)
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    /// Username; the caller by default. Agents only.
    pub requester: Option<String>,
    pub category: Option<String>,
    pub service: Option<String>,
    /// Group name. Agents only.
    pub assignment_group: Option<String>,
    /// Username, a member of the group. Agents only.
    pub assignee: Option<String>,
    pub major: Option<bool>,
    /// Parent incident number.
    pub parent: Option<String>,
    /// The CIs affected, by id.
    #[serde(default)]
    pub cis: Vec<i64>,
}

impl From<NewIncidentJson> for NewIncident {
    fn from(j: NewIncidentJson) -> Self {
        NewIncident {
            title: j.title,
            description: j.description,
            impact: j.impact,
            urgency: j.urgency,
            requester: j.requester,
            category: j.category,
            service: j.service,
            assignment_group: j.assignment_group,
            assignee: j.assignee,
            major: j.major,
            parent: j.parent,
            cis: j.cis,
        }
    }
}

/// Absent keeps a field, `null` clears it, a value sets it.
pub(crate) fn patch<'de, D: Deserializer<'de>>(d: D) -> Result<Patch<String>, D::Error> {
    Ok(match Option::<String>::deserialize(d)? {
        None => Patch::Clear,
        Some(v) if v.trim().is_empty() => Patch::Clear,
        Some(v) => Patch::Set(v),
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentPatchJson {
    /// The version you read; or send `If-Match`.
    pub version: Option<i64>,
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(minimum = 1, maximum = 3)]
    pub impact: Option<i64>,
    #[schema(minimum = 1, maximum = 3)]
    pub urgency: Option<i64>,
    /// Username. Agents only.
    pub requester: Option<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub category: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub service: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignment_group: Patch<String>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub assignee: Patch<String>,
    pub major: Option<bool>,
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub parent: Patch<String>,
    /// Replaces the CIs affected.
    pub cis: Option<Vec<i64>>,
}

impl IncidentPatchJson {
    pub fn split(self) -> (Option<i64>, IncidentPatch) {
        (
            self.version,
            IncidentPatch {
                title: self.title,
                description: self.description,
                impact: self.impact,
                urgency: self.urgency,
                requester: self.requester,
                category: self.category,
                service: self.service,
                assignment_group: self.assignment_group,
                assignee: self.assignee,
                major: self.major,
                parent: self.parent,
                cis: self.cis,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionJson {
    /// The target state.
    #[schema(value_type = super::schema::IncidentState)]
    pub state: String,
    /// Required for on_hold.
    #[schema(value_type = Option<super::schema::HoldReason>)]
    pub hold_reason: Option<String>,
    /// Required for resolved.
    #[schema(value_type = Option<super::schema::ResolutionCode>)]
    pub resolution_code: Option<String>,
    /// Required for resolved.
    pub resolution_notes: Option<String>,
    /// A public comment recorded with the change.
    pub comment: Option<String>,
    pub version: Option<i64>,
}

impl TransitionJson {
    pub fn split(self) -> (Option<i64>, TransitionInput) {
        (
            self.version,
            TransitionInput {
                state: self.state,
                hold_reason: self.hold_reason,
                resolution_code: self.resolution_code,
                resolution_notes: self.resolution_notes,
                comment: self.comment,
            },
        )
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentJson {
    pub body: String,
    /// A work note, seen only by agents, managers and admins.
    #[serde(default)]
    pub internal: bool,
}

/// A comment with files, as `multipart/form-data`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewCommentForm {
    pub body: String,
    /// `true` for a work note.
    pub internal: Option<bool>,
    /// Up to 10 files, each a part named `file`.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentJson {
    pub id: i64,
    pub author: Ref,
    pub body: String,
    pub internal: bool,
    pub created_at: String,
    /// The files sent with it.
    pub attachments: Vec<AttachmentJson>,
}

impl CommentJson {
    /// Comments, each with the files sent with it.
    pub fn with_files(kind: RecordKind, comments: Vec<journal::Comment>, files: Vec<journal::Attachment>) -> Vec<Self> {
        let mut by_comment: std::collections::HashMap<i64, Vec<AttachmentJson>> = std::collections::HashMap::new();
        for f in files {
            if let Some(c) = f.comment_id {
                by_comment.entry(c).or_default().push(AttachmentJson::new(kind, f));
            }
        }
        comments
            .into_iter()
            .map(|c| {
                let attachments = by_comment.remove(&c.id).unwrap_or_default();
                Self { attachments, ..Self::from(c) }
            })
            .collect()
    }
}

impl From<journal::Comment> for CommentJson {
    fn from(c: journal::Comment) -> Self {
        Self {
            id: c.id,
            author: Ref { id: c.author_id, name: c.author_name.unwrap_or_default() },
            body: c.body,
            internal: c.internal != 0,
            created_at: time(c.created_at),
            attachments: Vec::new(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FieldChangeJson {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct JournalEntryJson {
    pub seq: i64,
    pub at: String,
    /// Null for the system (e.g. auto-close).
    pub actor: Option<Ref>,
    /// What happened, e.g. created, updated, state_changed, comment, work_note, attachment.
    pub action: String,
    pub changes: Vec<FieldChangeJson>,
    /// The text of a comment or work note.
    pub body: Option<String>,
}

impl From<journal::Entry> for JournalEntryJson {
    fn from(e: journal::Entry) -> Self {
        let changes: Vec<steward_domain::journal::FieldChange> = serde_json::from_str(&e.changes).unwrap_or_default();
        Self {
            seq: e.seq,
            at: time(e.at),
            actor: e.actor_id.map(|id| Ref { id, name: e.actor_name.clone().unwrap_or_default() }),
            action: e.action,
            changes: changes.into_iter().map(|c| FieldChangeJson { field: c.field, old: c.old, new: c.new }).collect(),
            body: e.body,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: String,
    /// Where to download it.
    pub href: String,
}

impl AttachmentJson {
    /// A file of a record of `kind`.
    pub fn new(kind: RecordKind, a: journal::Attachment) -> Self {
        let record = RecordNumber { kind, seq: a.record_number };
        Self {
            href: format!("/api/v1/{}/{record}/attachments/{}", kind.paths().1, a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_at: time(a.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserJson {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[schema(value_type = super::schema::Role)]
    pub role: String,
    pub active: bool,
    /// Whether a password is set: without one the user cannot sign in
    /// (an admin sets it with `PUT /api/v1/users/{name}/password`).
    pub has_password: bool,
}

impl From<accounts::User> for UserJson {
    fn from(u: accounts::User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            email: u.email,
            role: u.role,
            active: u.active != 0,
            has_password: u.password_hash.is_some(),
        }
    }
}

/// A user just created, with what they still need before signing in.
#[derive(Serialize, ToSchema)]
pub struct CreatedUserJson {
    #[serde(flatten)]
    pub user: UserJson,
    /// Set when the user cannot sign in yet (no password), saying how to
    /// give them one.
    pub notice: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeJson {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = super::schema::Role)]
    pub role: String,
    pub group_ids: Vec<i64>,
    /// en or pl; none = the browser's language
    pub locale: Option<String>,
    /// The IANA zone times are shown in; none = UTC
    pub time_zone: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserJson {
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    #[schema(value_type = super::schema::Role)]
    pub role: String,
    pub organisation: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupJson {
    pub id: i64,
    pub name: String,
    pub description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroupJson {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMemberJson {
    pub username: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenJson {
    pub name: String,
    /// `all` (default): the whole API as its holder; `alerts`: only the
    /// /api/v2 alert API and the alert webhooks (for Prometheus, amtool and
    /// monitoring tools).
    #[serde(default)]
    #[schema(value_type = Option<super::schema::TokenScope>)]
    pub scope: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenJson {
    pub id: i64,
    pub name: String,
    /// The secret: only in the answer that created it, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub token: Option<String>,
    pub created_at: String,
    /// When it last authenticated a request (kept to the minute).
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    #[schema(value_type = super::schema::TokenScope)]
    pub scope: String,
}

impl From<accounts::ApiToken> for TokenJson {
    fn from(t: accounts::ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            token: None,
            created_at: time(t.created_at),
            last_used_at: opt_time(t.last_used_at),
            revoked_at: opt_time(t.revoked_at),
            scope: t.scope,
        }
    }
}
