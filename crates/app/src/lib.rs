//! Steward's use cases: every command and query checks who may do it, asks
//! the domain rules for the outcome and hands the writes to the store in one
//! transaction. Background workers live here too.

pub mod accounts;
pub mod auth;
mod cache;
pub mod error;
pub mod incidents;
pub mod notify;
pub mod seed;
pub mod workers;

pub use error::{AppError, FieldError};
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
    pub priority_matrix: PriorityMatrix,
    /// Email and webhooks.
    pub notify: notify::NotifyConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("steward-data"),
            attachment_max_bytes: 10 * 1024 * 1024,
            auto_close_days: 7,
            session_hours: 12,
            priority_matrix: PriorityMatrix::default(),
            notify: notify::NotifyConfig::default(),
        }
    }
}

/// The application: the store plus configuration; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub config: Arc<AppConfig>,
    throttle: Arc<auth::Throttle>,
    cache: Arc<cache::Cache>,
    notifier: Arc<notify::worker::Notifier>,
}

impl App {
    pub fn new(store: Store, config: AppConfig) -> Self {
        let notifier = Arc::new(notify::worker::Notifier::new(&config.notify));
        Self { store, config: Arc::new(config), throttle: Arc::default(), cache: Arc::default(), notifier }
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
}

impl Actor {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}
