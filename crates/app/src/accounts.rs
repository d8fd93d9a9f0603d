//! Users, groups and organisations: the admin's use cases.

use crate::audit::AuditEntry;
use crate::{
    Actor, App, auth,
    error::{AppError, Errors},
};
use crate::{Code, Message};
use steward_domain::{Role, access, audit::AuditKind, email::Email, text};
use steward_store::{StoreError, accounts, now_micros};

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub role: String,
    pub organisation: Option<String>,
    pub groups: Vec<String>,
    pub password: Option<String>,
    pub locale: Option<String>,
}

fn check_admin(actor: Option<&Actor>) -> Result<(), AppError> {
    match actor {
        None => Ok(()), // the CLI, run by whoever owns the data
        Some(a) => Ok(access::can_admin(a.role)?),
    }
}

/// An e-mail address as a form or the API sent it: blank is none, else
/// it must be a sane address (`domain::email`).
pub(crate) fn check_email(email: Option<&str>) -> Result<Option<String>, Message> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) => Email::parse(e).map(|e| Some(e.into_string())).map_err(Message::from),
    }
}

/// Refuses an address another user (not `except`) already has, compared
/// without case; inside the write, so two creates cannot both pass.
pub(crate) async fn email_free(c: &mut steward_store::Conn, email: &str, except: Option<i64>) -> Result<(), AppError> {
    match accounts::email_holder(c, email, except).await? {
        Some(holder) => Err(AppError::field(
            "email",
            Code::EmailTaken.msg(format!("is already the address of {holder}")).with("who", holder),
        )),
        None => Ok(()),
    }
}

/// A user as `steward user list` shows them: with their groups.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub user: accounts::User,
    pub groups: Vec<String>,
}

pub(crate) fn valid_username(name: &str) -> Result<String, Message> {
    let n = name.trim();
    if n.is_empty() || n.len() > 64 {
        // The Polish has always read the bound as "64 characters".
        return Err(Code::FromTo.msg("must be 1 to 64 characters").with("max", "64 characters"));
    }
    if !n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
        return Err(Code::UsernameChars.msg("may contain only letters, digits and . _ - @"));
    }
    Ok(n.to_owned())
}

impl App {
    /// Creates a user (and missing organisation); `actor` None is the CLI.
    pub async fn add_user(&self, actor: Option<&Actor>, u: NewUser) -> Result<i64, AppError> {
        check_admin(actor)?;
        let mut errs = Errors::default();
        let username = errs.check("username", valid_username(&u.username));
        let role = errs.check("role", u.role.parse::<Role>());
        let display = u.display_name.clone().unwrap_or_else(|| u.username.clone());
        let display = errs.check("display_name", text::check(&display, text::NAME));
        let email = errs.check("email", check_email(u.email.as_deref())).flatten();
        if let Some(p) = &u.password {
            if let Err(AppError::Invalid(e)) = self.check_password(p, &u.username) {
                errs.0.extend(e);
            }
        }
        errs.finish()?;
        let (Some(username), Some(role), Some(display)) = (username, role, display) else {
            return Err(AppError::Internal("validation".into()));
        };
        let hash = u.password.as_deref().map(auth::hash_password).transpose()?;
        let (org, groups, locale) = (u.organisation.clone(), u.groups.clone(), u.locale.clone());
        let entry =
            AuditEntry::new(AuditKind::UserCreated, actor, &username).or_operator(actor).detail(format!("role {role}"));
        let id = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    let now = now_micros();
                    if let Some(e) = &email {
                        email_free(c, e, None).await?;
                    }
                    let organisation_id = match org.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
                        None => None,
                        Some(name) => Some(match accounts::organisation_by_name(c, name).await? {
                            Some(o) => o.id,
                            None => accounts::insert_organisation(c, name, now).await?,
                        }),
                    };
                    let new = accounts::NewUser {
                        username,
                        display_name: display,
                        email,
                        role: role.as_str().to_owned(),
                        organisation_id,
                        password_hash: hash,
                        locale,
                    };
                    let id = accounts::insert_user(c, &new, now).await?;
                    for g in groups {
                        let group = accounts::group_by_name(c, &g).await?.ok_or_else(|| {
                            AppError::field(
                                "groups",
                                Code::NoGroup.msg(format!("no group named {g:?}")).with("name", format!("{g:?}")),
                            )
                        })?;
                        accounts::add_member(c, group.id, id).await?;
                    }
                    Ok::<_, AppError>(id)
                })
            })
            .await?;
        self.audit(entry).await;
        Ok(id)
    }

    pub async fn set_locale(&self, actor: &Actor, locale: Option<String>) -> Result<(), AppError> {
        if let Some(l) = &locale {
            if !matches!(l.as_str(), "en" | "pl") {
                return Err(AppError::field("locale", Code::Locale.msg("must be en or pl")));
            }
        }
        let id = actor.id;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::set_locale(c, id, locale.as_deref()).await?;
                    steward_store::sessions::bump_rev(c).await
                })
            })
            .await?;
        self.cache.clear_credentials();
        Ok(())
    }

    pub async fn list_users(&self, actor: Option<&Actor>) -> Result<Vec<accounts::User>, AppError> {
        if let Some(a) = actor {
            if !a.is_staff() {
                return Err(AppError::Forbidden(
                    Code::DenyStaffOnly.msg("only agents, managers and admins can list users"),
                ));
            }
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(accounts::list_users(&mut conn).await?)
    }

    /// Every user with their groups (one query each for users and
    /// memberships); `actor` None is the CLI.
    pub async fn list_users_with_groups(&self, actor: Option<&Actor>) -> Result<Vec<UserRow>, AppError> {
        let users = self.list_users(actor).await?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let memberships = accounts::memberships(&mut conn).await?;
        Ok(users
            .into_iter()
            .map(|user| {
                let groups = memberships.iter().filter(|(u, _)| *u == user.id).map(|(_, g)| g.clone()).collect();
                UserRow { user, groups }
            })
            .collect())
    }

    /// A group's members by the group's name (staff may read; `actor`
    /// None is the CLI).
    pub async fn members_of_group(&self, actor: Option<&Actor>, group: &str) -> Result<Vec<accounts::User>, AppError> {
        if let Some(a) = actor {
            if !a.is_staff() {
                return Err(AppError::Forbidden(
                    Code::DenyStaffOnly.msg("only agents, managers and admins can see group members"),
                ));
            }
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let g = accounts::group_by_name(&mut conn, group.trim()).await?.ok_or(AppError::NotFound("group"))?;
        Ok(accounts::members_of(&mut conn, g.id).await?)
    }

    pub async fn add_group(&self, actor: Option<&Actor>, name: &str, description: &str) -> Result<i64, AppError> {
        check_admin(actor)?;
        let name = text::check(name, text::NAME).map_err(|e| AppError::field("name", e))?;
        let description = text::check(description, text::DESCRIPTION).map_err(|e| AppError::field("description", e))?;
        Ok(self
            .store
            .write(move |c| Box::pin(async move { accounts::insert_group(c, &name, &description, now_micros()).await }))
            .await?)
    }

    pub async fn add_member(&self, actor: Option<&Actor>, group: &str, username: &str) -> Result<(), AppError> {
        check_admin(actor)?;
        let (group_name, username_of_member) = (group.trim().to_owned(), username.trim());
        let (group, username) = (group.to_owned(), username.to_owned());
        self.store
            .write(move |c| {
                Box::pin(async move {
                    let g = accounts::group_by_name(c, &group).await?.ok_or(AppError::NotFound("group"))?;
                    let u = accounts::user_by_name(c, &username)
                        .await?
                        .ok_or_else(|| AppError::field("username", Code::NoSuchUser.msg("no such user")))?;
                    if u.active == 0 {
                        return Err(AppError::field(
                            "username",
                            Code::AssigneeDeactivated
                                .msg(format!("{} is deactivated", u.display_name))
                                .with("who", &u.display_name),
                        ));
                    }
                    accounts::add_member(c, g.id, u.id).await?;
                    steward_store::sessions::bump_rev(c).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.cache.clear_credentials();
        let entry = AuditEntry::new(AuditKind::UserChanged, actor, username_of_member).or_operator(actor);
        self.audit(entry.detail(format!("added to group {group_name}"))).await;
        Ok(())
    }

    /// A group's id by its name, from memory after the first lookup (groups
    /// are never renamed or deleted).
    pub(crate) async fn group_by_name(&self, c: &mut steward_store::Conn, name: &str) -> Result<Option<i64>, AppError> {
        if let Some(id) = self.cache.group(name) {
            return Ok(Some(id));
        }
        let g = accounts::group_by_name(c, name).await?;
        if let Some(g) = &g {
            self.cache.put_group(&g.name, g.id);
        }
        Ok(g.map(|g| g.id))
    }

    pub async fn list_groups(&self) -> Result<Vec<accounts::Group>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(accounts::list_groups(&mut conn).await?)
    }

    pub async fn group_members(&self, group_id: i64) -> Result<Vec<accounts::User>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(accounts::members_of(&mut conn, group_id).await?)
    }

    pub async fn list_organisations(&self) -> Result<Vec<accounts::Organisation>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(accounts::list_organisations(&mut conn).await?)
    }
}
