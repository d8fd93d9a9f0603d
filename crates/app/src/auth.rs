//! Passwords (argon2id), sign-in with throttling, sessions and API tokens.
//!
//! Session ids and API tokens are random 256-bit secrets; only their SHA-256
//! is stored, so a stolen database does not sign anyone in, and checking a
//! token costs one hash rather than an argon2 run per request.

use crate::audit::AuditEntry;
use crate::error::Code;
use crate::{Actor, App, cache::Credential, error::AppError};
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use steward_domain::Role;
use steward_domain::audit::AuditKind;
use steward_store::{StoreError, accounts, now_micros, sessions};

pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing failed: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A new random secret, URL-safe.
pub fn random_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A signed-in browser session: the cookie value and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub max_age_secs: i64,
}

/// Where a correct password leads.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Signed in.
    Done(Box<Actor>, NewSession),
    /// The account has a second factor: send this challenge back with a
    /// code (see [`App::sign_in_with_code`]).
    NeedsCode(String),
}

/// What an API token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenScope {
    /// The whole API, as its holder.
    #[default]
    All,
    /// Only sending alerts: the /api/v2 alert API and the alert webhooks
    /// (what Prometheus, amtool and monitoring tools are given).
    Alerts,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::All => "all",
            TokenScope::Alerts => "alerts",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        [TokenScope::All, TokenScope::Alerts].into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
    /// Microseconds since the epoch.
    pub created_at: i64,
}

impl App {
    /// Checks the password and opens a session; for an account with a
    /// second factor this refuses (sign in with [`App::sign_in`] then).
    pub async fn login(&self, username: &str, password: &str, ip: IpAddr) -> Result<(Actor, NewSession), AppError> {
        match self.sign_in(username, password, ip, "").await? {
            SignIn::Done(actor, session) => Ok((*actor, session)),
            SignIn::NeedsCode(_) => Err(AppError::Unauthenticated("this account signs in with a code as well")),
        }
    }

    /// Checks the password; opens a session, or, for an account with a
    /// second factor, answers the challenge to send back with its code
    /// ([`App::sign_in_with_code`]), bound to the browser's `pre_session`.
    ///
    /// Unknown, inactive and real accounts are answered alike and in the
    /// same time (a dummy argon2 check stands in), and throttled alike: the
    /// throttle is keyed by the name typed, never by whether it exists (see
    /// [`crate::throttle`]). Every outcome is audited. With a directory
    /// set, a name without a local password signs in through it (see
    /// [`crate::ldap_sign_in`]).
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        ip: IpAddr,
        pre_session: &str,
    ) -> Result<SignIn, AppError> {
        let name = crate::throttle::account_key(username);
        self.admit(&name, ip).await?;
        // No name holds a control character (PostgreSQL refuses a NUL in
        // a query: such a name is answered as unknown, not with a 500).
        let user = if username.chars().any(char::is_control) {
            None
        } else {
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            accounts::user_by_name(&mut conn, username.trim()).await?
        };
        // A local account (one with a password here) signs in here first,
        // never through the directory: local admins sign in when it is down.
        if let Some(ldap) = self.config.ldap.clone().filter(|_| user.as_ref().is_none_or(|u| u.password_hash.is_none()))
        {
            return self.sign_in_ldap(&ldap, username, password, ip, &name, pre_session).await;
        }
        let user = user.filter(|u| u.active == 1);
        // Spend the same time whether or not the user exists, so that
        // timing does not tell.
        let hash = user.as_ref().and_then(|u| u.password_hash.as_deref()).unwrap_or(DUMMY_HASH);
        let ok = verify_password(hash, password) && user.as_ref().is_some_and(|u| u.password_hash.is_some());
        let Some(user) = user.filter(|_| ok) else {
            self.refuse(&name, ip, "wrong username or password").await;
            return Err(AppError::Unauthenticated("wrong username or password"));
        };
        if self.has_second_factor(user.id).await? {
            // The throttle's count stands until the code is right too.
            return Ok(SignIn::NeedsCode(self.challenge(user.id, pre_session, now_micros()).await?));
        }
        self.throttle.succeed(&name, ip);
        let (actor, session) = self.open_session(user).await?;
        self.audit(AuditEntry::new(AuditKind::SignedIn, Some(&actor), &actor.username).client(ip)).await;
        Ok(SignIn::Done(Box::new(actor), session))
    }

    /// Lets a sign-in attempt on `name` from `ip` go on (after the
    /// throttle's wait), or refuses it, audited.
    pub(crate) async fn admit(&self, name: &str, ip: IpAddr) -> Result<(), AppError> {
        match self.throttle.admit(name, ip, now_micros()) {
            Ok(wait) if wait.is_zero() => Ok(()),
            Ok(wait) => {
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Err(retry_after_secs) => {
                let detail = format!("refused for {retry_after_secs} s");
                self.audit(
                    AuditEntry::new(AuditKind::SignInFailed, None, name).by_name(name).client(ip).detail(detail),
                )
                .await;
                Err(AppError::Throttled { retry_after_secs })
            }
        }
    }

    /// Counts a failed attempt on `name` from `ip` and audits it (and the
    /// lock-out it may cause).
    pub(crate) async fn refuse(&self, name: &str, ip: IpAddr, why: &str) {
        let locked = self.throttle.fail(name, ip, now_micros());
        let failed = AuditEntry::new(AuditKind::SignInFailed, None, name).by_name(name).client(ip);
        self.audit(failed.detail(why)).await;
        if let Some(secs) = locked {
            let detail = format!("this client is locked out of the account for {secs} s");
            self.audit(AuditEntry::new(AuditKind::SignInLocked, None, name).by_name(name).client(ip).detail(detail))
                .await;
        }
    }

    /// A new session for `user`, whose sign-in is complete.
    pub(crate) async fn open_session(&self, user: accounts::User) -> Result<(Actor, NewSession), AppError> {
        let token = random_secret()?;
        let csrf = random_secret()?;
        let max_age = i64::from(self.config.session_hours) * 3600;
        let (hash, csrf2, id) = (secret_hash(&token), csrf.clone(), user.id);
        let now = now_micros();
        let expires = now + max_age * 1_000_000;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::clear_failed_logins(c, id).await?;
                    accounts::insert_session(c, &hash, id, &csrf2, now, expires).await
                })
            })
            .await?;
        let actor = self.actor_for(user).await?;
        Ok((actor, NewSession { token, csrf, max_age_secs: max_age }))
    }

    /// The value the sign-in form must send back with the pre-session
    /// cookie `pre_session`: bound to it by a key only the server knows
    /// (kept in the database, so every node agrees). A page elsewhere can
    /// neither read the cookie nor compute the value for a cookie it planted.
    pub async fn login_form_token(&self, pre_session: &str) -> Result<String, AppError> {
        use hmac::{Hmac, Mac};
        let key = self.login_key().await?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| AppError::Internal(format!("login form key: {e}")))?;
        mac.update(b"steward login form\0");
        mac.update(pre_session.as_bytes());
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    pub(crate) async fn login_key(&self) -> Result<String, AppError> {
        if let Some(k) = self.login_key.get() {
            return Ok(k.clone());
        }
        let fresh = random_secret()?;
        let key = self
            .store
            .write(move |c| {
                Box::pin(async move { steward_store::settings::get_or_insert(c, "login_form_key", &fresh).await })
            })
            .await?;
        Ok(self.login_key.get_or_init(|| key).clone())
    }

    /// The actor and CSRF token of a live session.
    pub async fn session_actor(&self, token: &str) -> Result<(Actor, String), AppError> {
        let hash = secret_hash(token);
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        // Read on every request: a revocation answered by any node holds here.
        let rev = sessions::rev(&mut conn).await?;
        if let Some(c) = self.cache.credential(rev, &hash) {
            if let (Some(csrf), Some(exp)) = (c.csrf, c.expires_at) {
                if exp > now {
                    return Ok((c.actor, csrf));
                }
            }
        }
        let s = accounts::session(&mut conn, &hash).await?;
        let s = s.filter(|s| s.expires_at > now).ok_or(AppError::Unauthenticated("your session has ended"))?;
        // Unused too long: it ends here, on every node. (Last use is kept
        // to the minute and a cached session is reread within a minute,
        // so an idle limit of at least 5 minutes ends no session in use.)
        let idle = i64::from(self.config.session_idle_minutes) * 60_000_000;
        if idle > 0 && now - s.last_seen_at > idle {
            drop(conn);
            self.end_session(hash).await?;
            return Err(AppError::Unauthenticated("your session ended after a while without use"));
        }
        let user = accounts::user_by_id(&mut conn, s.user_id).await?.filter(|u| u.active == 1);
        drop(conn);
        let user = user.ok_or(AppError::Unauthenticated("your account is disabled"))?;
        let actor = self.actor_for(user).await?;
        self.note_session_use(s.id, s.last_seen_at, now);
        let credential = Credential {
            actor: actor.clone(),
            csrf: Some(s.csrf.clone()),
            expires_at: Some(s.expires_at),
            alerts_only: false,
        };
        self.cache.put_credential(rev, hash, credential);
        Ok((actor, s.csrf))
    }

    pub async fn logout(&self, token: &str) -> Result<(), AppError> {
        self.end_session(secret_hash(token)).await
    }

    /// Ends the session of this secret hash, here and (by the credentials
    /// revision) on every node.
    async fn end_session(&self, hash: String) -> Result<(), AppError> {
        self.cache.clear_credentials();
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::delete_session(c, &hash).await?;
                    sessions::bump_rev(c).await
                })
            })
            .await?;
        Ok(())
    }

    /// The actor holding an API token.
    /// The holder of an API token for the whole API; a token limited to
    /// alerts is refused here (403 `token_alerts_only`).
    pub async fn token_actor(&self, token: &str) -> Result<Actor, AppError> {
        let (actor, alerts_only) = self.token_holder(token).await?;
        if alerts_only {
            let text = "this token may only send alerts (the /api/v2 alert API and the alert webhooks)";
            return Err(AppError::Forbidden(Code::TokenAlertsOnly.msg(text)));
        }
        Ok(actor)
    }

    /// The holder of an API token on the alert API: any token, those
    /// limited to alerts included.
    pub async fn alert_token_actor(&self, token: &str) -> Result<Actor, AppError> {
        Ok(self.token_holder(token).await?.0)
    }

    /// A token's user and whether it is limited to alerts.
    async fn token_holder(&self, token: &str) -> Result<(Actor, bool), AppError> {
        let hash = secret_hash(token);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rev = sessions::rev(&mut conn).await?;
        if let Some(c) = self.cache.credential(rev, &hash) {
            if c.csrf.is_none() {
                self.note_token_use(&hash);
                return Ok((c.actor, c.alerts_only));
            }
        }
        let found = accounts::user_by_token(&mut conn, &hash).await?;
        drop(conn);
        let (_, scope, user) = found.ok_or(AppError::Unauthenticated("the API token is unknown or revoked"))?;
        let actor = self.actor_for(user).await?;
        self.note_token_use(&hash);
        let alerts_only = scope == TokenScope::Alerts.as_str();
        let credential = Credential { actor: actor.clone(), csrf: None, expires_at: None, alerts_only };
        self.cache.put_credential(rev, hash, credential);
        Ok((actor, alerts_only))
    }

    /// Creates an API token for `username` for the whole API; the secret
    /// is returned once. Users may create their own; admins anyone's.
    /// `None` is the CLI.
    pub async fn create_token(&self, actor: Option<&Actor>, username: &str, label: &str) -> Result<NewToken, AppError> {
        self.create_scoped_token(actor, username, label, TokenScope::All).await
    }

    /// As [`App::create_token`], for the whole API or for sending alerts
    /// only (what Prometheus and amtool are given).
    pub async fn create_scoped_token(
        &self,
        actor: Option<&Actor>,
        username: &str,
        label: &str,
        scope: TokenScope,
    ) -> Result<NewToken, AppError> {
        let label =
            steward_domain::text::check(label, steward_domain::text::NAME).map_err(|e| AppError::field("name", e))?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        drop(conn);
        if let Some(a) = actor {
            if a.id != user.id && a.role != Role::Admin {
                return Err(AppError::Forbidden(
                    Code::DenyOthersTokens.msg("only admins can create tokens for other users"),
                ));
            }
        }
        let token = format!("stw_{}", random_secret()?);
        let hash = secret_hash(&token);
        let created_at = now_micros();
        let id = self
            .store
            .write(move |c| {
                Box::pin(
                    async move { accounts::insert_token(c, user.id, &label, &hash, created_at, scope.as_str()).await },
                )
            })
            .await?;
        let entry = AuditEntry::new(AuditKind::TokenCreated, actor, &user.username).or_operator(actor);
        self.audit(entry.detail(format!("token {id} ({})", scope.as_str()))).await;
        Ok(NewToken { id, token, created_at })
    }

    pub async fn revoke_token(&self, actor: Option<&Actor>, id: i64) -> Result<(), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let t = accounts::token_by_id(&mut conn, id).await?.ok_or(AppError::NotFound("token"))?;
        drop(conn);
        if let Some(a) = actor {
            if a.id != t.user_id && a.role != Role::Admin {
                return Err(AppError::Forbidden(
                    Code::DenyOthersTokens.msg("only admins can revoke other users' tokens"),
                ));
            }
        }
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::revoke_token(c, id, now_micros()).await?;
                    steward_store::sessions::bump_rev(c).await
                })
            })
            .await?;
        self.forget_credentials();
        let entry = AuditEntry::new(AuditKind::TokenRevoked, actor, &format!("token {id}")).or_operator(actor);
        self.audit(entry.detail(format!("of user {}", t.user_id))).await;
        Ok(())
    }

    /// Any user's API tokens (admins), revoked ones included.
    pub async fn user_tokens(&self, actor: &Actor, username: &str) -> Result<Vec<accounts::ApiToken>, AppError> {
        steward_domain::access::can_admin(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        Ok(accounts::list_tokens(&mut conn, user.id).await?)
    }

    /// Revokes one of a user's API tokens (admins): a token of someone
    /// else, or one already revoked, is not found. Audited with the change.
    pub async fn revoke_user_token(&self, actor: &Actor, username: &str, id: i64) -> Result<(), AppError> {
        steward_domain::access::can_admin(actor.role)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        let t = accounts::token_by_id(&mut conn, id).await?.filter(|t| t.user_id == user.id && t.revoked_at.is_none());
        let t = t.ok_or(AppError::NotFound("token"))?;
        drop(conn);
        let entry = AuditEntry::new(AuditKind::TokenRevoked, Some(actor), &user.username)
            .detail(format!("token {id} ({}) revoked by an admin", t.name));
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::revoke_token(c, id, now_micros()).await.map_err(|e| match e {
                        StoreError::NotFound => AppError::NotFound("token"),
                        e => e.into(),
                    })?;
                    steward_store::sessions::bump_rev(c).await?;
                    crate::audit::write(c, &entry).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.forget_credentials();
        Ok(())
    }

    pub async fn list_tokens(&self, actor: &Actor) -> Result<Vec<accounts::ApiToken>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(accounts::list_tokens(&mut conn, actor.id).await?)
    }

    pub(crate) async fn actor_for(&self, user: accounts::User) -> Result<Actor, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let groups = accounts::groups_of(&mut conn, user.id).await?;
        let organisation_name = match user.organisation_id {
            Some(o) => accounts::organisation_by_id(&mut conn, o).await?.map(|o| o.name),
            None => None,
        };
        let role = user.role.parse::<Role>().map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Actor {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role,
            group_ids: groups.iter().map(|g| g.id).collect(),
            locale: user.locale,
            organisation_id: user.organisation_id,
            organisation_name,
            time_zone: user.time_zone,
            browser_time_zone: user.browser_time_zone,
        })
    }
}

/// A valid argon2id hash of a random string, checked against when the user
/// does not exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZOZ8ME5xOv6XvpXW5IF2ny2n7gCLUKVSnPbiimtiQzs";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "wrong horse"));
        assert!(!verify_password("not a hash", "x"));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = random_secret().unwrap();
        assert_ne!(a, random_secret().unwrap());
        assert_eq!(secret_hash(&a).len(), 64);
    }
}
