//! The hash chain over `audit_events`: each entry carries the hash of the
//! one before it (`prev_hash`) and its own (`hash`), and the one-row table
//! `audit_head` holds the newest entry's id and hash.
//!
//! # The hash
//!
//! `hash = SHA-256(encoding)`, written as 64 lowercase hex digits, where
//! `encoding` is the bytes `steward-audit-v1` followed by nine fields in
//! this order: `prev_hash`, `id`, `at`, `kind`, `actor_id`, `actor_name`,
//! `subject`, `client`, `detail`. Each field is its UTF-8 text preceded by
//! its length in bytes as an unsigned 64-bit big-endian integer; integers
//! are written in decimal, and a missing `actor_id` as the empty text (no
//! integer is written that way). Length prefixes make the encoding
//! unambiguous: no two different entries encode to the same bytes. The
//! first entry's `prev_hash` is [`GENESIS`] (64 zeros).
//!
//! # Appending
//!
//! [`append`] takes the next id from the head row while it updates it, so
//! the update's row lock (PostgreSQL) or the single writer (SQLite) makes
//! appends one line even with several writers and nodes: a second append
//! waits until the first commits and then reads its id and hash. An append
//! rolled back takes its head update with it, so ids stay consecutive.

use crate::Result;
use crate::audit::{AuditEvent, NewAuditEvent};
use sha2::{Digest as _, Sha256};
use sqlx::AnyConnection;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The migration that added the chain: it seals the entries written
/// before it (see [`seal_unchained`]).
pub const CHAIN_MIGRATION: i64 = 44;

/// An entry's place in the chain: its id and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub hash: String,
}

impl std::fmt::Display for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.id, self.hash)
    }
}

/// The hash of `e` following `prev_hash` (see the module's comment).
pub fn entry_hash(prev_hash: &str, e: &AuditEvent) -> String {
    let actor_id = e.actor_id.map(|a| a.to_string()).unwrap_or_default();
    let fields: [&str; 9] = [
        prev_hash,
        &e.id.to_string(),
        &e.at.to_string(),
        &e.kind,
        &actor_id,
        &e.actor_name,
        &e.subject,
        &e.client,
        &e.detail,
    ];
    // One buffer hashed at once: `verify` hashes every entry, and many
    // small updates cost more than the hashing itself.
    let mut bytes = Vec::with_capacity(16 + fields.iter().map(|f| 8 + f.len()).sum::<usize>());
    bytes.extend_from_slice(b"steward-audit-v1");
    for f in fields {
        bytes.extend_from_slice(&(f.len() as u64).to_be_bytes());
        bytes.extend_from_slice(f.as_bytes());
    }
    hex(&Sha256::digest(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Appends `e` to the chain inside the caller's transaction; answers its
/// place. The head row is updated first: that is the lock (see the
/// module's comment).
pub async fn append(conn: &mut AnyConnection, e: &NewAuditEvent) -> Result<Link> {
    let (id, prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET last_id = last_id + 1 WHERE one = 1 RETURNING last_id, hash")
            .fetch_one(&mut *conn)
            .await?;
    let event = AuditEvent {
        id,
        at: e.at,
        kind: e.kind.clone(),
        actor_id: e.actor_id,
        actor_name: e.actor_name.clone(),
        subject: e.subject.clone(),
        client: e.client.clone(),
        detail: e.detail.clone(),
    };
    let hash = entry_hash(&prev, &event);
    sqlx::query(
        "INSERT INTO audit_events (id, at, kind, actor_id, actor_name, subject, client, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(event.at)
    .bind(event.kind)
    .bind(event.actor_id)
    .bind(event.actor_name)
    .bind(event.subject)
    .bind(event.client)
    .bind(event.detail)
    .bind(prev)
    .bind(hash.clone())
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE one = 1").bind(hash.clone()).execute(&mut *conn).await?;
    crate::writer::note_audit_append();
    Ok(Link { id, hash })
}

/// The head row: the newest entry's id and hash (0 and [`GENESIS`] before
/// the first).
pub async fn head(conn: &mut AnyConnection) -> Result<Link> {
    let (id, hash): (i64, String) =
        sqlx::query_as("SELECT last_id, hash FROM audit_head WHERE one = 1").fetch_one(conn).await?;
    Ok(Link { id, hash })
}

/// The hash the entry `id` holds (none when there is no such entry).
pub async fn hash_of(conn: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT hash FROM audit_events WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(row.and_then(|r| r.0))
}

/// The entries after id `after`, oldest first, at most `limit`: what the
/// head publisher logs.
pub async fn links_after(conn: &mut AnyConnection, after: i64, limit: i64) -> Result<Vec<Link>> {
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, hash FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id, hash)| Link { id, hash: hash.unwrap_or_default() }).collect())
}

/// Rows sealed per round trip while migrating.
const SEAL_PAGE: i64 = 1000;

/// Chains the entries written before the chain existed (migration
/// [`CHAIN_MIGRATION`], in its transaction): in id order from the head
/// (0 and [`GENESIS`] then), each gets `prev_hash` and `hash` exactly as
/// [`append`] would have given them, and the head ends at the newest. The
/// append-only trigger lets a row without a hash be given one, and nothing
/// else. Ids keep the gaps they had: the chain is by `prev_hash`.
pub async fn seal_unchained(conn: &mut AnyConnection) -> Result<u64> {
    let mut prev = head(conn).await?;
    let mut sealed = 0;
    loop {
        let page: Vec<AuditEvent> = sqlx::query_as(
            "SELECT id, at, kind, actor_id, actor_name, subject, client, detail FROM audit_events
             WHERE id > $1 AND hash IS NULL ORDER BY id LIMIT $2",
        )
        .bind(prev.id)
        .bind(SEAL_PAGE)
        .fetch_all(&mut *conn)
        .await?;
        if page.is_empty() {
            break;
        }
        let mut links = Vec::with_capacity(page.len());
        for e in page {
            let hash = entry_hash(&prev.hash, &e);
            links.push((e.id, prev.hash.clone(), hash.clone()));
            prev = Link { id: e.id, hash };
        }
        // The page in one statement: a round trip per row made a million
        // entries take minutes on PostgreSQL.
        let rows: Vec<String> =
            (0..links.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        let sql = format!(
            "WITH v (id, prev_hash, hash) AS (VALUES {})
             UPDATE audit_events SET prev_hash = v.prev_hash, hash = v.hash FROM v WHERE audit_events.id = v.id",
            rows.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, prev_hash, hash) in &links {
            q = q.bind(*id).bind(prev_hash.clone()).bind(hash.clone());
        }
        q.execute(&mut *conn).await?;
        sealed += links.len() as u64;
    }
    sqlx::query("UPDATE audit_head SET last_id = $1, hash = $2 WHERE one = 1")
        .bind(prev.id)
        .bind(prev.hash.clone())
        .execute(&mut *conn)
        .await?;
    if sealed > 0 {
        tracing::info!(target: "steward::audit", sealed, chain_head = %prev, "existing audit entries chained");
    }
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            id: 1,
            at: 1_700_000_000_000_000,
            kind: "sign_in".into(),
            actor_id: Some(7),
            actor_name: "ann".into(),
            subject: "ann".into(),
            client: "127.0.0.1".into(),
            detail: String::new(),
        }
    }

    #[test]
    fn the_hash_is_pinned() {
        // Changing the encoding breaks every chain already written.
        let h = entry_hash(GENESIS, &event());
        assert_eq!(h.len(), 64);
        assert_eq!(h, entry_hash(GENESIS, &event()));
        // Also computed by a few lines of Python from the documented encoding.
        assert_eq!(h, "b3ca12e0cc7993632d7fdbfc294c0b464bbc4e67028382b12a8e6defd9347d7f");
    }

    #[test]
    fn every_field_and_its_boundaries_count() {
        let base = entry_hash(GENESIS, &event());
        let mut moved = event();
        // Same bytes, split differently between two fields.
        moved.actor_name = "an".into();
        moved.subject = "nann".into();
        assert_ne!(entry_hash(GENESIS, &moved), base);
        let mut none = event();
        none.actor_id = None;
        assert_ne!(entry_hash(GENESIS, &none), base);
        let mut detail = event();
        detail.detail = " ".into();
        assert_ne!(entry_hash(GENESIS, &detail), base);
        assert_ne!(entry_hash(&base, &event()), base);
    }
}
