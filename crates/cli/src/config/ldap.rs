//! `[ldap]`: sign-in through a directory (OpenLDAP, Active Directory).

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;
use steward_app::ldap_sign_in::LdapSignIn;
use steward_channels::ldap::{GroupSource, LdapConfig, filter_parses};
use steward_domain::Role;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LdapSection {
    /// ldap://HOST[:PORT] or ldaps://HOST[:PORT]; empty: no directory.
    pub url: String,
    pub starttls: bool,
    /// The service account that searches (empty: anonymous search).
    pub bind_dn: String,
    pub bind_password: String,
    /// A file holding the service account's password (instead of
    /// `bind_password`; a trailing newline is dropped).
    pub bind_password_file: String,
    pub base_dn: String,
    pub user_filter: String,
    pub username_attribute: String,
    pub display_name_attribute: String,
    pub email_attribute: String,
    /// The user's attribute listing their groups' DNs, read when
    /// `group_base_dn` is empty.
    pub member_of_attribute: String,
    /// Set: groups are found by a search under it with `group_filter`.
    pub group_base_dn: String,
    pub group_filter: String,
    /// Directory group (DN or cn) → Steward role.
    pub roles: BTreeMap<String, String>,
    /// The role of a person in no group of `roles`; empty: refused.
    pub default_role: String,
    /// Directory group (DN or cn) → Steward group name.
    pub groups: BTreeMap<String, String>,
    pub timeout_secs: u32,
    /// A PEM file of the CA(s) the directory's certificate chains to;
    /// empty: the system's trust store.
    pub ca_file: String,
}

impl Default for LdapSection {
    fn default() -> Self {
        Self {
            url: String::new(),
            starttls: false,
            bind_dn: String::new(),
            bind_password: String::new(),
            bind_password_file: String::new(),
            base_dn: String::new(),
            user_filter: "(&(objectClass=inetOrgPerson)(uid={username}))".into(),
            username_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            email_attribute: "mail".into(),
            member_of_attribute: "memberOf".into(),
            group_base_dn: String::new(),
            group_filter: "(|(member={dn})(uniqueMember={dn}))".into(),
            roles: BTreeMap::new(),
            default_role: String::new(),
            groups: BTreeMap::new(),
            timeout_secs: 5,
            ca_file: String::new(),
        }
    }
}

impl fmt::Debug for LdapSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LdapSection")
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("bind_dn", &self.bind_dn)
            .field("bind_password", &if self.bind_password.is_empty() { "" } else { "<redacted>" })
            .field("bind_password_file", &self.bind_password_file)
            .field("base_dn", &self.base_dn)
            .field("user_filter", &self.user_filter)
            .field("group_base_dn", &self.group_base_dn)
            .field("group_filter", &self.group_filter)
            .field("roles", &self.roles)
            .field("default_role", &self.default_role)
            .field("groups", &self.groups)
            .field("timeout_secs", &self.timeout_secs)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

pub const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_LDAP_URL", "ldap.url"),
    ("STEWARD_LDAP_STARTTLS", "ldap.starttls"),
    ("STEWARD_LDAP_BIND_DN", "ldap.bind_dn"),
    ("STEWARD_LDAP_BIND_PASSWORD", "ldap.bind_password"),
    ("STEWARD_LDAP_BIND_PASSWORD_FILE", "ldap.bind_password_file"),
    ("STEWARD_LDAP_BASE_DN", "ldap.base_dn"),
    ("STEWARD_LDAP_USER_FILTER", "ldap.user_filter"),
    ("STEWARD_LDAP_USERNAME_ATTRIBUTE", "ldap.username_attribute"),
    ("STEWARD_LDAP_DISPLAY_NAME_ATTRIBUTE", "ldap.display_name_attribute"),
    ("STEWARD_LDAP_EMAIL_ATTRIBUTE", "ldap.email_attribute"),
    ("STEWARD_LDAP_MEMBER_OF_ATTRIBUTE", "ldap.member_of_attribute"),
    ("STEWARD_LDAP_GROUP_BASE_DN", "ldap.group_base_dn"),
    ("STEWARD_LDAP_GROUP_FILTER", "ldap.group_filter"),
    ("STEWARD_LDAP_DEFAULT_ROLE", "ldap.default_role"),
    ("STEWARD_LDAP_TIMEOUT_SECS", "ldap.timeout_secs"),
    ("STEWARD_LDAP_CA_FILE", "ldap.ca_file"),
];

pub const INTEGER_KEYS: &[&str] = &["ldap.timeout_secs"];
pub const BOOLEAN_KEYS: &[&str] = &["ldap.starttls"];

pub const EXAMPLE: &str = r#"
# Sign-in through a directory (LDAP). Local accounts (with a password here) sign in first
# and never through the directory. A directory user's first sign-in creates their account.
[ldap]
url = ""                   # ldap://HOST:389 or ldaps://HOST:636; empty: off  env: STEWARD_LDAP_URL
starttls = false           # upgrade ldap:// with StartTLS                env: STEWARD_LDAP_STARTTLS
ca_file = ""               # PEM CA(s) for its certificate; empty: the system's  env: STEWARD_LDAP_CA_FILE
bind_dn = ""               # the service account that searches           env: STEWARD_LDAP_BIND_DN
bind_password = ""         #                                             env: STEWARD_LDAP_BIND_PASSWORD
bind_password_file = ""    # or a file holding it                        env: STEWARD_LDAP_BIND_PASSWORD_FILE
base_dn = ""               # where people are searched, e.g. "ou=people,dc=example,dc=org"  env: STEWARD_LDAP_BASE_DN
# {username} is the name typed, escaped. Leave disabled people out here, e.g.
# (&(objectClass=inetOrgPerson)(uid={username})(!(employeeType=disabled))).
user_filter = "(&(objectClass=inetOrgPerson)(uid={username}))"  #     env: STEWARD_LDAP_USER_FILTER
username_attribute = "uid"          #                                    env: STEWARD_LDAP_USERNAME_ATTRIBUTE
display_name_attribute = "cn"       #                                    env: STEWARD_LDAP_DISPLAY_NAME_ATTRIBUTE
email_attribute = "mail"            #                                    env: STEWARD_LDAP_EMAIL_ATTRIBUTE
# Groups: the user's member_of_attribute, or, with group_base_dn set, a search ({dn}: the user's DN).
member_of_attribute = "memberOf"    #                                    env: STEWARD_LDAP_MEMBER_OF_ATTRIBUTE
group_base_dn = ""                  #                                    env: STEWARD_LDAP_GROUP_BASE_DN
group_filter = "(|(member={dn})(uniqueMember={dn}))"  #                  env: STEWARD_LDAP_GROUP_FILTER
default_role = ""          # role of people in no group below; empty: refused  env: STEWARD_LDAP_DEFAULT_ROLE
timeout_secs = 5           # the most a sign-in waits for the directory  env: STEWARD_LDAP_TIMEOUT_SECS
# Directory group (DN or cn) = Steward role; in several, the highest wins.
[ldap.roles]
# "cn=steward-admins,ou=groups,dc=example,dc=org" = "admin"
# "helpdesk" = "agent"
# Directory group (DN or cn) = Steward group; membership of these groups follows the directory.
[ldap.groups]
# "helpdesk" = "Service Desk"
"#;

impl LdapSection {
    /// The app's settings, checked; `None` without `url`. A bad value
    /// names its key.
    pub fn to_app(&self) -> Result<Option<LdapSignIn>> {
        let url = self.url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let Some(rest) = url.strip_prefix("ldap://").or_else(|| url.strip_prefix("ldaps://")) else {
            bail!("ldap.url: must start with ldap:// or ldaps://, got {url:?}");
        };
        if rest.trim_end_matches('/').is_empty() || rest.contains(['?', ' ']) {
            bail!("ldap.url: {url:?} names no host (e.g. ldaps://ldap.example.org:636)");
        }
        if self.starttls && url.starts_with("ldaps://") {
            bail!("ldap.starttls: ldaps:// is TLS already; StartTLS is for ldap:// URLs");
        }
        let ca_file = self.ca_file.trim();
        let ca_certs = if ca_file.is_empty() {
            Vec::new()
        } else {
            if url.starts_with("ldap://") && !self.starttls {
                bail!("ldap.ca_file: is for TLS: use an ldaps:// URL or starttls = true");
            }
            steward_channels::ldap::read_ca_file(std::path::Path::new(ca_file))
                .map_err(|e| anyhow::anyhow!("ldap.ca_file: {e}"))?
        };
        let password = self.bind_password()?;
        if self.bind_dn.trim().is_empty() != password.is_empty() {
            bail!("ldap.bind_dn and ldap.bind_password: give both (a service account) or neither (anonymous search)");
        }
        if self.base_dn.trim().is_empty() {
            bail!("ldap.base_dn: is required with ldap.url, e.g. \"ou=people,dc=example,dc=org\"");
        }
        if !self.user_filter.contains("{username}") {
            bail!("ldap.user_filter: must contain {{username}}, got {:?}", self.user_filter);
        }
        if !filter_parses(&self.user_filter) {
            bail!("ldap.user_filter: {:?} is not an LDAP filter (RFC 4515)", self.user_filter);
        }
        for (key, value) in [
            ("username_attribute", &self.username_attribute),
            ("display_name_attribute", &self.display_name_attribute),
            ("email_attribute", &self.email_attribute),
            ("member_of_attribute", &self.member_of_attribute),
        ] {
            if value.is_empty() || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ';') {
                bail!("ldap.{key}: {value:?} is not an attribute name");
            }
        }
        let groups = if self.group_base_dn.trim().is_empty() {
            GroupSource::Attribute(self.member_of_attribute.clone())
        } else {
            if !self.group_filter.contains("{dn}") || !filter_parses(&self.group_filter) {
                bail!("ldap.group_filter: must be an LDAP filter containing {{dn}}, got {:?}", self.group_filter);
            }
            GroupSource::Search { base_dn: self.group_base_dn.trim().to_owned(), filter: self.group_filter.clone() }
        };
        let mut roles = Vec::new();
        for (group, role) in &self.roles {
            let role = role.parse::<Role>().map_err(|e| anyhow::anyhow!("ldap.roles.{group:?}: {e}"))?;
            roles.push((group_key("roles", group)?, role));
        }
        let default_role = match self.default_role.trim() {
            "" => None,
            r => Some(r.parse::<Role>().map_err(|e| anyhow::anyhow!("ldap.default_role: {e}"))?),
        };
        if roles.is_empty() && default_role.is_none() {
            bail!(
                "ldap.roles: map at least one directory group to a role, or set ldap.default_role: else nobody can sign in"
            );
        }
        let mut mapped = Vec::new();
        for (group, name) in &self.groups {
            let name = name.trim();
            if name.is_empty() || name.chars().any(char::is_control) || name.chars().count() > 200 {
                bail!("ldap.groups.{group:?}: {name:?} is not a group name");
            }
            mapped.push((group_key("groups", group)?, name.to_owned()));
        }
        if !(1..=60).contains(&self.timeout_secs) {
            bail!("ldap.timeout_secs: must be between 1 and 60, got {}", self.timeout_secs);
        }
        Ok(Some(LdapSignIn {
            directory: LdapConfig {
                url: url.to_owned(),
                starttls: self.starttls,
                bind_dn: self.bind_dn.trim().to_owned(),
                bind_password: password,
                base_dn: self.base_dn.trim().to_owned(),
                user_filter: self.user_filter.clone(),
                username_attribute: self.username_attribute.clone(),
                display_name_attribute: self.display_name_attribute.clone(),
                email_attribute: self.email_attribute.clone(),
                groups,
                timeout: Duration::from_secs(u64::from(self.timeout_secs)),
                ca_certs,
            },
            roles,
            default_role,
            groups: mapped,
        }))
    }

    fn bind_password(&self) -> Result<String> {
        let file = self.bind_password_file.trim();
        if file.is_empty() {
            return Ok(self.bind_password.clone());
        }
        if !self.bind_password.is_empty() {
            bail!("ldap.bind_password and ldap.bind_password_file: give one, not both");
        }
        let text = std::fs::read_to_string(PathBuf::from(file))
            .with_context(|| format!("ldap.bind_password_file: cannot read {file}"))?;
        let password = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
        if password.is_empty() {
            bail!("ldap.bind_password_file: {file} is empty");
        }
        Ok(password.to_owned())
    }

    /// What nodes sharing a database must agree on.
    pub fn shared(&self) -> String {
        format!("{} {:?} {:?} {}", self.url.trim(), self.roles, self.groups, self.default_role)
    }
}

/// A group named in `roles` or `groups`: a DN (with `=`) or a cn.
fn group_key(table: &str, group: &str) -> Result<String> {
    let g = group.trim();
    if g.is_empty() || g.chars().any(char::is_control) {
        bail!("ldap.{table}: {group:?} is not a group DN or name");
    }
    if g.contains('=') && g.split(',').any(|rdn| !rdn.contains('=')) {
        bail!("ldap.{table}.{group:?}: not a DN (every part is attribute=value)");
    }
    Ok(g.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, Overrides, example};
    use steward_channels::ldap::GroupSource;
    use steward_domain::Role;

    fn load(file: &str, vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("s.toml");
        std::fs::write(&path, file)?;
        let env = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::load_from(&Overrides { config: Some(path), ..Default::default() }, env)
    }

    const OPENLDAP: &str = r#"
[ldap]
url = "ldap://127.0.0.1:3389"
starttls = true
bind_dn = "cn=steward,dc=example,dc=org"
bind_password = "s3cret-bind"
base_dn = "ou=people,dc=example,dc=org"
group_base_dn = "ou=groups,dc=example,dc=org"
[ldap.roles]
"cn=admins,ou=groups,dc=example,dc=org" = "admin"
helpdesk = "agent"
[ldap.groups]
helpdesk = "Service Desk"
"#;

    #[test]
    fn off_by_default_and_read_with_its_defaults() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert!(c.app_config().unwrap().ldap.is_none());
        let c = load(OPENLDAP, &[("STEWARD_LDAP_TIMEOUT_SECS", "3")]).unwrap();
        let l = c.app_config().unwrap().ldap.unwrap();
        assert_eq!(l.directory.user_filter, "(&(objectClass=inetOrgPerson)(uid={username}))");
        assert_eq!(l.directory.timeout, std::time::Duration::from_secs(3));
        assert!(l.directory.starttls);
        assert_eq!(
            l.directory.groups,
            GroupSource::Search {
                base_dn: "ou=groups,dc=example,dc=org".into(),
                filter: "(|(member={dn})(uniqueMember={dn}))".into()
            }
        );
        assert_eq!(l.roles.len(), 2);
        assert_eq!(l.default_role, None);
        assert_eq!(l.groups, [("helpdesk".to_owned(), "Service Desk".to_owned())]);
        assert!(!format!("{c:?}").contains("s3cret-bind"), "the password is redacted");
        assert!(!format!("{l:?}").contains("s3cret-bind"), "the password is redacted");
        assert!(c.shared_settings().iter().any(|(k, v)| *k == "ldap" && v.contains("ldap://127.0.0.1:3389")));
        // Active Directory: memberOf, sAMAccountName, a password file.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bind-password");
        std::fs::write(&file, "from-a-file\n").unwrap();
        let ad = format!(
            "[ldap]\nurl = \"ldaps://dc1.example.org\"\nbind_dn = \"CN=steward,CN=Users,DC=example,DC=org\"\n\
             bind_password_file = \"{}\"\nbase_dn = \"DC=example,DC=org\"\n\
             user_filter = \"(&(objectClass=user)(sAMAccountName={{username}})(!(userAccountControl:1.2.840.113556.1.4.803:=2)))\"\n\
             username_attribute = \"sAMAccountName\"\ndisplay_name_attribute = \"displayName\"\ndefault_role = \"requester\"\n",
            file.display()
        );
        let l = load(&ad, &[]).unwrap().app_config().unwrap().ldap.unwrap();
        assert_eq!(l.directory.bind_password, "from-a-file");
        assert_eq!(l.directory.groups, GroupSource::Attribute("memberOf".into()));
        assert_eq!((l.default_role, l.roles.len()), (Some(Role::Requester), 0));
        assert!(example().contains("[ldap]\nurl = \"\""), "the example shows the section");
        let t: Config = toml::from_str(&example()).unwrap();
        assert!(t.ldap.to_app().unwrap().is_none());
    }

    #[test]
    fn bad_settings_stop_the_start_naming_the_key() {
        let base =
            "[ldap]\nurl = \"ldap://127.0.0.1\"\nbase_dn = \"dc=example,dc=org\"\ndefault_role = \"requester\"\n";
        load(base, &[]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let not_pem = dir.path().join("ca.pem");
        std::fs::write(&not_pem, "not a certificate\n").unwrap();
        let not_pem = not_pem.display().to_string();
        for (file, vars, says) in [
            (
                base,
                vec![("STEWARD_LDAP_URL", "http://ldap.example.org")],
                "ldap.url: must start with ldap:// or ldaps://",
            ),
            (base, vec![("STEWARD_LDAP_URL", "ldap://")], "ldap.url: \"ldap://\" names no host"),
            (
                base,
                vec![("STEWARD_LDAP_URL", "ldaps://x"), ("STEWARD_LDAP_STARTTLS", "true")],
                "ldap.starttls: ldaps:// is TLS already",
            ),
            (base, vec![("STEWARD_LDAP_STARTTLS", "maybe")], "ldap.starttls: must be true or false"),
            (base, vec![("STEWARD_LDAP_BIND_DN", "cn=steward")], "ldap.bind_dn and ldap.bind_password: give both"),
            (base, vec![("STEWARD_LDAP_BIND_PASSWORD", "pw")], "ldap.bind_dn and ldap.bind_password: give both"),
            (
                base,
                vec![("STEWARD_LDAP_BIND_PASSWORD", "pw"), ("STEWARD_LDAP_BIND_PASSWORD_FILE", "/x")],
                "give one, not both",
            ),
            (
                base,
                vec![("STEWARD_LDAP_BIND_PASSWORD_FILE", "/nonexistent/pw")],
                "ldap.bind_password_file: cannot read",
            ),
            (base, vec![("STEWARD_LDAP_BASE_DN", " ")], "ldap.base_dn: is required"),
            (base, vec![("STEWARD_LDAP_USER_FILTER", "(uid=alice)")], "ldap.user_filter: must contain {username}"),
            (
                base,
                vec![("STEWARD_LDAP_USER_FILTER", "(&(uid={username})")],
                "ldap.user_filter: \"(&(uid={username})\" is not an LDAP filter",
            ),
            (
                base,
                vec![("STEWARD_LDAP_USERNAME_ATTRIBUTE", "u id")],
                "ldap.username_attribute: \"u id\" is not an attribute name",
            ),
            (
                base,
                vec![
                    ("STEWARD_LDAP_GROUP_BASE_DN", "ou=groups,dc=example,dc=org"),
                    ("STEWARD_LDAP_GROUP_FILTER", "(member=x)"),
                ],
                "ldap.group_filter: must be an LDAP filter containing {dn}",
            ),
            (base, vec![("STEWARD_LDAP_DEFAULT_ROLE", "boss")], "ldap.default_role: unknown role \"boss\""),
            (base, vec![("STEWARD_LDAP_DEFAULT_ROLE", "")], "ldap.roles: map at least one directory group to a role"),
            (base, vec![("STEWARD_LDAP_CA_FILE", "/nonexistent/ca.pem")], "ldap.ca_file: is for TLS"),
            (
                base,
                vec![("STEWARD_LDAP_STARTTLS", "true"), ("STEWARD_LDAP_CA_FILE", "/nonexistent/ca.pem")],
                "ldap.ca_file: cannot read /nonexistent/ca.pem",
            ),
            (
                base,
                vec![("STEWARD_LDAP_URL", "ldaps://127.0.0.1"), ("STEWARD_LDAP_CA_FILE", not_pem.as_str())],
                "holds no certificate",
            ),
            (base, vec![("STEWARD_LDAP_TIMEOUT_SECS", "0")], "ldap.timeout_secs: must be between 1 and 60, got 0"),
            (base, vec![("STEWARD_LDAP_TIMEOUT_SECS", "soon")], "ldap.timeout_secs: must be a whole number"),
            (
                "[ldap]\nurl = \"ldap://h\"\nbase_dn = \"dc=x\"\n[ldap.roles]\nhelpdesk = \"superuser\"\n",
                vec![],
                "ldap.roles.\"helpdesk\": unknown role \"superuser\"",
            ),
            (
                "[ldap]\nurl = \"ldap://h\"\nbase_dn = \"dc=x\"\n[ldap.roles]\n\"cn=x,ou\" = \"agent\"\n",
                vec![],
                "ldap.roles.\"cn=x,ou\": not a DN",
            ),
            (
                "[ldap]\nurl = \"ldap://h\"\nbase_dn = \"dc=x\"\ndefault_role = \"agent\"\n[ldap.groups]\nhelpdesk = \" \"\n",
                vec![],
                "ldap.groups.\"helpdesk\": \"\" is not a group name",
            ),
            (
                "[ldap]\nurl = \"ldap://h\"\nbase_dn = \"dc=x\"\nbind_passwd = \"x\"\n",
                vec![],
                "unknown field `bind_passwd`",
            ),
        ] {
            let err = load(file, &vars).unwrap_err();
            assert!(format!("{err:#}").contains(says), "{vars:?}: {err:#}");
        }
    }
}
