//! In-memory caches for what every request or write asks — who holds this
//! token or session, which id a group name has, the SLA rules, the active
//! webhooks — that agree across nodes.
//!
//! Each cache stands under a revision kept in the database, which every
//! write that changes the data behind it moves in the same transaction
//! (`credentials_rev`; `cache_revs` for the rest). A use reads the revision
//! first (one row) and drops what it holds when the revision moved, so a
//! change answered by any node, or made by the CLI, holds on every node for
//! every request that starts after it. What is kept is tagged with the
//! revision read *before* it was loaded, so a load that raced a change is
//! dropped by the next use rather than kept.

use crate::Actor;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
    time::{Duration, Instant},
};
use steward_store::{Conn, StoreError, revs};

/// How long a credential is kept at most, revision or not: a safety net
/// for a change that forgot to move the revision, not the way changes
/// travel.
pub const CREDENTIAL_TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone)]
pub(crate) struct Credential {
    pub actor: Actor,
    /// The session's CSRF token; None for API tokens.
    pub csrf: Option<String>,
    /// When a session ends (microseconds), if it is one.
    pub expires_at: Option<i64>,
    /// An API token limited to sending alerts.
    pub alerts_only: bool,
}

/// The credentials held, all read under one credentials revision.
#[derive(Default)]
struct Credentials {
    rev: i64,
    map: HashMap<String, (Instant, Credential)>,
}

#[derive(Default)]
pub(crate) struct Cache {
    credentials: Mutex<Credentials>,
    groups: Mutex<HashMap<String, i64>>,
}

impl Cache {
    /// The entry for this secret hash, if it was read under revision `rev`
    /// (a newer revision drops every entry).
    pub fn credential(&self, rev: i64, hash: &str) -> Option<Credential> {
        let mut held = self.credentials.lock().ok()?;
        if held.rev != rev {
            held.map.clear();
            held.rev = held.rev.max(rev);
            return None;
        }
        let (at, c) = held.map.get(hash)?;
        (at.elapsed() < CREDENTIAL_TTL).then(|| c.clone())
    }

    /// Keeps a credential read from the database after revision `rev` was
    /// read; dropped if the revision has moved on since.
    pub fn put_credential(&self, rev: i64, hash: String, c: Credential) {
        let Ok(mut held) = self.credentials.lock() else { return };
        if rev < held.rev {
            return;
        }
        if rev > held.rev {
            held.map.clear();
            held.rev = rev;
        }
        if held.map.len() >= MAX_ENTRIES {
            held.map.retain(|_, (at, _)| at.elapsed() < CREDENTIAL_TTL);
            if held.map.len() >= MAX_ENTRIES {
                held.map.clear();
            }
        }
        held.map.insert(hash, (Instant::now(), c));
    }

    /// Forgets every credential on this node at once (the revision tells
    /// the other nodes).
    pub fn clear_credentials(&self) {
        if let Ok(mut held) = self.credentials.lock() {
            held.map.clear();
        }
    }

    pub fn group(&self, name: &str) -> Option<i64> {
        self.groups.lock().ok()?.get(name).copied()
    }

    pub fn put_group(&self, name: &str, id: i64) {
        if let Ok(mut map) = self.groups.lock() {
            if map.len() < MAX_ENTRIES {
                map.insert(name.to_owned(), id);
            }
        }
    }
}

/// A value loaded from the database and kept while its revision in
/// `cache_revs` stands (see the module's comment).
pub(crate) struct Revised<T> {
    current: RwLock<Option<(i64, Arc<T>)>>,
}

impl<T> Default for Revised<T> {
    fn default() -> Self {
        Revised { current: RwLock::new(None) }
    }
}

impl<T> std::fmt::Debug for Revised<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rev = self.current.read().ok().and_then(|g| g.as_ref().map(|(r, _)| *r));
        f.debug_struct("Revised").field("rev", &rev).finish_non_exhaustive()
    }
}

impl<T> Revised<T> {
    /// The value as of revision `rev`, if this node holds it.
    fn at(&self, rev: i64) -> Option<Arc<T>> {
        let g = self.current.read().ok()?;
        g.as_ref().filter(|(r, _)| *r == rev).map(|(_, v)| v.clone())
    }

    /// Keeps `value`, loaded after revision `rev` was read, unless a newer
    /// one is held already.
    fn keep(&self, rev: i64, value: Arc<T>) {
        if let Ok(mut g) = self.current.write() {
            if g.as_ref().is_none_or(|(r, _)| *r <= rev) {
                *g = Some((rev, value));
            }
        }
    }

    /// The value under `name`'s revision now: held, or loaded by `load`
    /// on `c` (after the revision was read on it).
    pub async fn get<E: From<StoreError>>(
        &self,
        c: &mut Conn,
        name: &str,
        load: impl AsyncFnOnce(&mut Conn) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let rev = revs::get(c, name).await?;
        if let Some(v) = self.at(rev) {
            return Ok(v);
        }
        let v = Arc::new(load(c).await?);
        self.keep(rev, v.clone());
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::Role;

    fn actor() -> Actor {
        Actor {
            id: 1,
            username: "a".into(),
            display_name: "A".into(),
            role: Role::Agent,
            group_ids: vec![],
            locale: None,
            organisation_id: None,
            organisation_name: None,
            time_zone: None,
            browser_time_zone: None,
        }
    }

    #[test]
    fn credentials_stand_while_their_revision_does() {
        let c = Cache::default();
        assert!(c.credential(0, "h").is_none());
        let credential = || Credential { actor: actor(), csrf: None, expires_at: None, alerts_only: false };
        c.put_credential(0, "h".into(), credential());
        assert_eq!(c.credential(0, "h").map(|c| c.actor.id), Some(1));
        // Another node moved the revision: everything held is dropped.
        assert!(c.credential(1, "h").is_none());
        // A load that read the older revision is not kept.
        c.put_credential(0, "h".into(), credential());
        assert!(c.credential(1, "h").is_none(), "what was read before the change is not kept");
        c.put_credential(1, "h".into(), credential());
        assert!(c.credential(1, "h").is_some());
        c.clear_credentials();
        assert!(c.credential(1, "h").is_none());
        c.put_group("Desk", 7);
        assert_eq!(c.group("Desk"), Some(7));
    }

    #[test]
    fn a_revised_value_keeps_the_newest_revision() {
        let r: Revised<&str> = Revised::default();
        assert!(r.at(0).is_none());
        r.keep(2, Arc::new("two"));
        r.keep(1, Arc::new("one"));
        assert_eq!(r.at(2).as_deref(), Some(&"two"), "an older load does not replace a newer one");
        assert!(r.at(3).is_none());
    }
}
