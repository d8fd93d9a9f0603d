//! Steward's persistence: one Store API over SQLite and PostgreSQL.
//!
//! The backend is picked by the URL scheme. All SQL lives in this crate,
//! written once in the dialect both engines share (`$1` binds, `RETURNING`,
//! row-value comparisons); the few real differences live in [`db::Dialect`].
//! Writes go through the group-commit [`writer`]: many concurrent commands
//! share one transaction and one flush, and none is answered before it.

pub mod accounts;
pub mod alert_dispatch;
pub mod alert_windows;
pub mod alerts;
pub mod approvals;
pub mod articles;
pub mod audit;
pub mod audit_chain;
pub mod audit_head;
pub mod audit_verify;
pub mod backup;
pub mod blobs;
pub mod cab_meetings;
pub mod calendar_entries;
pub mod calendar_feeds;
pub mod change_calendar;
pub mod change_outcomes;
pub mod change_templates;
pub mod changes;
pub mod checks;
pub mod cmdb;
pub mod dashboards;
pub mod db;
pub mod desk;
pub mod dump;
pub mod escalations;
pub mod external_identities;
pub mod fulltext;
pub mod improvements;
pub mod inbound;
pub mod journal;
pub mod links;
pub mod metrics;
pub mod migrate;
pub mod oidc_logins;
pub mod outbox;
pub mod problem_trends;
pub mod problems;
pub mod records;
pub mod reports;
pub mod revs;
pub mod saved_reports;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod sla;
mod sql;
pub mod tasks;
pub mod two_factor;
pub mod users;
pub mod watchers;
pub mod webhooks;
pub mod writer;

pub use db::{Backend, Dialect, Store, StoreOptions, sqlite_file, sqlite_url_of};
pub use migrate::SchemaState;
pub use sql::{BoxFut, now_micros};
pub use sqlx::AnyConnection as Conn;

/// What can go wrong below the use cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique key already holds this value; names the constraint or column.
    #[error("already exists: {0}")]
    Duplicate(String),
    /// A referenced row does not exist.
    #[error("refers to something that does not exist: {0}")]
    MissingReference(String),
    /// The row changed since it was read.
    #[error("the record was changed by someone else (version {current})")]
    StaleVersion { current: i64 },
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the write queue has stopped")]
    WriterGone,
    /// A deadlock or serialization failure that outlasted the writer's
    /// retries: trying again later can succeed.
    #[error("the database was busy: {0}")]
    Busy(String),
    /// A backup or restore could not copy a table; says which and why.
    #[error("{0}")]
    Dump(String),
    #[error("database error: {0}")]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        if let sqlx::Error::RowNotFound = e {
            return StoreError::NotFound;
        }
        if let sqlx::Error::Database(db) = &e {
            let what = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            // 40P01 deadlock_detected, 40001 serialization_failure.
            if matches!(db.code().as_deref(), Some("40P01" | "40001")) {
                writer::note_transient();
                return StoreError::Busy(db.message().to_owned());
            }
            match db.kind() {
                ErrorKind::UniqueViolation => return StoreError::Duplicate(what),
                ErrorKind::ForeignKeyViolation => return StoreError::MissingReference(what),
                _ => {}
            }
        }
        StoreError::Db(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
