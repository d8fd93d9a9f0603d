//! The grouping timers of every alert group in one structure: a map of
//! groups and one heap of due times, so 100,000 groups cost 100,000 heap
//! entries, not 100,000 tasks. Time is passed in; the caller sleeps until
//! [`Dispatcher::next_due`] and calls [`Dispatcher::due`].
//!
//! Alertmanager 0.25's semantics (`dispatch.go` and the notify pipeline's
//! dedup stage), for one receiver with `send_resolved` on:
//! - a group's first tick is `group_wait` after it appears (at once if its
//!   first alert started longer than `group_wait` ago), then one tick every
//!   `group_interval`;
//! - a tick notifies when an alert fires that the last notification did not
//!   list as firing, one resolved that it did not list as resolved, all
//!   alerts have resolved since it listed some firing, or `repeat_interval`
//!   has passed since it;
//! - after each tick resolved alerts leave the group; an empty group is
//!   dropped (a later alert with the same labels starts a new one).
//!
//! An alert is firing at a tick when its `ends_at` is after it, so an alert
//! that times out needs no call: it is seen resolved at the next tick.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use super::{Labels, Route, RouteId};

/// A group: the route it belongs to and its `group_by` labels.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub route: RouteId,
    pub labels: Labels,
}

/// A notification to send: the group's alerts as of `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flush {
    pub group: GroupKey,
    pub at: i64,
    /// Fingerprints, ascending.
    pub firing: Vec<u64>,
    pub resolved: Vec<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Timing {
    wait: i64,
    interval: i64,
    repeat: i64,
}

#[derive(Debug)]
struct Sent {
    firing: BTreeSet<u64>,
    resolved: BTreeSet<u64>,
    at: i64,
}

#[derive(Debug)]
struct Group {
    key: GroupKey,
    timing: Timing,
    /// Fingerprint → the alert's `ends_at`.
    alerts: BTreeMap<u64, i64>,
    /// The due time of the group's one live heap entry.
    next: i64,
    ticked: bool,
    sent: Option<Sent>,
}

/// Every group's alerts and timers. Not thread-safe by itself: one owner
/// (a worker) feeds it and asks it what is due.
#[derive(Debug, Default)]
pub struct Dispatcher {
    ids: HashMap<GroupKey, u64>,
    groups: HashMap<u64, Group>,
    /// (due, group id); an entry whose due differs from its group's `next`
    /// (or whose group is gone) is stale and skipped. The top is never stale.
    heap: BinaryHeap<Reverse<(i64, u64)>>,
    next_id: u64,
}

impl Dispatcher {
    pub fn new() -> Dispatcher {
        Dispatcher::default()
    }

    /// An alert arrives (new or updated) in the group of `route` named by
    /// `group_labels` (see [`super::RouteTree::group_labels`]). A new group
    /// takes the route's timers and waits `group_wait`.
    pub fn insert(
        &mut self,
        route: &Route,
        group_labels: Labels,
        fingerprint: u64,
        starts_at: i64,
        ends_at: i64,
        now: i64,
    ) {
        let key = GroupKey { route: route.id, labels: group_labels };
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.next_id;
                self.next_id += 1;
                let timing =
                    Timing { wait: route.group_wait, interval: route.group_interval, repeat: route.repeat_interval };
                let next = now.saturating_add(timing.wait);
                let group =
                    Group { key: key.clone(), timing, alerts: BTreeMap::new(), next, ticked: false, sent: None };
                self.ids.insert(key, id);
                self.groups.insert(id, group);
                self.heap.push(Reverse((next, id)));
                id
            }
        };
        let Some(g) = self.groups.get_mut(&id) else { return };
        g.alerts.insert(fingerprint, ends_at);
        // An alert that started before the wait would have ended: no reason
        // to wait for company any longer.
        if !g.ticked && starts_at.saturating_add(g.timing.wait) < now && g.next > now {
            g.next = now;
            self.heap.push(Reverse((now, id)));
        }
    }

    /// When [`Dispatcher::due`] next has something to do.
    pub fn next_due(&self) -> Option<i64> {
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    /// Runs every tick due by `now` and answers the notifications to send.
    pub fn due(&mut self, now: i64) -> Vec<Flush> {
        self.run_due(now, true)
    }

    /// Runs every tick due by `now` and answers each group's alerts as of
    /// its tick, whether or not they need a notification: the caller
    /// decides with [`needs_update`] against its own log of what was sent
    /// (after leaving out the alerts it mutes), as Alertmanager's dedup
    /// stage reads its notification log. Groups keep their timers and
    /// drop their resolved alerts as with [`Dispatcher::due`].
    pub fn ticks(&mut self, now: i64) -> Vec<Flush> {
        self.run_due(now, false)
    }

    fn run_due(&mut self, now: i64, decide: bool) -> Vec<Flush> {
        let mut out = Vec::new();
        while let Some(&Reverse((at, id))) = self.heap.peek() {
            if at > now {
                break;
            }
            self.heap.pop();
            if self.groups.get(&id).is_some_and(|g| g.next == at) {
                if let Some(f) = self.tick(id, now, decide) {
                    out.push(f);
                }
            }
            self.drop_stale();
        }
        out
    }

    fn tick(&mut self, id: u64, now: i64, decide: bool) -> Option<Flush> {
        let g = self.groups.get_mut(&id)?;
        g.ticked = true;
        let (mut firing, mut resolved) = (BTreeSet::new(), BTreeSet::new());
        for (&fp, &end) in &g.alerts {
            if end > now {
                firing.insert(fp)
            } else {
                resolved.insert(fp)
            };
        }
        let last = g.sent.as_ref().map(|s| (&s.firing, &s.resolved, s.at));
        let wanted = !decide || needs_update(last, &firing, &resolved, g.timing.repeat, now);
        let flush = wanted.then(|| Flush {
            group: g.key.clone(),
            at: now,
            firing: firing.iter().copied().collect(),
            resolved: resolved.iter().copied().collect(),
        });
        if flush.is_some() && decide {
            g.sent = Some(Sent { firing, resolved: resolved.clone(), at: now });
        }
        for fp in &resolved {
            g.alerts.remove(fp);
        }
        if g.alerts.is_empty() {
            let key = g.key.clone();
            self.groups.remove(&id);
            self.ids.remove(&key);
        } else {
            g.next = now.saturating_add(g.timing.interval);
            self.heap.push(Reverse((g.next, id)));
        }
        flush
    }

    fn drop_stale(&mut self) {
        while let Some(&Reverse((at, id))) = self.heap.peek() {
            if self.groups.get(&id).is_some_and(|g| g.next == at) {
                break;
            }
            self.heap.pop();
        }
    }

    /// How many groups are live.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The fingerprints in a group, ascending, or None if it is not live.
    pub fn alerts_of(&self, key: &GroupKey) -> Option<Vec<u64>> {
        let g = self.ids.get(key).and_then(|id| self.groups.get(id))?;
        Some(g.alerts.keys().copied().collect())
    }
}

/// What was last notified for a group: its firing and resolved alerts and when.
pub type LastSent<'a> = (&'a BTreeSet<u64>, &'a BTreeSet<u64>, i64);

/// Alertmanager's `DedupStage.needsUpdate` with `send_resolved` on: whether
/// a group whose alerts are now `firing` and `resolved` is notified, given
/// what was `last` sent for it.
pub fn needs_update(
    last: Option<LastSent<'_>>,
    firing: &BTreeSet<u64>,
    resolved: &BTreeSet<u64>,
    repeat: i64,
    now: i64,
) -> bool {
    let Some((sent_firing, sent_resolved, sent_at)) = last else { return !firing.is_empty() };
    if !firing.is_subset(sent_firing) {
        return true;
    }
    if firing.is_empty() {
        // Alerts that fired and resolved between two ticks were never
        // announced: nothing to say unless some announced ones resolved.
        return !sent_firing.is_empty();
    }
    if !resolved.is_subset(sent_resolved) {
        return true;
    }
    // Exact times here, so "repeat_interval has passed" includes the tick
    // that lands on it (Alertmanager's wall clock makes that moot).
    sent_at.saturating_add(repeat) <= now
}

#[cfg(test)]
#[path = "dispatch_tests.rs"]
mod tests;
