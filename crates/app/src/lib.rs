//! Steward's use cases: every command and query checks who may do it, asks
//! the domain rules for the outcome and hands the writes to the store in one
//! transaction. Background workers live here too.

pub mod accounts;
pub mod alerts;
pub mod approval_policies;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod cab;
mod cache;
pub mod calendar_feeds;
pub mod change_calendar;
pub mod change_calendar_read;
pub mod change_templates;
pub mod changes;
pub mod checks;
pub mod cmdb;
pub mod counters;
pub mod desk;
pub mod discussion;
pub mod error;
pub mod export;
pub mod external_sign_in;
pub mod incidents;
pub mod ldap_sign_in;
pub mod leases;
pub mod links;
pub mod mail_in;
pub mod node_config;
pub mod notify;
pub mod oidc;
pub mod passwords;
pub mod problems;
pub(crate) mod records;
pub mod reports;
pub mod search;
pub mod seed;
pub mod sessions;
pub mod site;
pub mod sla;
pub mod suggest;
pub mod tasks;
pub mod throttle;
mod token_use;
pub mod totp;
pub mod two_factor;
pub mod users;
pub mod workers;

pub use error::{AppError, Code, FieldError, Message};
use std::{path::PathBuf, sync::Arc};
use steward_domain::{PriorityMatrix, Role};
use steward_store::Store;

/// Settings the use cases need; the binary fills them from configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Attachments are kept under `data_dir/attachments`.
    pub data_dir: PathBuf,
    pub attachment_max_bytes: usize,
    /// Resolved incidents close by themselves after this many days.
    pub auto_close_days: u32,
    pub session_hours: u32,
    /// A session unused this many minutes ends (0: never).
    pub session_idle_minutes: u32,
    /// The shortest password accepted (`passwords.min_length`).
    pub password_min_length: usize,
    pub priority_matrix: PriorityMatrix,
    /// How often the SLA timer looks for warnings and breaches due.
    pub sla_timer_every: std::time::Duration,
    pub inbound: mail_in::InboundConfig,
    /// Email and webhooks.
    pub notify: notify::NotifyConfig,
    /// The language and time zone of users who chose none.
    pub site: site::SiteConfig,
    /// Whether knowledge articles must be reviewed before they are published.
    pub knowledge: steward_domain::knowledge::ReviewPolicy,
    /// Steward's own checks: plugins, concurrency, keeping, on or off.
    pub checks: checks::ChecksConfig,
    /// Single sign-on with OpenID Connect (`[oidc]`); none: off.
    pub oidc: Option<oidc::OidcConfig>,
    /// Directory (LDAP) sign-in; `None`: local accounts only.
    pub ldap: Option<Arc<ldap_sign_in::LdapSignIn>>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("steward-data"),
            attachment_max_bytes: 10 * 1024 * 1024,
            auto_close_days: 7,
            session_hours: 12,
            session_idle_minutes: 0,
            password_min_length: passwords::DEFAULT_MIN_LENGTH,
            priority_matrix: PriorityMatrix::default(),
            sla_timer_every: std::time::Duration::from_secs(1),
            inbound: mail_in::InboundConfig::default(),
            notify: notify::NotifyConfig::default(),
            site: site::SiteConfig::default(),
            knowledge: steward_domain::knowledge::ReviewPolicy { required: true, author_may_review: false },
            checks: checks::ChecksConfig::default(),
            oidc: None,
            ldap: None,
        }
    }
}

/// The application: the store plus configuration; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Arc<AppConfig>,
    throttle: Arc<throttle::Throttle>,
    /// The key that binds a sign-in form to its pre-session, read once.
    login_key: Arc<std::sync::OnceLock<String>>,
    cache: Arc<cache::Cache>,
    sla_cache: Arc<sla::SlaCache>,
    notifier: Arc<notify::worker::Notifier>,
    cmdb: Arc<cmdb::CmdbCache>,
    token_uses: Arc<token_use::TokenUses>,
    scheduler: Arc<checks::scheduler::Scheduler>,
    /// The alert dispatcher's groups and timers (one pass at a time).
    dispatch: Arc<tokio::sync::Mutex<alerts::dispatch::DispatchState>>,
    /// What this node has done since it started (for `/metrics`).
    counters: Arc<counters::Counters>,
    /// The single sign-on provider's discovery and keys.
    oidc_cache: Arc<oidc::OidcCache>,
}

impl App {
    pub fn new(store: Store, config: AppConfig) -> Self {
        let notifier = Arc::new(notify::worker::Notifier::new(&config.notify, &config.site));
        Self {
            store,
            config: Arc::new(config),
            throttle: Arc::default(),
            login_key: Arc::default(),
            cache: Arc::default(),
            sla_cache: Arc::default(),
            notifier,
            cmdb: Arc::default(),
            token_uses: Arc::default(),
            scheduler: Arc::default(),
            dispatch: Arc::default(),
            counters: Arc::default(),
            oidc_cache: Arc::default(),
        }
    }
}

impl App {
    /// Reads the CMDB's in-memory view, caught up with the database.
    pub async fn cmdb_view<T>(&self, f: impl FnOnce(&cmdb::cache::View) -> T) -> Result<T, AppError> {
        self.cmdb.read(&self.store, f).await
    }
}

/// Who is acting: the signed-in user with their role and groups.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub group_ids: Vec<i64>,
    pub locale: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    /// The IANA zone the user chose; None: their browser's, else the site's.
    pub time_zone: Option<String>,
    /// The zone their browser last reported (at sign-in).
    pub browser_time_zone: Option<String>,
}

impl Actor {
    /// Whoever runs the `steward` command on the server: an admin who is
    /// no user. Only for settings that record no actor (calendars, SLAs);
    /// a change to a record always names a real user in its journal.
    pub fn operator() -> Actor {
        Actor {
            id: 0,
            username: "steward".into(),
            display_name: "Steward operator".into(),
            role: Role::Admin,
            group_ids: Vec::new(),
            locale: None,
            organisation_id: None,
            organisation_name: None,
            time_zone: None,
            browser_time_zone: None,
        }
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}
