//! Sessions as their owner and admins see them: which browser, last used
//! when, and revoking them. A revocation moves the credentials revision,
//! which every node reads on every request (see `cache`), so it holds
//! everywhere for the next request.

use crate::{Actor, App, audit::AuditEntry, auth, error::AppError};
use serde::Serialize;
use steward_domain::{access, audit::AuditKind};
use steward_store::{StoreError, accounts, now_micros, sessions};

/// `last_seen_at` is written at most this often per session.
const TOUCH_EVERY_US: i64 = 60 * 1_000_000;
const USER_AGENT_MAX: usize = 200;

/// A session as its owner sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    #[serde(flatten)]
    pub info: sessions::SessionInfo,
    /// The session this request came with.
    pub current: bool,
}

impl App {
    /// Drops every cached credential on this node (other nodes follow the
    /// credentials revision, which the change bumped).
    pub(crate) fn forget_credentials(&self) {
        self.cache.clear_credentials();
    }

    /// Writes a session's last use, at most once a minute, off the
    /// request's path.
    pub(crate) fn note_session_use(&self, id: i64, last_seen_at: i64, now: i64) {
        if now - last_seen_at < TOUCH_EVERY_US {
            return;
        }
        let store = self.store.clone();
        tokio::spawn(async move {
            let r = store.write(move |c| Box::pin(async move { sessions::touch(c, id, now).await })).await;
            if let Err(e) = r {
                tracing::debug!(error = %e, "recording a session's last use failed");
            }
        });
    }

    /// Records which browser holds a new session.
    pub async fn describe_session(&self, token: &str, user_agent: &str) -> Result<(), AppError> {
        let hash = auth::secret_hash(token);
        let agent: String =
            user_agent.chars().filter(|c| !c.is_control()).take(USER_AGENT_MAX).collect::<String>().trim().to_owned();
        self.store.write(move |c| Box::pin(async move { sessions::describe(c, &hash, &agent).await })).await?;
        Ok(())
    }

    /// The signed-in user's live sessions; `token` marks the current one.
    pub async fn my_sessions(&self, actor: &Actor, token: Option<&str>) -> Result<Vec<SessionView>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let current = match token {
            Some(t) => accounts::session(&mut conn, &auth::secret_hash(t)).await?.map(|s| s.id),
            None => None,
        };
        let list = sessions::of_user(&mut conn, actor.id, now_micros()).await?;
        Ok(list.into_iter().map(|info| SessionView { current: Some(info.id) == current, info }).collect())
    }

    /// Ends one of the signed-in user's sessions.
    pub async fn revoke_my_session(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let user_id = actor.id;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    sessions::delete_one(c, user_id, id).await?;
                    sessions::bump_rev(c).await
                })
            })
            .await
            .map_err(|e| match e {
                StoreError::NotFound => AppError::NotFound("session"),
                e => e.into(),
            })?;
        self.forget_credentials();
        Ok(())
    }

    /// A user's live sessions, for admins.
    pub async fn user_sessions(&self, actor: &Actor, username: &str) -> Result<Vec<sessions::SessionInfo>, AppError> {
        access::can_admin(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        Ok(sessions::of_user(&mut conn, user.id, now_micros()).await?)
    }

    /// Ends every session of a user (admins); how many ended.
    pub async fn revoke_user_sessions(&self, actor: &Actor, username: &str) -> Result<u64, AppError> {
        access::can_admin(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        drop(conn);
        let id = user.id;
        let ended = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let n = sessions::delete_all(c, id, None).await?;
                    sessions::bump_rev(c).await?;
                    Ok::<_, StoreError>(n)
                })
            })
            .await?;
        self.forget_credentials();
        let entry = AuditEntry::new(AuditKind::SessionsRevoked, Some(actor), &user.username);
        self.audit(entry.detail(format!("{ended} ended"))).await;
        Ok(ended)
    }
}
