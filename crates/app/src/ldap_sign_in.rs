//! Sign-in through a directory (LDAP): the password is checked by a bind
//! as the person's entry, their directory groups give their role and
//! Steward groups, and [`App::sign_in_external`] does the rest.
//!
//! [`App::sign_in`] comes here only for a name with no local password, so
//! local accounts (the admins among them) sign in whatever the directory's
//! state. A wrong password and an unknown name are answered and throttled
//! as a local wrong password; a directory that is down or too slow answers
//! [`AppError::Unavailable`] within the configured timeout, audited.

use crate::App;
use crate::audit::AuditEntry;
use crate::auth::SignIn;
use crate::error::{AppError, Code, Message};
use crate::external_sign_in::ExternalProfile;
use std::net::IpAddr;
use steward_channels::ldap::{self, DirectoryUser, LdapConfig, LdapError};
use steward_domain::Role;
use steward_domain::audit::AuditKind;

/// The directory and how its groups map to Steward's roles and groups.
#[derive(Debug, Clone)]
pub struct LdapSignIn {
    pub directory: LdapConfig,
    /// Directory group (DN, or a cn) and the role it gives; a person in
    /// several gets the highest (admin, manager, agent, requester).
    pub roles: Vec<(String, Role)>,
    /// The role of a person in none of `roles`' groups; `None`: refused.
    pub default_role: Option<Role>,
    /// Directory group (DN, or a cn) and the Steward group it puts its
    /// members in; membership of these Steward groups follows the directory.
    pub groups: Vec<(String, String)>,
}

/// What a sign-in answers (503) when the directory is down or too slow.
pub const DIRECTORY_DOWN: &str =
    "the directory does not answer; directory accounts cannot sign in now (local accounts can)";

/// What a refused directory sign-in says, as a local one does.
const WRONG: &str = "wrong username or password";

impl LdapSignIn {
    /// The role the directory's groups give, if any.
    pub fn role_of(&self, groups: &[String]) -> Option<Role> {
        let mapped = self.roles.iter().filter(|(key, _)| groups.iter().any(|g| ldap::group_matches(key, g)));
        mapped.map(|(_, role)| *role).max().or(self.default_role)
    }

    /// The Steward groups the directory's groups give.
    pub fn groups_of(&self, groups: &[String]) -> Vec<String> {
        let mut names: Vec<String> = self
            .groups
            .iter()
            .filter(|(key, _)| groups.iter().any(|g| ldap::group_matches(key, g)))
            .map(|(_, name)| name.clone())
            .collect();
        names.dedup();
        names
    }

    /// Every Steward group the settings name.
    fn managed_groups(&self) -> Vec<String> {
        let mut names: Vec<String> = self.groups.iter().map(|(_, name)| name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}

impl App {
    /// Signs in `username` through the directory (the caller has admitted
    /// the attempt through the throttle as `name`); a user who turned on a
    /// second step here is asked for its code, bound to `pre_session`.
    pub(crate) async fn sign_in_ldap(
        &self,
        settings: &LdapSignIn,
        username: &str,
        password: &str,
        ip: IpAddr,
        name: &str,
        pre_session: &str,
    ) -> Result<SignIn, AppError> {
        let person = match ldap::authenticate(&settings.directory, username, password).await {
            Ok(p) => p,
            Err(LdapError::Refused(why)) => {
                self.refuse(name, ip, &format!("{WRONG} (directory: {why})")).await;
                return Err(AppError::Unauthenticated(WRONG));
            }
            Err(LdapError::Down(why)) => {
                tracing::warn!(%why, "the directory does not answer");
                let entry = AuditEntry::new(AuditKind::SignInFailed, None, name).by_name(name).client(ip);
                self.audit(entry.detail(format!("the directory does not answer: {why}"))).await;
                return Err(AppError::Unavailable(DIRECTORY_DOWN.into()));
            }
        };
        if let Err(m) = crate::accounts::valid_username(&person.username) {
            let why = format!("directory user {} has a username Steward cannot take: {}", person.dn, m.text);
            let entry = AuditEntry::new(AuditKind::SignInFailed, None, name).by_name(name).client(ip);
            self.audit(entry.detail(why)).await;
            let text = format!("the directory's username {:?} {}; ask an administrator", person.username, m.text);
            return Err(AppError::Forbidden(Message { text, ..m }));
        }
        let Some(role) = settings.role_of(&person.groups) else {
            let why = format!("directory user {} is in no group mapped to a role", person.dn);
            let entry = AuditEntry::new(AuditKind::SignInFailed, None, name).by_name(name).client(ip);
            self.audit(entry.detail(why)).await;
            return Err(AppError::Forbidden(
                Code::DenyDirectoryNoRole
                    .msg("your directory account is in no group that gives access to Steward; ask an administrator"),
            ));
        };
        let profile = profile(settings, person, role);
        self.sign_in_external_as(profile, ip, Some(pre_session)).await.inspect_err(|e| {
            if let AppError::Conflict(_) = e {
                tracing::warn!(username, "a directory user is named like a local account");
            }
        })
    }
}

fn profile(settings: &LdapSignIn, p: DirectoryUser, role: Role) -> ExternalProfile {
    ExternalProfile {
        source: "ldap",
        groups: settings.groups_of(&p.groups),
        managed_groups: settings.managed_groups(),
        display_name: p.display_name.unwrap_or_else(|| p.username.clone()),
        username: p.username,
        email: p.email,
        role,
        subject: p.dn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings(default_role: Option<Role>) -> LdapSignIn {
        LdapSignIn {
            directory: LdapConfig {
                url: "ldap://127.0.0.1:1".into(),
                starttls: false,
                bind_dn: String::new(),
                bind_password: String::new(),
                base_dn: "dc=example,dc=org".into(),
                user_filter: "(uid={username})".into(),
                username_attribute: "uid".into(),
                display_name_attribute: "cn".into(),
                email_attribute: "mail".into(),
                groups: ldap::GroupSource::Attribute("memberOf".into()),
                timeout: Duration::from_secs(1),
                ca_certs: Vec::new(),
            },
            roles: vec![
                ("cn=agents,ou=groups,dc=example,dc=org".into(), Role::Agent),
                ("admins".into(), Role::Admin),
                ("staff".into(), Role::Requester),
            ],
            default_role,
            groups: vec![("agents".into(), "Service Desk".into()), ("network".into(), "Network".into())],
        }
    }

    #[test]
    fn the_highest_mapped_role_wins_and_groups_follow() {
        let s = settings(None);
        let dns = |cns: &[&str]| cns.iter().map(|c| format!("cn={c},ou=groups,dc=example,dc=org")).collect::<Vec<_>>();
        assert_eq!(s.role_of(&dns(&["staff", "agents"])), Some(Role::Agent));
        assert_eq!(s.role_of(&dns(&["agents", "Admins", "staff"])), Some(Role::Admin));
        assert_eq!(s.role_of(&dns(&["other"])), None);
        assert_eq!(settings(Some(Role::Requester)).role_of(&dns(&["other"])), Some(Role::Requester));
        assert_eq!(s.groups_of(&dns(&["agents", "network", "other"])), ["Service Desk", "Network"]);
        assert_eq!(s.managed_groups(), ["Network", "Service Desk"]);
    }
}
