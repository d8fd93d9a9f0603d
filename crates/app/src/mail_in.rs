//! Mail in: a reply to a notification becomes a public comment on its
//! record (an incident, a problem: any kind that takes comments, when the
//! sender may comment there); a new message opens an incident for its
//! sender.
//!
//! The record is found by the threading headers (our Message-IDs carry the
//! record number and the notifications' mail domain), else by a record
//! number in the subject. A message that
//! is an automatic reply, a bounce, bulk mail or one of our own is ignored;
//! one that cannot be read, is too large, or comes from an unknown sender
//! (unless new requesters may be created) is refused, and the reason kept.
//! Every message is logged once by its Message-ID, so a message delivered
//! twice (an IMAP poll retried, a pipe re-run) is processed once.

use crate::accounts::NewUser;
use crate::incidents::NewIncident;
use crate::{Actor, App, AppError};
use sha2::{Digest, Sha256};
use steward_channels::imap::{ImapConfig, Mailbox};
use steward_channels::inbound::{self, InboundError, InboundMessage};
use steward_domain::{RecordNumber, number::RecordKind, text};
use steward_store::inbound::{self as log, InboundRow};
use steward_store::{StoreError, accounts, now_micros};

/// How mail in behaves.
#[derive(Debug, Clone)]
pub struct InboundConfig {
    /// Larger messages are refused.
    pub max_bytes: usize,
    /// Whether mail from an unknown address creates a requester for it.
    pub create_requesters: bool,
    /// A mailbox to poll, if mail comes in by IMAP.
    pub imap: Option<ImapConfig>,
    pub poll_every: std::time::Duration,
    /// The group whose queue incidents opened by mail land in.
    pub default_group: Option<String>,
    /// Impact and urgency (1 high .. 3 low) of incidents opened by mail:
    /// their priority, and so their SLA, follow from these.
    pub default_impact: i64,
    pub default_urgency: i64,
}

impl Default for InboundConfig {
    fn default() -> Self {
        Self {
            max_bytes: 25 * 1024 * 1024,
            create_requesters: false,
            imap: None,
            poll_every: std::time::Duration::from_secs(60),
            default_group: None,
            default_impact: 3,
            default_urgency: 3,
        }
    }
}

/// The record a message went to: its kind and id.
type Filed = (&'static str, i64);

/// Messages taken from the mailbox per poll; the rest wait for the next.
const POLL_BATCH: usize = 200;

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// A public comment on this record.
    Commented(String),
    /// A new incident with this number.
    Created(String),
    /// Not processed, on purpose (a loop, an auto-reply): why.
    Ignored(String),
    /// Not processed: why, for the bounce.
    Refused(String),
    /// Seen before, with what happened then.
    Duplicate(String),
    /// A decision on a change's approval, e.g. "CHG0000042 approved".
    Decided(String),
}

impl MailOutcome {
    fn name(&self) -> &'static str {
        match self {
            Self::Commented(_) => "commented",
            Self::Created(_) => "created",
            Self::Ignored(_) => "ignored",
            Self::Refused(_) => "refused",
            Self::Duplicate(_) => "duplicate",
            Self::Decided(_) => "decided",
        }
    }
}

impl App {
    /// Takes one raw message (RFC 5322 bytes) in.
    pub async fn ingest_mail(&self, raw: &[u8]) -> Result<MailOutcome, AppError> {
        let cfg = &self.config.inbound;
        let mut row = InboundRow { received_at: now_micros(), ..Default::default() };
        let msg = match inbound::parse(raw, cfg.max_bytes) {
            Ok(m) => m,
            Err(e) => {
                // An unreadable message has no trustworthy id: its content is.
                row.message_id = format!("sha256:{}", hex::encode(Sha256::digest(raw)));
                let why = match e {
                    InboundError::TooLarge { limit } => format!("the message is larger than {limit} bytes"),
                    InboundError::NoSender => "the message has no usable sender (From)".to_owned(),
                    other => other.to_string(),
                };
                return self.log(row, MailOutcome::Refused(why), None).await;
            }
        };
        row.message_id =
            msg.message_id.clone().unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw))));
        row.sender = msg.from.email.clone();
        row.subject = msg.subject.chars().take(500).collect();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        if let Some(seen) = log::by_message_id(&mut conn, &row.message_id).await? {
            return Ok(MailOutcome::Duplicate(seen.outcome));
        }
        if let Some(why) = msg.loop_reason() {
            drop(conn);
            return self.log(row, MailOutcome::Ignored(why.to_owned()), None).await;
        }
        let user = accounts::user_by_email(&mut conn, &msg.from.email).await?;
        drop(conn);
        let user = match user {
            Some(u) if u.active == 1 => u,
            Some(_) => {
                let why = format!("{} belongs to a deactivated account", msg.from.email);
                return self.log(row, MailOutcome::Refused(why), None).await;
            }
            None if cfg.create_requesters => match self.new_requester(&msg).await {
                Ok(u) => u,
                // An address no user may have (e.g. root@localhost) is refused, not retried.
                Err(AppError::Invalid(f)) if f.iter().any(|f| f.field == "email") => {
                    let why = f.iter().find(|f| f.field == "email").map(|f| f.message.clone()).unwrap_or_default();
                    let why = format!("unknown sender {}, who cannot become a requester: {why}", msg.from.email);
                    return self.log(row, MailOutcome::Refused(why), None).await;
                }
                Err(e) => return Err(e),
            },
            None => {
                let why = format!("unknown sender {}: only known users may write to the service desk", msg.from.email);
                return self.log(row, MailOutcome::Refused(why), None).await;
            }
        };
        let actor = self.actor_for(user).await?;
        // A reply to an approval request decides; it never becomes a comment.
        let quoted = format!("{}\n{}", msg.subject, msg.text);
        if let Some(code) = crate::notify::approval::find_code(&quoted) {
            let (outcome, filed) = self.decide_by_mail(&actor, &code, &msg).await?;
            return self.log(row, outcome, filed).await;
        }
        let (outcome, filed) = self.file_mail(&actor, &msg).await?;
        self.log(row, outcome, Some(filed)).await
    }

    /// The reply's decision (APPROVE or REJECT, in English or Polish, as
    /// the first word of what the approver wrote; the rest is the comment)
    /// on the change the code was sent for. Refused, with the reason, when
    /// the code is unknown, used, another approver's or no longer open.
    async fn decide_by_mail(
        &self,
        actor: &Actor,
        code: &str,
        msg: &InboundMessage,
    ) -> Result<(MailOutcome, Option<Filed>), AppError> {
        let hash = crate::notify::approval::code_hash(code);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let Some(row) = steward_store::approvals::code(&mut conn, &hash).await? else {
            return Ok((MailOutcome::Refused(format!("the approval code {code} is unknown")), None));
        };
        drop(conn);
        let filed = Some(("change", row.record_id));
        if row.used_at.is_some() {
            return Ok((MailOutcome::Refused(format!("the approval code {code} was used already")), filed));
        }
        if row.user_id != actor.id {
            let why = format!(
                "the approval code {code} was sent to another approver: a decision by e-mail is accepted only from the approver's own address"
            );
            return Ok((MailOutcome::Refused(why), filed));
        }
        let written = if msg.reply_text.trim().is_empty() { &msg.text } else { &msg.reply_text };
        let Some((approve, comment)) = decision(written) else {
            let why = "the reply does not start with APPROVE or REJECT (ZATWIERDZAM or ODRZUCAM)".to_owned();
            return Ok((MailOutcome::Refused(why), filed));
        };
        let comment = Some(text::fit(&comment, text::NOTES)).filter(|c| !c.is_empty());
        // A decision written at the same moment as another is retried.
        for _ in 0..3 {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let rec =
                steward_store::records::get(&mut conn, row.record_id).await?.ok_or(AppError::NotFound("change"))?;
            drop(conn);
            let number = RecordNumber { kind: RecordKind::Change, seq: rec.number }.to_string();
            let done =
                self.decide(actor, &number, Some(rec.version), comment.clone(), approve, Some(hash.clone())).await;
            let word = if approve { "approved" } else { "rejected" };
            return Ok(match done {
                Ok(_) => (MailOutcome::Decided(format!("{number} {word}")), filed),
                Err(AppError::Stale { .. }) => continue,
                Err(e @ (AppError::Forbidden(_) | AppError::Transition { .. } | AppError::Invalid(_))) => {
                    (MailOutcome::Refused(format!("{number}: {e}")), filed)
                }
                Err(e) => return Err(e),
            });
        }
        Err(AppError::Unavailable("the change kept changing while the decision was written".into()))
    }

    /// Comments on the record the message answers, if the sender may; else
    /// opens an incident. The attachments go with it.
    async fn file_mail(&self, actor: &Actor, msg: &InboundMessage) -> Result<(MailOutcome, Filed), AppError> {
        let body = if msg.reply_text.trim().is_empty() { msg.text.trim() } else { msg.reply_text.trim() };
        let body = text::fit(body, text::COMMENT);
        if let Some(commented) = self.reply_to_record(actor, msg, &body).await? {
            return Ok(commented);
        }
        let subject = text::fit(&msg.subject, text::TITLE);
        let title = if subject.is_empty() { "(no subject)".to_owned() } else { subject };
        let description = text::fit(&msg.text, text::DESCRIPTION);
        let cfg = &self.config.inbound;
        let n = NewIncident {
            title,
            description: Some(description),
            impact: Some(cfg.default_impact),
            urgency: Some(cfg.default_urgency),
            assignment_group: cfg.default_group.clone(),
            ..Default::default()
        };
        let inc = self.open_incident(actor, n, true).await?;
        let number = RecordNumber::incident(inc.number).to_string();
        self.attach(actor, RecordKind::Incident, &number, msg).await;
        Ok((MailOutcome::Created(number), (crate::incidents::KIND, inc.id)))
    }

    /// The message as a public comment on the record it names, of any kind
    /// that takes comments, when the sender may read and comment on it;
    /// none when it names none of theirs (then it opens an incident).
    async fn reply_to_record(
        &self,
        actor: &Actor,
        msg: &InboundMessage,
        body: &str,
    ) -> Result<Option<(MailOutcome, Filed)>, AppError> {
        let Some(named) = msg.record_number(&self.notify_ctx().domain) else { return Ok(None) };
        let Ok(named) = named.parse::<RecordNumber>() else { return Ok(None) };
        let Ok(rec) = self.discussed_record(actor, named.kind, &named.to_string()).await else { return Ok(None) };
        if body.is_empty() {
            return Ok(None);
        }
        // As the site writes it now, however the message wrote it (a reply
        // to mail sent before the prefix changed).
        let number = RecordNumber { kind: named.kind, seq: rec.number }.to_string();
        match self.add_comment(actor, named.kind, &number, body, false).await {
            Ok(_) => {
                self.attach(actor, named.kind, &number, msg).await;
                Ok(Some((MailOutcome::Commented(number), (named.kind.as_str(), rec.id))))
            }
            Err(AppError::Forbidden(_)) => Ok(None), // not theirs to comment on: a new incident
            Err(e) => Err(e),
        }
    }

    /// Keeps the message's attachments; one that is refused (too large,
    /// empty) is left out and logged, the rest still go in.
    async fn attach(&self, actor: &Actor, kind: RecordKind, number: &str, msg: &InboundMessage) {
        for a in &msg.attachments {
            let bytes = a.bytes.clone();
            if let Err(e) = self.add_attachment(actor, kind, number, &a.filename, &a.content_type, bytes).await {
                tracing::warn!(record = number, file = %a.filename, error = %e, "mail attachment not kept");
            }
        }
    }

    /// A requester for an unknown sender, named after the address.
    async fn new_requester(&self, msg: &InboundMessage) -> Result<accounts::User, AppError> {
        let base: String = msg
            .from
            .email
            .trim()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@') { c } else { '-' })
            .take(60)
            .collect();
        for n in 1..=20 {
            let username = if n == 1 { base.clone() } else { format!("{base}-{n}") };
            let u = NewUser {
                username,
                display_name: msg.from.name.clone().filter(|n| !n.trim().is_empty()),
                email: Some(msg.from.email.trim().to_owned()),
                role: "requester".into(),
                ..Default::default()
            };
            match self.add_user(None, u).await {
                Ok(id) => {
                    let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
                    return accounts::user_by_id(&mut conn, id).await?.ok_or(AppError::NotFound("user"));
                }
                Err(AppError::Invalid(f)) if f.iter().any(|f| f.field == "username") => continue,
                Err(e) => return Err(e),
            }
        }
        Err(AppError::Internal(format!("no free username for {}", msg.from.email)))
    }

    async fn log(
        &self,
        mut row: InboundRow,
        outcome: MailOutcome,
        record: Option<Filed>,
    ) -> Result<MailOutcome, AppError> {
        row.outcome = outcome.name().to_owned();
        row.reason = match &outcome {
            MailOutcome::Ignored(r) | MailOutcome::Refused(r) => Some(r.clone()),
            _ => None,
        };
        row.record_kind = record.map(|(kind, _)| kind.to_owned());
        row.record_id = record.map(|(_, id)| id);
        match &outcome {
            MailOutcome::Refused(r) => tracing::info!(sender = %row.sender, reason = %r, "mail refused"),
            MailOutcome::Ignored(r) => tracing::debug!(sender = %row.sender, reason = %r, "mail ignored"),
            _ => {}
        }
        let first = self.store.write(move |c| Box::pin(async move { log::record(c, &row).await })).await?;
        Ok(if first { outcome } else { MailOutcome::Duplicate(outcome.name().to_owned()) })
    }

    /// Checks the mail-in defaults against the database (at start): the
    /// default group must exist. The error names the setting.
    pub async fn check_mail_defaults(&self) -> Result<(), AppError> {
        let Some(group) = &self.config.inbound.default_group else { return Ok(()) };
        let groups = self.list_groups().await?;
        if groups.iter().any(|g| g.name == *group) {
            return Ok(());
        }
        let names = groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ");
        let known = if names.is_empty() { "there are no groups yet".to_owned() } else { format!("groups: {names}") };
        // The Polish names the group and the known ones as one value.
        let message = crate::Code::NoGroup
            .msg(format!("no group named {group:?}; {known}"))
            .with("name", format!("{group:?}; {known}"));
        Err(AppError::field("inbound.default_group", message))
    }

    /// The domain of our Message-IDs: replies refer to it.
    pub fn mail_domain(&self) -> String {
        self.notify_ctx().domain.to_string()
    }

    /// Takes in the mailbox's unseen messages, marking each seen once it is
    /// taken in (also when refused or ignored: its fate is logged). A
    /// message that could not be processed now (the database is away)
    /// stays unseen for the next poll. The number taken in.
    pub async fn poll_mailbox(&self, cfg: &ImapConfig) -> Result<usize, AppError> {
        let unavailable = |e: steward_channels::DeliveryError| AppError::Unavailable(e.reason);
        let mut mailbox = Mailbox::open(cfg).await.map_err(unavailable)?;
        let mut taken = 0;
        for uid in mailbox.unseen().await.map_err(unavailable)?.into_iter().take(POLL_BATCH) {
            let Some(raw) = mailbox.fetch(uid).await.map_err(unavailable)? else { continue };
            match self.ingest_mail(&raw).await {
                Ok(_) => {
                    mailbox.mark_seen(uid).await.map_err(unavailable)?;
                    taken += 1;
                }
                Err(e) => {
                    tracing::warn!(uid, error = %e, "mail not taken in; it stays unseen for the next poll");
                    break;
                }
            }
        }
        mailbox.close().await;
        Ok(taken)
    }

    /// The mail log for admins, newest first.
    pub async fn inbound_mail(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InboundRow>, AppError> {
        steward_domain::access::can_admin(actor.role)?;
        if !(1..=200).contains(&limit) {
            return Err(AppError::field("limit", crate::error::between(1, 200)));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(log::recent(&mut conn, before, limit).await?)
    }
}

/// Polls the configured mailbox every `poll_every` until `shutdown`.
pub async fn run(app: App, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let Some(cfg) = app.config.inbound.imap.clone() else { return };
    let mut tick = tokio::time::interval(app.config.inbound.poll_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.changed() => return,
        }
        // One IMAP session at a time across nodes; another node polls
        // five minutes after one died mid-poll.
        let poll =
            app.on_one_node(crate::leases::MAIL_POLL, std::time::Duration::from_secs(300), app.poll_mailbox(&cfg));
        match poll.await {
            Ok(None | Some(0)) => {}
            Ok(Some(n)) => tracing::info!(messages = n, "mail taken in"),
            Err(e) => tracing::warn!(error = %e, "mailbox poll failed"),
        }
    }
}

/// The decision a reply starts with and what follows it: `(approve,
/// comment)`; none when its first word is neither.
fn decision(written: &str) -> Option<(bool, String)> {
    let body = written.trim_start();
    let first: String = body.chars().take_while(|c| c.is_alphabetic()).collect();
    let approve = match first.to_lowercase().as_str() {
        "approve" | "approved" | "yes" | "zatwierdzam" | "zatwierdzone" | "tak" => true,
        "reject" | "rejected" | "no" | "odrzucam" | "odrzucone" | "nie" => false,
        _ => return None,
    };
    let rest = body[first.len()..].trim_start_matches([' ', '.', ',', ':', ';', '!', '-', '\t']);
    Some((approve, rest.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::decision;

    #[test]
    fn the_first_word_decides_and_the_rest_is_the_comment() {
        assert_eq!(decision("APPROVE"), Some((true, String::new())));
        assert_eq!(decision("  Approved, go ahead.\nThanks"), Some((true, "go ahead.\nThanks".into())));
        assert_eq!(
            decision("Reject: the back-out plan is missing"),
            Some((false, "the back-out plan is missing".into()))
        );
        assert_eq!(decision("ODRZUCAM - brak planu wycofania"), Some((false, "brak planu wycofania".into())));
        assert_eq!(decision("Zatwierdzam"), Some((true, String::new())));
        assert_eq!(decision("I think we should approve"), None);
        assert_eq!(decision("Approvement"), None);
    }
}
