//! Attachments' bytes: once per content hash (SHA-256, hex), in chunks of
//! at most [`CHUNK`] bytes, so every node reads them and a download holds
//! one chunk in memory at a time.

use crate::Result;
use sqlx::AnyConnection;

/// The largest chunk: far below SQLite's and PostgreSQL's value limits.
pub const CHUNK: usize = 1024 * 1024;

/// How many chunks the blob has; `None` when it is not kept.
pub async fn chunks(conn: &mut AnyConnection, sha256: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT chunks FROM attachment_blobs WHERE sha256 = $1")
        .bind(sha256.to_owned())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0))
}

/// Keeps `bytes` under their hash unless they are kept already (another
/// node's write of the same content waits, then does nothing); whether
/// this call wrote them. Run it in one transaction: the blob's row and its
/// chunks come together or not at all.
pub async fn put(conn: &mut AnyConnection, sha256: &str, bytes: &[u8], now: i64) -> Result<bool> {
    let parts = bytes.chunks(CHUNK);
    let inserted = sqlx::query(
        "INSERT INTO attachment_blobs (sha256, size, chunks, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256.to_owned())
    .bind(bytes.len() as i64)
    .bind(parts.len() as i64)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(false);
    }
    for (seq, part) in parts.enumerate() {
        sqlx::query("INSERT INTO attachment_chunks (sha256, seq, data) VALUES ($1, $2, $3)")
            .bind(sha256.to_owned())
            .bind(seq as i64)
            .bind(part.to_vec())
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// One chunk of a blob, from 0.
pub async fn chunk(conn: &mut AnyConnection, sha256: &str, seq: i64) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT data FROM attachment_chunks WHERE sha256 = $1 AND seq = $2")
        .bind(sha256.to_owned())
        .bind(seq)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0))
}
