//! Opening the database from the command line: only `serve` (and `demo`,
//! which creates its own folder) and `migrate` change its schema; every
//! other command refuses a database that does not exist or whose schema is
//! behind, naming the command that brings it up to date. A schema ahead of
//! this binary is refused by every command: an older steward must not
//! write to a database a newer one has shaped.
//!
//! `serve` on SQLite also holds a lock file next to the database
//! (`steward.db.lock`, with its process id), locked by the operating
//! system: a second `serve` on the same file stops and names the first;
//! a lock file left by a killed process blocks nothing, as its lock died
//! with the process.

use crate::config::{Config, redact_url};
use anyhow::{Context, Result};
use std::{
    fs::File,
    io::{Read, Seek, Write},
    path::{Path, PathBuf},
};
use steward_app::App;
use steward_store::{SchemaState, Store};

/// The database cannot be used as it is; the message says what to run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// The database as `cfg` names it, for messages: the file, or the URL
/// without its password.
fn shown(cfg: &Config) -> String {
    match steward_store::sqlite_file(&cfg.database_url) {
        Some(f) => f.display().to_string(),
        None => redact_url(&cfg.database_url),
    }
}

/// Opens an existing database whose schema is this binary's, without
/// changing it.
pub async fn open(cfg: &Config) -> Result<App> {
    if let Some(file) = steward_store::sqlite_file(&cfg.database_url) {
        if !file.exists() {
            return Err(NotReady(format!(
                "there is no database at {}; to create it, run `{}`",
                file.display(),
                command_line(cfg, "migrate")
            ))
            .into());
        }
    }
    let store = connect(cfg).await?;
    let state = store.schema_state().await?;
    if let Err(e) = check(cfg, state, false) {
        store.close().await;
        return Err(e);
    }
    Ok(App::new(store, cfg.app_config()?))
}

/// Opens the database for `serve`: created if new, migrated if behind,
/// refused if ahead of this binary.
pub async fn open_migrated(cfg: &Config) -> Result<App> {
    let store = connect(cfg).await?;
    let state = store.schema_state().await?;
    if let Err(e) = check(cfg, state, true) {
        store.close().await;
        return Err(e);
    }
    let ran = store.migrate().await?;
    if ran > 0 {
        tracing::info!(migrations = ran, "database migrated");
    }
    let app = App::new(store, cfg.app_config()?);
    // Files an older release kept in the data folder move into the database.
    let found = app.import_attachment_folder().await.map_err(crate::commands::app_error)?;
    if found.mismatched > 0 {
        tracing::warn!(files = found.mismatched, "attachments in the data folder did not match their hash");
    }
    Ok(app)
}

pub async fn connect(cfg: &Config) -> Result<Store> {
    Store::connect(&cfg.database_url, &cfg.store_options())
        .await
        .with_context(|| format!("cannot open the database {}", redact_url(&cfg.database_url)))
}

/// Refuses a schema ahead of this binary, and one behind it unless the
/// command migrates.
pub fn check(cfg: &Config, s: SchemaState, migrates: bool) -> Result<()> {
    if s.ahead() {
        return Err(NotReady(format!(
            "the database at {} is at schema {}, newer than this steward (which knows schema {}): \
             run the steward version that migrated it, or a newer one",
            shown(cfg),
            s.at,
            s.latest
        ))
        .into());
    }
    if s.behind() && !migrates {
        return Err(NotReady(format!(
            "the database at {} is at schema {} of {}; run `{}`",
            shown(cfg),
            s.at,
            s.latest,
            command_line(cfg, "migrate")
        ))
        .into());
    }
    Ok(())
}

/// The `steward SUBCOMMAND` line that works on the database `cfg` names:
/// the configuration file and data folder always, the database URL (its
/// password hidden) when one was named.
pub fn command_line(cfg: &Config, subcommand: &str) -> String {
    let mut args = vec!["steward".to_owned()];
    if let Some(file) = &cfg.flags.config {
        args.extend(["--config".to_owned(), shell_word(&file.to_string_lossy())]);
    }
    args.extend([subcommand.to_owned(), "--data-dir".to_owned(), shell_word(&cfg.data_dir.to_string_lossy())]);
    if cfg.given.database_url {
        args.extend(["--database-url".to_owned(), shell_word(&redact_url(&cfg.database_url))]);
    }
    args.join(" ")
}

/// `s` as one word for a POSIX shell: as it is when that is safe, else quoted.
pub fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:@=,+%".contains(c);
    if !s.is_empty() && s.chars().all(plain) { s.to_owned() } else { format!("'{}'", s.replace('\'', "'\\''")) }
}

/// The lock `serve` holds on an SQLite database while it runs.
pub struct ServeLock {
    file: File,
    path: PathBuf,
}

impl ServeLock {
    /// Takes the lock next to the database `cfg` names (none for
    /// PostgreSQL, which many nodes share); refuses when another process
    /// holds it, naming that process.
    pub fn take(cfg: &Config) -> Result<Option<ServeLock>> {
        let Some(db) = steward_store::sqlite_file(&cfg.database_url) else { return Ok(None) };
        let path = lock_path(&db);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let who = match pid.trim() {
                    "" => "another process".to_owned(),
                    p => format!("another steward (process {p})"),
                };
                return Err(NotReady(format!(
                    "{who} is already serving the database at {}; stop it first (lock file {})",
                    db.display(),
                    path.display()
                ))
                .into());
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_all()?;
        Ok(Some(ServeLock { file, path }))
    }
}

impl Drop for ServeLock {
    /// Empties the file; it is not removed, as a process waiting to open it
    /// could then lock a file nobody else sees. The lock ends with the file
    /// handle (or the process).
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        tracing::debug!(file = %self.path.display(), "serve lock released");
    }
}

/// `steward.db` → `steward.db.lock`.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}
