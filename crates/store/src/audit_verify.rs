//! `steward audit verify`: walks the whole chain in id order (streamed, in
//! constant memory), recomputes every hash and finds the first break; then
//! compares the end of the chain with the head row and with a head kept
//! outside the database (a head file, or an id and hash from the log).
//!
//! What each tampering looks like to the walk:
//! - an entry edited: its hash no longer matches its content;
//! - an entry deleted from the middle: the next one's `prev_hash` names a
//!   hash the entry before it does not have (and, since appends take
//!   consecutive ids, its id jumps);
//! - an entry inserted: its `prev_hash` or hash does not fit, or, if the
//!   forger chained it properly at the end, the chain runs past the head;
//! - the newest entries deleted: the chain ends before the head row, or
//!   before the outside head when the head row was rewritten too;
//! - the whole chain rewritten from some entry on (hashes recomputed, head
//!   row updated): only the outside head shows it, by naming a hash the
//!   database no longer holds.

use crate::audit_chain::{GENESIS, Link, entry_hash};
use crate::{Result, Store, audit::AuditEvent, db::Backend};
use futures_util::TryStreamExt;
use sqlx::{Executor, Row};

/// A head kept outside the database, and how strictly to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideHead {
    pub link: Link,
    /// Where it comes from, for messages ("the head file /var/…").
    pub source: String,
    /// The newest entry (a head file the server keeps current): the chain
    /// must end there. Otherwise a checkpoint (an id and hash from the
    /// log): the chain must hold it, and may go on.
    pub newest: bool,
}

/// An intact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub entries: u64,
    pub head: Link,
}

/// Why the chain does not verify: one line naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Broken(pub String);

/// Walks the chain; `Ok(Err(_))` is a broken chain, `Err(_)` a database
/// error.
pub async fn verify(store: &Store, outside: Option<&OutsideHead>) -> Result<std::result::Result<Verified, Broken>> {
    let mut tx = store.pool().begin().await?;
    if store.backend() == Backend::Postgres {
        // The head row and the entries as of one moment.
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?;
    }
    let head = crate::audit_chain::head(&mut tx).await?;
    let mut walk = Walk::new(outside);
    {
        let mut rows = sqlx::query(
            "SELECT id, at, kind, actor_id, actor_name, subject, client, detail, prev_hash, hash
             FROM audit_events ORDER BY id",
        )
        .fetch(&mut *tx);
        while let Some(row) = rows.try_next().await? {
            let e = AuditEvent {
                id: row.try_get(0)?,
                at: row.try_get(1)?,
                kind: row.try_get(2)?,
                actor_id: row.try_get(3)?,
                actor_name: row.try_get(4)?,
                subject: row.try_get(5)?,
                client: row.try_get(6)?,
                detail: row.try_get(7)?,
            };
            let (prev_hash, hash): (Option<String>, Option<String>) = (row.try_get(8)?, row.try_get(9)?);
            if let Err(b) = walk.step(&e, prev_hash.as_deref(), hash.as_deref()) {
                return Ok(Err(b));
            }
        }
    }
    tx.commit().await?;
    Ok(walk.finish(&head))
}

/// The walk's state: the last entry seen and what was met on the way.
pub struct Walk<'o> {
    last: Link,
    entries: u64,
    outside: Option<&'o OutsideHead>,
    outside_met: bool,
}

impl<'o> Walk<'o> {
    pub fn new(outside: Option<&'o OutsideHead>) -> Self {
        Walk { last: Link { id: 0, hash: GENESIS.to_owned() }, entries: 0, outside, outside_met: false }
    }

    /// Checks the next entry in id order.
    pub fn step(
        &mut self,
        e: &AuditEvent,
        prev_hash: Option<&str>,
        hash: Option<&str>,
    ) -> std::result::Result<(), Broken> {
        let id = e.id;
        let (Some(prev_hash), Some(hash)) = (prev_hash, hash) else {
            return Err(Broken(format!(
                "entry {id} is not chained (no hash): it was inserted without going through steward"
            )));
        };
        if entry_hash(prev_hash, e) != hash {
            return Err(Broken(format!("entry {id} was edited or forged: its content does not match its hash {hash}")));
        }
        if prev_hash != self.last.hash {
            let last = self.last.id;
            return Err(Broken(if id > last + 1 && last > 0 {
                let gap = Span(last + 1, id - 1);
                format!(
                    "entry {id} does not follow entry {last}: its prev_hash names another entry, so {gap} between \
                     them {} deleted, or entry {id} was inserted",
                    gap.were()
                )
            } else if last == 0 {
                format!(
                    "entry {id}, the first, does not start the chain: entries before it were deleted, or it was inserted"
                )
            } else {
                format!(
                    "entry {id} does not follow entry {last}: its prev_hash is not entry {last}'s hash, so one of \
                     them was inserted or an entry between them deleted"
                )
            }));
        }
        if let Some(o) = self.outside.filter(|o| o.link.id == id) {
            if o.link.hash != hash {
                return Err(Broken(format!(
                    "entry {id} has hash {hash}, but {} says {}: the log was rewritten from there on",
                    o.source, o.link.hash
                )));
            }
            self.outside_met = true;
        }
        self.last = Link { id, hash: hash.to_owned() };
        self.entries += 1;
        Ok(())
    }

    /// Compares the end of the chain with the head row and the outside head.
    pub fn finish(self, head: &Link) -> std::result::Result<Verified, Broken> {
        let last = &self.last;
        if head.id > last.id {
            let gone = Span(last.id + 1, head.id);
            return Err(Broken(format!(
                "the newest entries are missing: the head row names entry {} but the log ends at entry {}, so \
                 {gone} {} deleted",
                head.id,
                last.id,
                gone.were()
            )));
        }
        if head.id < last.id {
            let extra = Span(head.id + 1, last.id);
            return Err(Broken(format!(
                "{extra} {} past the head row's entry {}: {} inserted without going through steward",
                extra.are(),
                head.id,
                extra.they_were()
            )));
        }
        if head.hash != last.hash {
            return Err(Broken(format!(
                "the head row gives entry {} the hash {}, but the entry's is {}",
                head.id, head.hash, last.hash
            )));
        }
        if let Some(o) = self.outside {
            if !self.outside_met && o.link.id > 0 {
                return Err(Broken(if o.link.id > last.id {
                    format!(
                        "{} names entry {} (hash {}), which the database lacks: the log ends at entry {}, so the \
                         newest entries were deleted",
                        o.source, o.link.id, o.link.hash, last.id
                    )
                } else {
                    format!("{} names entry {}, which the database lacks: it was deleted", o.source, o.link.id)
                }));
            }
            if o.link.id == 0 && o.link.hash != GENESIS {
                return Err(Broken(format!("{} names entry 0, which no log has", o.source)));
            }
            if o.newest && o.link.id < last.id {
                let extra = Span(o.link.id + 1, last.id);
                return Err(Broken(format!(
                    "{extra} {} past {}'s entry {}: {} added after it was written (inserted, or appended by a node \
                     that does not keep that file; rerun if a server was writing)",
                    extra.are(),
                    o.source,
                    o.link.id,
                    extra.they_were()
                )));
            }
        }
        Ok(Verified { entries: self.entries, head: self.last })
    }
}

/// Ids `from` to `to`, named for a message: "entry 7", "entries 7 to 9".
struct Span(i64, i64);

impl Span {
    fn one(&self) -> bool {
        self.0 == self.1
    }
    fn are(&self) -> &'static str {
        if self.one() { "is" } else { "are" }
    }
    fn were(&self) -> &'static str {
        if self.one() { "was" } else { "were" }
    }
    fn they_were(&self) -> &'static str {
        if self.one() { "it was" } else { "they were" }
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.one() {
            true => write!(f, "entry {}", self.0),
            false => write!(f, "entries {} to {}", self.0, self.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries 1..=n chained as appends chain them.
    fn chain(n: i64) -> Vec<(AuditEvent, String, String)> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|id| {
                let e = AuditEvent {
                    id,
                    at: id,
                    kind: "sign_in".into(),
                    actor_id: None,
                    actor_name: "ann".into(),
                    subject: "ann".into(),
                    client: String::new(),
                    detail: String::new(),
                };
                let hash = entry_hash(&prev, &e);
                (e, std::mem::replace(&mut prev, hash.clone()), hash)
            })
            .collect()
    }

    fn walk(entries: &[(AuditEvent, String, String)], head: &Link) -> std::result::Result<Verified, Broken> {
        let mut w = Walk::new(None);
        for (e, prev, hash) in entries {
            w.step(e, Some(prev), Some(hash))?;
        }
        w.finish(head)
    }

    #[test]
    fn several_missing_entries_are_named_together() {
        let mut c = chain(6);
        let head = Link { id: 6, hash: c[5].2.clone() };
        assert_eq!(walk(&c, &head).unwrap().entries, 6);
        c.drain(1..3);
        let e = walk(&c, &head).unwrap_err().0;
        assert!(e.starts_with("entry 4 does not follow entry 1: its prev_hash names another entry, so entries 2 to 3 between them were deleted"), "{e}");
        let mut c = chain(6);
        c.truncate(3);
        let e = walk(&c, &head).unwrap_err().0;
        assert!(e.ends_with("the log ends at entry 3, so entries 4 to 6 were deleted"), "{e}");
        let e = walk(&chain(6)[1..], &head).unwrap_err().0;
        assert!(e.starts_with("entry 2, the first, does not start the chain"), "{e}");
    }
}
