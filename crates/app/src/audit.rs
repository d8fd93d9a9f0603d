//! The security audit log: one structured `tracing` line and one row in
//! `audit_events` per security event, read by admins at `/admin/audit` and
//! `GET /api/v1/audit`.
//!
//! # Recording an event
//!
//! Build an [`AuditEntry`] and hand it to [`App::audit`]:
//!
//! ```ignore
//! app.audit(AuditEntry::new(AuditKind::RoleChanged, Some(&actor), &user.username)
//!     .detail(format!("{old} → {new}"))
//!     .client(ip))
//!     .await;
//! ```
//!
//! `App::audit` never fails its caller: the event is logged even when the
//! row cannot be written (that failure is logged too). When the event must
//! be committed together with a change (a role change and its audit row in
//! one transaction), call [`write`] with the write closure's connection
//! instead; it logs the line and inserts the row in that transaction.
//!
//! Who records what: sign-in (success, failure, lockout) in `auth.rs`;
//! tokens created and revoked in `auth.rs`; CSRF refusals and every 403 in
//! the web layer; user and role changes, deactivation, password changes
//! and session revocation belong with the admin use cases that make them.

use crate::error::Code;
use crate::{Actor, App, AppError};
use std::net::IpAddr;
use steward_domain::code::unknown_value;
use steward_domain::{Role, audit::AuditKind};
use steward_store::{
    StoreError,
    audit::{self as store_audit, AuditEvent, AuditFilter, NewAuditEvent},
    now_micros,
};

/// One security event, before it is stored.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub kind: AuditKind,
    pub actor_id: Option<i64>,
    /// The acting user's username; for sign-in events, the name typed.
    pub actor_name: String,
    /// What the event is about: a username, a token id, a request path.
    pub subject: String,
    pub client: Option<IpAddr>,
    pub detail: String,
}

/// Text from outside (a typed username, a path) is cut to this many
/// characters before it is logged and stored.
const FIELD_MAX: usize = 200;

fn bounded(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(FIELD_MAX).collect()
}

impl AuditEntry {
    pub fn new(kind: AuditKind, actor: Option<&Actor>, subject: &str) -> Self {
        Self {
            kind,
            actor_id: actor.map(|a| a.id).filter(|id| *id != 0),
            actor_name: actor.map(|a| a.username.clone()).unwrap_or_default(),
            subject: bounded(subject),
            client: None,
            detail: String::new(),
        }
    }

    /// For events without a signed-in actor: the name they claimed.
    pub fn by_name(mut self, name: &str) -> Self {
        self.actor_name = bounded(name);
        self
    }

    /// Events of use cases run without an actor come from the command line:
    /// they name the operator.
    pub fn or_operator(self, actor: Option<&Actor>) -> Self {
        if actor.is_some() { self } else { self.by_name(&Actor::operator().username) }
    }

    pub fn client(mut self, ip: IpAddr) -> Self {
        self.client = Some(ip);
        self
    }

    pub fn detail(mut self, detail: impl AsRef<str>) -> Self {
        self.detail = bounded(detail.as_ref());
        self
    }

    /// The structured log line (target `steward::audit`).
    fn log(&self) {
        let client = self.client.map(|c| c.to_string()).unwrap_or_default();
        let (kind, actor, subject, detail) = (self.kind.code(), &self.actor_name, &self.subject, &self.detail);
        if self.kind.is_warning() {
            tracing::warn!(target: "steward::audit", kind, actor, subject, client, detail, "security event");
        } else {
            tracing::info!(target: "steward::audit", kind, actor, subject, client, detail, "security event");
        }
    }

    fn row(&self) -> NewAuditEvent {
        NewAuditEvent {
            at: now_micros(),
            kind: self.kind.code().to_owned(),
            actor_id: self.actor_id,
            actor_name: self.actor_name.clone(),
            subject: self.subject.clone(),
            client: self.client.map(|c| c.to_string()).unwrap_or_default(),
            detail: self.detail.clone(),
        }
    }
}

/// Logs `entry` and inserts its row with `conn`, inside the caller's
/// transaction (e.g. a store write closure).
pub async fn write(conn: &mut steward_store::Conn, entry: &AuditEntry) -> Result<(), StoreError> {
    entry.log();
    store_audit::insert(conn, &entry.row()).await.map(drop)
}

/// The most a page of the audit log holds.
pub const PAGE_MAX: i64 = 200;

/// A page of the log, newest first; `next` continues after it.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    pub next: Option<i64>,
}

impl App {
    /// Records a security event: a log line and a row. Never fails the
    /// caller; see the module documentation.
    pub async fn audit(&self, entry: AuditEntry) {
        entry.log();
        let row = entry.row();
        let written =
            self.store.write(move |c| Box::pin(async move { store_audit::insert(c, &row).await.map(drop) })).await;
        if let Err(e) = written {
            tracing::error!(target: "steward::audit", error = %e, kind = entry.kind.code(), "audit row not written");
        }
    }

    /// The audit log for admins, newest first; `filter.limit` is capped.
    pub async fn audit_events(&self, actor: &Actor, filter: AuditFilter) -> Result<AuditPage, AppError> {
        if actor.role != Role::Admin {
            return Err(AppError::Forbidden(Code::DenyAudit.msg("only admins can read the audit log")));
        }
        if let Some(k) = filter.kind.as_deref().filter(|k| AuditKind::from_code(k).is_none()) {
            let known = AuditKind::ALL.map(|k| k.code()).join(", ");
            return Err(AppError::field(
                "kind",
                unknown_value(format!("unknown kind {k:?}: one of {known}"), k, known),
            ));
        }
        let limit = filter.limit.clamp(1, PAGE_MAX);
        let mut c = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let mut items = store_audit::list(&mut c, &AuditFilter { limit: limit + 1, ..filter }).await?;
        let next = (items.len() as i64 > limit).then(|| {
            items.truncate(limit as usize);
            items.last().map(|e| e.id)
        });
        Ok(AuditPage { items, next: next.flatten() })
    }
}
