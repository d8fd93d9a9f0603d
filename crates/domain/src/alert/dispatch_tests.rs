use super::*;
use crate::alert::RouteSpec;
use proptest::prelude::*;

const S: i64 = 1_000_000;
const T0: i64 = 1_700_000_000 * S;
/// Far enough ahead to stay firing through any test.
const FOREVER: i64 = i64::MAX;

/// One route with Alertmanager's defaults (30 s, 5 min, 4 h).
fn route() -> Route {
    let spec = RouteSpec { receiver: Some("r".into()), ..RouteSpec::default() };
    let receivers = ["r".to_owned()].into_iter().collect();
    spec.check(&receivers).map(|t| t.root().clone()).unwrap_or_else(|p| panic!("{p:?}"))
}

fn group(name: &str) -> Labels {
    [("alertname", name)].into_iter().collect()
}

fn key(name: &str) -> GroupKey {
    GroupKey { route: 0, labels: group(name) }
}

#[test]
fn the_first_flush_waits_group_wait() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Up"), 1, T0, FOREVER, T0);
    assert_eq!(d.next_due(), Some(T0 + 30 * S));
    assert!(d.due(T0 + 29 * S).is_empty());
    d.insert(&r, group("Up"), 2, T0 + 10 * S, FOREVER, T0 + 10 * S);
    let f = d.due(T0 + 30 * S);
    assert_eq!(f, [Flush { group: key("Up"), at: T0 + 30 * S, firing: vec![1, 2], resolved: vec![] }]);
    assert_eq!(d.next_due(), Some(T0 + 330 * S), "then every group_interval");
}

/// 1,000 alerts into one group make one notification per interval.
#[test]
fn a_thousand_alerts_make_one_flush_per_interval() {
    let (r, mut d) = (route(), Dispatcher::new());
    let mut flushes = Vec::new();
    // One new alert a second for 1,000 seconds, asking what is due each time.
    for i in 0..1000_i64 {
        let now = T0 + i * S;
        d.insert(&r, group("Flood"), i as u64, now, FOREVER, now);
        flushes.extend(d.due(now));
    }
    flushes.extend(d.due(T0 + 1000 * S));
    let times: Vec<i64> = flushes.iter().map(|f| (f.at - T0) / S).collect();
    assert_eq!(times, [30, 330, 630, 930]);
    assert_eq!(flushes.last().map(|f| f.firing.len()), Some(931));
    assert_eq!(d.len(), 1);
}

#[test]
fn an_unchanged_group_repeats_after_repeat_interval() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Up"), 1, T0, FOREVER, T0);
    let mut at = Vec::new();
    for step in 0..=(5 * 3600 / 30) {
        at.extend(d.due(T0 + step * 30 * S).into_iter().map(|f| (f.at - T0) / S));
    }
    // First at 30 s; ticks every 300 s; the first tick 4 h after it is 14430 s.
    assert_eq!(at, [30, 14_430]);
}

#[test]
fn a_new_alert_waits_for_the_next_tick_not_group_wait() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Up"), 1, T0, FOREVER, T0);
    assert_eq!(d.due(T0 + 30 * S).len(), 1);
    d.insert(&r, group("Up"), 2, T0 + 40 * S, FOREVER, T0 + 40 * S);
    assert!(d.due(T0 + 329 * S).is_empty());
    let f = d.due(T0 + 330 * S);
    assert_eq!(f.iter().map(|f| f.firing.clone()).collect::<Vec<_>>(), [vec![1, 2]]);
}

#[test]
fn resolved_alerts_are_sent_then_the_group_is_dropped() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Up"), 1, T0, FOREVER, T0);
    d.insert(&r, group("Up"), 2, T0, FOREVER, T0);
    assert_eq!(d.due(T0 + 30 * S).len(), 1);
    // Alert 2 resolves (its end passes without a call: a resolve timeout).
    d.insert(&r, group("Up"), 2, T0, T0 + 100 * S, T0 + 60 * S);
    let f = d.due(T0 + 330 * S);
    assert_eq!((f[0].firing.clone(), f[0].resolved.clone()), (vec![1], vec![2]));
    assert_eq!(d.alerts_of(&key("Up")), Some(vec![1]), "a sent resolved alert leaves the group");
    d.insert(&r, group("Up"), 1, T0, T0 + 400 * S, T0 + 400 * S);
    let f = d.due(T0 + 630 * S);
    assert_eq!((f[0].firing.clone(), f[0].resolved.clone()), (vec![], vec![1]));
    assert!(d.is_empty() && d.next_due().is_none(), "an empty group is dropped");
    // The same labels later start a new group that waits again.
    d.insert(&r, group("Up"), 1, T0 + 700 * S, FOREVER, T0 + 700 * S);
    assert_eq!(d.next_due(), Some(T0 + 730 * S));
}

#[test]
fn alerts_that_fire_and_resolve_between_ticks_say_nothing() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Blip"), 1, T0, T0 + 5 * S, T0);
    assert!(d.due(T0 + 30 * S).is_empty(), "never announced, nothing to resolve");
    assert!(d.is_empty());
}

#[test]
fn an_old_alert_is_flushed_at_once() {
    let (r, mut d) = (route(), Dispatcher::new());
    // It started a minute ago (e.g. re-sent after a restart): no group_wait.
    d.insert(&r, group("Old"), 1, T0 - 60 * S, FOREVER, T0);
    assert_eq!(d.next_due(), Some(T0));
    assert_eq!(d.due(T0).len(), 1);
    assert_eq!(d.next_due(), Some(T0 + 300 * S), "the stale first timer is gone");
    assert!(d.due(T0 + 30 * S).is_empty());
}

#[test]
fn groups_are_apart_by_route_and_labels() {
    let (r, mut d) = (route(), Dispatcher::new());
    let mut other = r.clone();
    other.id = 1;
    other.group_wait = 10 * S;
    d.insert(&r, group("A"), 1, T0, FOREVER, T0);
    d.insert(&r, group("B"), 2, T0, FOREVER, T0);
    d.insert(&other, group("A"), 1, T0, FOREVER, T0);
    assert_eq!(d.len(), 3);
    let first = d.due(T0 + 10 * S);
    assert_eq!(first.iter().map(|f| f.group.route).collect::<Vec<_>>(), [1]);
    let mut rest: Vec<GroupKey> = d.due(T0 + 30 * S).into_iter().map(|f| f.group).collect();
    rest.sort();
    assert_eq!(rest, [key("A"), key("B")]);
}

#[derive(Debug, Clone)]
enum Op {
    /// (group, fingerprint, seconds until it ends)
    Insert(u8, u8, Option<u16>),
    /// Seconds to move the clock on, then ask what is due.
    Advance(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..4, 0u8..8, proptest::option::of(0u16..900)).prop_map(|(g, f, e)| Op::Insert(g, f, e)),
        (1u16..400).prop_map(Op::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No live group is ever flushed twice within its group_interval, every
    /// flush is due (never before its first alert's group_wait, unless the
    /// alert was already old), and next_due never lies in the past of a
    /// group with work.
    #[test]
    fn no_group_flushes_twice_within_group_interval(ops in proptest::collection::vec(op(), 1..120)) {
        let (r, mut d) = (route(), Dispatcher::new());
        let mut now = T0;
        let mut last: HashMap<GroupKey, i64> = HashMap::new();
        let mut born: HashMap<GroupKey, i64> = HashMap::new();
        for op in ops {
            match op {
                Op::Insert(g, fp, ends) => {
                    let k = key(&g.to_string());
                    born.entry(k).or_insert(now);
                    let end = ends.map_or(FOREVER, |e| now + i64::from(e) * S);
                    d.insert(&r, group(&g.to_string()), u64::from(fp), now, end, now);
                }
                Op::Advance(secs) => {
                    let until = now + i64::from(secs) * S;
                    // Wake exactly when asked to, as a worker would.
                    while let Some(at) = d.next_due().filter(|at| *at <= until) {
                        prop_assert!(at >= now, "next_due {at} before now {now}");
                        now = at;
                        for f in d.due(now) {
                            if let Some(prev) = last.get(&f.group) {
                                prop_assert!(f.at - prev >= r.group_interval, "{:?} twice: {} then {}", f.group, prev, f.at);
                            }
                            if let Some(b) = born.get(&f.group) {
                                prop_assert!(f.at >= b + r.group_wait, "flushed before group_wait");
                            }
                            prop_assert!(!f.firing.is_empty() || !f.resolved.is_empty());
                            last.insert(f.group.clone(), f.at);
                        }
                        // A dropped group starts afresh if its labels come back.
                        last.retain(|k, _| d.alerts_of(k).is_some());
                        born.retain(|k, _| d.alerts_of(k).is_some());
                    }
                    now = until;
                }
            }
        }
    }
}

/// `ticks` hands every tick to the caller, who decides with `needs_update`
/// against its own log; the timers and the dropping of resolved alerts are
/// the same as with `due`.
#[test]
fn ticks_leave_the_decision_to_the_caller() {
    let (r, mut d) = (route(), Dispatcher::new());
    d.insert(&r, group("Up"), 1, T0, T0 + 100 * S, T0);
    let f = d.ticks(T0 + 30 * S);
    assert_eq!(f, [Flush { group: key("Up"), at: T0 + 30 * S, firing: vec![1], resolved: vec![] }]);
    // Nothing recorded inside: the next tick is handed over again.
    let f = d.ticks(T0 + 330 * S);
    assert_eq!(f, [Flush { group: key("Up"), at: T0 + 330 * S, firing: vec![], resolved: vec![1] }]);
    assert!(d.is_empty(), "the resolved alert left and the group with it");
    let (one, none): (BTreeSet<u64>, BTreeSet<u64>) = ([1].into(), BTreeSet::new());
    assert!(needs_update(None, &one, &none, 3600 * S, T0));
    assert!(!needs_update(None, &none, &one, 3600 * S, T0), "a resolution never announced firing says nothing");
    assert!(!needs_update(Some((&one, &none, T0)), &one, &none, 3600 * S, T0 + 10 * S));
    assert!(needs_update(Some((&one, &none, T0)), &one, &none, 3600 * S, T0 + 3600 * S), "repeat_interval passed");
    assert!(needs_update(Some((&one, &none, T0)), &none, &one, 3600 * S, T0 + 10 * S), "resolved once");
    assert!(!needs_update(Some((&none, &one, T0)), &none, &one, 3600 * S, T0 + 10 * S), "and only once");
}
