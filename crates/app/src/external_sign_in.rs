//! Sign-in for accounts kept elsewhere: a directory (LDAP) or a single
//! sign-on provider (OpenID Connect). Whoever checked the person (a bind
//! with their password, a verified ID token) hands over an
//! [`ExternalProfile`]; this creates the Steward user on their first
//! sign-in, brings name, e-mail, role and the groups the source manages up
//! to date on every later one, and opens a session.
//!
//! Such users have no password here. A local account is never taken over:
//! a source's user whose name is held by a local account (or by another
//! source's user) is refused until an admin renames one of them, since
//! otherwise whoever controls a directory entry named `admin` would sign in
//! as the local admin.

use crate::audit::AuditEntry;
use crate::auth::{NewSession, SignIn};
use crate::error::{AppError, Code};
use crate::{Actor, App};
use std::net::IpAddr;
use steward_domain::Role;
use steward_domain::audit::AuditKind;
use steward_store::{StoreError, accounts, external_identities, now_micros, sessions, users};

/// A person the source has checked, with what it says of them (already
/// mapped to Steward's role and group names by the source's settings).
#[derive(Debug, Clone)]
pub struct ExternalProfile {
    /// `ldap` or `oidc`.
    pub source: &'static str,
    /// Who they are at the source: a DN, or the issuer and `sub`.
    pub subject: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    /// The Steward groups the source puts them in.
    pub groups: Vec<String>,
    /// Every group the source's settings map to: membership of these
    /// follows the source; other groups are left as admins set them.
    pub managed_groups: Vec<String>,
}

impl App {
    /// Signs in the person `p` describes (see the module's notes); the
    /// source has checked them. A Steward user deactivated by an admin
    /// stays out whatever the source says.
    pub async fn sign_in_external(&self, p: ExternalProfile, ip: IpAddr) -> Result<(Actor, NewSession), AppError> {
        match self.sign_in_external_as(p, ip, None).await? {
            SignIn::Done(actor, session) => Ok((*actor, session)),
            SignIn::NeedsCode(_) => Err(AppError::Internal("a second step was asked for without a browser".into())),
        }
    }

    /// As [`App::sign_in_external`]; with `pre_session` (a browser's
    /// sign-in form), a user who turned on a second step here is asked for
    /// its code as a local account is ([`App::sign_in_with_code`]).
    pub async fn sign_in_external_as(
        &self,
        p: ExternalProfile,
        ip: IpAddr,
        pre_session: Option<&str>,
    ) -> Result<SignIn, AppError> {
        let now = now_micros();
        let profile = p.clone();
        let (user_id, skipped) = self
            .store
            .write(move |c| {
                let p = profile.clone();
                Box::pin(async move { provision(c, &p, now).await })
            })
            .await?;
        self.forget_credentials();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_id(&mut conn, user_id).await?.ok_or(AppError::NotFound("user"))?;
        drop(conn);
        let name = crate::throttle::account_key(&p.username);
        if user.active != 1 {
            let why = format!("{} account deactivated here", p.source);
            self.audit(AuditEntry::new(AuditKind::SignInFailed, None, &name).by_name(&name).client(ip).detail(why))
                .await;
            return Err(AppError::Unauthenticated("this account is deactivated"));
        }
        if let Some(pre_session) = pre_session {
            if self.has_second_factor(user.id).await? {
                // The throttle's count stands until the code is right too.
                return Ok(SignIn::NeedsCode(self.challenge(user.id, pre_session, now_micros()).await?));
            }
        }
        self.throttle.succeed(&name, ip);
        let (actor, session) = self.open_session(user).await?;
        let mut detail = format!("via {} as {}", p.source, p.subject);
        if !skipped.is_empty() {
            detail.push_str(&format!("; no group named {}", skipped.join(", ")));
        }
        self.audit(AuditEntry::new(AuditKind::SignedIn, Some(&actor), &actor.username).client(ip).detail(detail)).await;
        Ok(SignIn::Done(Box::new(actor), session))
    }
}

/// Creates or updates the user `p` describes; their id, and the groups
/// named that do not exist here (left out, said in the audit entry).
async fn provision(c: &mut steward_store::Conn, p: &ExternalProfile, now: i64) -> Result<(i64, Vec<String>), AppError> {
    let id = match external_identities::user_of(c, p.source, &p.subject).await? {
        Some(id) => id,
        None => match accounts::user_by_name(c, &p.username).await? {
            Some(_) => {
                return Err(AppError::Conflict(Code::NameTaken.msg(format!(
                    "the name {:?} is taken by an account that does not sign in through {}; an admin must rename one",
                    p.username, p.source
                ))));
            }
            None => {
                let email = free_email(c, p.email.as_deref(), None).await?;
                let new = accounts::NewUser {
                    username: p.username.clone(),
                    display_name: p.display_name.clone(),
                    email,
                    role: p.role.as_str().to_owned(),
                    organisation_id: None,
                    password_hash: None,
                    locale: None,
                };
                accounts::insert_user(c, &new, now).await?
            }
        },
    };
    external_identities::link(c, id, p.source, &p.subject, now).await?;
    let user = accounts::user_by_id(c, id).await?.ok_or(AppError::NotFound("user"))?;
    let email = match p.email.as_deref() {
        Some(e) if user.email.as_deref() != Some(e) => free_email(c, Some(e), Some(id)).await?.or(user.email.clone()),
        _ => user.email.clone(),
    };
    let fields = users::UserFields {
        display_name: p.display_name.clone(),
        email,
        role: p.role.as_str().to_owned(),
        organisation_id: user.organisation_id,
        locale: user.locale.clone(),
        time_zone: user.time_zone.clone(),
        active: user.active == 1,
    };
    users::update(c, id, user.version, &fields).await?;
    // Groups: those the source manages follow it; the rest stay.
    let mut ids: Vec<i64> = accounts::groups_of(c, id)
        .await?
        .into_iter()
        .filter(|g| !p.managed_groups.contains(&g.name))
        .map(|g| g.id)
        .collect();
    let mut skipped = Vec::new();
    for name in &p.groups {
        match accounts::group_by_name(c, name).await? {
            Some(g) if user.active == 1 => ids.push(g.id),
            Some(_) => {}
            None => skipped.push(format!("{name:?}")),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    users::set_groups(c, id, &ids).await?;
    sessions::bump_rev(c).await?;
    Ok((id, skipped))
}

/// `email` if no other user has it (an e-mail names one user here).
async fn free_email(
    c: &mut steward_store::Conn,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Some(e) = email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    if crate::accounts::check_email(Some(e)).is_err() {
        return Ok(None);
    }
    Ok(accounts::email_holder(c, e, except).await?.is_none().then(|| e.to_owned()))
}
