//! A directory (LDAP) checks a person's password: Steward's service account
//! searches their entry, then Steward binds as that entry with the password
//! typed; their attributes and groups come back for the app to map.
//!
//! Every step runs under one deadline ([`LdapConfig::timeout`]): a directory
//! that is down or stalls answers [`LdapError::Down`] in that time, never a
//! hang. TLS (ldaps:// or StartTLS) is rustls with the ring provider,
//! certificates checked against the system's trust store.

use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry, ldap_escape};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Where a user's groups are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSource {
    /// An attribute of the user's entry holding group DNs (`memberOf`, as
    /// Active Directory and OpenLDAP's memberof overlay keep it).
    Attribute(String),
    /// A search under `base_dn` with `filter`, whose `{dn}` is the user's
    /// DN (escaped): the entries found are the groups.
    Search { base_dn: String, filter: String },
}

/// How Steward reaches and reads the directory.
#[derive(Clone)]
pub struct LdapConfig {
    /// ldap://HOST[:PORT] or ldaps://HOST[:PORT].
    pub url: String,
    /// Upgrades an ldap:// connection with StartTLS before anything is sent.
    pub starttls: bool,
    /// The service account that searches; empty: an anonymous search.
    pub bind_dn: String,
    pub bind_password: String,
    pub base_dn: String,
    /// A filter with `{username}`, replaced by the name typed (RFC 4515
    /// escaped).
    pub user_filter: String,
    pub username_attribute: String,
    pub display_name_attribute: String,
    pub email_attribute: String,
    pub groups: GroupSource,
    /// The most a sign-in waits for the directory, all steps together.
    pub timeout: Duration,
    /// The certificates (CAs) the directory's TLS certificate must chain
    /// to; empty: the system's trust store.
    pub ca_certs: Vec<CertificateDer<'static>>,
}

impl fmt::Debug for LdapConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LdapConfig")
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("bind_dn", &self.bind_dn)
            .field("bind_password", &if self.bind_password.is_empty() { "" } else { "<redacted>" })
            .field("base_dn", &self.base_dn)
            .field("user_filter", &self.user_filter)
            .field("username_attribute", &self.username_attribute)
            .field("display_name_attribute", &self.display_name_attribute)
            .field("email_attribute", &self.email_attribute)
            .field("groups", &self.groups)
            .field("timeout", &self.timeout)
            .field("ca_certs", &self.ca_certs.len())
            .finish()
    }
}

/// A person the directory has checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    pub dn: String,
    /// The username attribute's value (the directory's spelling).
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    /// The DNs of their groups.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LdapError {
    /// No such user, a wrong password, or an entry the directory will not
    /// let bind (locked, no password): all answered alike to the person.
    #[error("refused: {0}")]
    Refused(String),
    /// The directory cannot be reached, does not answer in time, or refuses
    /// Steward's own account or search.
    #[error("{0}")]
    Down(String),
}

/// Longer names are refused without asking the directory.
const MAX_USERNAME: usize = 256;

/// invalidCredentials: a wrong password, or an entry that cannot bind.
const INVALID_CREDENTIALS: u32 = 49;

/// `filter` with `{username}` replaced by `username`, escaped (RFC 4515):
/// `*)(uid=*` matches nobody rather than everybody.
pub fn user_filter(filter: &str, username: &str) -> String {
    filter.replace("{username}", &ldap_escape(username))
}

/// Whether `filter` is a filter the directory can read (checked with a
/// sample name in place of `{username}` or `{dn}`).
pub fn filter_parses(filter: &str) -> bool {
    let sample = filter.replace("{username}", "sample").replace("{dn}", "cn=sample");
    ldap3::parse_filter(&sample).is_ok()
}

/// Checks `password` for `username` against the directory (see the
/// module's notes). An empty password is refused here, never sent: a
/// simple bind without one is an anonymous bind, which succeeds.
pub async fn authenticate(cfg: &LdapConfig, username: &str, password: &str) -> Result<DirectoryUser, LdapError> {
    if password.is_empty() || username.trim().is_empty() {
        return Err(LdapError::Refused("an empty username or password is never sent to the directory".into()));
    }
    if username.chars().count() > MAX_USERNAME || username.chars().any(char::is_control) {
        return Err(LdapError::Refused("a name no directory entry can have (too long, or control characters)".into()));
    }
    match tokio::time::timeout(cfg.timeout, check(cfg, username.trim(), password)).await {
        Ok(r) => r,
        Err(_) => Err(LdapError::Down(format!("no answer from {} within {} s", cfg.url, cfg.timeout.as_secs()))),
    }
}

async fn check(cfg: &LdapConfig, username: &str, password: &str) -> Result<DirectoryUser, LdapError> {
    let down = |what: &str, e: ldap3::LdapError| LdapError::Down(format!("{what} {}: {e}", cfg.url));
    let mut settings = LdapConnSettings::new().set_conn_timeout(cfg.timeout).set_starttls(cfg.starttls);
    if cfg.starttls || cfg.url.starts_with("ldaps://") {
        settings = settings.set_config(tls_config(&cfg.ca_certs)?);
    }
    let (conn, mut ldap) =
        LdapConnAsync::with_settings(settings, &cfg.url).await.map_err(|e| down("cannot reach", e))?;
    // The connection's task ends with this sign-in, whatever happens.
    let driver = AbortOnDrop(tokio::spawn(async move {
        let _ = conn.drive().await;
    }));
    ldap.with_timeout(cfg.timeout);
    if !cfg.bind_dn.is_empty() {
        let r = ldap.simple_bind(&cfg.bind_dn, &cfg.bind_password).await.map_err(|e| down("no bind answer from", e))?;
        if r.rc != 0 {
            return Err(LdapError::Down(format!(
                "the directory refused Steward's service account {} (result {}: {})",
                cfg.bind_dn, r.rc, r.text
            )));
        }
    }
    let filter = user_filter(&cfg.user_filter, username);
    let mut attrs =
        vec![cfg.username_attribute.as_str(), cfg.display_name_attribute.as_str(), cfg.email_attribute.as_str()];
    if let GroupSource::Attribute(a) = &cfg.groups {
        attrs.push(a.as_str());
    }
    ldap.with_timeout(cfg.timeout);
    let found = ldap
        .search(&cfg.base_dn, Scope::Subtree, &filter, attrs)
        .await
        .map_err(|e| down("no search answer from", e))?;
    if found.1.rc != 0 {
        return Err(LdapError::Down(format!(
            "the directory refused the user search under {} (result {}: {})",
            cfg.base_dn, found.1.rc, found.1.text
        )));
    }
    let mut entries: Vec<SearchEntry> =
        found.0.into_iter().filter(|e| !e.is_ref() && !e.is_intermediate()).map(SearchEntry::construct).collect();
    let entry = match entries.len() {
        1 => entries.remove(0),
        0 => return Err(LdapError::Refused(format!("no entry matches {filter}"))),
        n => return Err(LdapError::Refused(format!("{n} entries match {filter}; a sign-in needs exactly one"))),
    };
    let groups = match &cfg.groups {
        GroupSource::Attribute(a) => values(&entry, a),
        GroupSource::Search { base_dn, filter } => {
            let filter = filter.replace("{dn}", &ldap_escape(entry.dn.as_str()));
            ldap.with_timeout(cfg.timeout);
            let found = ldap
                .search(base_dn, Scope::Subtree, &filter, vec!["1.1"])
                .await
                .map_err(|e| down("no group search answer from", e))?;
            if found.1.rc != 0 {
                return Err(LdapError::Down(format!(
                    "the directory refused the group search under {base_dn} (result {}: {})",
                    found.1.rc, found.1.text
                )));
            }
            found
                .0
                .into_iter()
                .filter(|e| !e.is_ref() && !e.is_intermediate())
                .map(|e| SearchEntry::construct(e).dn)
                .collect()
        }
    };
    // Last, the password: a bind as the entry found.
    ldap.with_timeout(cfg.timeout);
    let r = ldap.simple_bind(&entry.dn, password).await.map_err(|e| down("no bind answer from", e))?;
    match r.rc {
        0 => {}
        INVALID_CREDENTIALS => {
            return Err(LdapError::Refused(format!("the directory refused the bind as {}", entry.dn)));
        }
        rc => {
            return Err(LdapError::Refused(format!(
                "the directory refused the bind as {} (result {rc}: {})",
                entry.dn, r.text
            )));
        }
    }
    ldap.with_timeout(cfg.timeout);
    let _ = ldap.unbind().await;
    drop(driver);
    let first = |a: &str| values(&entry, a).into_iter().map(|v| v.trim().to_owned()).find(|v| !v.is_empty());
    Ok(DirectoryUser {
        username: first(&cfg.username_attribute).unwrap_or_else(|| username.to_owned()),
        display_name: first(&cfg.display_name_attribute),
        email: first(&cfg.email_attribute),
        dn: entry.dn,
        groups,
    })
}

/// An attribute's values; attribute names are matched without regard to
/// case, as the directory may spell them otherwise than asked.
fn values(entry: &SearchEntry, attribute: &str) -> Vec<String> {
    entry.attrs.iter().filter(|(k, _)| k.eq_ignore_ascii_case(attribute)).flat_map(|(_, v)| v.clone()).collect()
}

fn tls_config(ca_certs: &[CertificateDer<'static>]) -> Result<Arc<rustls::ClientConfig>, LdapError> {
    use rustls_platform_verifier::ConfigVerifierExt;
    crate::ensure_crypto_provider();
    if ca_certs.is_empty() {
        return rustls::ClientConfig::with_platform_verifier()
            .map(Arc::new)
            .map_err(|e| LdapError::Down(format!("LDAP TLS set-up: {e}")));
    }
    let mut roots = rustls::RootCertStore::empty();
    for c in ca_certs {
        roots.add(c.clone()).map_err(|e| LdapError::Down(format!("LDAP TLS set-up: a CA certificate: {e}")))?;
    }
    Ok(Arc::new(rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth()))
}

/// The certificates in a PEM file (a directory's CA); an error names the
/// file and what is wrong.
pub fn read_ca_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> =
        CertificateDer::pem_file_iter(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.collect();
    let certs = certs.map_err(|e| format!("{}: not PEM certificates: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate (-----BEGIN CERTIFICATE-----)", path.display()));
    }
    Ok(certs)
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Whether a group DN is what `key` names: the same DN (letter case and
/// spaces around `,` and `=` aside), or, for a key without `=`, the value
/// of the DN's first part (a group's cn).
pub fn group_matches(key: &str, group_dn: &str) -> bool {
    let key = key.trim();
    if key.contains('=') {
        return normalise_dn(key) == normalise_dn(group_dn);
    }
    group_dn
        .split(',')
        .next()
        .and_then(|rdn| rdn.split_once('='))
        .is_some_and(|(_, value)| value.trim().eq_ignore_ascii_case(key))
}

fn normalise_dn(dn: &str) -> String {
    dn.split(',')
        .map(|rdn| match rdn.split_once('=') {
            Some((a, v)) => format!("{}={}", a.trim(), v.trim()),
            None => rdn.trim().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_escaped_in_filters() {
        let f = "(&(objectClass=inetOrgPerson)(uid={username}))";
        assert_eq!(user_filter(f, "alice"), "(&(objectClass=inetOrgPerson)(uid=alice))");
        assert_eq!(user_filter(f, "*)(uid=*"), "(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))");
        assert_eq!(user_filter(f, "a\\b\0"), "(&(objectClass=inetOrgPerson)(uid=a\\5cb\\00))");
        assert!(filter_parses(f));
        assert!(filter_parses("(|(member={dn})(uniqueMember={dn}))"));
        assert!(!filter_parses("(&(uid={username})"));
        assert!(!filter_parses("uid={username})("));
    }

    #[test]
    fn groups_match_by_dn_or_cn() {
        let dn = "cn=Helpdesk,ou=groups,dc=example,dc=org";
        assert!(group_matches("cn=helpdesk, ou=Groups ,dc=example,dc=org", dn));
        assert!(group_matches("helpdesk", dn));
        assert!(group_matches("HelpDesk", dn));
        assert!(!group_matches("cn=helpdesk,ou=groups,dc=example,dc=com", dn));
        assert!(!group_matches("groups", dn));
        assert!(!group_matches("help", dn));
    }

    #[tokio::test]
    async fn empty_passwords_are_never_sent() {
        let cfg = LdapConfig {
            // Nothing listens here; the refusal comes first.
            url: "ldap://127.0.0.1:1".into(),
            starttls: false,
            bind_dn: "cn=steward,dc=example,dc=org".into(),
            bind_password: "s3cret".into(),
            base_dn: "dc=example,dc=org".into(),
            user_filter: "(uid={username})".into(),
            username_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            email_attribute: "mail".into(),
            groups: GroupSource::Attribute("memberOf".into()),
            timeout: Duration::from_secs(1),
            ca_certs: Vec::new(),
        };
        assert!(matches!(authenticate(&cfg, "alice", "").await, Err(LdapError::Refused(_))));
        assert!(matches!(authenticate(&cfg, " ", "pw").await, Err(LdapError::Refused(_))));
        assert!(matches!(authenticate(&cfg, &"a".repeat(257), "pw").await, Err(LdapError::Refused(_))));
        assert!(matches!(authenticate(&cfg, "al\\ice", "pw").await, Err(LdapError::Down(_))), "escaped, not refused");
        assert!(matches!(authenticate(&cfg, "al\u{7}ice", "pw").await, Err(LdapError::Refused(_))));
        assert!(matches!(authenticate(&cfg, "alice", "pw").await, Err(LdapError::Down(_))));
        assert!(!format!("{cfg:?}").contains("s3cret"), "the password is redacted");
    }
}
