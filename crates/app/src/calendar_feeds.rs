//! Each user's iCalendar feeds of the change calendar: read-only, one
//! secret per feed carried in its URL (calendar programs send no headers),
//! only its SHA-256 kept, revocable. A feed answers only while its owner
//! is active and may see changes; otherwise it is unknown, as is a revoked
//! or made-up one.

use crate::{
    Actor, App,
    auth::{random_secret, secret_hash},
    change_calendar_read::{CalendarChange, CalendarFreeze},
    error::AppError,
};
use steward_domain::{
    Role,
    change::can_view_change,
    ical_feed::{self, Event},
};
use steward_store::{
    StoreError,
    calendar_feeds::{self as store, Feed},
    now_micros,
};

const DAY: i64 = 24 * 3600 * 1_000_000;
/// What a feed holds: this many days back …
pub const FEED_DAYS_BACK: i64 = 90;
/// … and ahead.
pub const FEED_DAYS_AHEAD: i64 = 365;
/// At most this many changes in a feed.
pub const FEED_MAX_CHANGES: i64 = 5_000;

/// A feed just made: the only time its secret is seen.
#[derive(Debug, Clone)]
pub struct NewFeed {
    pub feed: Feed,
    /// The full URL a calendar program subscribes to.
    pub url: String,
}

impl App {
    /// Where a feed's secret is read: `<base>/feeds/changes/<secret>.ics`.
    pub fn feed_url(&self, secret: &str) -> String {
        format!("{}/feeds/changes/{secret}.ics", self.config.notify.base_url.trim_end_matches('/'))
    }

    pub async fn create_calendar_feed(&self, actor: &Actor) -> Result<NewFeed, AppError> {
        can_view_change(actor.role)?;
        let secret = random_secret()?;
        let (hash, user, now) = (secret_hash(&secret), actor.id, now_micros());
        let id = self.store.write(move |c| Box::pin(async move { store::insert(c, user, &hash, now).await })).await?;
        let feed = Feed { id, user_id: actor.id, created_at: now, last_used_at: None, revoked_at: None };
        Ok(NewFeed { feed, url: self.feed_url(&secret) })
    }

    /// The actor's own feeds, newest first, revoked ones included.
    pub async fn calendar_feeds(&self, actor: &Actor) -> Result<Vec<Feed>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::of_user(&mut conn, actor.id).await?)
    }

    /// Revokes one of the actor's feeds; another's, or one already
    /// revoked, is not found.
    pub async fn revoke_calendar_feed(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let (user, now) = (actor.id, now_micros());
        let done = self.store.write(move |c| Box::pin(async move { store::revoke(c, user, id, now).await })).await?;
        if done { Ok(()) } else { Err(AppError::NotFound("calendar feed")) }
    }

    /// The feed's iCalendar text: the changes and freezes from
    /// [`FEED_DAYS_BACK`] days ago to [`FEED_DAYS_AHEAD`] ahead. An unknown,
    /// revoked or orphaned secret is not found, whichever it is.
    pub async fn calendar_feed(&self, secret: &str) -> Result<String, AppError> {
        let hash = secret_hash(secret);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let found = store::live(&mut conn, &hash).await?;
        drop(conn);
        let Some((id, _, role)) = found else { return Err(AppError::NotFound("calendar feed")) };
        if role.parse::<Role>().map_or(true, |r| can_view_change(r).is_err()) {
            return Err(AppError::NotFound("calendar feed"));
        }
        let now = now_micros();
        self.store.write(move |c| Box::pin(async move { store::touch(c, id, now).await })).await?;
        let cal = self.calendar_of(now - FEED_DAYS_BACK * DAY, now + FEED_DAYS_AHEAD * DAY, FEED_MAX_CHANGES).await?;
        let mut events: Vec<Event> = cal.changes.iter().map(|c| self.change_event(c)).collect();
        events.extend(cal.freezes.iter().map(|f| self.freeze_event(f)));
        Ok(ical_feed::render("Steward changes", &events))
    }

    fn host(&self) -> String {
        let base = self.config.notify.base_url.trim_end_matches('/');
        base.split("://").nth(1).unwrap_or(base).split('/').next().unwrap_or("steward").to_owned()
    }

    fn change_event(&self, c: &CalendarChange) -> Event {
        let e = &c.entry;
        let mut description = vec![format!("{} change, {}", e.change_type, e.state.replace('_', " "))];
        if let Some(code) = &e.close_code {
            description.push(format!("Closed: {}", code.replace('_', " ")));
        }
        if let Some(risk) = &e.risk_level {
            description.push(format!("Risk: {}", risk.replace('_', " ")));
        }
        if let Some(s) = &e.service {
            description.push(format!("Service: {s}"));
        }
        if let Some(o) = &e.owner {
            description.push(format!("Owner: {o}"));
        }
        if !e.description.trim().is_empty() {
            description.push(String::new());
            description.push(e.description.trim().to_owned());
        }
        let base = self.config.notify.base_url.trim_end_matches('/');
        Event {
            uid: format!("{}@{}", c.number, self.host()),
            stamp: e.updated_at,
            start: c.start,
            end: c.end,
            summary: format!("{} {}", c.number, e.title),
            description: description.join("\n"),
            url: Some(format!("{base}/changes/{}", c.number)),
            status: match e.state.as_str() {
                "draft" | "assessment" | "authorization" => "TENTATIVE",
                "cancelled" => "CANCELLED",
                _ => "CONFIRMED",
            },
            categories: vec![e.change_type.clone()],
        }
    }

    fn freeze_event(&self, f: &CalendarFreeze) -> Event {
        let fr = &f.freeze;
        let services = if f.services.is_empty() { "every service".to_owned() } else { f.services.join(", ") };
        let mut description = format!("Change freeze on {services}");
        if let Some(n) = fr.note.as_deref().filter(|n| !n.trim().is_empty()) {
            description.push_str("\n\n");
            description.push_str(n.trim());
        }
        Event {
            uid: format!("freeze-{}@{}", fr.id, self.host()),
            stamp: fr.created_at,
            start: fr.starts_at,
            end: fr.ends_at,
            summary: format!("Freeze: {}", fr.name),
            description,
            url: Some(format!("{}/change-calendar", self.config.notify.base_url.trim_end_matches('/'))),
            status: "CONFIRMED",
            categories: vec!["freeze".to_owned()],
        }
    }
}
