//! Small in-memory caches for what every request asks: who holds this token
//! or session, and which id a group name has.
//!
//! Credentials are cached for a few seconds only. A change made on this node
//! (revoking a token, signing out, changing a user or a group) clears the
//! cache at once; on other nodes sharing the database it takes effect
//! within `CREDENTIAL_TTL`.

use crate::Actor;
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

pub const CREDENTIAL_TTL: Duration = Duration::from_secs(10);
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

#[derive(Default)]
pub(crate) struct Cache {
    credentials: Mutex<HashMap<String, (Instant, Credential)>>,
    /// Moves on every clear, so that a lookup which read the database
    /// before a clear does not store what it read after it.
    generation: std::sync::atomic::AtomicU64,
    groups: Mutex<HashMap<String, i64>>,
}

impl Cache {
    /// A fresh entry for this secret hash.
    pub fn credential(&self, hash: &str) -> Option<Credential> {
        let map = self.credentials.lock().ok()?;
        let (at, c) = map.get(hash)?;
        (at.elapsed() < CREDENTIAL_TTL).then(|| c.clone())
    }

    /// The generation to hand back to [`Cache::put_credential`]: take it
    /// before reading the database.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Keeps a credential read from the database, unless the cache was
    /// cleared since `generation` was taken (it may have been revoked).
    pub fn put_credential(&self, hash: String, c: Credential, generation: u64) {
        if let Ok(mut map) = self.credentials.lock() {
            if self.generation() != generation {
                return;
            }
            if map.len() >= MAX_ENTRIES {
                map.retain(|_, (at, _)| at.elapsed() < CREDENTIAL_TTL);
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
            }
            map.insert(hash, (Instant::now(), c));
        }
    }

    /// Forgets every credential: after anything that changes who may do what.
    pub fn clear_credentials(&self) {
        if let Ok(mut map) = self.credentials.lock() {
            self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            map.clear();
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
    fn credentials_are_kept_briefly_and_cleared() {
        let c = Cache::default();
        assert!(c.credential("h").is_none());
        let credential = || Credential { actor: actor(), csrf: None, expires_at: None, alerts_only: false };
        c.put_credential("h".into(), credential(), c.generation());
        assert_eq!(c.credential("h").map(|c| c.actor.id), Some(1));
        let before = c.generation();
        c.clear_credentials();
        assert!(c.credential("h").is_none());
        c.put_credential("h".into(), credential(), before);
        assert!(c.credential("h").is_none(), "what was read before a clear is not kept");
        c.put_group("Desk", 7);
        assert_eq!(c.group("Desk"), Some(7));
    }
}
