//! Configuration: defaults, then a TOML file (`--config` / `STEWARD_CONFIG`),
//! then `STEWARD_*` environment variables, then command-line flags.
//! Unknown keys and bad values stop start-up with the key and the problem.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::{fmt, net::SocketAddr, path::PathBuf};
use steward_domain::PriorityMatrix;

mod alerts;
mod audit;
mod checks;
mod inbound;
mod ldap;
mod metrics;
mod numbers;
mod oidc;
mod site;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: String,
    /// sqlite://PATH or postgres://USER@HOST/DB; the scheme picks the backend.
    /// Empty (the default): `steward.db` in `data_dir`, filled in on loading.
    pub database_url: String,
    /// Attachments and the default SQLite database live here.
    pub data_dir: PathBuf,
    /// Whether a layer named these two (the demo picks its own otherwise).
    #[serde(skip)]
    pub given: Given,
    /// The flags this command was run with (to print a command to run next).
    #[serde(skip)]
    pub flags: Overrides,
    /// The address users reach Steward at; https makes cookies Secure.
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` names the client (networks).
    pub trusted_proxies: Vec<String>,
    /// On SIGTERM, seconds `/readyz` answers 503 while the node still
    /// serves, so a load balancer stops sending it requests first.
    pub drain_secs: u32,
    pub log: LogConfig,
    pub database: DatabaseConfig,
    pub incidents: IncidentConfig,
    pub sessions: SessionConfig,
    pub passwords: PasswordsConfig,
    pub knowledge: KnowledgeConfig,
    pub mail: MailConfig,
    pub notifications: NotificationsConfig,
    pub inbound: inbound::InboundConfig,
    pub site: site::SiteConfig,
    pub numbers: numbers::NumbersConfig,
    pub checks: checks::ChecksConfig,
    pub alerts: alerts::AlertsConfig,
    pub metrics: metrics::MetricsConfig,
    pub audit: audit::AuditConfig,
    pub oidc: oidc::OidcConfig,
    pub ldap: ldap::LdapSection,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// text or json
    pub format: String,
    /// A tracing filter, e.g. info or steward_web=debug,info
    pub level: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub max_connections: u32,
    /// Group-commit writers (PostgreSQL; SQLite always uses one).
    pub writers: usize,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IncidentConfig {
    pub auto_close_days: u32,
    pub attachment_max_mb: u32,
    /// Rows are impact 1..3, columns urgency 1..3, values priorities 1..5.
    pub priority_matrix: [[i64; 3]; 3],
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    pub hours: u32,
    /// A session unused this long ends (0: never).
    pub idle_minutes: u32,
}

/// The password policy: a minimum length; the 10,000 most common
/// passwords are always refused.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordsConfig {
    pub min_length: u32,
}

impl Default for PasswordsConfig {
    fn default() -> Self {
        Self { min_length: steward_app::passwords::DEFAULT_MIN_LENGTH as u32 }
    }
}

/// Knowledge articles' review: whether a version must be reviewed before
/// it is published, and whether its author may approve it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KnowledgeConfig {
    pub review_required: bool,
    pub author_may_review: bool,
}

impl Default for KnowledgeConfig {
    fn default() -> Self {
        Self { review_required: true, author_may_review: false }
    }
}

/// Outgoing mail. Without `smtp_host` no email is sent: notifications wait
/// in the outbox until a node with mail settings delivers them.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    pub smtp_host: String,
    /// Checked to be 1..=65535 in `validate`, so the message names the key.
    pub smtp_port: u32,
    /// none, starttls or tls
    pub smtp_tls: String,
    pub smtp_username: String,
    pub smtp_password: String,
    /// The sender, e.g. "Steward <steward@example.com>".
    pub from: String,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            from: String::new(),
        }
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &if self.smtp_password.is_empty() { "" } else { "<redacted>" })
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotificationsConfig {
    /// Links in emails and webhooks; default: public_url, else http://LISTEN.
    pub base_url: String,
    /// Attempts before a message is dead (shown to admins for a retry).
    pub max_attempts: u32,
    /// The first retry waits this long; each further one twice as long, at
    /// most an hour.
    pub retry_base_secs: u32,
    /// How long a message a node took to send stays its own: a node that
    /// dies while sending leaves it to another node after this long.
    pub lease_secs: u32,
    /// Internal networks webhooks may call (everything internal is refused
    /// otherwise).
    pub webhook_allow: Vec<String>,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            max_attempts: 8,
            retry_base_secs: 30,
            lease_secs: LEASE_DEFAULT_SECS,
            webhook_allow: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: String::new(),
            data_dir: PathBuf::from("./steward-data"),
            given: Given::default(),
            flags: Overrides::default(),
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            drain_secs: 0,
            log: LogConfig::default(),
            database: DatabaseConfig::default(),
            incidents: IncidentConfig::default(),
            sessions: SessionConfig::default(),
            passwords: PasswordsConfig::default(),
            knowledge: KnowledgeConfig::default(),
            mail: MailConfig::default(),
            notifications: NotificationsConfig::default(),
            inbound: inbound::InboundConfig::default(),
            site: site::SiteConfig::default(),
            numbers: numbers::NumbersConfig::default(),
            checks: checks::ChecksConfig::default(),
            alerts: alerts::AlertsConfig::default(),
            metrics: metrics::MetricsConfig::default(),
            oidc: oidc::OidcConfig::default(),
            audit: audit::AuditConfig::default(),
            ldap: ldap::LdapSection::default(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { format: "text".into(), level: "info".into() }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self { max_connections: 8, writers: 4 }
    }
}

impl Default for IncidentConfig {
    fn default() -> Self {
        Self { auto_close_days: 7, attachment_max_mb: 10, priority_matrix: PriorityMatrix::default().rows() }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self { hours: 12, idle_minutes: 0 }
    }
}

/// The database URL without its password, for logs and `Debug`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("log", &self.log)
            .field("database", &self.database)
            .field("incidents", &self.incidents)
            .field("sessions", &self.sessions)
            .field("passwords", &self.passwords)
            .field("knowledge", &self.knowledge)
            .field("mail", &self.mail)
            .field("notifications", &self.notifications)
            .field("inbound", &self.inbound)
            .field("site", &self.site)
            .field("numbers", &self.numbers)
            .field("checks", &self.checks)
            .field("alerts", &self.alerts)
            .field("metrics", &self.metrics)
            .field("audit", &self.audit)
            .field("oidc", &self.oidc)
            .field("ldap", &self.ldap)
            .finish()
    }
}

/// Which of the database settings a layer (file, environment, flag) named.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Given {
    pub database_url: bool,
    pub data_dir: bool,
}

/// The default database: `steward.db` in the data folder.
pub fn sqlite_in(data_dir: &std::path::Path) -> String {
    steward_store::sqlite_url_of(&data_dir.join("steward.db"))
}

/// Flags that override everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
}

/// `notifications.lease_secs` unless set: `NotifyConfig`'s own default.
const LEASE_DEFAULT_SECS: u32 = 300;

/// Every environment variable Steward reads, with the key it sets.
const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_LISTEN", "listen"),
    ("STEWARD_DATABASE_URL", "database_url"),
    ("STEWARD_DATA_DIR", "data_dir"),
    ("STEWARD_PUBLIC_URL", "public_url"),
    ("STEWARD_TRUSTED_PROXIES", "trusted_proxies"),
    ("STEWARD_DRAIN_SECS", "drain_secs"),
    ("STEWARD_LOG_FORMAT", "log.format"),
    ("STEWARD_LOG_LEVEL", "log.level"),
    ("STEWARD_DATABASE_MAX_CONNECTIONS", "database.max_connections"),
    ("STEWARD_DATABASE_WRITERS", "database.writers"),
    ("STEWARD_INCIDENTS_AUTO_CLOSE_DAYS", "incidents.auto_close_days"),
    ("STEWARD_INCIDENTS_ATTACHMENT_MAX_MB", "incidents.attachment_max_mb"),
    ("STEWARD_SESSIONS_HOURS", "sessions.hours"),
    ("STEWARD_SESSIONS_IDLE_MINUTES", "sessions.idle_minutes"),
    ("STEWARD_PASSWORDS_MIN_LENGTH", "passwords.min_length"),
    ("STEWARD_KNOWLEDGE_REVIEW_REQUIRED", "knowledge.review_required"),
    ("STEWARD_KNOWLEDGE_AUTHOR_MAY_REVIEW", "knowledge.author_may_review"),
    ("STEWARD_MAIL_SMTP_HOST", "mail.smtp_host"),
    ("STEWARD_MAIL_SMTP_PORT", "mail.smtp_port"),
    ("STEWARD_MAIL_SMTP_TLS", "mail.smtp_tls"),
    ("STEWARD_MAIL_SMTP_USERNAME", "mail.smtp_username"),
    ("STEWARD_MAIL_SMTP_PASSWORD", "mail.smtp_password"),
    ("STEWARD_MAIL_FROM", "mail.from"),
    ("STEWARD_NOTIFICATIONS_BASE_URL", "notifications.base_url"),
    ("STEWARD_NOTIFICATIONS_MAX_ATTEMPTS", "notifications.max_attempts"),
    ("STEWARD_NOTIFICATIONS_RETRY_BASE_SECS", "notifications.retry_base_secs"),
    ("STEWARD_NOTIFICATIONS_LEASE_SECS", "notifications.lease_secs"),
    ("STEWARD_NOTIFICATIONS_WEBHOOK_ALLOW", "notifications.webhook_allow"),
];

/// Every environment variable Steward reads.
fn env_keys() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    ENV_KEYS
        .iter()
        .chain(inbound::ENV_KEYS)
        .chain(site::ENV_KEYS)
        .chain(numbers::ENV_KEYS)
        .chain(checks::ENV_KEYS)
        .chain(alerts::ENV_KEYS)
        .chain(metrics::ENV_KEYS)
        .chain(audit::ENV_KEYS)
        .chain(oidc::ENV_KEYS)
        .chain(ldap::ENV_KEYS)
}

impl Config {
    /// Makes the configured number prefixes this process's, before any
    /// number is written or read.
    pub fn install_numbers(&self) -> Result<()> {
        self.numbers.install()
    }

    /// Loads the layers from the real environment.
    pub fn load(o: &Overrides) -> Result<Config> {
        Self::load_from(o, std::env::vars().collect())
    }

    pub fn load_from(o: &Overrides, env: Vec<(String, String)>) -> Result<Config> {
        let file = o.config.clone().or_else(|| env.iter().find(|(k, _)| k == "STEWARD_CONFIG").map(|(_, v)| v.into()));
        let mut table = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
                text.parse::<toml::Table>().map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message()))?
            }
            None => toml::Table::new(),
        };
        for (k, v) in &env {
            if !k.starts_with("STEWARD_") || k == "STEWARD_CONFIG" {
                continue;
            }
            let Some((_, key)) = env_keys().find(|(name, _)| name == k) else {
                let known = env_keys().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
                bail!("unknown environment variable {k}: Steward reads STEWARD_CONFIG, {known}");
            };
            set(&mut table, key, v).with_context(|| format!("environment variable {k}"))?;
        }
        if let Some(v) = &o.listen {
            set(&mut table, "listen", v)?;
        }
        if let Some(v) = &o.database_url {
            set(&mut table, "database_url", v)?;
        }
        if let Some(v) = &o.data_dir {
            set(&mut table, "data_dir", &v.to_string_lossy())?;
        }
        let given = Given {
            database_url: table.get("database_url").and_then(|v| v.as_str()).is_some_and(|v| !v.trim().is_empty()),
            data_dir: table.contains_key("data_dir"),
        };
        let source = file.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "configuration".into());
        let mut cfg: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("{source}: {}", e.message()))?;
        cfg.given = given;
        cfg.flags = o.clone();
        if !given.database_url {
            cfg.database_url = sqlite_in(&cfg.data_dir);
        }
        cfg.validate()?;
        Ok(cfg)
    }

    fn validate(&self) -> Result<()> {
        self.listen_addr()?;
        steward_store::Backend::from_url(&self.database_url).map_err(|_| {
            anyhow::anyhow!(
                "database_url: {:?} must start with sqlite:// or postgres://",
                redact_url(&self.database_url)
            )
        })?;
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bail!("log.format: must be text or json, got {:?}", self.log.format);
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|e| anyhow::anyhow!("log.level: {:?} is not a log filter: {e}", self.log.level))?;
        if self.database.max_connections == 0 || self.database.max_connections > 1000 {
            bail!("database.max_connections: must be between 1 and 1000");
        }
        if self.database.writers == 0 || self.database.writers > 64 {
            bail!("database.writers: must be between 1 and 64");
        }
        if self.incidents.attachment_max_mb == 0 || self.incidents.attachment_max_mb > 1024 {
            bail!("incidents.attachment_max_mb: must be between 1 and 1024");
        }
        if self.drain_secs > 300 {
            bail!("drain_secs: must be between 0 and 300");
        }
        if self.sessions.hours == 0 || self.sessions.hours > 24 * 90 {
            bail!("sessions.hours: must be between 1 and 2160");
        }
        if self.sessions.idle_minutes != 0 && !(5..=1440).contains(&self.sessions.idle_minutes) {
            bail!("sessions.idle_minutes: must be 0 (off) or between 5 and 1440");
        }
        if !(8..=128).contains(&self.passwords.min_length) {
            bail!("passwords.min_length: must be between 8 and 128");
        }
        PriorityMatrix::from_rows(self.incidents.priority_matrix)
            .map_err(|e| anyhow::anyhow!("incidents.priority_matrix: every priority {e}"))?;
        let url = &self.public_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            bail!("public_url: must start with http:// or https://");
        }
        let url = &self.notifications.base_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            bail!("notifications.base_url: must start with http:// or https://");
        }
        if self.notifications.max_attempts == 0 || self.notifications.max_attempts > 100 {
            bail!("notifications.max_attempts: must be between 1 and 100");
        }
        if self.notifications.retry_base_secs == 0 || self.notifications.retry_base_secs > 3600 {
            bail!("notifications.retry_base_secs: must be between 1 and 3600");
        }
        if !(60..=3600).contains(&self.notifications.lease_secs) {
            bail!("notifications.lease_secs: must be between 60 and 3600");
        }
        self.smtp()?;
        self.inbound.to_app()?;
        self.site.to_app()?;
        self.checks.to_app()?;
        self.alerts.prefix()?;
        self.metrics.token()?;
        if self.metrics.listen()?.is_some_and(|m| Some(m) == self.listen_addr().ok()) {
            bail!("metrics.listen: must differ from listen ({})", self.listen);
        }
        self.numbers.to_domain()?;
        self.oidc.to_app(&self.public_url)?;
        self.ldap.to_app()?;
        networks("trusted_proxies", &self.trusted_proxies)?;
        networks("notifications.webhook_allow", &self.notifications.webhook_allow)?;
        Ok(())
    }

    pub fn listen_addr(&self) -> Result<SocketAddr> {
        self.listen
            .parse()
            .map_err(|_| anyhow::anyhow!("listen: {:?} is not an address such as 127.0.0.1:8080", self.listen))
    }

    pub fn app_config(&self) -> Result<steward_app::AppConfig> {
        Ok(steward_app::AppConfig {
            data_dir: self.data_dir.clone(),
            attachment_max_bytes: self.incidents.attachment_max_mb as usize * 1024 * 1024,
            auto_close_days: self.incidents.auto_close_days,
            session_hours: self.sessions.hours,
            session_idle_minutes: self.sessions.idle_minutes,
            password_min_length: self.passwords.min_length as usize,
            priority_matrix: PriorityMatrix::from_rows(self.incidents.priority_matrix)?,
            notify: steward_app::notify::NotifyConfig {
                smtp: self.smtp()?,
                base_url: self.base_url(),
                max_attempts: self.notifications.max_attempts,
                backoff_base: std::time::Duration::from_secs(u64::from(self.notifications.retry_base_secs)),
                lease: std::time::Duration::from_secs(u64::from(self.notifications.lease_secs)),
                webhook_allow: networks("notifications.webhook_allow", &self.notifications.webhook_allow)?,
                ..Default::default()
            },
            inbound: self.inbound.to_app()?,
            site: self.site.to_app()?,
            checks: self.checks.to_app()?,
            oidc: self.oidc.to_app(&self.public_url)?,
            ldap: self.ldap.to_app()?.map(std::sync::Arc::new),
            knowledge: steward_domain::knowledge::ReviewPolicy {
                required: self.knowledge.review_required,
                author_may_review: self.knowledge.author_may_review,
            },
            ..Default::default()
        })
    }

    /// Where links in notifications point.
    /// The settings every node on one database must share — a node that
    /// differs numbers, closes, signs in, notifies or keeps history unlike
    /// the others — by key, as `serve` compares them across nodes.
    pub fn shared_settings(&self) -> Vec<(&'static str, String)> {
        let n = &self.numbers;
        let (i, m, k) = (&self.incidents, &self.notifications, &self.knowledge);
        vec![
            ("numbers.incident", n.incident.clone()),
            ("numbers.problem", n.problem.clone()),
            ("numbers.article", n.article.clone()),
            ("numbers.change", n.change.clone()),
            ("numbers.task", n.task.clone()),
            ("incidents.auto_close_days", i.auto_close_days.to_string()),
            ("incidents.attachment_max_mb", i.attachment_max_mb.to_string()),
            ("incidents.priority_matrix", format!("{:?}", i.priority_matrix)),
            ("sessions.hours", self.sessions.hours.to_string()),
            ("sessions.idle_minutes", self.sessions.idle_minutes.to_string()),
            ("passwords.min_length", self.passwords.min_length.to_string()),
            ("knowledge.review_required", k.review_required.to_string()),
            ("knowledge.author_may_review", k.author_may_review.to_string()),
            ("site.language", self.site.language.clone()),
            ("site.time_zone", self.site.time_zone.clone()),
            ("public_url", self.public_url.clone()),
            ("notifications.base_url", m.base_url.clone()),
            ("notifications.max_attempts", m.max_attempts.to_string()),
            ("notifications.retry_base_secs", m.retry_base_secs.to_string()),
            ("notifications.lease_secs", m.lease_secs.to_string()),
            ("mail.from", self.mail.from.clone()),
            ("checks.keep_raw_days", self.checks.keep_raw_days.to_string()),
            ("checks.keep_minute_days", self.checks.keep_minute_days.to_string()),
            ("alerts.path_prefix", self.alerts.path_prefix.clone()),
            ("oidc.issuer", self.oidc.issuer.clone()),
            ("oidc.client_id", self.oidc.client_id.clone()),
            ("ldap", self.ldap.shared()),
        ]
    }

    pub fn base_url(&self) -> String {
        let b = &self.notifications.base_url;
        let b = if !b.is_empty() {
            b.clone()
        } else if !self.public_url.is_empty() {
            self.public_url.clone()
        } else {
            format!("http://{}", self.listen)
        };
        b.trim_end_matches('/').to_owned()
    }

    /// The SMTP settings, checked; `None` when no relay is configured.
    pub fn smtp(&self) -> Result<Option<steward_channels::email::SmtpConfig>> {
        use steward_channels::email::{Mailbox, SmtpConfig, SmtpTls};
        let m = &self.mail;
        let tls = match m.smtp_tls.as_str() {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            other => bail!("mail.smtp_tls: must be none, starttls or tls, got {other:?}"),
        };
        let Ok(port) = u16::try_from(m.smtp_port).map_err(drop).and_then(|p| if p == 0 { Err(()) } else { Ok(p) })
        else {
            bail!("mail.smtp_port: must be between 1 and 65535, got {}", m.smtp_port);
        };
        if m.smtp_host.trim().is_empty() {
            return Ok(None);
        }
        if m.from.trim().is_empty() {
            bail!("mail.from: is required when mail.smtp_host is set, e.g. \"Steward <steward@example.com>\"");
        }
        m.from.parse::<Mailbox>().map_err(|e| anyhow::anyhow!("mail.from: {:?} is not an address: {e}", m.from))?;
        if m.smtp_password.is_empty() != m.smtp_username.is_empty() {
            bail!("mail.smtp_username and mail.smtp_password: give both or neither");
        }
        let opt = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        Ok(Some(SmtpConfig {
            host: m.smtp_host.trim().to_owned(),
            port,
            tls,
            username: opt(&m.smtp_username),
            password: opt(&m.smtp_password),
            from: m.from.trim().to_owned(),
            timeout: std::time::Duration::from_secs(30),
        }))
    }

    pub fn web_config(&self) -> Result<steward_web::WebConfig> {
        Ok(steward_web::WebConfig {
            secure_cookies: self.public_url.starts_with("https://"),
            trusted_proxies: networks("trusted_proxies", &self.trusted_proxies)?,
            max_body_bytes: self.incidents.attachment_max_mb as usize * 1024 * 1024 + 1024 * 1024,
            alertmanager_prefix: self.alerts.prefix()?,
            metrics_token: self.metrics.token()?,
            drain: std::time::Duration::from_secs(self.drain_secs.into()),
            ..Default::default()
        })
    }

    pub fn store_options(&self) -> steward_store::StoreOptions {
        steward_store::StoreOptions {
            max_connections: self.database.max_connections,
            writers: self.database.writers,
            audit_head_file: self.audit.head_file(),
            ..Default::default()
        }
    }
}

/// A list of networks from the configuration; the error names the key.
fn networks(key: &str, entries: &[String]) -> Result<steward_domain::net::Networks> {
    steward_domain::net::Networks::parse(entries).map_err(|e| anyhow::anyhow!("{key}: {e}"))
}

/// Sets a dotted key from text: numbers become integers, the rest strings.
/// Keys whose values are whole numbers or yes/no; every other key is text.
const INTEGER_KEYS: &[&str] = &[
    "drain_secs",
    "database.max_connections",
    "database.writers",
    "incidents.auto_close_days",
    "incidents.attachment_max_mb",
    "sessions.hours",
    "sessions.idle_minutes",
    "passwords.min_length",
    "mail.smtp_port",
    "notifications.max_attempts",
    "notifications.retry_base_secs",
    "notifications.lease_secs",
    "inbound.imap_port",
    "inbound.poll_secs",
    "inbound.max_mb",
    "inbound.default_impact",
    "inbound.default_urgency",
];
const BOOLEAN_KEYS: &[&str] =
    &["inbound.create_requesters", "knowledge.review_required", "knowledge.author_may_review"];
/// Keys that hold lists, given in the environment separated by commas.
const LIST_KEYS: &[&str] = &["trusted_proxies", "notifications.webhook_allow"];

/// Sets `key` (dotted) from an environment variable or flag, typed by key.
fn set(table: &mut toml::Table, key: &str, raw: &str) -> Result<()> {
    let value = if INTEGER_KEYS.contains(&key)
        || checks::INTEGER_KEYS.contains(&key)
        || ldap::INTEGER_KEYS.contains(&key)
    {
        let i = raw.trim().parse::<i64>();
        toml::Value::Integer(i.map_err(|_| anyhow::anyhow!("{key}: must be a whole number, got {raw:?}"))?)
    } else if BOOLEAN_KEYS.contains(&key) || checks::BOOLEAN_KEYS.contains(&key) || ldap::BOOLEAN_KEYS.contains(&key) {
        toml::Value::Boolean(match raw.trim() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => bail!("{key}: must be true or false, got {raw:?}"),
        })
    } else if LIST_KEYS.contains(&key) {
        let items = raw.split(',').map(str::trim).filter(|s| !s.is_empty());
        toml::Value::Array(items.map(|s| toml::Value::String(s.to_owned())).collect())
    } else {
        toml::Value::String(raw.to_owned())
    };
    let mut parts = key.split('.').peekable();
    let mut t = table;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            t.insert(p.to_owned(), value);
            return Ok(());
        }
        let entry = t.entry(p.to_owned()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry.as_table_mut().ok_or_else(|| anyhow::anyhow!("{p} is not a table"))?;
    }
    Ok(())
}

/// The commented example configuration, all sections.
pub fn example() -> String {
    let parts = [
        inbound::EXAMPLE,
        site::EXAMPLE,
        numbers::EXAMPLE,
        checks::EXAMPLE,
        alerts::EXAMPLE,
        metrics::EXAMPLE,
        audit::EXAMPLE,
        oidc::EXAMPLE,
        ldap::EXAMPLE,
    ];
    format!("{EXAMPLE}{}", parts.concat())
}

const EXAMPLE: &str = r#"# Steward configuration. Every key is optional; shown are the defaults.
# Precedence: defaults < this file (--config / STEWARD_CONFIG) < STEWARD_* environment
# variables < command-line flags. Unknown keys stop start-up.

# Address to listen on.                                  env: STEWARD_LISTEN, flag: --listen
listen = "127.0.0.1:8080"

# sqlite://PATH (embedded) or postgres://USER:PASSWORD@HOST:PORT/DB (for several nodes).
# Empty: sqlite://DATA_DIR/steward.db, the database in the data folder.
#                                                       env: STEWARD_DATABASE_URL, flag: --database-url
database_url = ""

# Attachments and the default database are kept here.   env: STEWARD_DATA_DIR, flag: --data-dir
data_dir = "./steward-data"

# Where users reach Steward; an https:// address marks cookies Secure.   env: STEWARD_PUBLIC_URL
public_url = ""

# Reverse proxies (addresses or networks) whose X-Forwarded-For header names the client;
# sign-in throttling and the audit log then see the real client, not the proxy.
# e.g. ["10.0.0.0/8", "192.168.1.7"]. Empty: the connecting address is the client.
#                                                       env: STEWARD_TRUSTED_PROXIES (comma-separated)
trusted_proxies = []

# On SIGTERM the node first answers /readyz with 503 for this many seconds while it
# still serves, so a load balancer checking /readyz moves traffic away; then it stops
# taking connections and finishes the requests in flight. Behind a proxy, set it above
# the proxy's check interval times its fall count (0 to 300; a second signal cuts it short).
#                                                       env: STEWARD_DRAIN_SECS
drain_secs = 0

[log]
format = "text"   # text or json                         env: STEWARD_LOG_FORMAT
level = "info"    # a tracing filter                     env: STEWARD_LOG_LEVEL

[database]
max_connections = 8   # pool size                        env: STEWARD_DATABASE_MAX_CONNECTIONS
writers = 4           # group-commit writers (PostgreSQL) env: STEWARD_DATABASE_WRITERS

[incidents]
auto_close_days = 7       # resolved incidents close after this many days   env: STEWARD_INCIDENTS_AUTO_CLOSE_DAYS
attachment_max_mb = 10    # largest attachment                              env: STEWARD_INCIDENTS_ATTACHMENT_MAX_MB
# Impact (rows, 1 high .. 3 low) x urgency (columns) -> priority 1..5. ITIL's default:
priority_matrix = [[1, 2, 3], [2, 3, 4], [3, 4, 5]]

[sessions]
hours = 12   # how long a sign-in lasts                  env: STEWARD_SESSIONS_HOURS
idle_minutes = 0  # a sign-in unused this long ends (0: never; 5 to 1440)  env: STEWARD_SESSIONS_IDLE_MINUTES

# New passwords need this many characters (8 to 128) and must not be one of the
# 10,000 most common passwords (compared without case).
[passwords]
min_length = 12                                        # env: STEWARD_PASSWORDS_MIN_LENGTH

# Knowledge articles: a version is reviewed (submitted, then approved by a manager or
# admin) before it is published; small teams may let authors approve their own.
[knowledge]
review_required = true      # env: STEWARD_KNOWLEDGE_REVIEW_REQUIRED
author_may_review = false   # env: STEWARD_KNOWLEDGE_AUTHOR_MAY_REVIEW

# Outgoing mail. Without smtp_host no email is sent; notifications wait in the outbox.
[mail]
smtp_host = ""          # e.g. "mail.example.com"            env: STEWARD_MAIL_SMTP_HOST
smtp_port = 587         #                                    env: STEWARD_MAIL_SMTP_PORT
smtp_tls = "starttls"   # none, starttls (587) or tls (465)  env: STEWARD_MAIL_SMTP_TLS
smtp_username = ""      #                                    env: STEWARD_MAIL_SMTP_USERNAME
smtp_password = ""      #                                    env: STEWARD_MAIL_SMTP_PASSWORD
from = ""               # e.g. "Steward <steward@example.com>"  env: STEWARD_MAIL_FROM

[notifications]
base_url = ""       # links in messages; default public_url, else http://LISTEN   env: STEWARD_NOTIFICATIONS_BASE_URL
max_attempts = 8    # deliveries tried (back-off 30 s doubling, at most 1 h) before a message is dead
                    #                                    env: STEWARD_NOTIFICATIONS_MAX_ATTEMPTS
retry_base_secs = 30   # the first retry's wait; doubled each time, at most 1 h
                       #                                 env: STEWARD_NOTIFICATIONS_RETRY_BASE_SECS
# A message a node has taken to send is its own this long (60 to 3600): if the node dies
# while sending, another node sends it once this has passed. Each node sends up to 16
# messages at a time, 4 at once, each within 30 s: below 150 s a slow relay may get a
# message twice (with the same Message-ID, so the receiver can tell).
lease_secs = 300    #                                    env: STEWARD_NOTIFICATIONS_LEASE_SECS
# Webhooks never call internal addresses (loopback, private, link-local such as the cloud
# metadata service 169.254.169.254) unless a network here names them, e.g. ["10.20.0.0/16"].
#                                                       env: STEWARD_NOTIFICATIONS_WEBHOOK_ALLOW (comma-separated)
webhook_allow = []
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_run_without_a_file() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://./steward-data/steward.db");
        assert_eq!(c.given, Given::default());
    }

    #[test]
    fn the_default_database_follows_the_data_folder() {
        let o = Overrides { data_dir: Some("/srv/steward".into()), ..Default::default() };
        let c = Config::load_from(&o, vec![]).unwrap();
        assert_eq!(c.database_url, "sqlite:///srv/steward/steward.db");
        assert_eq!(c.given, Given { database_url: false, data_dir: true });
        let c = Config::load_from(&Overrides::default(), env(&[("STEWARD_DATA_DIR", "d")])).unwrap();
        assert_eq!(c.database_url, "sqlite://d/steward.db");
        let o =
            Overrides { data_dir: Some("d".into()), database_url: Some("sqlite://x.db".into()), ..Default::default() };
        let c = Config::load_from(&o, vec![]).unwrap();
        assert_eq!((c.database_url.as_str(), c.given.database_url), ("sqlite://x.db", true), "a named URL wins");
    }

    #[test]
    fn the_example_is_the_defaults() {
        let t: Config = toml::from_str(&example()).unwrap();
        let d = Config::default();
        assert_eq!(
            (t.listen, t.database_url, t.incidents.priority_matrix),
            (d.listen, d.database_url, d.incidents.priority_matrix)
        );
    }

    #[test]
    fn the_alertmanager_prefix_reaches_the_server_and_is_checked() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert_eq!(c.web_config().unwrap().alertmanager_prefix, None);
        let c =
            Config::load_from(&Overrides::default(), env(&[("STEWARD_ALERTS_PATH_PREFIX", "/alertmanager")])).unwrap();
        assert_eq!(c.web_config().unwrap().alertmanager_prefix.as_deref(), Some("/alertmanager"));
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_ALERTS_PATH_PREFIX", "/alerts")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("alerts.path_prefix: \"/alerts\" collides with Steward's own paths"), "{err}");
    }

    #[test]
    fn the_audit_head_file_reaches_the_store() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert_eq!(c.store_options().audit_head_file, None);
        let c =
            Config::load_from(&Overrides::default(), env(&[("STEWARD_AUDIT_HEAD_FILE", "/srv/audit.head")])).unwrap();
        assert_eq!(c.store_options().audit_head_file, Some(PathBuf::from("/srv/audit.head")));
    }

    #[test]
    fn layers_override_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\n[incidents]\nauto_close_days = 3\n").unwrap();
        let o = Overrides { config: Some(path.clone()), ..Default::default() };
        let c = Config::load_from(&o, env(&[("STEWARD_INCIDENTS_AUTO_CLOSE_DAYS", "5")])).unwrap();
        assert_eq!((c.listen.as_str(), c.incidents.auto_close_days), ("127.0.0.1:9000", 5));
        let o = Overrides { config: Some(path), listen: Some("127.0.0.1:9100".into()), ..Default::default() };
        let c = Config::load_from(&o, env(&[("STEWARD_LISTEN", "127.0.0.1:9050")])).unwrap();
        assert_eq!(c.listen, "127.0.0.1:9100");
    }

    #[test]
    fn bad_values_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "listne = \"x\"\n").unwrap();
        let err =
            Config::load_from(&Overrides { config: Some(path.clone()), ..Default::default() }, vec![]).unwrap_err();
        assert!(err.to_string().contains("unknown field `listne`"), "{err}");
        std::fs::write(&path, "[incidents]\nauto_close_days = \"soon\"\n").unwrap();
        let err = Config::load_from(&Overrides { config: Some(path), ..Default::default() }, vec![]).unwrap_err();
        assert!(err.to_string().contains("auto_close_days") || err.to_string().contains("invalid type"), "{err}");
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_LISTEN", "nowhere")])).unwrap_err();
        assert!(err.to_string().contains("listen: \"nowhere\""), "{err}");
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_DATABASE_URL", "mysql://x")])).unwrap_err();
        assert!(err.to_string().contains("database_url"), "{err}");
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_LISTN", "x")])).unwrap_err();
        assert!(err.to_string().contains("unknown environment variable STEWARD_LISTN"), "{err}");
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_SESSIONS_HOURS", "0")])).unwrap_err();
        assert!(err.to_string().contains("sessions.hours"), "{err}");
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_SESSIONS_IDLE_MINUTES", "3")])).unwrap_err();
        assert!(err.to_string().contains("sessions.idle_minutes: must be 0 (off) or between 5 and 1440"), "{err}");
        let c = Config::load_from(&Overrides::default(), env(&[("STEWARD_SESSIONS_IDLE_MINUTES", "30")])).unwrap();
        assert_eq!(c.app_config().unwrap().session_idle_minutes, 30);
        let err = Config::load_from(&Overrides::default(), env(&[("STEWARD_PASSWORDS_MIN_LENGTH", "4")])).unwrap_err();
        assert!(err.to_string().contains("passwords.min_length: must be between 8 and 128"), "{err}");
        let c = Config::load_from(&Overrides::default(), env(&[("STEWARD_PASSWORDS_MIN_LENGTH", "16")])).unwrap();
        assert_eq!(c.app_config().unwrap().password_min_length, 16);
        assert!(example().contains("min_length = 12"), "the example shows the default");
    }

    #[test]
    fn mail_settings_are_checked_and_layered() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert!(c.smtp().unwrap().is_none(), "no relay by default");
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        let c = Config::load_from(
            &Overrides::default(),
            env(&[
                ("STEWARD_MAIL_SMTP_HOST", "127.0.0.1"),
                ("STEWARD_MAIL_SMTP_PORT", "2525"),
                ("STEWARD_MAIL_SMTP_TLS", "none"),
                ("STEWARD_MAIL_SMTP_USERNAME", "desk"),
                ("STEWARD_MAIL_SMTP_PASSWORD", "12345678"),
                ("STEWARD_MAIL_FROM", "Steward <desk@example.org>"),
                ("STEWARD_NOTIFICATIONS_BASE_URL", "https://steward.example.org/"),
                ("STEWARD_NOTIFICATIONS_MAX_ATTEMPTS", "3"),
            ]),
        )
        .unwrap();
        let smtp = c.smtp().unwrap().unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.password.as_deref()), ("127.0.0.1", 2525, Some("12345678")));
        assert_eq!(c.base_url(), "https://steward.example.org");
        let app = c.app_config().unwrap();
        assert_eq!(app.notify.max_attempts, 3);
        assert_eq!(app.notify.domain(), "example.org");
        assert!(!format!("{c:?}").contains("12345678"), "the password is redacted");

        for (vars, key) in [
            (vec![("STEWARD_MAIL_SMTP_TLS", "ssl")], "mail.smtp_tls"),
            (vec![("STEWARD_MAIL_SMTP_HOST", "mail")], "mail.from"),
            (vec![("STEWARD_MAIL_SMTP_HOST", "mail"), ("STEWARD_MAIL_FROM", "not an address")], "mail.from"),
            (vec![("STEWARD_MAIL_SMTP_PORT", "70000")], "smtp_port"),
            (vec![("STEWARD_NOTIFICATIONS_MAX_ATTEMPTS", "0")], "notifications.max_attempts"),
            (vec![("STEWARD_NOTIFICATIONS_RETRY_BASE_SECS", "0")], "notifications.retry_base_secs"),
            (vec![("STEWARD_NOTIFICATIONS_LEASE_SECS", "59")], "notifications.lease_secs"),
            (vec![("STEWARD_NOTIFICATIONS_BASE_URL", "steward.example.org")], "notifications.base_url"),
        ] {
            let err = Config::load_from(&Overrides::default(), env(&vars)).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{vars:?}: {err:#}");
        }
        for (vars, key) in [
            (vec![("STEWARD_INBOUND_IMAP_TLS", "starttls")], "inbound.imap_tls"),
            (vec![("STEWARD_INBOUND_IMAP_PORT", "0")], "inbound.imap_port"),
            (vec![("STEWARD_INBOUND_IMAP_HOST", "imap.example.org")], "inbound.imap_username"),
            (vec![("STEWARD_INBOUND_POLL_SECS", "0")], "inbound.poll_secs"),
            (vec![("STEWARD_INBOUND_CREATE_REQUESTERS", "maybe")], "inbound.create_requesters"),
        ] {
            let err = Config::load_from(&Overrides::default(), env(&vars)).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{vars:?}: {err:#}");
        }
        let imap = env(&[
            ("STEWARD_INBOUND_IMAP_HOST", "imap.example.org"),
            ("STEWARD_INBOUND_IMAP_USERNAME", "desk"),
            ("STEWARD_INBOUND_IMAP_PASSWORD", "s3cret-imap"),
            ("STEWARD_INBOUND_CREATE_REQUESTERS", "true"),
        ]);
        let c = Config::load_from(&Overrides::default(), imap).unwrap();
        let inbound = c.app_config().unwrap().inbound;
        assert!(inbound.create_requesters && inbound.imap.is_some_and(|i| i.port == 993 && i.folder == "INBOX"));
        assert!(!format!("{c:?}").contains("s3cret-imap"), "the password is redacted");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[mail]\nsmtp_hots = \"x\"\n").unwrap();
        let err = Config::load_from(&Overrides { config: Some(path), ..Default::default() }, vec![]).unwrap_err();
        assert!(err.to_string().contains("unknown field `smtp_hots`"), "{err}");
    }

    #[test]
    fn site_and_mail_in_defaults_are_checked_naming_the_key() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        let app = c.app_config().unwrap();
        assert_eq!((app.site.language.as_str(), app.site.time_zone.as_str()), ("en", "UTC"));
        assert_eq!((app.inbound.default_group, app.inbound.default_impact, app.inbound.default_urgency), (None, 3, 3));
        let c = Config::load_from(
            &Overrides::default(),
            env(&[
                ("STEWARD_SITE_LANGUAGE", "pl"),
                ("STEWARD_SITE_TIME_ZONE", "Europe/Warsaw"),
                ("STEWARD_INBOUND_DEFAULT_GROUP", "Service Desk"),
                ("STEWARD_INBOUND_DEFAULT_IMPACT", "2"),
                ("STEWARD_INBOUND_DEFAULT_URGENCY", "1"),
            ]),
        )
        .unwrap();
        let app = c.app_config().unwrap();
        assert_eq!((app.site.language.as_str(), app.site.time_zone.as_str()), ("pl", "Europe/Warsaw"));
        assert_eq!(app.inbound.default_group.as_deref(), Some("Service Desk"));
        assert_eq!((app.inbound.default_impact, app.inbound.default_urgency), (2, 1));
        for (vars, says) in [
            (vec![("STEWARD_SITE_LANGUAGE", "de")], "site.language: must be one of en, pl, got \"de\""),
            (vec![("STEWARD_SITE_TIME_ZONE", "Europe/Warsow")], "site.time_zone: \"Europe/Warsow\" is not a time zone"),
            (vec![("STEWARD_SITE_TIME_ZONE", "+02:00")], "site.time_zone"),
            (
                vec![("STEWARD_INBOUND_DEFAULT_IMPACT", "4")],
                "inbound.default_impact: must be 1 (high), 2 (medium) or 3 (low), got 4",
            ),
            (vec![("STEWARD_INBOUND_DEFAULT_URGENCY", "0")], "inbound.default_urgency: must be 1 (high)"),
            (vec![("STEWARD_INBOUND_DEFAULT_URGENCY", "high")], "inbound.default_urgency: must be a whole number"),
        ] {
            let err = Config::load_from(&Overrides::default(), env(&vars)).unwrap_err();
            assert!(format!("{err:#}").contains(says), "{vars:?}: {err:#}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[site]\nlanguage = \"fr\"\n").unwrap();
        let err = Config::load_from(&Overrides { config: Some(path.clone()), ..Default::default() }, vec![]);
        assert!(format!("{:#}", err.unwrap_err()).contains("site.language"));
        std::fs::write(&path, "[site]\nlangauge = \"pl\"\n").unwrap();
        let err = Config::load_from(&Overrides { config: Some(path), ..Default::default() }, vec![]).unwrap_err();
        assert!(err.to_string().contains("unknown field `langauge`"), "{err}");
        assert!(example().contains("[site]") && example().contains("default_group = \"\""), "the example shows them");
    }

    #[test]
    fn network_lists_from_file_and_environment() {
        let c = Config::load_from(
            &Overrides::default(),
            env(&[
                ("STEWARD_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7"),
                ("STEWARD_NOTIFICATIONS_WEBHOOK_ALLOW", "127.0.0.0/8"),
            ]),
        )
        .unwrap();
        assert_eq!(c.trusted_proxies, ["10.0.0.0/8", "192.168.1.7"]);
        let web = c.web_config().unwrap();
        assert!(web.trusted_proxies.contains([10, 9, 8, 7].into()));
        assert!(c.app_config().unwrap().notify.webhook_allow.contains([127, 0, 0, 1].into()));
        for (var, key) in [
            ("STEWARD_TRUSTED_PROXIES", "trusted_proxies: \"proxy.local\""),
            ("STEWARD_NOTIFICATIONS_WEBHOOK_ALLOW", "notifications.webhook_allow: \"proxy.local\""),
        ] {
            let err = Config::load_from(&Overrides::default(), env(&[(var, "proxy.local")])).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{err:#}");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "trusted_proxies = [\"10.0.0.0/33\"]\n").unwrap();
        let err = Config::load_from(&Overrides { config: Some(path), ..Default::default() }, vec![]).unwrap_err();
        assert!(format!("{err:#}").contains("trusted_proxies"), "{err:#}");
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(redact_url("postgres://steward:s3cret@db:5432/steward"), "postgres://steward:***@db:5432/steward");
        let c = Config { database_url: "postgres://u:pw@h/d".into(), ..Config::default() };
        assert!(!format!("{c:?}").contains("pw"));
    }

    #[test]
    fn number_prefixes_are_checked_naming_the_key() {
        let c = Config::load_from(&Overrides::default(), vec![]).unwrap();
        assert_eq!(c.numbers.to_domain().unwrap(), steward_domain::number::Prefixes::DEFAULT);
        assert!(example().contains("[numbers]\nincident = \"INC\""), "the example shows the defaults");
        let t: Config = toml::from_str(&example()).unwrap();
        assert_eq!(t.numbers.to_domain().unwrap(), steward_domain::number::Prefixes::DEFAULT);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[numbers]\nincident = \"tkt\"\narticle = \"Art\"\n").unwrap();
        let o = Overrides { config: Some(path.clone()), ..Default::default() };
        let p = Config::load_from(&o, vec![]).unwrap().numbers.to_domain().unwrap();
        assert_eq!(p, steward_domain::number::Prefixes::new(["TKT", "PRB", "ART", "CHG", "TASK"]).unwrap());
        let c = Config::load_from(&o, env(&[("STEWARD_NUMBERS_PROBLEM", "Prob")])).unwrap();
        assert_eq!(c.numbers.to_domain().unwrap().of(steward_domain::number::RecordKind::Problem), "PROB");

        for (vars, says) in [
            (vec![("STEWARD_NUMBERS_INCIDENT", "T")], "numbers.incident: must be 2 to 5 letters A-Z, got \"T\""),
            (
                vec![("STEWARD_NUMBERS_INCIDENT", "TICKET")],
                "numbers.incident: must be 2 to 5 letters A-Z, got \"TICKET\"",
            ),
            (vec![("STEWARD_NUMBERS_PROBLEM", "PR-1")], "numbers.problem: must be 2 to 5 letters A-Z, got \"PR-1\""),
            (vec![("STEWARD_NUMBERS_ARTICLE", "")], "numbers.article: must be 2 to 5 letters A-Z, got \"\""),
            (vec![("STEWARD_NUMBERS_ARTICLE", "Wiedzą")], "numbers.article: must be 2 to 5 letters A-Z"),
            (
                vec![("STEWARD_NUMBERS_PROBLEM", "inc")],
                "numbers.problem: INC is also the prefix of incidents: each kind needs its own",
            ),
            (
                vec![("STEWARD_NUMBERS_INCIDENT", "REC"), ("STEWARD_NUMBERS_ARTICLE", "rec")],
                "numbers.article: REC is also the prefix of incidents",
            ),
        ] {
            let err = Config::load_from(&Overrides::default(), env(&vars)).unwrap_err();
            assert!(format!("{err:#}").contains(says), "{vars:?}: {err:#}");
        }
        std::fs::write(&path, "[numbers]\nincident = 7\n").unwrap();
        let err = Config::load_from(&o, vec![]).unwrap_err();
        assert!(format!("{err:#}").contains("invalid type"), "{err:#}");
        std::fs::write(&path, "[numbers]\nrequest = \"REQ\"\n").unwrap();
        let err = Config::load_from(&o, vec![]).unwrap_err();
        assert!(err.to_string().contains("unknown field `request`"), "{err}");
        let c = Config::load_from(&Overrides::default(), env(&[("STEWARD_NUMBERS_CHANGE", "rfc")])).unwrap();
        assert_eq!(c.numbers.to_domain().unwrap().of(steward_domain::number::RecordKind::Change), "RFC");
    }
}
