//! Managing notifications: the outbox and its dead letters and webhooks
//! (admins only), watching incidents and problems (anyone who can see them) and one's
//! own opt-outs.

use super::{EVENTS, OPTIONAL_EVENTS};
use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
    incidents::parse_number,
};
use steward_domain::code::unknown_value;
use steward_domain::{Role, number::RecordKind};
use steward_store::{
    StoreError,
    accounts::User,
    now_micros,
    outbox::{self, Message},
    watchers,
    webhooks::{self, Delivery, Webhook},
};

/// One page of the outbox, newest first.
#[derive(Debug, Clone)]
pub struct OutboxPage {
    pub items: Vec<Message>,
    /// The id to pass as `before` for the next page.
    pub next: Option<i64>,
}

/// A new webhook as sent by an admin.
#[derive(Debug, Clone, Default)]
pub struct WebhookInput {
    pub name: String,
    pub url: String,
    pub secret: Option<String>,
    /// json (default), slack or teams.
    pub format: Option<String>,
    pub events: Vec<String>,
    pub active: Option<bool>,
}

/// Changes to a webhook; `None` leaves a field alone. `secret: Some("")`
/// removes the secret.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub format: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

const FORMATS: [&str; 3] = ["json", "slack", "teams"];
/// A shorter secret is guessable; receivers get it only once, so a long
/// one costs nothing.
pub const MIN_SECRET: usize = 16;

fn admin_only(actor: &Actor, what: &str, code: Code) -> Result<(), AppError> {
    if actor.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden(code.msg(format!("only admins can {what}"))))
    }
}

fn not_found(what: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => AppError::NotFound(what),
        other => other.into(),
    }
}

fn check_name(errs: &mut Errors, name: &str) -> String {
    match steward_domain::text::check(name, steward_domain::text::NAME) {
        Ok(name) => name,
        Err(e) => {
            errs.add("name", e);
            name.trim().to_owned()
        }
    }
}

fn check_url(errs: &mut Errors, url: &str) -> String {
    let url = url.trim();
    if let Some(m) = url_problem(url) {
        errs.add("url", m);
    }
    url.to_owned()
}

/// What is wrong with a webhook's URL, if anything: it must be http(s)
/// with a host (where it leads is checked at each call, by the guard).
pub(crate) fn url_problem(url: &str) -> Option<steward_domain::code::Message> {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => None,
        Ok(_) => Some(Code::NotUrl.msg("must be an http:// or https:// address with a host")),
        Err(e) => Some(Code::NotUrl.msg(format!("is not a URL: {e}"))),
    }
}

fn check_format(errs: &mut Errors, f: &str) -> String {
    if !FORMATS.contains(&f) {
        errs.add(
            "format",
            unknown_value(format!("unknown format {f:?}: must be one of json, slack, teams"), f, FORMATS.join(", ")),
        );
    }
    f.to_owned()
}

fn check_events(errs: &mut Errors, events: &[String]) -> String {
    for e in events {
        if !EVENTS.contains(&e.as_str()) {
            let list = EVENTS.join(", ");
            errs.add("events", unknown_value(format!("unknown event {e:?}: must be one of {list}"), e, list));
        }
    }
    let mut list: Vec<&str> = events.iter().map(String::as_str).collect();
    list.sort_unstable();
    list.dedup();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

fn check_secret(errs: &mut Errors, s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    if s.is_empty() {
        return None;
    }
    if s.chars().count() < MIN_SECRET {
        errs.add(
            "secret",
            Code::SecretShort.msg(format!("is too short: at least {MIN_SECRET} characters")).with("n", MIN_SECRET),
        );
    } else if s.len() > 200 {
        let got = s.chars().count();
        errs.add("secret", Code::TooLong.msg("is too long: at most 200 characters").with("max", 200).with("got", got));
    }
    Some(s.to_owned())
}

impl App {
    /// The context the enqueue functions need, for write closures (the SLA
    /// engine's included).
    pub fn notify_ctx(&self) -> super::compose::Ctx {
        self.notifier.ctx.clone()
    }

    /// How many messages are pending, sent and dead.
    pub async fn outbox_counts(&self, actor: &Actor) -> Result<Vec<(String, i64)>, AppError> {
        admin_only(actor, "see the outbox", Code::DenyOutbox)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(outbox::counts(&mut c).await?)
    }

    pub async fn list_outbox(
        &self,
        actor: &Actor,
        state: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<OutboxPage, AppError> {
        admin_only(actor, "see the outbox", Code::DenyOutbox)?;
        if !outbox::STATES.contains(&state) {
            let text = format!("unknown state {state:?}: must be pending, sent or dead");
            return Err(AppError::field("state", unknown_value(text, state, "pending, sent, dead")));
        }
        if !(1..=200).contains(&limit) {
            return Err(AppError::field("limit", crate::error::between(1, 200)));
        }
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let (items, more) = outbox::list(&mut c, state, before, limit).await?;
        let next = if more { items.last().map(|m| m.id) } else { None };
        Ok(OutboxPage { items, next })
    }

    /// Makes a dead message pending again, due now.
    pub async fn retry_dead(&self, actor: &Actor, id: i64) -> Result<Message, AppError> {
        admin_only(actor, "retry messages", Code::DenyRetry)?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    match outbox::get(c, id).await? {
                        None => return Err(AppError::NotFound("message")),
                        Some(m) if m.state != outbox::DEAD => {
                            return Err(AppError::field(
                                "state",
                                Code::RetryDeadOnly
                                    .msg(format!("only dead messages are retried; it is {}", m.state))
                                    .with("state", &m.state),
                            ));
                        }
                        Some(_) => {}
                    }
                    outbox::retry(c, id, now_micros()).await?;
                    outbox::get(c, id).await?.ok_or(AppError::NotFound("message"))
                })
            })
            .await
    }

    pub async fn list_webhooks(&self, actor: &Actor) -> Result<Vec<Webhook>, AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(webhooks::list(&mut c).await?)
    }

    pub async fn get_webhook(&self, actor: &Actor, id: i64) -> Result<Webhook, AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        webhooks::get(&mut c, id).await?.ok_or(AppError::NotFound("webhook"))
    }

    /// Refuses a URL that is, or resolves to, an internal address the
    /// allow-list does not name; the call checks again (see
    /// `steward_channels::webhook::guard`).
    pub(crate) async fn check_webhook_address(&self, errs: &mut Errors, field: &str, url: &str) {
        let policy = steward_channels::webhook::AddressPolicy::new(self.config.notify.webhook_allow.clone());
        if let Err(refused) = policy.check_url(url).await {
            errs.add(
                field,
                Code::InternalAddress.msg(refused.to_string()).with("host", &refused.host).with("ip", refused.ip),
            );
        }
    }

    pub async fn create_webhook(&self, actor: &Actor, w: WebhookInput) -> Result<Webhook, AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        let mut errs = Errors::default();
        self.check_webhook_address(&mut errs, "url", w.url.trim()).await;
        let row = Webhook {
            id: 0,
            name: check_name(&mut errs, &w.name),
            url: check_url(&mut errs, &w.url),
            secret: check_secret(&mut errs, w.secret.as_deref()),
            format: check_format(&mut errs, w.format.as_deref().unwrap_or("json")),
            events: check_events(&mut errs, &w.events),
            active: i64::from(w.active.unwrap_or(true)),
            created_at: 0,
            updated_at: 0,
            version: 1,
        };
        errs.finish()?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let id = webhooks::insert(c, &row, now_micros()).await?;
                    webhooks::get(c, id).await?.ok_or(AppError::NotFound("webhook"))
                })
            })
            .await
    }

    pub async fn update_webhook(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        p: WebhookPatch,
    ) -> Result<Webhook, AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let mut errs = Errors::default();
        let name = p.name.as_deref().map(|n| check_name(&mut errs, n));
        let url = p.url.as_deref().map(|u| check_url(&mut errs, u));
        if let Some(u) = &url {
            self.check_webhook_address(&mut errs, "url", u).await;
        }
        let secret = p.secret.as_deref().map(|s| check_secret(&mut errs, Some(s)));
        let format = p.format.as_deref().map(|f| check_format(&mut errs, f));
        let events = p.events.as_deref().map(|e| check_events(&mut errs, e));
        errs.finish()?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let mut w = webhooks::get(c, id).await?.ok_or(AppError::NotFound("webhook"))?;
                    if w.version != version {
                        return Err(AppError::Stale { sent: version, current: w.version });
                    }
                    w.name = name.unwrap_or(w.name);
                    w.url = url.unwrap_or(w.url);
                    if let Some(s) = secret {
                        w.secret = s;
                    }
                    w.format = format.unwrap_or(w.format);
                    w.events = events.unwrap_or(w.events);
                    if let Some(a) = p.active {
                        w.active = i64::from(a);
                    }
                    webhooks::update(c, &w, version, now_micros()).await.map_err(|e| match e {
                        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                        other => not_found("webhook")(other),
                    })?;
                    webhooks::get(c, id).await?.ok_or(AppError::NotFound("webhook"))
                })
            })
            .await
    }

    pub async fn delete_webhook(&self, actor: &Actor, id: i64, version: Option<i64>) -> Result<(), AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    webhooks::delete(c, id, version).await.map_err(|e| match e {
                        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                        other => not_found("webhook")(other),
                    })
                })
            })
            .await
    }

    /// The webhook's latest calls, newest first.
    pub async fn webhook_deliveries(&self, actor: &Actor, id: i64, limit: i64) -> Result<Vec<Delivery>, AppError> {
        admin_only(actor, "manage webhooks", Code::DenyWebhooks)?;
        if !(1..=200).contains(&limit) {
            return Err(AppError::field("limit", crate::error::between(1, 200)));
        }
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        webhooks::get(&mut c, id).await?.ok_or(AppError::NotFound("webhook"))?;
        Ok(webhooks::deliveries(&mut c, id, limit).await?)
    }

    /// The id of the record of `kind` numbered `number`, when the actor
    /// may see it: who may see a record may watch it. Incidents and
    /// problems are watched; other kinds have no one to tell yet.
    async fn watchable(&self, actor: &Actor, kind: RecordKind, number: &str) -> Result<i64, AppError> {
        match kind {
            RecordKind::Incident => {
                parse_number(number)?;
                Ok(self.get_incident(actor, number).await?.id)
            }
            RecordKind::Problem => Ok(self.get_problem(actor, number).await?.record.id),
            RecordKind::Change => Ok(self.get_change(actor, number).await?.record.id),
            _ => Err(AppError::NotFound("record")),
        }
    }

    /// The record's watchers; anyone who can see the record may ask.
    pub async fn watchers(&self, actor: &Actor, kind: RecordKind, number: &str) -> Result<Vec<User>, AppError> {
        let id = self.watchable(actor, kind, number).await?;
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(watchers::list(&mut c, kind.as_str(), id).await?)
    }

    pub async fn is_watching(&self, actor: &Actor, kind: RecordKind, record_id: i64) -> Result<bool, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(watchers::is_watching(&mut c, kind.as_str(), record_id, actor.id).await?)
    }

    /// Starts (`on`) or stops watching a record the actor can see.
    pub async fn watch(&self, actor: &Actor, kind: RecordKind, number: &str, on: bool) -> Result<Vec<User>, AppError> {
        let (id, user) = (self.watchable(actor, kind, number).await?, actor.id);
        let kind = kind.as_str();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    if on {
                        watchers::add(c, kind, id, user).await?;
                    } else {
                        watchers::remove(c, kind, id, user).await?;
                    }
                    Ok::<_, AppError>(watchers::list(c, kind, id).await?)
                })
            })
            .await
    }

    /// The optional events the actor turned off.
    pub async fn my_optouts(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(watchers::optouts(&mut c, actor.id).await?)
    }

    /// Replaces the actor's opt-outs; only optional events can be turned off.
    pub async fn set_my_optouts(&self, actor: &Actor, events: Vec<String>) -> Result<Vec<String>, AppError> {
        let mut errs = Errors::default();
        for e in &events {
            if !OPTIONAL_EVENTS.contains(&e.as_str()) {
                errs.add(
                    "optouts",
                    unknown_value(
                        format!("{e:?} cannot be turned off: the optional events are {}", OPTIONAL_EVENTS.join(", ")),
                        e,
                        OPTIONAL_EVENTS.join(", "),
                    ),
                );
            }
        }
        errs.finish()?;
        let mut events = events;
        events.sort();
        events.dedup();
        let user = actor.id;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    watchers::set_optouts(c, user, &events).await?;
                    Ok::<_, AppError>(watchers::optouts(c, user).await?)
                })
            })
            .await
    }
}
