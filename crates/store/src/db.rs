//! Connecting: the backend is chosen by the URL scheme, and every dialect
//! difference between SQLite and PostgreSQL is written here, once.

use crate::{Result, StoreError, writer::Writer};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::{str::FromStr, sync::Arc, time::Duration};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(url.to_owned()))
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The SQL that differs between the engines.
#[derive(Debug, Clone, Copy)]
pub struct Dialect(pub Backend);

impl Dialect {
    /// SQLite takes the write lock up front so a transaction never has to
    /// upgrade (and fail with SQLITE_BUSY) half way.
    pub fn begin_write(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }
    /// Row lock for read-modify-write; SQLite's single writer needs none.
    pub fn for_update(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
    /// Claiming queue rows: on PostgreSQL several nodes claim at once, and
    /// each must skip the rows another one has locked instead of waiting for
    /// them (or taking them twice); SQLite's single writer needs nothing.
    pub fn skip_locked(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
    /// The larger of two values: SQLite's two-argument `max`, PostgreSQL's
    /// `GREATEST`.
    pub fn greatest(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "max",
            Backend::Postgres => "GREATEST",
        }
    }
    /// A key's text in a JSON object kept as text, written as the
    /// expression indexes on it are (they must match to be used).
    pub fn json_text(self, column: &str, key: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("json_extract({column}, '$.{key}')"),
            Backend::Postgres => format!("({column}::jsonb ->> '{key}')"),
        }
    }
    /// Where a text occurs in another, from 1 (0: nowhere), case and all.
    pub fn position(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "instr",
            Backend::Postgres => "strpos",
        }
    }
    /// Case-insensitive substring match operator.
    pub fn ilike(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "LIKE",
            Backend::Postgres => "ILIKE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Connections for reads (and, on PostgreSQL, for the writers too).
    pub max_connections: u32,
    /// Group-commit writers; SQLite always has exactly one.
    pub writers: usize,
    pub acquire_timeout: Duration,
    /// Where the audit chain's head is written after every append
    /// (`audit.head_file`; see [`crate::audit_head`]).
    pub audit_head_file: Option<std::path::PathBuf>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 8, writers: 4, acquire_timeout: Duration::from_secs(10), audit_head_file: None }
    }
}

struct Inner {
    backend: Backend,
    read: AnyPool,
    writer: Writer,
}

/// The one handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl Store {
    /// Connects (creating the SQLite file and its folder if needed). Does not
    /// migrate: call [`Store::migrate`].
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let timeout = opts.acquire_timeout;
        let (read, make_write_pool): (AnyPool, crate::writer::PoolFactory) = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url)?;
                let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
                // Connect once here, so the file and WAL mode exist before
                // anyone else opens it and a bad path fails at start.
                sqlite_pool(1, timeout).connect_with(options.clone()).await?.close().await;
                let read = sqlite_pool(opts.max_connections.max(1), timeout).connect_lazy_with(options.clone());
                tokio::spawn(checkpoint(read.clone()));
                (read, Box::new(move || sqlite_pool(1, timeout).connect_lazy_with(options)))
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
                let read = pg_pool(opts.max_connections.max(2), timeout)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Reads run generic plans: a page's statements
                            // are the same few texts over and over, and
                            // planning each anew (custom plans) cost more
                            // than running it (a list: 0.5 ms planning, 0.3
                            // ms running; the home page's ten counts: 1.5 ms).
                            // tests/query_plans.rs checks that every list
                            // filter's generic plan uses its index. No JIT:
                            // a generic plan prices `LIMIT $n` at a tenth of
                            // the table, which set off JIT compiling (13 to
                            // 600 ms) for a list that reads 51 rows in 1 ms.
                            conn.execute("SET plan_cache_mode = force_generic_plan; SET jit = off").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options.clone())
                    .await?;
                let writers = opts.writers.max(1) as u32;
                (read, Box::new(move || pg_pool(writers, timeout).connect_lazy_with(options)))
            }
        };
        let writers = if backend == Backend::Sqlite { 1 } else { opts.writers.max(1) };
        let writer = Writer::start(make_write_pool, Dialect(backend), writers, opts.audit_head_file.clone())?;
        Ok(Store { inner: Arc::new(Inner { backend, read, writer }) })
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }
    pub fn dialect(&self) -> Dialect {
        Dialect(self.inner.backend)
    }
    /// The pool for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.inner.read
    }
    pub(crate) fn writer(&self) -> &Writer {
        &self.inner.writer
    }
    /// The group-commit writers' figures since start (`/metrics`).
    pub fn writer_stats(&self) -> crate::writer::WriterReading {
        self.inner.writer.stats()
    }
    /// The read pool's connections: (open, idle).
    pub fn pool_connections(&self) -> (u32, usize) {
        (self.inner.read.size(), self.inner.read.num_idle())
    }

    /// Is the database answering?
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.inner.read).await?;
        Ok(())
    }

    /// Does the database hold any incident yet?
    pub async fn has_incidents(&self) -> Result<bool> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM records WHERE kind = 'incident' LIMIT 1")
            .fetch_optional(&self.inner.read)
            .await?;
        Ok(row.is_some())
    }

    /// Refreshes the planner's statistics after a bulk load; on PostgreSQL
    /// also the visibility map, without which an index-only count still
    /// visits every heap page it counts.
    pub async fn analyze(&self) -> Result<()> {
        let sql = match self.inner.backend {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM (ANALYZE)",
        };
        sqlx::raw_sql(sql).execute(self.pool()).await?;
        Ok(())
    }

    /// How many incidents are stored (a full count: for tools, not pages).
    pub async fn count_incidents(&self) -> Result<i64> {
        self.count_records("incident").await
    }

    /// How many records of `kind` are stored.
    pub async fn count_records(&self, kind: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM records WHERE kind = $1")
            .bind(kind)
            .fetch_one(&self.inner.read)
            .await?;
        Ok(n)
    }

    /// How many rows `table` holds (a full count, for tools; `table` is a
    /// name from the code, never from input).
    pub async fn count_rows(&self, table: &'static str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&self.inner.read).await?;
        Ok(n)
    }

    /// Transactions committed in this database so far, reads included
    /// (PostgreSQL's statistics, which trail by up to a second); None on
    /// SQLite. For benchmarks.
    pub async fn transactions_committed(&self) -> Result<Option<i64>> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let (n,): (i64,) =
            sqlx::query_as("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
                .fetch_one(&self.inner.read)
                .await?;
        Ok(Some(n))
    }

    /// Whether this is PostgreSQL with autovacuum turned off: then nothing
    /// keeps the planner's statistics current, and lists over a table that
    /// grew since its last ANALYZE may walk it whole.
    pub async fn autovacuum_off(&self) -> Result<bool> {
        if self.inner.backend != Backend::Postgres {
            return Ok(false);
        }
        let (on,): (String,) = sqlx::query_as("SHOW autovacuum").fetch_one(&self.inner.read).await?;
        Ok(on != "on")
    }

    /// The durability setting commits run with: SQLite's `synchronous`
    /// (2 = FULL) or PostgreSQL's `synchronous_commit`.
    pub async fn durability(&self) -> Result<String> {
        use sqlx::Row;
        let sql = match self.inner.backend {
            Backend::Sqlite => "PRAGMA synchronous",
            Backend::Postgres => "SHOW synchronous_commit",
        };
        // Ask the writer's connection: that is where commits happen.
        let row = self
            .write(move |c| Box::pin(async move { Ok::<_, StoreError>(sqlx::query(sql).fetch_one(&mut *c).await?) }))
            .await?;
        Ok(match row.try_get::<String, _>(0) {
            Ok(s) => s,
            Err(_) => match row.try_get::<i64, _>(0)? {
                2 => "FULL".to_owned(),
                3 => "EXTRA".to_owned(),
                v => v.to_string(),
            },
        })
    }

    /// Creates an empty PostgreSQL database next to `server_url` (if it does
    /// not exist) and returns its URL: for tests and benchmarks.
    pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<String> {
        use sqlx::Connection;
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(StoreError::BadUrl(format!("bad database name {name:?}")));
        }
        let mut conn = sqlx::PgConnection::connect(server_url).await?;
        let exists: Option<(i32,)> =
            sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1").bind(name).fetch_optional(&mut conn).await?;
        if exists.is_none() {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await?;
        }
        let (prefix, _) = server_url.rsplit_once('/').ok_or_else(|| StoreError::BadUrl(server_url.to_owned()))?;
        Ok(format!("{prefix}/{name}"))
    }

    /// Drops database `name` on the server at `server_url` (a benchmark's
    /// scratch database), ending its sessions.
    pub async fn drop_postgres_database(server_url: &str, name: &str) -> Result<()> {
        use sqlx::Connection;
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(StoreError::BadUrl(format!("bad database name {name:?}")));
        }
        let mut conn = sqlx::PgConnection::connect(server_url).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .execute(&mut conn)
            .await?;
        Ok(())
    }

    /// Writes a consistent copy of an SQLite database to `path` while it is
    /// in use. PostgreSQL has its own tools (pg_dump), which the CLI calls.
    pub async fn backup_sqlite(&self, path: &str) -> Result<()> {
        let mut conn = self.inner.read.acquire().await?;
        sqlx::query("VACUUM INTO $1").bind(path.to_owned()).execute(&mut *conn).await?;
        Ok(())
    }

    /// Waits for queued writes to finish and closes the pools.
    pub async fn close(&self) {
        self.inner.writer.close().await;
        if self.inner.backend == Backend::Sqlite {
            // Leave a compact database file behind, the log folded in.
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.inner.read).await;
        }
        self.inner.read.close().await;
    }
}

fn sqlite_pool(n: u32, timeout: Duration) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(n)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .acquire_timeout(timeout)
        // A ping per checkout would double the round trips to SQLite's
        // worker thread; a local file does not drop.
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // WAL lets readers run beside the writer; FULL flushes every
                // commit so that an answer means it is on disk; checkpoints
                // run in the background (see `checkpoint`). Statement
                // journals in memory: every insert in a group-commit batch
                // opens one, and on a temporary file each cost a write call.
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                     PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 0; \
                     PRAGMA temp_store = MEMORY",
                )
                .await?;
                Ok(())
            })
        })
}

fn pg_pool(n: u32, timeout: Duration) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(n)
        .min_connections(0)
        .idle_timeout(Duration::from_secs(60))
        .acquire_timeout(timeout)
}

/// Copies the SQLite write-ahead log into the database file every second,
/// from a reader connection. Commits then only append to the log and never
/// pay for a checkpoint (`wal_autocheckpoint` is off); a passive checkpoint
/// does not block the writer. Ends when the pool is closed.
async fn checkpoint(pool: AnyPool) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(error = %e, "WAL checkpoint failed");
        }
    }
}

/// The URL of the SQLite file at `path`: characters a URL cannot hold as
/// they are (a space, `#`, `?`, `%`, non-ASCII) are percent-encoded, as
/// sqlx decodes them.
pub fn sqlite_url_of(path: &std::path::Path) -> String {
    let mut out = String::from("sqlite://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A URL's path with its `%XX` escapes decoded (a malformed one is kept).
fn percent_decoded(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The file an SQLite URL names (its `%XX` escapes decoded); `None` for
/// another backend or an in-memory database.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if Backend::from_url(url).ok()? != Backend::Sqlite {
        return None;
    }
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(percent_decoded(path)))
}

/// Adds `mode=rwc` so the file is created, and creates its folder.
fn sqlite_url(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(StoreError::BadUrl(url.to_owned()));
    }
    if path != ":memory:" {
        let file = percent_decoded(path);
        if let Some(dir) = std::path::Path::new(&file).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::BadUrl(format!("{url}: cannot create {}: {e}", dir.display())))?;
        }
    }
    let query = if query.contains("mode=") {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::from_url("postgres://h/db").unwrap(), Backend::Postgres);
        assert_eq!(Backend::from_url("postgresql://h/db").unwrap(), Backend::Postgres);
        assert!(matches!(Backend::from_url("mysql://h/db"), Err(StoreError::BadUrl(_))));
    }

    #[test]
    fn a_file_path_becomes_a_url_and_back() {
        let path = std::path::Path::new("./my demo/#1?/zażółć 100%/steward.db");
        let url = sqlite_url_of(path);
        assert_eq!(url, "sqlite://./my%20demo/%231%3F/za%C5%BC%C3%B3%C5%82%C4%87%20100%25/steward.db");
        assert_eq!(percent_decoded(url.trim_start_matches("sqlite://")), path.to_string_lossy());
        assert_eq!(
            sqlite_url_of(std::path::Path::new("./steward-data/steward.db")),
            "sqlite://./steward-data/steward.db"
        );
        assert_eq!(percent_decoded("a%2"), "a%2", "a malformed escape is kept");
        assert_eq!(sqlite_file(&url).as_deref(), Some(path));
        assert_eq!(sqlite_file("sqlite://x.db?mode=ro").as_deref(), Some(std::path::Path::new("x.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }

    #[tokio::test]
    async fn a_database_in_a_folder_with_a_space_opens() {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url_of(&dir.path().join("my data/steward.db"));
        let store = Store::connect(&url, &StoreOptions::default()).await.unwrap();
        store.close().await;
        assert!(dir.path().join("my data/steward.db").exists(), "{url}");
    }
}
