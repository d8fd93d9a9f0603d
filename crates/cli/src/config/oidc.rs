//! `[oidc]`: single sign-on with an OpenID Connect provider (Keycloak,
//! Entra ID, Google, Authentik, …) by the authorization code flow with
//! PKCE. Off while `issuer` is empty. The redirect URI to register at the
//! provider is `public_url` + `/auth/oidc/callback`.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use steward_app::oidc::OidcConfig as AppOidc;
use steward_domain::Role;

/// Where the provider sends the browser back, under `public_url`.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// A file holding the secret (one of the two).
    pub client_secret_file: Option<PathBuf>,
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub name_claim: String,
    pub email_claim: String,
    pub groups_claim: String,
    /// The provider's group → requester, agent, manager or admin.
    pub roles: BTreeMap<String, String>,
    /// The role of someone in none of `roles`' groups; empty: refused.
    pub default_role: String,
    /// The provider's group → a Steward group's name.
    pub groups: BTreeMap<String, String>,
    pub button_label: String,
    /// Show the button only; the password form behind a link.
    pub only: bool,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            client_secret_file: None,
            scopes: vec!["openid".into(), "profile".into(), "email".into()],
            username_claim: "preferred_username".into(),
            name_claim: "name".into(),
            email_claim: "email".into(),
            groups_claim: "groups".into(),
            roles: BTreeMap::new(),
            default_role: String::new(),
            groups: BTreeMap::new(),
            button_label: String::new(),
            only: false,
        }
    }
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &if self.client_secret.is_empty() { "" } else { "<redacted>" })
            .field("client_secret_file", &self.client_secret_file)
            .field("scopes", &self.scopes)
            .field("roles", &self.roles)
            .field("default_role", &self.default_role)
            .field("groups", &self.groups)
            .field("only", &self.only)
            .finish()
    }
}

pub const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_OIDC_ISSUER", "oidc.issuer"),
    ("STEWARD_OIDC_CLIENT_ID", "oidc.client_id"),
    ("STEWARD_OIDC_CLIENT_SECRET", "oidc.client_secret"),
];

pub const EXAMPLE: &str = r#"
# Single sign-on with OpenID Connect (authorization code + PKCE). Off while issuer is empty.
# Register Steward at the provider as a confidential web client with the redirect URI
# public_url + "/auth/oidc/callback" (public_url is then required).
[oidc]
issuer = ""                 # e.g. "https://sso.example.com/realms/it"; https (http only for
                            # localhost)                                env: STEWARD_OIDC_ISSUER
client_id = ""              #                                           env: STEWARD_OIDC_CLIENT_ID
client_secret = ""          # or client_secret_file = "/etc/steward/oidc-secret"
                            #                                           env: STEWARD_OIDC_CLIENT_SECRET
scopes = ["openid", "profile", "email"]
username_claim = "preferred_username"
name_claim = "name"
email_claim = "email"
groups_claim = "groups"
default_role = ""           # the role of someone in none of the roles' groups; empty: refused
button_label = ""           # empty: "Sign in with single sign-on" (in the page's language)
only = false                # fold the password form away behind a link
# [oidc.roles]              # the provider's group = a Steward role; the highest that matches wins
# "it-staff" = "agent"
# "it-admins" = "admin"
# [oidc.groups]             # the provider's group = a Steward group (kept in step at each sign-in)
# "it-staff" = "Service Desk"
"#;

impl OidcConfig {
    /// The app's settings, checked (none when off); a bad value names its
    /// key. `public_url` makes the redirect URI.
    pub fn to_app(&self, public_url: &str) -> Result<Option<AppOidc>> {
        let issuer = self.issuer.trim();
        if issuer.is_empty() {
            return Ok(None);
        }
        let url =
            reqwest::Url::parse(issuer).map_err(|e| anyhow::anyhow!("oidc.issuer: {issuer:?} is not a URL: {e}"))?;
        let local = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        match url.scheme() {
            "https" => {}
            "http" if local => {}
            _ => {
                bail!("oidc.issuer: must start with https:// (http:// only for 127.0.0.1 or localhost), got {issuer:?}")
            }
        }
        if url.query().is_some() || url.fragment().is_some() {
            bail!("oidc.issuer: must have no query or fragment, got {issuer:?}");
        }
        if self.client_id.trim().is_empty() {
            bail!("oidc.client_id: is required when oidc.issuer is set");
        }
        let secret = match (&self.client_secret_file, self.client_secret.trim()) {
            (Some(_), s) if !s.is_empty() => {
                bail!("oidc.client_secret and oidc.client_secret_file: give one, not both")
            }
            (Some(path), _) => std::fs::read_to_string(path)
                .with_context(|| format!("oidc.client_secret_file: reading {}", path.display()))?
                .trim()
                .to_owned(),
            (None, s) => s.to_owned(),
        };
        if secret.is_empty() {
            bail!("oidc.client_secret: is required when oidc.issuer is set (or oidc.client_secret_file)");
        }
        let public = public_url.trim().trim_end_matches('/');
        if public.is_empty() {
            bail!("public_url: is required with [oidc]: the redirect URI is public_url + {CALLBACK_PATH}");
        }
        if !self.scopes.iter().any(|s| s == "openid") {
            bail!("oidc.scopes: must include \"openid\", got {:?}", self.scopes);
        }
        if let Some(s) = self.scopes.iter().find(|s| s.is_empty() || s.contains(char::is_whitespace)) {
            bail!("oidc.scopes: {s:?} is not a scope (one word each)");
        }
        for (key, v) in [
            ("username_claim", &self.username_claim),
            ("name_claim", &self.name_claim),
            ("email_claim", &self.email_claim),
            ("groups_claim", &self.groups_claim),
        ] {
            if v.trim().is_empty() {
                bail!("oidc.{key}: must name a claim");
            }
        }
        let role = |key: &str, v: &str| v.trim().parse::<Role>().map_err(|e| anyhow::anyhow!("oidc.{key}: {e}"));
        let mut roles = Vec::new();
        for (group, r) in &self.roles {
            roles.push((group.clone(), role(&format!("roles.{group:?}"), r)?));
        }
        let default_role = match self.default_role.trim() {
            "" => None,
            r => Some(role("default_role", r)?),
        };
        if roles.is_empty() && default_role.is_none() {
            bail!("oidc.roles: map at least one of the provider's groups to a role, or set oidc.default_role");
        }
        let mut groups = Vec::new();
        for (group, name) in &self.groups {
            if name.trim().is_empty() {
                bail!("oidc.groups.{group:?}: must name a Steward group");
            }
            groups.push((group.clone(), name.trim().to_owned()));
        }
        let mut c = AppOidc::new(issuer, self.client_id.trim(), &secret, &format!("{public}{CALLBACK_PATH}"));
        c.scopes = self.scopes.clone();
        c.username_claim = self.username_claim.trim().to_owned();
        c.name_claim = self.name_claim.trim().to_owned();
        c.email_claim = self.email_claim.trim().to_owned();
        c.groups_claim = self.groups_claim.trim().to_owned();
        c.roles = roles;
        c.default_role = default_role;
        c.groups = groups;
        c.button_label = Some(self.button_label.trim().to_owned()).filter(|l| !l.is_empty());
        c.only = self.only;
        Ok(Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> OidcConfig {
        let mut c = OidcConfig {
            issuer: "https://sso.example.com/realms/it/".into(),
            client_id: "steward".into(),
            client_secret: "s3cret".into(),
            ..Default::default()
        };
        c.roles.insert("it-staff".into(), "agent".into());
        c
    }

    fn err(c: &OidcConfig, public: &str) -> String {
        c.to_app(public).unwrap_err().to_string()
    }

    #[test]
    fn a_good_section_becomes_the_app_settings() {
        assert!(OidcConfig::default().to_app("").unwrap().is_none(), "off without an issuer");
        let mut c = base();
        c.groups.insert("it-staff".into(), "Service Desk".into());
        c.default_role = "requester".into();
        let a = c.to_app("https://desk.example.com/").unwrap().unwrap();
        assert_eq!(a.issuer, "https://sso.example.com/realms/it");
        assert_eq!(a.redirect_uri, "https://desk.example.com/auth/oidc/callback");
        assert_eq!(a.roles, [("it-staff".to_owned(), Role::Agent)]);
        assert_eq!(a.default_role, Some(Role::Requester));
        assert_eq!(a.scopes, ["openid", "profile", "email"]);
        assert_eq!(a.button_label, None);
        let mut local = base();
        local.issuer = "http://127.0.0.1:9000".into();
        assert!(local.to_app("http://127.0.0.1:8080").unwrap().is_some());
    }

    #[test]
    fn bad_settings_name_their_key() {
        let public = "https://desk.example.com";
        let mut c = base();
        c.issuer = "http://sso.example.com".into();
        assert!(err(&c, public).contains("oidc.issuer: must start with https://"), "{}", err(&c, public));
        c.issuer = "not a url".into();
        assert!(err(&c, public).contains("oidc.issuer: \"not a url\" is not a URL"));
        let mut c = base();
        c.client_id = " ".into();
        assert!(err(&c, public).contains("oidc.client_id: is required"));
        let mut c = base();
        c.client_secret = String::new();
        assert!(err(&c, public).contains("oidc.client_secret: is required"));
        c.client_secret = "x".into();
        c.client_secret_file = Some("/nonexistent/secret".into());
        assert!(err(&c, public).contains("give one, not both"));
        c.client_secret = String::new();
        assert!(err(&c, public).contains("oidc.client_secret_file: reading /nonexistent/secret"));
        let c = base();
        assert!(err(&c, "").contains("public_url: is required with [oidc]"));
        let mut c = base();
        c.scopes = vec!["profile".into()];
        assert!(err(&c, public).contains("oidc.scopes: must include \"openid\""));
        let mut c = base();
        c.roles.insert("boss".into(), "king".into());
        assert!(err(&c, public).contains("oidc.roles.\"boss\": unknown role \"king\""), "{}", err(&c, public));
        let mut c = base();
        c.roles.clear();
        assert!(err(&c, public).contains("oidc.roles: map at least one"));
        c.default_role = "root".into();
        assert!(err(&c, public).contains("oidc.default_role: unknown role"));
        let mut c = base();
        c.groups_claim = String::new();
        assert!(err(&c, public).contains("oidc.groups_claim: must name a claim"));
        let mut c = base();
        c.groups.insert("net".into(), " ".into());
        assert!(err(&c, public).contains("oidc.groups.\"net\": must name a Steward group"));
    }

    #[test]
    fn the_section_is_read_from_the_file_and_the_environment() {
        use crate::config::{Config, Overrides};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("steward.toml");
        let text = "public_url = \"https://desk.example.com\"\n[oidc]\nissuer = \"https://sso.example.com/realms/it\"\n\
                    client_id = \"steward\"\nonly = true\n[oidc.roles]\n\"it-staff\" = \"agent\"\n\
                    \"it-admins\" = \"admin\"\n[oidc.groups]\n\"it-staff\" = \"Service Desk\"\n";
        std::fs::write(&path, text).unwrap();
        let o = Overrides { config: Some(path), ..Default::default() };
        let err = Config::load_from(&o, vec![]).unwrap_err();
        assert!(format!("{err:#}").contains("oidc.client_secret: is required"), "{err:#}");
        let secret = vec![("STEWARD_OIDC_CLIENT_SECRET".to_owned(), "s3cret".to_owned())];
        let c = Config::load_from(&o, secret).unwrap();
        let a = c.app_config().unwrap().oidc.unwrap();
        assert_eq!((a.client_secret.as_str(), a.only), ("s3cret", true));
        assert_eq!(a.roles, [("it-admins".to_owned(), Role::Admin), ("it-staff".to_owned(), Role::Agent)]);
        assert_eq!(a.groups, [("it-staff".to_owned(), "Service Desk".to_owned())]);
        assert!(!format!("{c:?}").contains("s3cret"), "the secret is not logged");
        assert!(crate::config::example().contains("[oidc]"));
    }

    #[test]
    fn the_secret_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-file\n").unwrap();
        let mut c = base();
        c.client_secret = String::new();
        c.client_secret_file = Some(path);
        assert_eq!(c.to_app("https://desk.example.com").unwrap().unwrap().client_secret, "from-file");
    }
}
