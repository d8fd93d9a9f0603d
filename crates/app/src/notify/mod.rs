//! Notifications: who hears about what, written to the outbox in the same
//! transaction as the change, and delivered later by [`worker`].
//!
//! Enqueueing happens inside the use cases' write closures, so a message
//! commits with its change or not at all; it is rendered there, in the
//! recipient's language, so delivery needs nothing but the outbox row (and
//! the webhook's current URL and secret, read at delivery time so that a
//! rotated secret applies to messages already queued).
//!
//! Who gets what (the actor never hears about their own action, with one
//! exception: the acknowledgement of a new incident goes to its requester
//! even when they opened it themselves — it is their receipt, with the
//! number to reply to):
//!
//! | event | recipients | optional? |
//! | --- | --- | --- |
//! | `incident.created` | the requester | no |
//! | `incident.commented` (public) | the requester; the assignee and watchers | requester: no; others: yes |
//! | `incident.work_note` | the assignee and watchers who are staff, never the requester or other non-staff | yes |
//! | `incident.assigned` | the new assignee; the group's members when only a group is set | assignee: no; group members: yes |
//! | `incident.resolved` | the requester, with the resolution notes | no |
//! | `incident.sla_warning` | as the SLA engine asks | yes |
//! | `incident.sla_breached`, `incident.escalated` | as the SLA engine asks | no |
//! | `problem.created` | webhooks only (the owner or group hears of the assignment) | — |
//! | `problem.commented` (public) | who raised it, the owner, watchers | raiser: no; others: yes |
//! | `problem.work_note` | the owner and watchers (all staff) | yes |
//! | `problem.assigned`, `problem.sla_*`, `problem.escalated` | as for incidents | as for incidents |
//! | `problem.resolved` | who raised it, the owner (else the group's members), watchers | no |
//! | `problem.state_changed` | closed or cancelled: the owner (else the group's members), watchers; any other move: webhooks only | no |
//!
//! "Optional" means a user can turn it off (`notification_optouts`).
//! Recipients without an email address, or deactivated, are skipped.
//! Webhooks get every event their filter names; an empty filter means every
//! event except work notes (`incident.work_note`, `problem.work_note`),
//! which must be named explicitly (internal notes should not reach a chat
//! channel by accident).

pub(crate) mod admin;
pub(crate) mod approval;
pub(crate) mod compose;
pub(crate) mod hooks;
mod labels;
pub mod worker;

pub use admin::{OutboxPage, WebhookInput, WebhookPatch};
pub use compose::{Author, Ctx, IncidentEvent, Recipients, SlaNotice, incident_event};
pub use worker::DeliveryReport;

use std::time::Duration;
use steward_channels::email::SmtpConfig;

pub const CREATED: &str = "incident.created";
pub const COMMENTED: &str = "incident.commented";
pub const WORK_NOTE: &str = "incident.work_note";
pub const ASSIGNED: &str = "incident.assigned";
pub const RESOLVED: &str = "incident.resolved";
pub const SLA_WARNING: &str = "incident.sla_warning";
pub const SLA_BREACHED: &str = "incident.sla_breached";
pub const ESCALATED: &str = "incident.escalated";
/// A move of state other than resolving; incidents do not send it (they
/// tell of the resolution only), problems do, as `problem.state_changed`.
pub const STATE_CHANGED: &str = "incident.state_changed";

/// Every event name, as webhooks filter on them: the incident's, then the
/// problem's (a record of another kind sends the incident's name with its
/// own kind in front).
pub const EVENTS: [&str; 17] = [
    CREATED,
    COMMENTED,
    WORK_NOTE,
    ASSIGNED,
    RESOLVED,
    SLA_WARNING,
    SLA_BREACHED,
    ESCALATED,
    "problem.created",
    "problem.commented",
    "problem.work_note",
    "problem.assigned",
    "problem.resolved",
    "problem.state_changed",
    "problem.sla_warning",
    "problem.sla_breached",
    "problem.escalated",
];
/// The events a user may turn off (see the module's table).
pub const OPTIONAL_EVENTS: [&str; 4] = [COMMENTED, WORK_NOTE, ASSIGNED, SLA_WARNING];

/// Outbox channels.
pub const EMAIL: &str = "email";
pub const WEBHOOK: &str = "webhook";

/// How notifications are sent.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// Without it emails wait in the outbox (pending, with a note saying
    /// why) until a node with SMTP configured delivers them.
    pub smtp: Option<SmtpConfig>,
    /// Links in messages point here, e.g. `https://steward.example.com`.
    pub base_url: String,
    /// The domain of Message-IDs and thread ids; default: the From
    /// address's domain (or `steward.invalid` without SMTP).
    pub mail_domain: Option<String>,
    /// Attempts before a message is dead.
    pub max_attempts: u32,
    /// The first retry waits this long; each further one twice as long …
    pub backoff_base: Duration,
    /// … but never longer than this (plus or minus a tenth of jitter).
    pub backoff_max: Duration,
    /// How often an idle worker looks for due messages.
    pub poll_interval: Duration,
    /// Messages claimed at once.
    pub batch_size: u32,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a claimed message is reserved for its worker; must exceed
    /// the longest delivery (the SMTP and webhook timeouts).
    pub lease: Duration,
    pub webhook_timeout: Duration,
    /// Internal networks webhooks may call all the same (everything else
    /// internal, e.g. loopback or 169.254.169.254, is refused).
    pub webhook_allow: steward_domain::net::Networks,
    /// Run the background delivery worker (tests drive
    /// [`crate::App::deliver_due_now`] themselves instead).
    pub worker: bool,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            base_url: "http://127.0.0.1:8080".into(),
            mail_domain: None,
            max_attempts: 8,
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(1),
            batch_size: 64,
            concurrency: 16,
            lease: Duration::from_secs(300),
            webhook_timeout: Duration::from_secs(10),
            webhook_allow: Default::default(),
            worker: true,
        }
    }
}

impl NotifyConfig {
    /// The domain for Message-IDs.
    pub fn domain(&self) -> String {
        if let Some(d) = self.mail_domain.as_deref().filter(|d| !d.is_empty()) {
            return d.to_owned();
        }
        self.smtp
            .as_ref()
            .and_then(|s| s.from.parse::<steward_channels::email::Mailbox>().ok())
            .map(|m| m.email.domain().to_owned())
            .unwrap_or_else(|| "steward.invalid".into())
    }

    /// The wait before attempt `attempts + 1`, after `attempts` failures.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        let base = self.backoff_base.saturating_mul(factor).min(self.backoff_max);
        // ±10 % so that messages failed together do not retry together.
        let jitter = (rand_unit() - 0.5) * 0.2;
        base.mul_f64(1.0 + jitter)
    }
}

/// A number in [0, 1) from the system's random source (0.5 if it fails).
fn rand_unit() -> f64 {
    let mut b = [0u8; 4];
    if getrandom::fill(&mut b).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(b)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let c = NotifyConfig::default();
        let within = |d: Duration, secs: f64| {
            let s = d.as_secs_f64();
            s >= secs * 0.9 && s <= secs * 1.1
        };
        assert!(within(c.backoff(1), 30.0));
        assert!(within(c.backoff(2), 60.0));
        assert!(within(c.backoff(3), 120.0));
        assert!(within(c.backoff(8), 3600.0));
        assert!(within(c.backoff(60), 3600.0));
    }

    #[test]
    fn domain_comes_from_the_sender() {
        let mut c = NotifyConfig::default();
        assert_eq!(c.domain(), "steward.invalid");
        c.smtp = Some(SmtpConfig {
            host: "mail".into(),
            port: 25,
            tls: steward_channels::email::SmtpTls::None,
            username: None,
            password: None,
            from: "Steward <desk@example.org>".into(),
            timeout: Duration::from_secs(5),
        });
        assert_eq!(c.domain(), "example.org");
        c.mail_domain = Some("mail.example.org".into());
        assert_eq!(c.domain(), "mail.example.org");
    }
}
