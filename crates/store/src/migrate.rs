//! Versioned migrations, one folder per backend, embedded in the binary.
//!
//! A released migration is never edited: its checksum is stored and checked
//! at every start. On PostgreSQL an advisory lock keeps nodes that start
//! together from migrating twice.

use crate::{Result, Store, StoreError, db::Backend};
use sqlx::{Connection, Executor};

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $($v:literal $file:literal $name:literal),+ $(,)?) => {
        &[$(Migration {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $file, "_", $name, ".sql")),
        }),+]
    };
}

// Each entry: version, file prefix, name (the file is `NNNN_name.sql`).
pub const SQLITE: &[Migration] = migrations!("sqlite":
    1 "0001" "foundation",
    2 "0002" "service_levels",
    3 "0003" "escalations",
    4 "0004" "cmdb",
    5 "0005" "desk",
    6 "0006" "security",
    7 "0007" "accounts_admin",
    8 "0008" "list_indexes",
    9 "0009" "browser_defaults",
    10 "0010" "unique_emails",
    11 "0011" "records",
    12 "0012" "problems",
    13 "0013" "search",
    14 "0014" "knowledge",
    15 "0015" "unassigned_covering",
    16 "0016" "knowledge_search",
    17 "0017" "sla_record_kinds",
    18 "0018" "search_writes",
    19 "0019" "search_tables",
    20 "0020" "ci_search",
    21 "0021" "changes",
    22 "0022" "change_calendar",
    23 "0023" "change_approvals",
    24 "0024" "calendar_feeds",
    25 "0025" "cab_meetings",
    26 "0026" "change_templates",
    27 "0027" "change_tasks",
    28 "0028" "risk_questionnaire",
    29 "0029" "alerts",
    30 "0030" "checks",
    31 "0031" "alert_merge",
    32 "0032" "alert_windows",
    33 "0033" "alert_dispatch",
    34 "0034" "alert_history",
    35 "0035" "report_days",
    36 "0036" "report_totals",
    37 "0037" "improvements",
    38 "0038" "saved_reports",
    39 "0039" "report_marks",
    40 "0040" "dashboards",
    41 "0041" "attachment_blobs",
    42 "0042" "cache_revs",
    43 "0043" "two_factor",
    44 "0044" "audit_chain",
    45 "0045" "external_identities",
    46 "0046" "oidc_logins",
    47 "0047" "alert_labels",
);
pub const POSTGRES: &[Migration] = migrations!("postgres":
    1 "0001" "foundation",
    2 "0002" "service_levels",
    3 "0003" "escalations",
    4 "0004" "cmdb",
    5 "0005" "desk",
    6 "0006" "security",
    7 "0007" "accounts_admin",
    8 "0008" "list_indexes",
    9 "0009" "browser_defaults",
    10 "0010" "unique_emails",
    11 "0011" "records",
    12 "0012" "problems",
    13 "0013" "search",
    14 "0014" "knowledge",
    15 "0015" "unassigned_covering",
    16 "0016" "knowledge_search",
    17 "0017" "sla_record_kinds",
    18 "0018" "search_writes",
    19 "0019" "search_tables",
    20 "0020" "ci_search",
    21 "0021" "changes",
    22 "0022" "change_calendar",
    23 "0023" "change_approvals",
    24 "0024" "calendar_feeds",
    25 "0025" "cab_meetings",
    26 "0026" "change_templates",
    27 "0027" "change_tasks",
    28 "0028" "risk_questionnaire",
    29 "0029" "alerts",
    30 "0030" "checks",
    31 "0031" "alert_merge",
    32 "0032" "alert_windows",
    33 "0033" "alert_dispatch",
    34 "0034" "alert_history",
    35 "0035" "report_days",
    36 "0036" "report_totals",
    37 "0037" "improvements",
    38 "0038" "saved_reports",
    39 "0039" "report_marks",
    40 "0040" "dashboards",
    41 "0041" "attachment_blobs",
    42 "0042" "cache_revs",
    43 "0043" "two_factor",
    44 "0044" "audit_chain",
    45 "0045" "external_identities",
    46 "0046" "oidc_logins",
    47 "0047" "alert_labels",
);

pub fn for_backend(b: Backend) -> &'static [Migration] {
    match b {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// A database's schema version and the newest this binary knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaState {
    /// The newest migration applied (0: none).
    pub at: i64,
    /// The newest migration this binary has.
    pub latest: i64,
}

impl SchemaState {
    pub fn behind(self) -> bool {
        self.at < self.latest
    }
    pub fn ahead(self) -> bool {
        self.at > self.latest
    }
}

/// FNV-1a: enough to notice that a released migration was edited.
fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

impl Store {
    /// Applies every pending migration; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        self.migrate_until(i64::MAX).await
    }

    /// Applies the pending migrations up to version `last`: a test of a
    /// migration fills the database as it was before it.
    pub async fn migrate_until(&self, last: i64) -> Result<usize> {
        let backend = self.backend();
        let mut conn = self.pool().acquire().await?;
        if backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_lock(7413001)").await?;
        }
        let result = apply(&mut conn, backend, last).await;
        if backend == Backend::Postgres {
            conn.execute("SELECT pg_advisory_unlock(7413001)").await?;
        }
        result
    }

    /// Where the database's schema stands against this binary's
    /// migrations, without changing anything (an empty database is at 0).
    pub async fn schema_state(&self) -> Result<SchemaState> {
        let latest = for_backend(self.backend()).last().map_or(0, |m| m.version);
        let exists: Option<(i64,)> = match self.backend() {
            Backend::Sqlite => {
                sqlx::query_as("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                    .fetch_optional(self.pool())
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_as("SELECT 1::BIGINT FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'")
                    .fetch_optional(self.pool())
                    .await?
            }
        };
        let applied = if exists.is_some() { self.applied_migrations().await? } else { Vec::new() };
        Ok(SchemaState { at: applied.last().copied().unwrap_or(0), latest })
    }

    /// The versions already applied, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("SELECT version FROM schema_migrations ORDER BY version").fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

pub(crate) async fn apply(conn: &mut sqlx::AnyConnection, backend: Backend, last: i64) -> Result<usize> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .await?;
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    let known = for_backend(backend);
    for (v, sum) in &applied {
        match known.iter().find(|m| m.version == *v) {
            None => {
                return Err(StoreError::Migration(format!(
                    "the database has migration {v}, which this steward does not know: it is newer than this binary"
                )));
            }
            Some(m) if checksum(m.sql) != *sum => {
                return Err(StoreError::Migration(format!(
                    "migration {v} ({}) was edited after it was applied",
                    m.name
                )));
            }
            Some(_) => {}
        }
    }
    let mut ran = 0;
    for m in known.iter().filter(|m| m.version <= last && !applied.iter().any(|(v, _)| *v == m.version)) {
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql))
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::Migration(format!("{} {}: {e}", m.version, m.name)))?;
        if m.version == crate::audit_chain::CHAIN_MIGRATION {
            crate::audit_chain::seal_unchained(&mut tx)
                .await
                .map_err(|e| StoreError::Migration(format!("{} {}: chaining the audit log: {e}", m.version, m.name)))?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(checksum(m.sql))
            .bind(crate::now_micros())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        ran += 1;
    }
    Ok(ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |ms: &[Migration]| ms.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
        for ms in [SQLITE, POSTGRES] {
            assert!(
                ms.iter().enumerate().all(|(i, m)| m.version == i as i64 + 1),
                "migrations are numbered 1, 2, 3, … without gaps"
            );
        }
    }
}
