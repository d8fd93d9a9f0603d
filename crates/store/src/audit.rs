//! The security audit log: append-only (chained by hashes, see
//! [`crate::audit_chain`]), read newest first by keyset.

use crate::Result;
use sqlx::{AnyConnection, FromRow};

/// One event as stored.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub subject: String,
    pub client: String,
    pub detail: String,
}

/// An event to append (its id and time are given by `insert`).
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub at: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub subject: String,
    pub client: String,
    pub detail: String,
}

/// Appends `e` to the hash chain in the caller's transaction (see
/// [`crate::audit_chain`]); answers its id.
pub async fn insert(conn: &mut AnyConnection, e: &NewAuditEvent) -> Result<i64> {
    Ok(crate::audit_chain::append(conn, e).await?.id)
}

/// Which events to read: each filter has its index (`kind, id` and
/// `actor_name, id`); `before` is the last id of the previous page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<String>,
    pub actor: Option<String>,
    pub before: Option<i64>,
    pub limit: i64,
}

/// Newest first.
pub async fn list(conn: &mut AnyConnection, f: &AuditFilter) -> Result<Vec<AuditEvent>> {
    let mut sql = String::from(
        "SELECT id, at, kind, actor_id, actor_name, subject, client, detail FROM audit_events WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    if f.kind.is_some() {
        sql.push_str(&format!(" AND kind = ${}", next()));
    }
    if f.actor.is_some() {
        sql.push_str(&format!(" AND actor_name = ${}", next()));
    }
    if f.before.is_some() {
        sql.push_str(&format!(" AND id < ${}", next()));
    }
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", next()));
    let mut q = sqlx::query_as::<_, AuditEvent>(sqlx::AssertSqlSafe(sql));
    if let Some(k) = &f.kind {
        q = q.bind(k.clone());
    }
    if let Some(a) = &f.actor {
        q = q.bind(a.clone());
    }
    if let Some(b) = f.before {
        q = q.bind(b);
    }
    Ok(q.bind(f.limit).fetch_all(conn).await?)
}
