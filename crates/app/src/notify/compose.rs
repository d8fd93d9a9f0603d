//! Turning an incident event into outbox messages, inside the caller's write
//! transaction: choosing the recipients, rendering their emails, and one
//! message per matching webhook.

use super::{
    ASSIGNED, COMMENTED, CREATED, EMAIL, ESCALATED, RESOLVED, SLA_BREACHED, SLA_WARNING, STATE_CHANGED, WEBHOOK,
    WORK_NOTE,
};
use super::{NotifyConfig, labels};
use crate::error::AppError;
use jiff::tz::TimeZone;
use serde_json::{Value, json};
use std::sync::Arc;
use steward_channels::email::{self, EmailAddress, EmailEvent, Locale, RecordInfo, SlaInfo};
use steward_channels::webhook::{Notice, Severity};
use steward_domain::number::{RecordKind, RecordNumber};
use steward_store::{
    Conn,
    accounts::{self, User},
    now_micros,
    outbox::{self, NewMessage},
    records::Incident,
    revs, watchers, webhooks,
};

/// What the enqueue functions need from the application, cheap to clone
/// into write closures: get it from [`crate::App::notify_ctx`].
#[derive(Debug, Clone)]
pub struct Ctx {
    pub(crate) config: Arc<NotifyConfig>,
    pub(crate) domain: Arc<str>,
    /// Whether this node can send email; without SMTP, email messages are
    /// enqueued with a note saying why they wait.
    pub(crate) smtp: bool,
    /// The active webhooks, read inside every write that notifies.
    pub(crate) hooks: Arc<HookCache>,
    /// The language and zone of recipients who chose none.
    pub(crate) site: Arc<crate::site::SiteConfig>,
}

/// The active webhooks, cached under the `webhooks` revision: every
/// notifying write needs them, and reading them all inside the shared write
/// transaction held up every other write (the revision is one row).
pub(crate) type HookCache = crate::cache::Revised<Vec<webhooks::Webhook>>;

/// Who acted: a user, or the system (SLA timers, auto-close).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: Option<i64>,
    pub name: String,
}

impl Author {
    pub fn user(id: i64, name: &str) -> Self {
        Self { id: Some(id), name: name.to_owned() }
    }
    pub fn system() -> Self {
        Self { id: None, name: "Steward".into() }
    }
}

/// An SLA target as notifications show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaNotice {
    /// E.g. "Resolution P2".
    pub name: String,
    /// The agreed time, in microseconds.
    pub target_us: i64,
    /// When it is (or was) due, microseconds since the epoch (UTC).
    pub due_at: i64,
}

/// What happened to an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentEvent {
    Created,
    Commented {
        body: String,
        internal: bool,
    },
    /// `to` is the new assignee's or group's display name.
    Assigned {
        to: String,
    },
    Resolved {
        notes: String,
    },
    /// Any other move of state (stored names); `note` is what the move
    /// said, e.g. a cancel reason.
    StateChanged {
        from: String,
        to: String,
        note: Option<String>,
    },
    SlaWarning {
        sla: SlaNotice,
        percent: u8,
    },
    SlaBreached {
        sla: SlaNotice,
    },
    Escalated {
        reason: String,
    },
}

impl IncidentEvent {
    /// The event's name, as webhooks and opt-outs know it.
    pub fn name(&self) -> &'static str {
        match self {
            IncidentEvent::Created => CREATED,
            IncidentEvent::Commented { internal: false, .. } => COMMENTED,
            IncidentEvent::Commented { internal: true, .. } => WORK_NOTE,
            IncidentEvent::Assigned { .. } => ASSIGNED,
            IncidentEvent::Resolved { .. } => RESOLVED,
            IncidentEvent::StateChanged { .. } => STATE_CHANGED,
            IncidentEvent::SlaWarning { .. } => SLA_WARNING,
            IncidentEvent::SlaBreached { .. } => SLA_BREACHED,
            IncidentEvent::Escalated { .. } => ESCALATED,
        }
    }
}

/// Who should hear about an event, relative to the incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipients {
    Requester,
    Assignee,
    /// The members of the incident's assignment group.
    GroupMembers,
    Watchers,
    Users(Vec<i64>),
}

/// Enqueues the messages for `event` on `inc`: an email to each recipient
/// (see the module's table for who is skipped and what is optional) and a
/// message to each active webhook whose filter matches. Call it inside the
/// write closure of the change. Returns how many messages were enqueued.
pub async fn incident_event(
    c: &mut Conn,
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    recipients: &[Recipients],
) -> Result<usize, AppError> {
    let users = recipients_of(c, inc, by, event, recipients).await?;
    enqueue_for(c, ctx, inc, by, &[(event, &users)]).await
}

/// Enqueues each event for its users, already chosen with
/// [`recipients_of`] (which may run before the write, on the read pool),
/// and for the webhooks, looked up once for all of them (a create raises
/// two events; each lookup read the webhooks' revision inside the write).
pub(crate) async fn enqueue_for(
    c: &mut Conn,
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    events: &[(&IncidentEvent, &[User])],
) -> Result<usize, AppError> {
    let now = now_micros();
    let mut msgs = Vec::new();
    let hooks = ctx.hooks.get(c, revs::WEBHOOKS, async |c: &mut Conn| webhooks::active(c).await).await?;
    for (event, users) in events {
        for u in *users {
            if let Some(m) = email_message(ctx, inc, by, event, u)? {
                msgs.push(m);
            }
        }
        for w in hooks.iter() {
            if subscribed(&w.events, &event_name(inc, event)) {
                msgs.push(webhook_message(ctx, inc, by, event, w.id, now)?);
            }
        }
    }
    outbox::enqueue_many(c, &msgs, now).await?;
    Ok(msgs.len())
}

/// Does a webhook's filter (a JSON list) take `event`? An empty filter
/// takes every event but work notes, of whatever kind of record.
pub(crate) fn subscribed(filter: &str, event: &str) -> bool {
    let events: Vec<String> = serde_json::from_str(filter).unwrap_or_default();
    let work_note = WORK_NOTE.strip_prefix("incident").is_some_and(|rest| event.ends_with(rest));
    if events.is_empty() { !work_note } else { events.iter().any(|e| e == event) }
}

/// The users to email, each once, after the skip rules and opt-outs.
pub(crate) async fn recipients_of(
    c: &mut Conn,
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    recipients: &[Recipients],
) -> Result<Vec<User>, AppError> {
    let found = people(c, inc, recipients).await?;
    choose(c, &found, inc, by, event, recipients).await
}

/// Everyone `recipients` may name on this record, read in one statement
/// (a write that tells people should not pay a round trip per kind of
/// recipient); [`choose`] picks among them.
pub(crate) async fn people(
    c: &mut Conn,
    inc: &Incident,
    recipients: &[Recipients],
) -> Result<Vec<accounts::Candidate>, AppError> {
    let mut ids = Vec::new();
    let (mut group, mut watched) = (None, None);
    for r in recipients {
        match r {
            Recipients::Requester => ids.push(inc.requester_id),
            Recipients::Assignee => ids.extend(inc.assignee_id),
            Recipients::GroupMembers => group = inc.assignment_group_id,
            Recipients::Watchers => watched = Some((inc.kind.as_str(), inc.id)),
            Recipients::Users(us) => ids.extend(us),
        }
    }
    Ok(accounts::candidates(c, &ids, group, watched).await?)
}

/// The users to email among `people` (read by [`people`] for at least
/// these `recipients`), each once, after the skip rules and opt-outs.
pub(crate) async fn choose(
    c: &mut Conn,
    people: &[accounts::Candidate],
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    recipients: &[Recipients],
) -> Result<Vec<User>, AppError> {
    let by_id = |id: i64| people.iter().find(|p| p.user.id == id).map(|p| p.user.clone());
    let always = matches!(event, IncidentEvent::SlaBreached { .. } | IncidentEvent::Escalated { .. });
    let never = matches!(event, IncidentEvent::SlaWarning { .. } | IncidentEvent::Commented { internal: true, .. });
    // (user, may they turn this off?)
    let mut found: Vec<(User, bool)> = Vec::new();
    for r in recipients {
        let (users, optional) = match r {
            Recipients::Requester => {
                let must = matches!(
                    event,
                    IncidentEvent::Created
                        | IncidentEvent::Commented { internal: false, .. }
                        | IncidentEvent::Resolved { .. }
                );
                (by_id(inc.requester_id).into_iter().collect::<Vec<_>>(), !must)
            }
            Recipients::Assignee => (
                inc.assignee_id.and_then(by_id).into_iter().collect(),
                !matches!(event, IncidentEvent::Assigned { .. }),
            ),
            Recipients::GroupMembers => {
                (people.iter().filter(|p| p.in_group != 0).map(|p| p.user.clone()).collect(), true)
            }
            Recipients::Watchers => (people.iter().filter(|p| p.watching != 0).map(|p| p.user.clone()).collect(), true),
            Recipients::Users(ids) => (ids.iter().filter_map(|id| by_id(*id)).collect(), true),
        };
        let optional = !always && (never || optional);
        for u in users {
            match found.iter_mut().find(|(f, _)| f.id == u.id) {
                Some(entry) => entry.1 = entry.1 && optional,
                None => found.push((u, optional)),
            }
        }
    }
    let receipt = matches!(event, IncidentEvent::Created);
    found.retain(|(u, _)| {
        let own_action = by.id == Some(u.id) && !(receipt && u.id == inc.requester_id);
        let staff = u.role.parse::<steward_domain::Role>().is_ok_and(|r| r.is_staff());
        let internal = matches!(event, IncidentEvent::Commented { internal: true, .. });
        u.active != 0 && u.email.as_deref().is_some_and(|e| !e.trim().is_empty()) && !own_action && (staff || !internal)
    });
    let optional: Vec<i64> = found.iter().filter(|(_, o)| *o).map(|(u, _)| u.id).collect();
    let off = watchers::opted_out(c, &optional, event.name()).await?;
    Ok(found.into_iter().filter(|(u, o)| !(*o && off.contains(&u.id))).map(|(u, _)| u).collect())
}

/// The record as messages name it: its kind, its number (INC0000042,
/// PRB0000007) and the paths of its page and its API resource.
fn record_ref(inc: &Incident) -> (RecordKind, String, (&'static str, &'static str)) {
    let kind = RecordKind::named(&inc.kind).unwrap_or(RecordKind::Incident);
    (kind, RecordNumber { kind, seq: inc.number }.to_string(), kind.paths())
}

/// The event as outbox rows and webhooks name it: `incident.assigned`,
/// `problem.assigned`. Opt-outs keep the incident's name: a user who turned
/// off assignment mails hears of no assignment.
fn event_name(inc: &Incident, event: &IncidentEvent) -> String {
    let name = event.name();
    match name.strip_prefix("incident.") {
        Some(rest) if inc.kind != crate::incidents::KIND => format!("{}.{rest}", inc.kind),
        _ => name.to_owned(),
    }
}

pub(crate) fn record_info(ctx: &Ctx, inc: &Incident, l: Locale) -> RecordInfo {
    let (_, number, (page, _)) = record_ref(inc);
    RecordInfo {
        link: format!("{}/{page}/{number}", ctx.config.base_url.trim_end_matches('/')),
        number,
        title: inc.title.clone(),
        state: labels::state(l, &inc.state),
        priority: labels::priority(l, inc.priority),
    }
}

/// The SLA as the recipient reads it: due in their time zone.
fn sla_info(s: &SlaNotice, zone: &TimeZone) -> SlaInfo {
    let due = jiff::Timestamp::from_microsecond(s.due_at).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    SlaInfo {
        name: s.name.clone(),
        target: std::time::Duration::from_micros(u64::try_from(s.target_us).unwrap_or(0)),
        due: due.to_zoned(zone.clone()),
    }
}

fn email_event(
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    l: Locale,
    zone: &TimeZone,
) -> EmailEvent {
    let record = record_info(ctx, inc, l);
    let actor = by.name.clone();
    match event {
        IncidentEvent::Created => EmailEvent::IncidentCreated { record },
        IncidentEvent::Commented { body, .. } => {
            EmailEvent::CommentAdded { record, author: actor, comment: body.clone() }
        }
        IncidentEvent::Assigned { to } => EmailEvent::Assigned { record, actor, assignee: to.clone() },
        IncidentEvent::Resolved { notes } => EmailEvent::Resolved { record, actor, notes: notes.clone() },
        IncidentEvent::StateChanged { to, note, .. } => {
            EmailEvent::StateChanged { record, actor, state: labels::state(l, to), note: note.clone() }
        }
        IncidentEvent::SlaWarning { sla, percent } => {
            EmailEvent::SlaWarning { record, sla: sla_info(sla, zone), percent: *percent }
        }
        IncidentEvent::SlaBreached { sla } => EmailEvent::SlaBreached { record, sla: sla_info(sla, zone) },
        IncidentEvent::Escalated { reason } => EmailEvent::Escalated { record, actor, reason: reason.clone() },
    }
}

pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// The ready email for one recipient, or nothing when their address is
/// not usable.
fn email_message(
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    u: &User,
) -> Result<Option<NewMessage>, AppError> {
    let Some(address) = u.email.as_deref().and_then(|e| e.trim().parse::<EmailAddress>().ok()) else {
        tracing::warn!(user = u.id, "skipping a notification: the user's email address is not usable");
        return Ok(None);
    };
    // Their setting, else their browser's, else the site's.
    let locale = Locale::from_tag(&ctx.site.language_of(u));
    let zone = ctx.site.zone_of(u);
    let rendered = email::render(&email_event(ctx, inc, by, event, locale, &zone), locale);
    let (_, number, _) = record_ref(inc);
    let mut subject = rendered.subject;
    if matches!(event, IncidentEvent::Commented { internal: true, .. }) {
        let prefix = format!("[{number}] ");
        let rest = subject.strip_prefix(&prefix).unwrap_or(&subject).to_owned();
        subject = format!("{prefix}{}: {rest}", labels::work_note(locale));
    }
    let payload = json!({
        "to_name": u.display_name,
        "to_email": address.to_string(),
        "subject": subject,
        "text": rendered.text,
        "html": rendered.html,
        "message_id": email::new_message_id(&number, &ctx.domain),
        "thread": email::thread_id(&number, &ctx.domain),
        "record": number,
    });
    Ok(Some(NewMessage {
        channel: EMAIL.into(),
        event: event_name(inc, event),
        record_kind: Some(inc.kind.clone()),
        record_id: Some(inc.id),
        target: address.to_string(),
        payload: to_json(&payload)?,
        last_error: (!ctx.smtp).then(|| {
            "SMTP is not configured: the message waits until a node with [mail] settings delivers it".to_owned()
        }),
    }))
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Success => "success",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    }
}

/// The event as webhooks receive it (the JSON format's body).
fn event_json(ctx: &Ctx, inc: &Incident, by: &Author, event: &IncidentEvent, now: i64) -> Value {
    let (_, number, (page, api)) = record_ref(inc);
    let base = ctx.config.base_url.trim_end_matches('/');
    let time = |us: i64| jiff::Timestamp::from_microsecond(us).map(|t| t.to_string()).unwrap_or_default();
    let mut v = json!({
        "event": event_name(inc, event),
        "occurred_at": time(now),
        "actor": by.id.map(|id| json!({"id": id, "name": by.name})),
        "record": {
            "kind": inc.kind,
            "number": number,
            "title": inc.title,
            "state": inc.state,
            "priority": inc.priority,
            "impact": inc.impact,
            "urgency": inc.urgency,
            "major": inc.major != 0,
            "requester": inc.requester_name,
            "assignment_group": inc.group_name,
            "assignee": inc.assignee_name,
            "link": format!("{base}/{page}/{number}"),
            "api": format!("{base}/api/v1/{api}/{number}"),
        },
    });
    let extra = match event {
        IncidentEvent::Created => None,
        IncidentEvent::Commented { body, internal } => Some(("comment", json!({"body": body, "internal": internal}))),
        IncidentEvent::Assigned { to } => Some(("assigned_to", json!(to))),
        IncidentEvent::Resolved { notes } => Some(("resolution", json!({"code": inc.resolution_code, "notes": notes}))),
        IncidentEvent::StateChanged { from, to, note } => {
            Some(("state_change", json!({"from": from, "to": to, "note": note})))
        }
        IncidentEvent::SlaWarning { sla, percent } => Some((
            "sla",
            json!({"name": sla.name, "target_us": sla.target_us, "due_at": time(sla.due_at), "percent": percent}),
        )),
        IncidentEvent::SlaBreached { sla } => {
            Some(("sla", json!({"name": sla.name, "target_us": sla.target_us, "due_at": time(sla.due_at)})))
        }
        IncidentEvent::Escalated { reason } => Some(("reason", json!(reason))),
    };
    if let (Some((k, x)), Some(obj)) = (extra, v.as_object_mut()) {
        obj.insert(k.to_owned(), x);
    }
    v
}

fn webhook_message(
    ctx: &Ctx,
    inc: &Incident,
    by: &Author,
    event: &IncidentEvent,
    webhook_id: i64,
    now: i64,
) -> Result<NewMessage, AppError> {
    let notice = Notice::from_event(&email_event(ctx, inc, by, event, Locale::En, &TimeZone::UTC), Locale::En);
    let payload = json!({
        "event": event_name(inc, event),
        "data": event_json(ctx, inc, by, event, now),
        "notice": {
            "title": notice.title,
            "text": notice.text,
            "link": notice.link,
            "link_label": notice.link_label,
            "severity": severity(notice.severity),
        },
    });
    Ok(NewMessage {
        channel: WEBHOOK.into(),
        event: event_name(inc, event),
        record_kind: Some(inc.kind.clone()),
        record_id: Some(inc.id),
        target: webhook_id.to_string(),
        payload: to_json(&payload)?,
        last_error: None,
    })
}

/// The notice stored with a webhook message, back as the channel's type.
pub(crate) fn notice_from(v: &Value) -> Notice {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    Notice {
        title: s("title"),
        text: s("text"),
        link: v.get("link").and_then(Value::as_str).map(str::to_owned),
        link_label: s("link_label"),
        severity: match v.get("severity").and_then(Value::as_str) {
            Some("success") => Severity::Success,
            Some("warning") => Severity::Warning,
            Some("critical") => Severity::Critical,
            _ => Severity::Info,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_due_moments_are_in_the_recipients_zone() {
        let notice = SlaNotice { name: "Resolution P2".into(), target_us: 0, due_at: 1_764_000_000_000_000 };
        let warsaw = steward_domain::zone::zone_or_utc(Some("Europe/Warsaw"));
        let due = |z: &TimeZone| jiff::fmt::strtime::format("%H:%M %Z", &sla_info(&notice, z).due).unwrap();
        assert_eq!(due(&warsaw), "17:00 CET");
        assert_eq!(due(&TimeZone::UTC), "16:00 UTC");
        assert_eq!(due(&steward_domain::zone::zone_or_utc(None)), "16:00 UTC", "no zone: UTC");
    }
}
