//! The append-only journal, comments (public) and work notes (internal),
//! and attachment metadata.

use crate::Result;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub record_kind: &'a str,
    pub record_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    /// A JSON array of `{field, old, new}`.
    pub changes: String,
    pub comment_id: Option<i64>,
}

/// Appends an entry with the record's next sequence number.
pub async fn append(conn: &mut AnyConnection, e: &NewEntry<'_>) -> Result<i64> {
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO journal (record_kind, record_id, seq, at, actor_id, action, changes, comment_id)
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE record_kind = $1 AND record_id = $2),
                 $3, $4, $5, $6, $7)
         RETURNING seq",
    )
    .bind(e.record_kind.to_owned())
    .bind(e.record_id)
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.action.to_owned())
    .bind(e.changes.clone())
    .bind(e.comment_id)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

/// The last journal sequence number of each of these records of `kind`
/// (records without entries are left out), 500 records a statement: what
/// numbering many entries at once with `records::insert_journal_many` needs.
pub async fn last_seqs(
    conn: &mut AnyConnection,
    kind: &str,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = crate::sql::Sql::new("SELECT record_id, MAX(seq) FROM journal WHERE record_kind = ");
        q.bind(crate::sql::Value::Text(kind.to_owned())).push(" AND record_id IN ");
        q.row(chunk.iter().map(|i| crate::sql::Value::Int(*i)));
        q.push(" GROUP BY record_id");
        let rows: Vec<(i64, i64)> = q.fetch_all(&mut *conn).await?;
        out.extend(rows);
    }
    Ok(out)
}

/// The time of the record's latest entry, if it has any.
pub async fn last_at(conn: &mut AnyConnection, kind: &str, id: i64) -> Result<Option<i64>> {
    let (at,): (Option<i64>,) = sqlx::query_as("SELECT MAX(at) FROM journal WHERE record_kind = $1 AND record_id = $2")
        .bind(kind.to_owned())
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(at)
}

/// A journal entry with its actor's name and, for comments, the text.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub changes: String,
    pub comment_id: Option<i64>,
    pub body: Option<String>,
}

/// The record's journal in order; without internal entries unless asked.
pub async fn entries(conn: &mut AnyConnection, kind: &str, id: i64, internal: bool) -> Result<Vec<Entry>> {
    let filter = if internal { "" } else { " AND j.action <> 'work_note'" };
    let sql = format!(
        "SELECT j.seq, j.at, j.actor_id, u.display_name AS actor_name, j.action, j.changes, j.comment_id, c.body
         FROM journal j LEFT JOIN users u ON u.id = j.actor_id LEFT JOIN comments c ON c.id = j.comment_id
         WHERE j.record_kind = $1 AND j.record_id = $2{filter} ORDER BY j.seq"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned()).bind(id).fetch_all(conn).await?)
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Comment {
    pub id: i64,
    pub record_id: i64,
    pub author_id: i64,
    pub author_name: Option<String>,
    pub body: String,
    pub internal: i64,
    pub created_at: i64,
}

pub async fn insert_comment(
    conn: &mut AnyConnection,
    record_id: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    at: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO comments (record_id, author_id, body, internal, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(record_id)
    .bind(author_id)
    .bind(body.to_owned())
    .bind(i64::from(internal))
    .bind(at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn comments(conn: &mut AnyConnection, record_id: i64, internal: bool) -> Result<Vec<Comment>> {
    let filter = if internal { "" } else { " AND c.internal = 0" };
    let sql = format!(
        "SELECT c.id, c.record_id, c.author_id, u.display_name AS author_name, c.body, c.internal, c.created_at
         FROM comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.record_id = $1{filter} ORDER BY c.id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_all(conn).await?)
}

pub async fn comment(conn: &mut AnyConnection, id: i64) -> Result<Option<Comment>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.record_id, c.author_id, u.display_name AS author_name, c.body, c.internal, c.created_at
         FROM comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub record_id: i64,
    /// The record's number within its kind (read, never written).
    #[sqlx(default)]
    pub record_number: i64,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: i64,
    pub created_at: i64,
    /// The comment it was sent with, if any.
    pub comment_id: Option<i64>,
}

const ATTACHMENT_COLUMNS: &str =
    "id, record_id, sha256, filename, content_type, size, uploaded_by, created_at, comment_id";

pub async fn insert_attachment(conn: &mut AnyConnection, a: &Attachment) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO attachments (record_id, sha256, filename, content_type, size, uploaded_by, created_at, comment_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.record_id)
    .bind(a.sha256.clone())
    .bind(a.filename.clone())
    .bind(a.content_type.clone())
    .bind(a.size)
    .bind(a.uploaded_by)
    .bind(a.created_at)
    .bind(a.comment_id)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The record's attachments; without those sent with a work note unless
/// `internal`.
pub async fn attachments(conn: &mut AnyConnection, record_id: i64, internal: bool) -> Result<Vec<Attachment>> {
    let cols = ATTACHMENT_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
    let filter = if internal { "" } else { " AND (c.internal IS NULL OR c.internal = 0)" };
    let sql = format!(
        "SELECT {cols}, (SELECT r.number FROM records r WHERE r.id = a.record_id) AS record_number
         FROM attachments a LEFT JOIN comments c ON c.id = a.comment_id
         WHERE a.record_id = $1{filter} ORDER BY a.id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(record_id).fetch_all(conn).await?)
}

/// Whether the attachment was sent with a work note.
pub async fn attachment_is_internal(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT c.internal FROM attachments a JOIN comments c ON c.id = a.comment_id WHERE a.id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some_and(|r| r.0 != 0))
}

pub async fn attachment(conn: &mut AnyConnection, id: i64) -> Result<Option<Attachment>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS}, (SELECT r.number FROM records r WHERE r.id = attachments.record_id) AS record_number
         FROM attachments WHERE id = $1"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(conn).await?)
}
