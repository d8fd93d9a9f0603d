//! Delivering the outbox: claim due messages (one write), deliver them
//! outside any transaction, several at once, then record every outcome in
//! one write: sent; a transient failure retried with back-off; a permanent
//! failure or the last attempt dead, its error kept.
//!
//! Delivery is at least once: a node that dies after sending but before
//! recording leaves the message leased; when the lease runs out it is sent
//! again. Emails carry the same Message-ID every time and webhook calls the
//! same `X-Steward-Delivery` id, so receivers can drop the duplicate.

use super::{EMAIL, WEBHOOK, compose::Ctx, compose::notice_from};
use crate::{App, error::AppError};
use futures_util::StreamExt;
use serde_json::Value;
use std::time::Duration;
use steward_channels::DeliveryError;
use steward_channels::email::{EmailAddress, EmailFile, Mailbox, OutgoingEmail, SmtpSender};
use steward_channels::webhook::{self, WebhookFormat, WebhookTarget};
use steward_store::{
    StoreError, now_micros,
    outbox::{self, Message},
    webhooks::{self, Delivery},
};
use tokio::sync::watch;

/// What a node holds to deliver: the SMTP sender (when configured) and an
/// HTTP client for webhooks.
pub(crate) struct Notifier {
    pub(crate) ctx: Ctx,
    smtp: Option<SmtpSender>,
    /// Why SMTP is not usable, when it is configured but broken.
    smtp_error: Option<String>,
    http: Result<webhook::WebhookClient, String>,
}

impl Notifier {
    pub(crate) fn new(config: &super::NotifyConfig, site: &crate::site::SiteConfig) -> Self {
        let (smtp, smtp_error) = match &config.smtp {
            None => (None, None),
            Some(s) => match SmtpSender::new(s) {
                Ok(sender) => (Some(sender), None),
                Err(e) => {
                    tracing::error!(error = %e, "SMTP is configured but unusable; emails will wait");
                    (None, Some(e.to_string()))
                }
            },
        };
        steward_channels::ensure_crypto_provider();
        let policy = webhook::AddressPolicy::new(config.webhook_allow.clone());
        let http = webhook::client(policy).map_err(|e| e.to_string());
        let ctx = Ctx {
            config: std::sync::Arc::new(config.clone()),
            domain: config.domain().into(),
            smtp: smtp.is_some(),
            hooks: Default::default(),
            site: std::sync::Arc::new(site.clone()),
        };
        Self { ctx, smtp, smtp_error, http }
    }
}

/// What one delivery round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
}

impl std::ops::AddAssign for DeliveryReport {
    fn add_assign(&mut self, o: Self) {
        self.claimed += o.claimed;
        self.sent += o.sent;
        self.retried += o.retried;
        self.dead += o.dead;
    }
}

/// The result of one attempt, to record.
#[derive(Debug, Clone)]
struct Attempt {
    id: i64,
    /// `email` or `webhook`, and the event, for the log.
    channel: String,
    event: String,
    /// Attempts including this one.
    attempts: i64,
    result: Result<(), DeliveryError>,
    log: Option<Delivery>,
}

/// Delivers due messages until `shutdown` turns true.
///
/// Several lanes run side by side, each claiming its share of the batch and
/// its share of the deliveries in flight: while one lane writes its
/// outcomes or claims, the others keep the relay busy, so a round's slowest
/// message and its two writes no longer stall everything.
pub async fn run(app: App, shutdown: watch::Receiver<bool>) {
    if !app.config.notify.worker {
        return;
    }
    let cfg = &app.config.notify;
    let lanes = cfg.concurrency.clamp(1, LANES);
    let size =
        Lane { batch: (cfg.batch_size as usize / lanes).max(1) as i64, in_flight: (cfg.concurrency / lanes).max(1) };
    let tasks: Vec<_> = (0..lanes).map(|_| tokio::spawn(lane(app.clone(), size, shutdown.clone()))).collect();
    for t in tasks {
        let _ = t.await;
    }
}

/// Lanes of the background worker (see [`run`]).
const LANES: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Lane {
    batch: i64,
    in_flight: usize,
}

async fn lane(app: App, size: Lane, mut shutdown: watch::Receiver<bool>) {
    let idle = app.config.notify.poll_interval;
    loop {
        if *shutdown.borrow() {
            return;
        }
        let wait = match app.deliver_round(now_micros(), size).await {
            Ok(r) if r.claimed > 0 => None,
            Ok(_) => Some(idle),
            Err(e) => {
                tracing::warn!(error = %e, "outbox delivery failed");
                Some(idle.max(Duration::from_secs(1)))
            }
        };
        if let Some(wait) = wait {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

impl App {
    /// Delivers every message due now, round after round, and returns what
    /// happened; retries scheduled meanwhile wait for their time. For tests
    /// and the CLI.
    pub async fn deliver_due_now(&self) -> Result<DeliveryReport, AppError> {
        let now = now_micros();
        let cfg = &self.config.notify;
        let size = Lane { batch: i64::from(cfg.batch_size.max(1)), in_flight: cfg.concurrency.max(1) };
        let mut total = DeliveryReport::default();
        loop {
            let r = self.deliver_round(now, size).await?;
            total += r;
            if r.claimed == 0 {
                return Ok(total);
            }
        }
    }

    /// Claims one batch due at `due`, delivers it and records the outcomes.
    async fn deliver_round(&self, due: i64, size: Lane) -> Result<DeliveryReport, AppError> {
        let n = &self.notifier;
        let cfg = &self.config.notify;
        let channels: &'static [&'static str] = if n.smtp.is_some() { &[EMAIL, WEBHOOK] } else { &[WEBHOOK] };
        let lease_until = now_micros() + i64::try_from(cfg.lease.as_micros()).unwrap_or(i64::MAX / 2);
        let limit = size.batch;
        let dialect = self.store.dialect();
        let claimed = self
            .store
            .write(move |c| {
                Box::pin(async move { outbox::claim_due(c, dialect, due, lease_until, limit, channels).await })
            })
            .await?;
        if claimed.is_empty() {
            return Ok(DeliveryReport::default());
        }
        let attempts: Vec<Attempt> = futures_util::stream::iter(claimed.into_iter().map(|m| self.attempt(m)))
            .buffer_unordered(size.in_flight)
            .collect()
            .await;
        let mut report = DeliveryReport { claimed: attempts.len(), ..Default::default() };
        let max = i64::from(cfg.max_attempts.max(1));
        let now = now_micros();
        let mut plan = Vec::with_capacity(attempts.len());
        for a in attempts {
            let step = match &a.result {
                Ok(()) => {
                    report.sent += 1;
                    Step::Sent
                }
                Err(e) if e.transient && a.attempts < max => {
                    report.retried += 1;
                    let wait = cfg.backoff(u32::try_from(a.attempts).unwrap_or(u32::MAX));
                    tracing::warn!(
                        message_id = a.id, channel = %a.channel, event = %a.event, attempt = a.attempts,
                        retry_in_secs = wait.as_secs(), reason = %e.reason, "delivery failed; it will be retried"
                    );
                    Step::Retry(now + i64::try_from(wait.as_micros()).unwrap_or(i64::MAX / 2), e.reason.clone())
                }
                Err(e) => {
                    report.dead += 1;
                    let why = if e.transient {
                        format!("gave up after {} attempts: {}", a.attempts, e.reason)
                    } else {
                        e.reason.clone()
                    };
                    tracing::error!(
                        message_id = a.id, channel = %a.channel, event = %a.event, attempt = a.attempts,
                        reason = %e.reason, "delivery failed; the message is dead (no more retries)"
                    );
                    Step::Dead(why)
                }
            };
            plan.push((a, step));
        }
        self.store
            .write(move |c| {
                Box::pin(async move {
                    for (a, step) in &plan {
                        match step {
                            Step::Sent => outbox::mark_sent(c, a.id, a.attempts, now).await?,
                            Step::Retry(at, why) => outbox::schedule_retry(c, a.id, a.attempts, *at, why).await?,
                            Step::Dead(why) => outbox::mark_dead(c, a.id, a.attempts, why).await?,
                        }
                        if let Some(log) = &a.log {
                            webhooks::insert_delivery(c, log).await?;
                        }
                    }
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        Ok(report)
    }

    /// One delivery attempt of `m`; never fails, the outcome says how it went.
    async fn attempt(&self, m: Message) -> Attempt {
        let attempts = m.attempts + 1;
        let (result, log) = match m.channel.as_str() {
            EMAIL => (self.send_email(&m).await, None),
            WEBHOOK => self.call_webhook(&m).await,
            other => (Err(DeliveryError::permanent(format!("unknown channel {other:?}"))), None),
        };
        Attempt { id: m.id, channel: m.channel, event: m.event, attempts, result, log }
    }

    async fn send_email(&self, m: &Message) -> Result<(), DeliveryError> {
        let Some(sender) = &self.notifier.smtp else {
            let why = self.notifier.smtp_error.clone().unwrap_or_else(|| "SMTP is not configured".into());
            return Err(DeliveryError::transient(why));
        };
        let p: Value = serde_json::from_str(&m.payload)
            .map_err(|e| DeliveryError::permanent(format!("the stored message is not readable: {e}")))?;
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let address: EmailAddress =
            s("to_email").parse().map_err(|e| DeliveryError::permanent(format!("bad recipient address: {e}")))?;
        let name = Some(s("to_name")).filter(|n| !n.is_empty());
        let thread = Some(s("thread")).filter(|t| !t.is_empty());
        // Only a message that says it carries files reads them (one query
        // spared per notification).
        let files = if p.get("files").and_then(Value::as_i64).unwrap_or(0) > 0 {
            let mut conn = self
                .store
                .pool()
                .acquire()
                .await
                .map_err(|e| DeliveryError::transient(format!("reading files: {e}")))?;
            outbox::files(&mut conn, m.id)
                .await
                .map_err(|e| DeliveryError::transient(format!("reading the files: {e}")))?
                .into_iter()
                .map(|f| EmailFile { name: f.name, content_type: f.content_type, body: f.body })
                .collect()
        } else {
            Vec::new()
        };
        let email = OutgoingEmail {
            from: sender.sender().clone(),
            to: vec![Mailbox::new(name, address)],
            subject: s("subject"),
            text_body: s("text"),
            html_body: Some(s("html")).filter(|h| !h.is_empty()),
            message_id: s("message_id"),
            in_reply_to: thread.clone(),
            references: thread.into_iter().collect(),
            record: Some(s("record")).filter(|r| !r.is_empty()),
            files,
        };
        sender.send(&email).await
    }

    /// Calls the webhook a message names: a configured one (`target` its
    /// id: its URL, secret and format read now), or a URL (alert routing
    /// targets: no secret, no delivery log). A message that carries its
    /// `body` ready (alert notifications) sends it as it is.
    async fn call_webhook(&self, m: &Message) -> (Result<(), DeliveryError>, Option<Delivery>) {
        let client = match &self.notifier.http {
            Ok(c) => c,
            Err(e) => return (Err(DeliveryError::transient(e.clone())), None),
        };
        let stored: Value = serde_json::from_str(&m.payload).unwrap_or(Value::Null);
        let ready = stored.get("body").cloned();
        let timeout = self.config.notify.webhook_timeout;
        let (target, hook_id, body) = match m.target.parse::<i64>() {
            Ok(id) => {
                let hook = match self.webhook_row(id).await {
                    Ok(Some(h)) if h.active != 0 => h,
                    Ok(Some(_)) => return (Err(DeliveryError::permanent("the webhook is inactive")), None),
                    Ok(None) => return (Err(DeliveryError::permanent("the webhook was deleted")), None),
                    Err(e) => return (Err(DeliveryError::transient(format!("reading the webhook: {e}"))), None),
                };
                let format = match hook.format.as_str() {
                    "slack" => WebhookFormat::Slack,
                    "teams" => WebhookFormat::Teams,
                    _ => WebhookFormat::Json,
                };
                let body = ready.unwrap_or_else(|| {
                    let data = stored.get("data").cloned().unwrap_or(Value::Null);
                    let notice = notice_from(stored.get("notice").unwrap_or(&Value::Null));
                    webhook::payload(format, &data, &notice)
                });
                (
                    WebhookTarget { url: hook.url.clone(), secret: hook.secret.clone(), format, timeout },
                    Some(hook.id),
                    body,
                )
            }
            Err(_) => match ready {
                Some(body) => {
                    let target =
                        WebhookTarget { url: m.target.clone(), secret: None, format: WebhookFormat::Json, timeout };
                    (target, None, body)
                }
                None => return (Err(DeliveryError::permanent("the message names no webhook")), None),
            },
        };
        let at = now_micros();
        let outcome = webhook::deliver(client, &target, &m.event, &format!("steward-{}", m.id), &body).await;
        let log = hook_id.map(|webhook_id| Delivery {
            id: 0,
            webhook_id,
            outbox_id: m.id,
            at,
            status: outcome.status.map(i64::from),
            duration_us: i64::try_from(outcome.duration.as_micros()).unwrap_or(i64::MAX),
            excerpt: outcome.response_excerpt.clone(),
            error: outcome.error.as_ref().map(|e| e.reason.clone()),
        });
        (outcome.error.map_or(Ok(()), Err), log)
    }

    async fn webhook_row(&self, id: i64) -> Result<Option<webhooks::Webhook>, StoreError> {
        let mut conn = self.store.pool().acquire().await?;
        webhooks::get(&mut conn, id).await
    }
}

#[derive(Debug, Clone)]
enum Step {
    Sent,
    Retry(i64, String),
    Dead(String),
}
