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
}

#[derive(Default)]
pub(crate) struct Cache {
    credentials: Mutex<HashMap<String, (Instant, Credential)>>,
    groups: Mutex<HashMap<String, i64>>,
}

impl Cache {
    /// A fresh entry for this secret hash.
    pub fn credential(&self, hash: &str) -> Option<Credential> {
        let map = self.credentials.lock().ok()?;
        let (at, c) = map.get(hash)?;
        (at.elapsed() < CREDENTIAL_TTL).then(|| c.clone())
    }

    pub fn put_credential(&self, hash: String, c: Credential) {
        if let Ok(mut map) = self.credentials.lock() {
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
        }
    }

    #[test]
    fn credentials_are_kept_briefly_and_cleared() {
        let c = Cache::default();
        assert!(c.credential("h").is_none());
        c.put_credential("h".into(), Credential { actor: actor(), csrf: None, expires_at: None });
        assert_eq!(c.credential("h").map(|c| c.actor.id), Some(1));
        c.clear_credentials();
        assert!(c.credential("h").is_none());
        c.put_group("Desk", 7);
        assert_eq!(c.group("Desk"), Some(7));
    }
}
