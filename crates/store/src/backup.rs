//! Taking a whole database out and putting it back, for `steward backup`
//! and `steward restore` (the rows' shape is in [`crate::dump`]).
//!
//! A [`Snapshot`] reads every table in one transaction, so a backup taken
//! while the server serves is consistent: one REPEATABLE READ, READ ONLY
//! transaction on PostgreSQL, one read transaction on SQLite (WAL keeps
//! its snapshot while the writer goes on).
//!
//! A [`Restore`] is one transaction too: the migrations up to the
//! archive's schema, every table loaded, keys and counters set, the rows
//! read back and checked; a failure anywhere leaves nothing behind.
//! Secondary indexes are dropped while rows come in and built again at
//! the end (one sorted build each, as pg_restore does: kept in place,
//! every row's insert into each index was most of a restore's time), and
//! SQLite gets a larger page cache for it.

use crate::dump::{self, Table, TableDigest, Value};
use crate::{Result, Store, StoreError, db::Backend, migrate};
use futures_util::TryStreamExt;
use sqlx::{Any, AnyConnection, Executor, Transaction};

/// A consistent read of the whole database.
pub struct Snapshot {
    tx: Transaction<'static, Any>,
    backend: Backend,
}

/// A restore under way (see the module's comment); dropped unfinished, it
/// is rolled back.
pub struct Restore {
    tx: Transaction<'static, Any>,
    backend: Backend,
    /// PostgreSQL's foreign keys, dropped while loading (rows can come in
    /// any order) and added back at the end, which checks every row.
    foreign_keys: Vec<(String, String, String)>,
    /// Secondary indexes (name, definition), dropped while loading and
    /// built again at the end.
    indexes: Vec<(String, String)>,
}

/// SQLite's page cache while restoring, in KiB (the server's is 8 MiB):
/// index builds and the rows' read-back stay in memory.
const RESTORE_CACHE_KIB: i64 = 512 * 1024;

impl Store {
    /// Starts a consistent read of every table.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
        }
        Ok(Snapshot { tx, backend: self.backend() })
    }

    /// Whether the database holds no table at all (a restore's target).
    pub async fn is_blank(&self) -> Result<bool> {
        let sql = match self.backend() {
            Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            Backend::Postgres => {
                "SELECT COUNT(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')"
            }
        };
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(self.pool()).await?;
        Ok(n == 0)
    }

    /// Begins a restore into this (blank) database at schema `version`.
    pub async fn begin_restore(&self, version: i64) -> Result<Restore> {
        let backend = self.backend();
        let mut tx = self.pool().begin().await?;
        migrate::apply(&mut tx, backend, version).await?;
        let mut foreign_keys = Vec::new();
        match backend {
            // Checked at COMMIT instead of per row.
            Backend::Sqlite => {
                tx.execute("PRAGMA defer_foreign_keys = ON").await?;
                let sql = format!("PRAGMA cache_size = -{RESTORE_CACHE_KIB}");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
            }
            Backend::Postgres => {
                foreign_keys = sqlx::query_as(
                    "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                     WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY 1, 2",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (table, name, _) in &foreign_keys {
                    let sql = format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\"");
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                }
            }
        }
        // Indexes a constraint owns (primary keys, unique constraints) and
        // SQLite's automatic ones stay: they have no definition of their own.
        let indexes: Vec<(String, String)> = match backend {
            Backend::Sqlite => {
                sqlx::query_as(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
                )
                .fetch_all(&mut *tx)
                .await?
            }
            Backend::Postgres => {
                sqlx::query_as(
                    "SELECT i.relname::text, pg_get_indexdef(x.indexrelid) FROM pg_index x
                     JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                     WHERE t.relnamespace = current_schema()::regnamespace AND t.relkind = 'r'
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                     ORDER BY 1",
                )
                .fetch_all(&mut *tx)
                .await?
            }
        };
        for (name, _) in &indexes {
            let sql = format!("DROP INDEX \"{name}\"");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
        }
        Ok(Restore { tx, backend, foreign_keys, indexes })
    }
}

/// The schema version (the newest migration applied) a connection sees.
async fn schema_version(conn: &mut AnyConnection) -> Result<i64> {
    let (v,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM schema_migrations").fetch_one(conn).await?;
    Ok(v.unwrap_or(0))
}

/// A table's rows, each handed to `each` as plain values.
async fn each_row(conn: &mut AnyConnection, t: &Table, mut each: impl FnMut(Vec<Value>) -> Result<()>) -> Result<()> {
    let sql = dump::select_sql(t);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(conn);
    while let Some(row) = rows.try_next().await? {
        each(dump::read_row(&row)?)?;
    }
    Ok(())
}

impl Snapshot {
    pub async fn schema_version(&mut self) -> Result<i64> {
        schema_version(&mut self.tx).await
    }
    pub async fn tables(&mut self) -> Result<Vec<Table>> {
        dump::tables(&mut self.tx, self.backend).await
    }
    /// Every row of `t`, in key order.
    pub async fn rows(&mut self, t: &Table, each: impl FnMut(Vec<Value>) -> Result<()>) -> Result<()> {
        each_row(&mut self.tx, t, each).await
    }
    /// The last number given to each kind of record.
    pub async fn numbers(&mut self) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for (kind, seq) in crate::records::KINDS {
            let last: Option<(i64,)> = match self.backend {
                Backend::Sqlite => {
                    sqlx::query_as("SELECT last FROM record_numbers WHERE kind = $1")
                        .bind(kind)
                        .fetch_optional(&mut *self.tx)
                        .await?
                }
                Backend::Postgres => {
                    let sql = format!("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {seq}");
                    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_optional(&mut *self.tx).await?
                }
            };
            out.push((kind.to_owned(), last.map_or(0, |l| l.0)));
        }
        Ok(out)
    }
    pub async fn end(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

impl Restore {
    /// The tables of the target's schema, as [`dump::tables`] lists them.
    pub async fn tables(&mut self) -> Result<Vec<Table>> {
        dump::tables(&mut self.tx, self.backend).await
    }
    /// Empties `t` (the rows migrations seeded, or a trigger derived from
    /// a table loaded before it) before its rows come in.
    pub async fn clear(&mut self, t: &Table) -> Result<()> {
        let sql = format!("DELETE FROM \"{}\"", t.name);
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await?;
        Ok(())
    }
    pub async fn insert(&mut self, t: &Table, rows: Vec<Vec<Value>>) -> Result<()> {
        dump::insert(&mut self.tx, self.backend, t, rows).await
    }
    /// `t`'s rows as they are now, counted and hashed as a backup does.
    pub async fn digest(&mut self, t: &Table) -> Result<TableDigest> {
        let mut d = TableDigest::default();
        each_row(&mut self.tx, t, |row| {
            d.add(&dump::encode_row(&row)?);
            Ok(())
        })
        .await?;
        Ok(d)
    }

    /// Puts the foreign keys back (checking every row), sets the counters
    /// ids and numbers are drawn from, writes `settings` and commits.
    pub async fn finish(mut self, numbers: &[(String, i64)], settings: &[(&str, &str)]) -> Result<()> {
        let tx = &mut self.tx;
        let started = std::time::Instant::now();
        if self.backend == Backend::Postgres {
            tx.execute("SET LOCAL maintenance_work_mem = '256MB'").await?;
        }
        for (name, def) in &self.indexes {
            sqlx::raw_sql(sqlx::AssertSqlSafe(def.clone()))
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::Dump(format!("building the index {name} again: {e}")))?;
        }
        tracing::info!(indexes = self.indexes.len(), secs = started.elapsed().as_secs_f64(), "indexes built");
        let started = std::time::Instant::now();
        for (table, name, def) in &self.foreign_keys {
            let sql = format!("ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {def}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await
                .map_err(|e| StoreError::Dump(format!("the rows of {table} break {name}: {e}")))?;
        }
        match self.backend {
            Backend::Sqlite => {
                for (kind, last) in numbers {
                    sqlx::query(
                        "INSERT INTO record_numbers (kind, last)
                         SELECT $1, MAX($2, COALESCE((SELECT MAX(number) FROM records WHERE kind = $1), 0))
                         ON CONFLICT (kind) DO UPDATE SET last = excluded.last",
                    )
                    .bind(kind.clone())
                    .bind(*last)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            Backend::Postgres => {
                // Every identity and serial column's sequence after its
                // largest value.
                let owned: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT c.relname::text, a.attname::text, s.seq FROM pg_attribute a
                     JOIN pg_class c ON c.oid = a.attrelid
                     CROSS JOIN LATERAL (SELECT pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq) s
                     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                       AND a.attnum > 0 AND NOT a.attisdropped AND s.seq IS NOT NULL",
                )
                .fetch_all(&mut **tx)
                .await?;
                for (table, column, seq) in owned {
                    let sql = format!(
                        "SELECT setval('{seq}', COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
                    );
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut **tx).await?;
                }
                for (kind, seq) in crate::records::KINDS {
                    let last = numbers.iter().find(|(k, _)| k == kind).map_or(0, |n| n.1);
                    let sql = format!(
                        "SELECT setval('{seq}', GREATEST($1, COALESCE((SELECT MAX(number) FROM records WHERE kind = $2), 0)) + 1, false)"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(last).bind(kind).execute(&mut **tx).await?;
                }
            }
        }
        for (key, value) in settings {
            crate::settings::set(tx, key, value).await?;
        }
        if self.backend == Backend::Sqlite {
            tx.execute("PRAGMA cache_size = -8000").await?;
        }
        self.tx.commit().await?;
        tracing::info!(secs = started.elapsed().as_secs_f64(), "keys checked and committed");
        Ok(())
    }
}
