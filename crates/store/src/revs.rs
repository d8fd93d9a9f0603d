//! Revisions of what nodes cache (`cache_revs`): a write that changes
//! cached data bumps its name's revision in the same transaction, and a
//! cache reads the revision (one row) before each use, so what any node or
//! the CLI committed holds everywhere for the next request.

use crate::Result;
use sqlx::AnyConnection;

/// SLA and OLA definitions, calendars and escalation rules.
pub const SLA: &str = "sla";
/// The active webhooks.
pub const WEBHOOKS: &str = "webhooks";

/// Marks `name`'s data changed; call inside the write that changes it.
pub async fn bump(conn: &mut AnyConnection, name: &str) -> Result<()> {
    sqlx::query("UPDATE cache_revs SET rev = rev + 1 WHERE name = $1").bind(name.to_owned()).execute(conn).await?;
    Ok(())
}

/// `name`'s revision now.
pub async fn get(conn: &mut AnyConnection, name: &str) -> Result<i64> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT rev FROM cache_revs WHERE name = $1").bind(name.to_owned()).fetch_optional(conn).await?;
    Ok(row.map_or(0, |r| r.0))
}
