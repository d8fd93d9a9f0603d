//! `[inbound]`: mail in, by IMAP polling or `steward mail ingest`.

use anyhow::{Result, bail};
use serde::Deserialize;
use std::fmt;
use std::time::Duration;
use steward_app::mail_in::InboundConfig as AppInbound;
use steward_channels::imap::{ImapConfig, ImapTls};

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InboundConfig {
    /// Without it no mailbox is polled (mail can still be piped in).
    pub imap_host: String,
    pub imap_port: u32,
    /// tls (993) or none (143, a server on this host)
    pub imap_tls: String,
    pub imap_username: String,
    pub imap_password: String,
    pub imap_folder: String,
    pub poll_secs: u32,
    /// Mail from an unknown address opens an incident for a new requester.
    pub create_requesters: bool,
    /// Larger messages are refused.
    pub max_mb: u32,
    /// The group whose queue incidents opened by mail land in (empty: none).
    pub default_group: String,
    /// Impact and urgency of incidents opened by mail, 1 (high) to 3 (low).
    pub default_impact: i64,
    pub default_urgency: i64,
}

impl Default for InboundConfig {
    fn default() -> Self {
        Self {
            imap_host: String::new(),
            imap_port: 993,
            imap_tls: "tls".into(),
            imap_username: String::new(),
            imap_password: String::new(),
            imap_folder: "INBOX".into(),
            poll_secs: 60,
            create_requesters: false,
            max_mb: 25,
            default_group: String::new(),
            default_impact: 3,
            default_urgency: 3,
        }
    }
}

impl fmt::Debug for InboundConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundConfig")
            .field("imap_host", &self.imap_host)
            .field("imap_port", &self.imap_port)
            .field("imap_tls", &self.imap_tls)
            .field("imap_username", &self.imap_username)
            .field("imap_password", &if self.imap_password.is_empty() { "" } else { "<redacted>" })
            .field("imap_folder", &self.imap_folder)
            .field("poll_secs", &self.poll_secs)
            .field("create_requesters", &self.create_requesters)
            .field("max_mb", &self.max_mb)
            .field("default_group", &self.default_group)
            .field("default_impact", &self.default_impact)
            .field("default_urgency", &self.default_urgency)
            .finish()
    }
}

pub const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_INBOUND_IMAP_HOST", "inbound.imap_host"),
    ("STEWARD_INBOUND_IMAP_PORT", "inbound.imap_port"),
    ("STEWARD_INBOUND_IMAP_TLS", "inbound.imap_tls"),
    ("STEWARD_INBOUND_IMAP_USERNAME", "inbound.imap_username"),
    ("STEWARD_INBOUND_IMAP_PASSWORD", "inbound.imap_password"),
    ("STEWARD_INBOUND_IMAP_FOLDER", "inbound.imap_folder"),
    ("STEWARD_INBOUND_POLL_SECS", "inbound.poll_secs"),
    ("STEWARD_INBOUND_CREATE_REQUESTERS", "inbound.create_requesters"),
    ("STEWARD_INBOUND_MAX_MB", "inbound.max_mb"),
    ("STEWARD_INBOUND_DEFAULT_GROUP", "inbound.default_group"),
    ("STEWARD_INBOUND_DEFAULT_IMPACT", "inbound.default_impact"),
    ("STEWARD_INBOUND_DEFAULT_URGENCY", "inbound.default_urgency"),
];

pub const EXAMPLE: &str = r#"
# Mail in: replies to notifications become comments, new mail opens incidents.
# Poll a mailbox by IMAP, or pipe messages into `steward mail ingest`.
[inbound]
imap_host = ""             # e.g. "imap.example.com"; empty: no polling   env: STEWARD_INBOUND_IMAP_HOST
imap_port = 993            #                                             env: STEWARD_INBOUND_IMAP_PORT
imap_tls = "tls"           # tls (993) or none (143, this host only)     env: STEWARD_INBOUND_IMAP_TLS
imap_username = ""         #                                             env: STEWARD_INBOUND_IMAP_USERNAME
imap_password = ""         #                                             env: STEWARD_INBOUND_IMAP_PASSWORD
imap_folder = "INBOX"      #                                             env: STEWARD_INBOUND_IMAP_FOLDER
poll_secs = 60             # how often the mailbox is read               env: STEWARD_INBOUND_POLL_SECS
create_requesters = false  # unknown senders become requesters (else refused)  env: STEWARD_INBOUND_CREATE_REQUESTERS
max_mb = 25                # larger messages are refused                 env: STEWARD_INBOUND_MAX_MB
# Incidents opened by mail: the group whose queue they land in (it must exist; its members
# are notified), and their impact and urgency, 1 (high) to 3 (low), which give the priority
# and so the SLA.
default_group = ""         # e.g. "Service Desk"; empty: no group         env: STEWARD_INBOUND_DEFAULT_GROUP
default_impact = 3         #                                             env: STEWARD_INBOUND_DEFAULT_IMPACT
default_urgency = 3        #                                             env: STEWARD_INBOUND_DEFAULT_URGENCY
"#;

impl InboundConfig {
    /// The app's settings, checked; a bad value names its key.
    pub fn to_app(&self) -> Result<AppInbound> {
        let tls = match self.imap_tls.as_str() {
            "tls" => ImapTls::Tls,
            "none" => ImapTls::None,
            other => bail!("inbound.imap_tls: must be tls or none, got {other:?}"),
        };
        let Some(port) = u16::try_from(self.imap_port).ok().filter(|p| *p != 0) else {
            bail!("inbound.imap_port: must be between 1 and 65535, got {}", self.imap_port);
        };
        if self.poll_secs == 0 {
            bail!("inbound.poll_secs: must be at least 1");
        }
        if self.max_mb == 0 {
            bail!("inbound.max_mb: must be at least 1");
        }
        for (key, value) in [("default_impact", self.default_impact), ("default_urgency", self.default_urgency)] {
            if !(1..=3).contains(&value) {
                bail!("inbound.{key}: must be 1 (high), 2 (medium) or 3 (low), got {value}");
            }
        }
        let group = self.default_group.trim();
        if group.chars().any(char::is_control) || group.chars().count() > 200 {
            bail!("inbound.default_group: {:?} is not a group name", self.default_group);
        }
        let imap = if self.imap_host.trim().is_empty() {
            None
        } else {
            if self.imap_username.is_empty() || self.imap_password.is_empty() {
                bail!("inbound.imap_username and inbound.imap_password: both are needed to poll {}", self.imap_host);
            }
            Some(ImapConfig {
                host: self.imap_host.trim().to_owned(),
                port,
                tls,
                username: self.imap_username.clone(),
                password: self.imap_password.clone(),
                folder: self.imap_folder.clone(),
                timeout: Duration::from_secs(60),
            })
        };
        Ok(AppInbound {
            max_bytes: self.max_mb as usize * 1024 * 1024,
            create_requesters: self.create_requesters,
            imap,
            poll_every: Duration::from_secs(u64::from(self.poll_secs)),
            default_group: Some(group.to_owned()).filter(|g| !g.is_empty()),
            default_impact: self.default_impact,
            default_urgency: self.default_urgency,
        })
    }
}
