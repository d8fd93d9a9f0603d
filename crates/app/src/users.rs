//! What admins change about people and organisations, and what each user
//! changes about themselves (language, time zone). Admin updates name the
//! version they read; deactivating a user ends their sessions and revokes
//! their tokens in the same write, on every node within a second.

use crate::{
    Actor, App,
    audit::{self, AuditEntry},
    error::{AppError, Errors},
};
use crate::{Code, Message};
use serde::Serialize;
use steward_domain::{Role, access, audit::AuditKind, text, zone::ZoneName};
use steward_store::{StoreError, accounts, now_micros, sessions, users};

/// A user as admins see them: with their groups and organisation.
#[derive(Debug, Clone, Serialize)]
pub struct UserDetail {
    #[serde(flatten)]
    pub user: accounts::User,
    pub organisation: Option<String>,
    pub groups: Vec<String>,
}

/// An admin's change to a user: fields left `None` keep their value;
/// `organisation` and `time_zone` as `Some("")` clear it.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub organisation: Option<String>,
    pub groups: Option<Vec<String>>,
    pub time_zone: Option<String>,
    pub locale: Option<String>,
    pub active: Option<bool>,
}

fn check_locale(locale: Option<&str>) -> Result<Option<String>, Message> {
    match locale.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(None),
        Some(l @ ("en" | "pl")) => Ok(Some(l.to_owned())),
        Some(_) => Err(Code::Locale.msg("must be en or pl")),
    }
}

fn check_zone(zone: Option<&str>) -> Result<Option<String>, Message> {
    match zone.map(str::trim).filter(|z| !z.is_empty()) {
        None => Ok(None),
        Some(z) => ZoneName::parse(z).map(|z| Some(z.as_str().to_owned())),
    }
}

fn not_found_as(what: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => AppError::NotFound(what),
        e => e.into(),
    }
}

impl App {
    /// The signed-in user's language and time zone (empty = the browser's
    /// language, UTC).
    pub async fn update_profile(
        &self,
        actor: &Actor,
        locale: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<(), AppError> {
        let mut errs = Errors::default();
        let locale = errs.check("locale", check_locale(locale));
        let zone = errs.check("time_zone", check_zone(time_zone));
        errs.finish()?;
        let (locale, zone, id) = (locale.flatten(), zone.flatten(), actor.id);
        self.store
            .write(move |c| {
                Box::pin(async move {
                    users::set_profile(c, id, locale.as_deref(), zone.as_deref()).await?;
                    sessions::bump_rev(c).await
                })
            })
            .await?;
        self.forget_credentials();
        Ok(())
    }

    /// One user with groups and organisation (staff may read).
    pub async fn user_detail(&self, actor: &Actor, username: &str) -> Result<UserDetail, AppError> {
        if !actor.is_staff() {
            return Err(AppError::Forbidden(Code::DenyStaffOnly.msg("only agents, managers and admins can see users")));
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        let groups = accounts::groups_of(&mut conn, user.id).await?.into_iter().map(|g| g.name).collect();
        let organisation = match user.organisation_id {
            Some(o) => accounts::organisation_by_id(&mut conn, o).await?.map(|o| o.name),
            None => None,
        };
        Ok(UserDetail { user, organisation, groups })
    }

    /// Changes a user (admins), if `version` is the one stored. Turning
    /// `active` off ends the user's sessions and revokes their tokens.
    /// Admins cannot demote or deactivate themselves, nor the last admin.
    pub async fn update_user(
        &self,
        actor: &Actor,
        username: &str,
        version: i64,
        p: UserPatch,
    ) -> Result<UserDetail, AppError> {
        access::can_admin(actor.role)?;
        let current = self.user_detail(actor, username).await?;
        let u = &current.user;
        let mut errs = Errors::default();
        let display = match &p.display_name {
            Some(d) if d.trim().is_empty() => {
                errs.add("display_name", Code::Required.msg("is required"));
                None
            }
            Some(d) => errs.check("display_name", text::check(d, text::NAME)),
            None => Some(u.display_name.clone()),
        };
        let role = errs.check("role", p.role.as_deref().unwrap_or(&u.role).parse::<Role>());
        let email = match &p.email {
            Some(e) => errs.check("email", crate::accounts::check_email(Some(e))).flatten(),
            None => u.email.clone(),
        };
        let zone = match &p.time_zone {
            Some(z) => errs.check("time_zone", check_zone(Some(z))).flatten(),
            None => u.time_zone.clone(),
        };
        let locale = match &p.locale {
            Some(l) => errs.check("locale", check_locale(Some(l))).flatten(),
            None => u.locale.clone(),
        };
        let active = p.active.unwrap_or(u.active == 1);
        if u.id == actor.id && (!active || role.is_some_and(|r| r != Role::Admin)) {
            errs.add(
                if active { "role" } else { "active" },
                Code::SelfDemote.msg("you cannot demote or deactivate yourself"),
            );
        }
        errs.finish()?;
        let (Some(display), Some(role)) = (display, role) else {
            return Err(AppError::Internal("validation".into()));
        };
        let (id, was_admin) = (u.id, u.role == "admin" && u.active == 1);
        let (org, groups) = (p.organisation.clone(), p.groups.clone());
        let deactivate = u.active == 1 && !active;
        let fields = users::UserFields {
            display_name: display.trim().to_owned(),
            email,
            role: role.as_str().to_owned(),
            organisation_id: u.organisation_id,
            locale,
            time_zone: zone,
            active,
        };
        let entry = AuditEntry::new(AuditKind::UserDeactivated, Some(actor), username);
        let self_check_email = fields.email.clone().filter(|e| u.email.as_deref() != Some(e.as_str()));
        self.store
            .write(move |c| {
                let mut fields = fields.clone();
                let (org, groups, entry, new_email) =
                    (org.clone(), groups.clone(), entry.clone(), self_check_email.clone());
                Box::pin(async move {
                    if let Some(e) = &new_email {
                        crate::accounts::email_free(c, e, Some(id)).await?;
                    }
                    if let Some(name) = org {
                        fields.organisation_id = match name.trim() {
                            "" => None,
                            n => Some(
                                accounts::organisation_by_name(c, n)
                                    .await?
                                    .ok_or_else(|| {
                                        AppError::field(
                                            "organisation",
                                            Code::NoOrganisation
                                                .msg(format!("no organisation named {n:?}"))
                                                .with("name", format!("{n:?}")),
                                        )
                                    })?
                                    .id,
                            ),
                        };
                    }
                    if was_admin
                        && (fields.role != "admin" || !fields.active)
                        && users::other_active_admins(c, id).await? == 0
                    {
                        return Err(AppError::field(
                            "role",
                            Code::LastAdmin.msg("the last active admin must stay an active admin"),
                        ));
                    }
                    users::update(c, id, version, &fields).await.map_err(|e| match e {
                        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                        e => e.into(),
                    })?;
                    // A leaver keeps no group, whatever the form still ticked.
                    if let Some(names) = groups.filter(|_| !deactivate) {
                        let mut ids = Vec::new();
                        for g in names.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
                            let group = accounts::group_by_name(c, g).await?.ok_or_else(|| {
                                AppError::field(
                                    "groups",
                                    Code::NoGroup.msg(format!("no group named {g:?}")).with("name", format!("{g:?}")),
                                )
                            })?;
                            ids.push(group.id);
                        }
                        users::set_groups(c, id, &ids).await?;
                    }
                    if deactivate {
                        for line in leave(c, id).await?.audit_lines() {
                            audit::write(c, &entry.clone().detail(line)).await?;
                        }
                    }
                    sessions::bump_rev(c).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.forget_credentials();
        // A deactivation's entry, naming the groups left, went in with it.
        if !deactivate {
            let old_role = u.role.clone();
            let kind = if old_role != role.as_str() { AuditKind::RoleChanged } else { AuditKind::UserChanged };
            let detail = format!("role {old_role} → {}; active {active}", role.as_str());
            self.audit(AuditEntry::new(kind, Some(actor), username).detail(detail)).await;
        }
        self.user_detail(actor, username).await
    }

    /// Adds an organisation (admins).
    pub async fn create_organisation(&self, actor: &Actor, name: &str) -> Result<accounts::Organisation, AppError> {
        access::can_admin(actor.role)?;
        let name = organisation_name(name)?;
        let id = self
            .store
            .write(move |c| Box::pin(async move { accounts::insert_organisation(c, &name, now_micros()).await }))
            .await?;
        self.organisation(id).await
    }

    /// Renames an organisation (admins), if `version` is the one stored.
    pub async fn rename_organisation(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        name: &str,
    ) -> Result<accounts::Organisation, AppError> {
        access::can_admin(actor.role)?;
        let name = organisation_name(name)?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    users::rename_organisation(c, id, version, &name).await?;
                    sessions::bump_rev(c).await
                })
            })
            .await
            .map_err(|e| match e {
                StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                e => not_found_as("organisation")(e),
            })?;
        self.cache.clear_credentials();
        self.organisation(id).await
    }

    /// Deletes an organisation nothing refers to (admins).
    pub async fn delete_organisation(&self, actor: &Actor, id: i64, version: i64) -> Result<(), AppError> {
        access::can_admin(actor.role)?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    if let Some(what) = users::organisation_in_use(c, id).await? {
                        return Err(AppError::field(
                            "id",
                            Code::InUse.msg(format!("is still used by {what}; move them first")).with("what", what),
                        ));
                    }
                    users::delete_organisation(c, id, version).await.map_err(|e| match e {
                        StoreError::StaleVersion { current } => AppError::Stale { sent: version, current },
                        e => not_found_as("organisation")(e),
                    })
                })
            })
            .await
    }

    pub async fn organisation(&self, id: i64) -> Result<accounts::Organisation, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        accounts::organisation_by_id(&mut conn, id).await?.ok_or(AppError::NotFound("organisation"))
    }

    /// Takes a user out of a group (admins; the CLI acts as the operator),
    /// written to the audit log with the change.
    pub async fn remove_member(&self, actor: &Actor, group: &str, username: &str) -> Result<(), AppError> {
        access::can_admin(actor.role)?;
        let (group, username) = (group.trim().to_owned(), username.trim().to_owned());
        let entry = AuditEntry::new(AuditKind::UserChanged, Some(actor), &username)
            .detail(format!("removed from group {group}"));
        self.store
            .write(move |c| {
                let entry = entry.clone();
                let (group, username) = (group.clone(), username.clone());
                Box::pin(async move {
                    let g = accounts::group_by_name(c, &group).await?.ok_or(AppError::NotFound("group"))?;
                    let u = accounts::user_by_name(c, &username).await?.ok_or(AppError::NotFound("user"))?;
                    users::remove_member(c, g.id, u.id).await.map_err(not_found_as("membership"))?;
                    sessions::bump_rev(c).await?;
                    audit::write(c, &entry).await?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.forget_credentials();
        Ok(())
    }
}

/// What deactivating a user took from them, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Left {
    pub groups: Vec<String>,
    pub managed: Vec<String>,
    pub sessions: u64,
    pub tokens: u64,
}

impl std::fmt::Display for Left {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |l: &[String]| if l.is_empty() { "none".to_owned() } else { l.join(", ") };
        write!(f, "deactivated; left groups: {}", list(&self.groups))?;
        if !self.managed.is_empty() {
            write!(f, "; no longer manages: {}", list(&self.managed))?;
        }
        write!(f, "; {} session(s) ended, {} token(s) revoked", self.sessions, self.tokens)
    }
}

/// What the audit log keeps of a detail.
const AUDIT_DETAIL_MAX: usize = 200;

impl Left {
    /// The audit entries' details: one when it fits, else the counts and
    /// then the groups left over as many entries as they need, so no
    /// group is cut off.
    pub fn audit_lines(&self) -> Vec<String> {
        let whole = self.to_string();
        if whole.chars().count() <= AUDIT_DETAIL_MAX {
            return vec![whole];
        }
        let counts =
            Left { groups: Vec::new(), ..self.clone() }.to_string().replace("left groups: none", "left groups: below");
        let mut lines = vec![counts];
        let mut line = String::new();
        for g in &self.groups {
            if !line.is_empty() && line.chars().count() + 2 + g.chars().count() > AUDIT_DETAIL_MAX {
                lines.push(std::mem::take(&mut line));
            }
            line = if line.is_empty() { format!("left groups: {g}") } else { format!("{line}, {g}") };
        }
        lines.push(line);
        lines
    }
}

/// The leaver's part of a deactivation, inside its write: sessions end,
/// tokens are revoked, group memberships and group management end.
/// Reactivation gives back none of it but the right to sign in.
async fn leave(c: &mut steward_store::Conn, id: i64) -> Result<Left, AppError> {
    Ok(Left {
        sessions: sessions::delete_all(c, id, None).await?,
        tokens: sessions::revoke_tokens(c, id, now_micros()).await?,
        groups: users::leave_groups(c, id).await?,
        managed: users::stop_managing(c, id).await?,
    })
}

fn organisation_name(name: &str) -> Result<String, AppError> {
    let name = text::check(name, text::NAME).map_err(|e| AppError::field("name", e))?;
    if name.trim().is_empty() {
        return Err(AppError::field("name", Code::Required.msg("is required")));
    }
    Ok(name.trim().to_owned())
}

impl App {
    /// The id of a group's manager, if it has one.
    pub async fn group_manager(&self, group_id: i64) -> Result<Option<i64>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(steward_store::escalations::group_manager(&mut conn, group_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leavers_groups_are_all_kept_however_many() {
        let few = Left { groups: vec!["Desk".into(), "Network".into()], sessions: 1, ..Default::default() };
        assert_eq!(
            few.audit_lines(),
            ["deactivated; left groups: Desk, Network; 1 session(s) ended, 0 token(s) revoked"]
        );
        let groups: Vec<String> = (0..40).map(|i| format!("Regional support team {i:02}")).collect();
        let many = Left { groups: groups.clone(), tokens: 2, ..Default::default() };
        let lines = many.audit_lines();
        assert_eq!(lines[0], "deactivated; left groups: below; 0 session(s) ended, 2 token(s) revoked");
        assert!(lines.iter().all(|l| l.chars().count() <= AUDIT_DETAIL_MAX), "{lines:?}");
        let listed: Vec<&str> =
            lines[1..].iter().flat_map(|l| l.strip_prefix("left groups: ").unwrap().split(", ")).collect();
        assert_eq!(listed, groups);
    }
}
