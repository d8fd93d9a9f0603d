//! The log of received mail: one row per Message-ID, saying what became
//! of the message (a comment, a new incident, ignored, refused and why).

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Default, FromRow, Serialize)]
pub struct InboundRow {
    pub id: i64,
    pub message_id: String,
    pub received_at: i64,
    pub sender: String,
    pub subject: String,
    /// `commented`, `created`, `ignored` or `refused`.
    pub outcome: String,
    pub record_kind: Option<String>,
    pub record_id: Option<i64>,
    /// The record's number within its kind (read, never written).
    #[sqlx(default)]
    pub record_number: Option<i64>,
    pub reason: Option<String>,
}

const COLUMNS: &str = "id, message_id, received_at, sender, subject, outcome, record_kind, record_id, reason, \
    (SELECT r.number FROM records r WHERE r.id = record_id) AS record_number";

pub async fn by_message_id(conn: &mut AnyConnection, message_id: &str) -> Result<Option<InboundRow>> {
    let sql = format!("SELECT {COLUMNS} FROM inbound_mail WHERE message_id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(message_id.to_owned()).fetch_optional(conn).await?)
}

/// Logs a message; false if its Message-ID was logged already.
pub async fn record(conn: &mut AnyConnection, r: &InboundRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO inbound_mail (message_id, received_at, sender, subject, outcome, record_kind, record_id, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(r.message_id.clone())
    .bind(r.received_at)
    .bind(r.sender.clone())
    .bind(r.subject.clone())
    .bind(r.outcome.clone())
    .bind(r.record_kind.clone())
    .bind(r.record_id)
    .bind(r.reason.clone())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The latest messages first, `before` an id from the previous page.
pub async fn recent(conn: &mut AnyConnection, before: Option<i64>, limit: i64) -> Result<Vec<InboundRow>> {
    let sql = format!("SELECT {COLUMNS} FROM inbound_mail WHERE id < $1 ORDER BY id DESC LIMIT $2");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(before.unwrap_or(i64::MAX)).bind(limit).fetch_all(conn).await?)
}
