//! What a receiver's notification of an alert group says, per target: an
//! e-mail to each person (in their language), Alertmanager's webhook
//! payload (version 4), or a Slack or Teams message. Every one becomes an
//! outbox message, so delivery is durable and retried like any other.

use crate::error::AppError;
use crate::notify::compose::{Ctx, to_json};
use crate::notify::{EMAIL, WEBHOOK};
use serde_json::{Value, json};
use steward_channels::email::{self, EmailAddress, EmailEvent, Locale};
use steward_channels::webhook::{self, Notice, WebhookFormat};
use steward_domain::alert::{Alert, ChatFormat, Labels, TargetSpec, fingerprint_text};
use steward_store::{
    Conn,
    accounts::{self, User},
    outbox::NewMessage,
    webhooks,
};

/// Alerts a person's message lists by name; the rest are counted.
pub const LISTED: usize = 20;
/// Alerts a webhook payload carries; the rest are `truncatedAlerts`.
pub const WEBHOOK_MAX: usize = 1000;

pub const FIRING: &str = "alert.firing";
pub const RESOLVED: &str = "alert.resolved";

/// One notification of a group to a receiver.
pub(crate) struct GroupNotice<'a> {
    pub receiver: &'a str,
    pub group_key: &'a str,
    pub group_labels: &'a Labels,
    pub firing: Vec<&'a Alert>,
    pub resolved: Vec<&'a Alert>,
}

fn time(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us).map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()).unwrap_or_default()
}

fn label_text(l: &Labels) -> String {
    l.iter().map(|(k, v)| format!("{k}={}", Value::from(v))).collect::<Vec<_>>().join(", ")
}

/// The labels (and values) every alert of the list shares.
fn common(maps: impl Iterator<Item = Labels>) -> Labels {
    let mut out: Option<Labels> = None;
    for m in maps {
        out = Some(match out {
            None => m,
            Some(c) => {
                let mut keep = Labels::new();
                for (k, v) in c.iter() {
                    if m.get(k) == v {
                        keep.insert(k, v);
                    }
                }
                keep
            }
        });
    }
    out.unwrap_or_default()
}

impl GroupNotice<'_> {
    pub fn event(&self) -> &'static str {
        if self.firing.is_empty() { RESOLVED } else { FIRING }
    }

    fn alerts(&self) -> impl Iterator<Item = (&Alert, &'static str)> {
        self.firing.iter().map(|a| (*a, "firing")).chain(self.resolved.iter().map(|a| (*a, "resolved")))
    }

    /// Alertmanager's webhook payload, version 4.
    pub fn webhook_payload(&self, external_url: &str) -> Value {
        let total = self.firing.len() + self.resolved.len();
        let alerts: Vec<Value> = self
            .alerts()
            .take(WEBHOOK_MAX)
            .map(|(a, status)| {
                json!({
                    "status": status,
                    "labels": a.labels.as_map(),
                    "annotations": a.annotations.as_map(),
                    "startsAt": time(a.starts_at),
                    "endsAt": if status == "firing" { "0001-01-01T00:00:00Z".to_owned() } else { time(a.ends_at) },
                    "generatorURL": a.generator_url,
                    "fingerprint": fingerprint_text(a.fingerprint),
                })
            })
            .collect();
        json!({
            "version": "4",
            "groupKey": self.group_key,
            "truncatedAlerts": total.saturating_sub(WEBHOOK_MAX),
            "status": if self.firing.is_empty() { "resolved" } else { "firing" },
            "receiver": self.receiver,
            "groupLabels": self.group_labels.as_map(),
            "commonLabels": common(self.alerts().map(|(a, _)| a.labels.clone())).as_map(),
            "commonAnnotations": common(self.alerts().map(|(a, _)| a.annotations.clone())).as_map(),
            "externalURL": external_url,
            "alerts": alerts,
        })
    }

    /// One line per alert: its labels beyond the group's, and its summary.
    fn line(&self, a: &Alert) -> String {
        let mut own = Labels::new();
        for (k, v) in a.labels.iter() {
            if self.group_labels.get(k) != v {
                own.insert(k, v);
            }
        }
        let mut line = if own.is_empty() { label_text(&a.labels) } else { label_text(&own) };
        let summary = [a.annotations.get("summary"), a.annotations.get("description"), a.annotations.get("message")]
            .into_iter()
            .find(|s| !s.is_empty());
        if let Some(s) = summary {
            line.push_str(" — ");
            line.push_str(s);
        }
        line
    }

    fn listed(&self, list: &[&Alert]) -> (Vec<String>, usize) {
        (list.iter().take(LISTED).map(|a| self.line(a)).collect(), list.len().saturating_sub(LISTED))
    }

    fn email_event(&self, link: &str) -> EmailEvent {
        let (firing, more_firing) = self.listed(&self.firing);
        let (resolved, more_resolved) = self.listed(&self.resolved);
        let group = if self.group_labels.is_empty() { "{}".to_owned() } else { label_text(self.group_labels) };
        EmailEvent::AlertGroup {
            receiver: self.receiver.to_owned(),
            group,
            firing,
            resolved,
            more_firing,
            more_resolved,
            link: link.to_owned(),
        }
    }
}

/// The alert console's address.
fn console(ctx: &Ctx) -> String {
    format!("{}/alerts", ctx.config.base_url.trim_end_matches('/'))
}

/// The e-mail for one person, or nothing when they cannot get one.
fn email_to(ctx: &Ctx, n: &GroupNotice<'_>, u: &User) -> Result<Option<NewMessage>, AppError> {
    if u.active == 0 {
        return Ok(None);
    }
    let Some(address) = u.email.as_deref().and_then(|e| e.trim().parse::<EmailAddress>().ok()) else {
        return Ok(None);
    };
    let locale = Locale::from_tag(&ctx.site.language_of(u));
    let rendered = email::render(&n.email_event(&console(ctx)), locale);
    // A group's messages thread together: the thread is named by its key.
    let thread = format!("alerts-{:016x}", hash(n.group_key));
    let payload = json!({
        "to_name": u.display_name,
        "to_email": address.to_string(),
        "subject": rendered.subject,
        "text": rendered.text,
        "html": rendered.html,
        "message_id": email::new_message_id(&thread, &ctx.domain),
        "thread": email::thread_id(&thread, &ctx.domain),
        "record": "",
    });
    Ok(Some(NewMessage {
        channel: EMAIL.into(),
        event: n.event().into(),
        record_kind: None,
        record_id: None,
        target: address.to_string(),
        payload: to_json(&payload)?,
        last_error: (!ctx.smtp).then(|| {
            "SMTP is not configured: the message waits until a node with [mail] settings delivers it".to_owned()
        }),
    }))
}

/// FNV-1a 64 of a text: a stable short name for a group's thread.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A webhook call: to a configured webhook (`target` its id) or to a URL
/// (`target` the URL; no secret), the body ready.
fn webhook_message(n: &GroupNotice<'_>, target: String, body: Value) -> Result<NewMessage, AppError> {
    Ok(NewMessage {
        channel: WEBHOOK.into(),
        event: n.event().into(),
        record_kind: None,
        record_id: None,
        target,
        payload: to_json(&json!({"event": n.event(), "body": body}))?,
        last_error: None,
    })
}

/// The chat message of a group: its subject, the listed alerts, the link.
fn chat_body(ctx: &Ctx, n: &GroupNotice<'_>, format: ChatFormat) -> Value {
    let notice = Notice::from_event(&n.email_event(&console(ctx)), Locale::En);
    let format = match format {
        ChatFormat::Slack => WebhookFormat::Slack,
        ChatFormat::Teams => WebhookFormat::Teams,
    };
    webhook::payload(format, &Value::Null, &notice)
}

/// Every outbox message one receiver's targets make of a notification.
/// Group members and users are read now (a change of membership applies
/// to the next notification); a webhook deleted since the routing was
/// saved is skipped, loudly.
pub(crate) async fn messages(
    c: &mut Conn,
    ctx: &Ctx,
    n: &GroupNotice<'_>,
    targets: &[TargetSpec],
) -> Result<Vec<NewMessage>, AppError> {
    let mut out = Vec::new();
    let mut people: Vec<User> = Vec::new();
    let mut hooks: Option<Vec<webhooks::Webhook>> = None;
    for t in targets {
        match t {
            TargetSpec::Group { group } => {
                if let Some(g) = accounts::group_by_name(c, group.trim()).await? {
                    people.extend(accounts::members_of(c, g.id).await?);
                } else {
                    tracing::warn!(group = %group, receiver = n.receiver, "alert receiver: no such group any more");
                }
            }
            TargetSpec::Users { users } => {
                for name in users {
                    people.extend(accounts::user_by_name(c, name.trim()).await?);
                }
            }
            TargetSpec::Webhook { webhook, url } | TargetSpec::Chat { webhook, url, .. } => {
                let body = match t {
                    TargetSpec::Chat { format, .. } => chat_body(ctx, n, *format),
                    _ => n.webhook_payload(&ctx.config.base_url),
                };
                let target = match (webhook.as_deref().filter(|w| !w.trim().is_empty()), url) {
                    (Some(w), _) => {
                        if hooks.is_none() {
                            hooks = Some(webhooks::list(c).await?);
                        }
                        let found = hooks.as_deref().and_then(|h| super::routing::find_webhook(h, w));
                        match found {
                            Some(h) => h.id.to_string(),
                            None => {
                                tracing::warn!(webhook = %w, receiver = n.receiver, "alert receiver: no such webhook any more");
                                continue;
                            }
                        }
                    }
                    (None, Some(u)) => u.trim().to_owned(),
                    (None, None) => continue,
                };
                out.push(webhook_message(n, target, body)?);
            }
        }
    }
    // Each person once, however many targets name them.
    people.sort_by_key(|u| u.id);
    people.dedup_by_key(|u| u.id);
    for u in &people {
        out.extend(email_to(ctx, n, u)?);
    }
    Ok(out)
}
