//! Sign-in throttling that slows guessing without handing anyone a way to
//! lock others out.
//!
//! - **Per account and client.** After [`PAIR_LOCK_AFTER`] failures for one
//!   name from one client, that client is refused for that name for 30 s,
//!   doubling with each further failure up to 15 minutes. Other clients,
//!   the real user among them, are not locked out by it.
//! - **Per account, from everywhere: a progressive delay.** Once a name has
//!   had [`ACCOUNT_FREE_FAILURES`] failures within the window, every attempt
//!   on it (right password or wrong) waits its turn: attempts are spaced
//!   250 ms apart, doubling per further failure up to 5 s. So a thousand
//!   addresses together still get one guess per 5 s at one account, and
//!   the real user still gets in, a little later. Attempts that would wait
//!   longer than [`QUEUE_MAX_SECS`] are refused with a retry time.
//! - **Per client, over all names**: [`CLIENT_MAX_FAILURES`] failures in the
//!   window (password spraying) refuse that client for the rest of it.
//!
//! Keys are the name as typed (trimmed, lowercased), never whether it
//! exists, so unknown and real names are throttled and answered alike. The
//! client is the connecting address, or the one trusted proxies name (see
//! `steward_web::client`). State is per node and in memory, bounded.

use std::{collections::HashMap, net::IpAddr, sync::Mutex, time::Duration};

pub const PAIR_LOCK_AFTER: u32 = 5;
pub const ACCOUNT_FREE_FAILURES: u32 = 5;
pub const CLIENT_MAX_FAILURES: u32 = 100;
pub const QUEUE_MAX_SECS: i64 = 30;
const WINDOW: i64 = 15 * 60 * SEC;
const MAX_LOCK: i64 = 15 * 60 * SEC;
const FIRST_LOCK: i64 = 30 * SEC;
const FIRST_DELAY: i64 = SEC / 4;
const MAX_DELAY: i64 = 5 * SEC;
const SEC: i64 = 1_000_000;
/// Entries kept per map before old ones are dropped.
const MAX_ENTRIES: usize = 100_000;

/// The name a throttle entry is kept under.
pub fn account_key(username: &str) -> String {
    username.trim().chars().take(200).collect::<String>().to_lowercase()
}

#[derive(Debug, Clone, Copy, Default)]
struct Strikes {
    last: i64,
    count: u32,
}

impl Strikes {
    /// The count, until a whole window passes without a failure.
    fn current(&self, now: i64) -> u32 {
        if now - self.last < WINDOW { self.count } else { 0 }
    }

    fn add(&mut self, now: i64) {
        if now - self.last >= WINDOW {
            *self = Strikes::default();
        }
        self.last = now;
        self.count += 1;
    }
}

#[derive(Debug, Default)]
struct Account {
    strikes: Strikes,
    /// When the next attempt on this account may be answered.
    next_slot: i64,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, IpAddr), Strikes>,
    accounts: HashMap<String, Account>,
    clients: HashMap<IpAddr, Strikes>,
}

#[derive(Default)]
pub(crate) struct Throttle {
    state: Mutex<State>,
}

fn lock_for(failures: u32) -> i64 {
    (FIRST_LOCK << (failures.saturating_sub(PAIR_LOCK_AFTER)).min(10)).min(MAX_LOCK)
}

fn delay_for(failures: u32) -> i64 {
    if failures < ACCOUNT_FREE_FAILURES {
        return 0;
    }
    (FIRST_DELAY << (failures - ACCOUNT_FREE_FAILURES).min(10)).min(MAX_DELAY)
}

fn secs_until(until: i64, now: i64) -> u64 {
    ((until - now + SEC - 1) / SEC).max(1) as u64
}

fn prune<K: Clone + Eq + std::hash::Hash, V>(map: &mut HashMap<K, V>, last: impl Fn(&V) -> i64, now: i64) {
    if map.len() >= MAX_ENTRIES {
        map.retain(|_, v| now - last(v) < WINDOW.max(MAX_LOCK));
    }
}

impl Throttle {
    /// May this attempt go ahead? `Ok(wait)`: after waiting that long;
    /// `Err(secs)`: refused, retry after that many seconds.
    pub(crate) fn admit(&self, name: &str, ip: IpAddr, now: i64) -> Result<Duration, u64> {
        let Ok(mut s) = self.state.lock() else { return Ok(Duration::ZERO) };
        if let Some(p) = s.pairs.get(&(name.to_owned(), ip)) {
            let n = p.current(now);
            if n >= PAIR_LOCK_AFTER && now < p.last + lock_for(n) {
                return Err(secs_until(p.last + lock_for(n), now));
            }
        }
        if let Some(c) = s.clients.get(&ip) {
            if c.current(now) >= CLIENT_MAX_FAILURES {
                return Err(secs_until(c.last + WINDOW, now));
            }
        }
        let Some(a) = s.accounts.get_mut(name) else { return Ok(Duration::ZERO) };
        let delay = delay_for(a.strikes.current(now));
        if delay == 0 {
            return Ok(Duration::ZERO);
        }
        let slot = a.next_slot.max(now);
        if slot + delay - now > QUEUE_MAX_SECS * SEC {
            return Err(secs_until(slot, now));
        }
        a.next_slot = slot + delay;
        Ok(Duration::from_micros((slot + delay - now) as u64))
    }

    /// Counts a failure; `Some(secs)` when it has just locked this client
    /// out of this account.
    pub(crate) fn fail(&self, name: &str, ip: IpAddr, now: i64) -> Option<u64> {
        let mut s = self.state.lock().ok()?;
        prune(&mut s.pairs, |p| p.last, now);
        prune(&mut s.accounts, |a| a.strikes.last.max(a.next_slot), now);
        prune(&mut s.clients, |c| c.last, now);
        s.accounts.entry(name.to_owned()).or_default().strikes.add(now);
        s.clients.entry(ip).or_default().add(now);
        let pair = s.pairs.entry((name.to_owned(), ip)).or_default();
        pair.add(now);
        (pair.count >= PAIR_LOCK_AFTER).then(|| (lock_for(pair.count) / SEC) as u64)
    }

    /// The right password: this client's strikes on this account end, and
    /// the account's delay with them.
    pub(crate) fn succeed(&self, name: &str, ip: IpAddr) {
        if let Ok(mut s) = self.state.lock() {
            s.pairs.remove(&(name.to_owned(), ip));
            s.accounts.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000 * SEC;

    fn ip(last: u8) -> IpAddr {
        [203, 0, 113, last].into()
    }

    #[test]
    fn one_client_is_locked_out_of_one_account_only() {
        let t = Throttle::default();
        for i in 0..PAIR_LOCK_AFTER {
            assert!(t.admit("admin", ip(1), T0).is_ok());
            let locked = t.fail("admin", ip(1), T0);
            assert_eq!(locked.is_some(), i + 1 == PAIR_LOCK_AFTER);
        }
        assert_eq!(t.admit("admin", ip(1), T0), Err(30));
        // Another client (the real admin) is not locked out, only slowed.
        let wait = t.admit("admin", ip(2), T0).unwrap();
        assert_eq!(wait, Duration::from_millis(250));
        // The same client may still sign in to other accounts.
        assert_eq!(t.admit("agent", ip(1), T0), Ok(Duration::ZERO));
        // The lock ends; a further failure doubles it.
        assert!(t.admit("admin", ip(1), T0 + 31 * SEC).is_ok());
        assert_eq!(t.fail("admin", ip(1), T0 + 31 * SEC), Some(60));
        // The right password clears this client's strikes and the delay.
        t.succeed("admin", ip(1));
        assert_eq!(t.admit("admin", ip(1), T0 + 32 * SEC), Ok(Duration::ZERO));
    }

    #[test]
    fn many_clients_are_spaced_out_on_one_account() {
        let t = Throttle::default();
        for i in 0..ACCOUNT_FREE_FAILURES + 4 {
            t.fail("admin", ip(i as u8), T0);
        }
        // 9 failures: 4 s apart; each new client queues behind the last.
        let waits: Vec<_> = (100..107).map(|i| t.admit("admin", ip(i), T0)).collect();
        assert_eq!(waits[0], Ok(Duration::from_secs(4)));
        assert_eq!(waits[1], Ok(Duration::from_secs(8)));
        assert_eq!(waits[6], Ok(Duration::from_secs(28)));
        assert!(t.admit("admin", ip(200), T0).is_err(), "more than 30 s of queue is refused");
        // A quiet window later the account is free again.
        assert_eq!(t.admit("admin", ip(1), T0 + WINDOW + 60 * SEC), Ok(Duration::ZERO));
    }

    #[test]
    fn one_client_spraying_many_names_is_stopped() {
        let t = Throttle::default();
        for i in 0..CLIENT_MAX_FAILURES {
            assert!(t.admit(&format!("user{i}"), ip(1), T0).is_ok());
            t.fail(&format!("user{i}"), ip(1), T0);
        }
        assert!(t.admit("someone", ip(1), T0).is_err());
        assert!(t.admit("someone", ip(2), T0).is_ok());
    }

    #[test]
    fn names_are_keyed_as_typed_not_by_existence() {
        assert_eq!(account_key("  Admin "), "admin");
        assert_eq!(account_key(&"x".repeat(500)).len(), 200);
    }
}
