//! The notification outbox: messages written in the transaction of the
//! change that caused them, claimed and delivered by workers.
//!
//! A message is `pending` until it is `sent`, or `dead` after its last
//! attempt (or a permanent failure) until an admin retries it. A worker
//! claims due rows by pushing their `next_attempt_at` past a lease in the
//! same write that selects them; if the worker dies, the lease runs out and
//! another one takes the row again (at-least-once delivery). On PostgreSQL
//! the claim skips rows another node has locked.

use crate::{Result, StoreError, db::Dialect};
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";
pub const STATES: [&str; 3] = [PENDING, SENT, DEAD];

/// A message to enqueue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// `email` or `webhook`.
    pub channel: String,
    /// The event name, e.g. `incident.commented`.
    pub event: String,
    pub record_kind: Option<String>,
    pub record_id: Option<i64>,
    /// An email address, or a webhook's id.
    pub target: String,
    /// Everything delivery needs, as JSON.
    pub payload: String,
    /// Set when the message is known to wait for something (e.g. SMTP is
    /// not configured), so the admin list says why.
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize, PartialEq)]
pub struct Message {
    pub id: i64,
    pub created_at: i64,
    pub channel: String,
    pub event: String,
    pub record_kind: Option<String>,
    pub record_id: Option<i64>,
    /// The record's number within its kind (read by the lists, never written).
    #[sqlx(default)]
    pub record_number: Option<i64>,
    pub target: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

const COLUMNS: &str = "id, created_at, channel, event, record_kind, record_id, target, payload, state, attempts, \
    next_attempt_at, last_error, sent_at";
/// What the lists read: the columns and the record's number.
const LIST_COLUMNS: &str = "id, created_at, channel, event, record_kind, record_id, target, payload, state, attempts, \
    next_attempt_at, last_error, sent_at, (SELECT r.number FROM records r WHERE r.id = record_id) AS record_number";

/// Adds one message, due at `now`.
pub async fn enqueue(c: &mut AnyConnection, m: &NewMessage, now: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (created_at, channel, event, record_kind, record_id, target, payload, next_attempt_at,
            last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $1, $8) RETURNING id",
    )
    .bind(now)
    .bind(m.channel.clone())
    .bind(m.event.clone())
    .bind(m.record_kind.clone())
    .bind(m.record_id)
    .bind(m.target.clone())
    .bind(m.payload.clone())
    .bind(m.last_error.clone())
    .fetch_one(c)
    .await?;
    Ok(id)
}

/// Adds many messages, due at `now`; one prepared statement, run per row.
pub async fn enqueue_many(c: &mut AnyConnection, ms: &[NewMessage], now: i64) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(ms.len());
    for m in ms {
        ids.push(enqueue(&mut *c, m, now).await?);
    }
    Ok(ids)
}

/// Claims up to `limit` pending messages due at `now` (oldest due first) on
/// the given channels, and leases them until `lease_until`: nobody else
/// claims them before that. Returns them in id order.
pub async fn claim_due(
    c: &mut AnyConnection,
    d: Dialect,
    now: i64,
    lease_until: i64,
    limit: i64,
    channels: &[&str],
) -> Result<Vec<Message>> {
    if channels.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..channels.len()).map(|i| format!("${}", i + 4)).collect();
    let sql = format!(
        "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (
            SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 AND channel IN ({})
            ORDER BY next_attempt_at, id LIMIT $3{})
         RETURNING {COLUMNS}",
        list.join(", "),
        d.skip_locked()
    );
    let mut q = sqlx::query_as::<_, Message>(sqlx::AssertSqlSafe(sql)).bind(now).bind(lease_until).bind(limit);
    for ch in channels {
        q = q.bind((*ch).to_owned());
    }
    let mut rows = q.fetch_all(c).await?;
    rows.sort_by_key(|m| m.id);
    Ok(rows)
}

/// Marks a message sent; the files it carried are dropped (a dead one keeps
/// them for a retry).
pub async fn mark_sent(c: &mut AnyConnection, id: i64, attempts: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = 'sent', attempts = $2, sent_at = $3, last_error = NULL WHERE id = $1")
        .bind(id)
        .bind(attempts)
        .bind(now)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM outbox_files WHERE outbox_id = $1").bind(id).execute(c).await?;
    Ok(())
}

/// A file an outgoing message carries.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct File {
    pub name: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Adds a file to a message (in the transaction that enqueued it).
pub async fn attach(c: &mut AnyConnection, message: i64, f: &File) -> Result<()> {
    sqlx::query("INSERT INTO outbox_files (outbox_id, name, content_type, body) VALUES ($1, $2, $3, $4)")
        .bind(message)
        .bind(f.name.clone())
        .bind(f.content_type.clone())
        .bind(f.body.clone())
        .execute(c)
        .await?;
    Ok(())
}

/// The files a message carries, in the order they were added.
pub async fn files(c: &mut AnyConnection, message: i64) -> Result<Vec<File>> {
    Ok(sqlx::query_as("SELECT name, content_type, body FROM outbox_files WHERE outbox_id = $1 ORDER BY id")
        .bind(message)
        .fetch_all(c)
        .await?)
}

/// Counts a failed attempt and makes the message due again at `next_at`.
pub async fn schedule_retry(c: &mut AnyConnection, id: i64, attempts: i64, next_at: i64, error: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1")
        .bind(id)
        .bind(attempts)
        .bind(next_at)
        .bind(error.to_owned())
        .execute(c)
        .await?;
    Ok(())
}

/// Gives up on a message; the error stays for the admin to read.
pub async fn mark_dead(c: &mut AnyConnection, id: i64, attempts: i64, error: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET state = 'dead', attempts = $2, last_error = $3 WHERE id = $1")
        .bind(id)
        .bind(attempts)
        .bind(error.to_owned())
        .execute(c)
        .await?;
    Ok(())
}

/// Notes why a message waits without counting an attempt (e.g. the channel
/// is not configured on the node that claimed it), due again at `next_at`.
pub async fn postpone(c: &mut AnyConnection, id: i64, next_at: i64, why: &str) -> Result<()> {
    sqlx::query("UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1")
        .bind(id)
        .bind(next_at)
        .bind(why.to_owned())
        .execute(c)
        .await?;
    Ok(())
}

/// Makes a dead message pending again, due now, with its attempts reset.
pub async fn retry(c: &mut AnyConnection, id: i64, now: i64) -> Result<()> {
    let r = sqlx::query(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2 WHERE id = $1 AND state = 'dead'",
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await?;
    if r.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<Message>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM outbox WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(c).await?)
}

/// One page of messages in a state, newest first, after the id `before`
/// (keyset); `limit + 1` rows are read to know whether more follow.
pub async fn list(c: &mut AnyConnection, state: &str, before: Option<i64>, limit: i64) -> Result<(Vec<Message>, bool)> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM outbox WHERE state = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
    let mut rows: Vec<Message> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(state.to_owned())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit + 1)
        .fetch_all(c)
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// Messages of a record, in order (for tests and the record's history).
pub async fn for_record(c: &mut AnyConnection, kind: &str, id: i64) -> Result<Vec<Message>> {
    let sql = format!("SELECT {LIST_COLUMNS} FROM outbox WHERE record_kind = $1 AND record_id = $2 ORDER BY id");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned()).bind(id).fetch_all(c).await?)
}

/// How many messages are in each state (states without any are left out).
pub async fn counts(c: &mut AnyConnection) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state").fetch_all(c).await?)
}
