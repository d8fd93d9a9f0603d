use super::*;
use crate::cmdb::graph::{Relation, RelationType};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashSet};

const S: i64 = 1_000_000;
const T0: i64 = 1_700_000_000 * S;
const MINUTE: i64 = 60 * S;
const WINDOW: i64 = 5 * MINUTE;

fn rel(from: i64, kind: RelationType, to: i64) -> Relation {
    Relation { from, to, kind }
}

fn failing(list: &[(i64, i64)]) -> Vec<Failing> {
    list.iter().map(|&(ci, at)| Failing { ci, started_at: T0 + at }).collect()
}

fn run(graph: &Graph, list: &[(i64, i64)]) -> Vec<Group> {
    correlate(graph, &failing(list), WINDOW, 5).unwrap_or_else(|p| panic!("{p:?}"))
}

/// Each group as (ci, cause of ci) pairs, a cause naming itself.
fn roles(groups: &[Group]) -> Vec<Vec<(i64, i64)>> {
    let cause = |m: &Member| match &m.role {
        Role::Cause => m.ci,
        Role::Symptom { cause, .. } => *cause,
    };
    groups.iter().map(|g| g.members.iter().map(|m| (m.ci, cause(m))).collect()).collect()
}

/// A symptom's whole explanation as (ci reached, relation type) pairs.
fn why(g: &Group, ci: i64) -> Vec<(i64, &'static str)> {
    assert!(matches!(g.member(ci).map(|m| &m.role), Some(Role::Symptom { .. })), "{ci} is not a symptom");
    g.explain(ci).iter().map(|s| (s.ci, s.relation.kind.as_str())).collect()
}

/// A symptom's `via`.
fn via(g: &Group, ci: i64) -> Option<i64> {
    match g.member(ci).map(|m| &m.role) {
        Some(Role::Symptom { via, .. }) => Some(*via),
        _ => None,
    }
}

/// The shop (1) uses the app (2), which uses the database (3).
fn shop() -> Graph {
    use RelationType::*;
    Graph::new([rel(1, Uses, 2), rel(2, Uses, 3)])
}

#[test]
fn a_database_under_an_app_under_a_service_is_one_group_with_the_database_the_cause() {
    let groups = run(&shop(), &[(1, 2 * MINUTE), (2, MINUTE), (3, 0)]);
    assert_eq!(roles(&groups), [vec![(3, 3), (2, 3), (1, 3)]]);
    let g = &groups[0];
    assert_eq!(g.causes, [3]);
    assert_eq!(why(g, 2), [(2, "uses")]);
    assert_eq!(why(g, 1), [(2, "uses"), (1, "uses")], "from the database up to the shop");
    assert_eq!(g.key(), CorrelationKey { cause: 3, started_at: T0 });
    assert_eq!(g.started_at(), T0);
    // A path names the relations as people say them: the app uses the DB.
    let Some(Role::Symptom { path, .. }) = g.member(2).map(|m| &m.role) else { panic!("not a symptom") };
    assert_eq!(path[0].relation, rel(2, RelationType::Uses, 3));
}

#[test]
fn a_healthy_ci_between_two_failures_still_links_them() {
    let groups = run(&shop(), &[(1, MINUTE), (3, 0)]);
    assert_eq!(roles(&groups), [vec![(3, 3), (1, 3)]]);
    assert_eq!(why(&groups[0], 1), [(2, "uses"), (1, "uses")]);
    // Beyond the depth they are unrelated.
    let two = correlate(&shop(), &failing(&[(1, MINUTE), (3, 0)]), WINDOW, 1).unwrap_or_default();
    assert_eq!(roles(&two), [vec![(3, 3)], vec![(1, 1)]]);
}

#[test]
fn two_unrelated_failures_are_two_groups_ordered_by_start() {
    use RelationType::*;
    let g = Graph::new([rel(1, Uses, 2), rel(10, RunsOn, 11)]);
    let groups = run(&g, &[(11, MINUTE), (2, 0)]);
    assert_eq!(roles(&groups), [vec![(2, 2)], vec![(11, 11)]]);
    assert_eq!(group_of(&groups, 11), Some(1));
    assert_eq!(group_of(&groups, 2), Some(0));
    assert_eq!(group_of(&groups, 1), None, "not failing");
}

#[test]
fn siblings_sharing_a_healthy_dependency_are_two_groups() {
    use RelationType::*;
    // Two apps on one VM (10); the VM is fine.
    let g = Graph::new([rel(1, RunsOn, 10), rel(2, RunsOn, 10)]);
    assert_eq!(roles(&run(&g, &[(1, 0), (2, 0)])), [vec![(1, 1)], vec![(2, 2)]]);
    // When the VM fails too, it explains both.
    assert_eq!(roles(&run(&g, &[(1, 0), (2, 0), (10, 0)])), [vec![(1, 10), (2, 10), (10, 10)]]);
}

#[test]
fn a_failure_outside_the_window_is_its_own_group() {
    let groups = run(&shop(), &[(3, 0), (2, WINDOW + 1)]);
    assert_eq!(roles(&groups), [vec![(3, 3)], vec![(2, 2)]]);
    assert_eq!(groups[1].key(), CorrelationKey { cause: 2, started_at: T0 + WINDOW + 1 });
    // At the window's edge they are still together.
    assert_eq!(roles(&run(&shop(), &[(3, 0), (2, WINDOW)])), [vec![(3, 3), (2, 3)]]);
}

#[test]
fn the_window_chains_through_members() {
    // The shop starts 8 minutes after the database, but each is within 5
    // minutes of the app between them: one group, the database the cause.
    let groups = run(&shop(), &[(3, 0), (2, 4 * MINUTE), (1, 8 * MINUTE)]);
    assert_eq!(roles(&groups), [vec![(3, 3), (2, 3), (1, 3)]]);
    assert_eq!(why(&groups[0], 1), [(2, "uses"), (1, "uses")]);
    assert_eq!(via(&groups[0], 1), Some(3), "the database is within the depth");
    // Out of the depth, the shop is explained through the app.
    let groups = correlate(&shop(), &failing(&[(3, 0), (2, MINUTE), (1, 2 * MINUTE)]), WINDOW, 1).unwrap_or_default();
    assert_eq!(roles(&groups), [vec![(3, 3), (2, 3), (1, 3)]]);
    assert_eq!(via(&groups[0], 1), Some(2));
    assert_eq!(why(&groups[0], 1), [(2, "uses"), (1, "uses")]);
}

#[test]
fn a_cycle_names_its_earliest_start_the_cause() {
    use RelationType::*;
    // 1 and 2 depend on each other; 3 uses 1.
    let g = Graph::new([rel(1, DependsOn, 2), rel(2, DependsOn, 1), rel(3, Uses, 1)]);
    let groups = run(&g, &[(1, MINUTE), (2, 0), (3, 2 * MINUTE)]);
    assert_eq!(roles(&groups), [vec![(2, 2), (1, 2), (3, 2)]]);
    assert_eq!(why(&groups[0], 3), [(1, "depends_on"), (3, "uses")]);
    // Equal starts: the lowest id.
    assert_eq!(roles(&run(&g, &[(1, 0), (2, 0)])), [vec![(1, 1), (2, 1)]]);
    // A failure the cycle stands on explains the whole cycle.
    let below = Graph::new([rel(1, DependsOn, 2), rel(2, DependsOn, 1), rel(2, RunsOn, 9)]);
    assert_eq!(roles(&run(&below, &[(1, 0), (2, 0), (9, MINUTE)])), [vec![(1, 9), (2, 9), (9, 9)]]);
}

#[test]
fn a_failing_member_degrades_its_cluster_not_the_other_way() {
    use RelationType::*;
    // Node 1 is a member of cluster 2; the app 3 depends on the cluster.
    let g = Graph::new([rel(1, MemberOf, 2), rel(3, DependsOn, 2)]);
    let groups = run(&g, &[(2, 0), (1, MINUTE), (3, MINUTE)]);
    assert_eq!(roles(&groups), [vec![(2, 1), (1, 1), (3, 1)]], "the node is the cause though it started later");
    assert_eq!(why(&groups[0], 2), [(2, "member_of")]);
    assert_eq!(why(&groups[0], 3), [(2, "member_of"), (3, "depends_on")]);
    // A network link carries no failure.
    let linked = Graph::new([rel(1, ConnectedTo, 2)]);
    assert_eq!(roles(&run(&linked, &[(1, 0), (2, 0)])), [vec![(1, 1)], vec![(2, 2)]]);
}

#[test]
fn several_causes_and_the_nearest_one() {
    use RelationType::*;
    // The app (1) runs on vm 2 and uses db 3 through a pool 4 (healthy).
    let g = Graph::new([rel(1, RunsOn, 2), rel(1, Uses, 4), rel(4, Uses, 3)]);
    let groups = run(&g, &[(1, MINUTE), (2, 30 * S), (3, 0)]);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].causes, [3, 2], "by start");
    assert_eq!(roles(&groups), [vec![(3, 3), (2, 2), (1, 2)]], "one hop to the VM, two to the database");
    assert_eq!(groups[0].key(), CorrelationKey { cause: 3, started_at: T0 });
    // At equal distance the earlier cause wins.
    let even = Graph::new([rel(1, RunsOn, 2), rel(1, Uses, 3)]);
    assert_eq!(roles(&run(&even, &[(1, MINUTE), (2, 30 * S), (3, 0)])), [vec![(3, 3), (2, 2), (1, 3)]]);
}

#[test]
fn a_ci_listed_twice_counts_once_from_its_first_start() {
    let groups = run(&shop(), &[(2, MINUTE), (3, 0), (2, 30 * S)]);
    assert_eq!(groups[0].members.len(), 2);
    assert_eq!(groups[0].member(2).map(|m| m.started_at), Some(T0 + 30 * S));
}

#[test]
fn no_failures_no_groups() {
    assert_eq!(run(&shop(), &[]), []);
    assert_eq!(
        run(&Graph::default(), &[(5, 0)]),
        [Group { members: vec![Member { ci: 5, started_at: T0, role: Role::Cause }], causes: vec![5] }]
    );
}

#[test]
fn a_group_serializes_with_its_roles() {
    let groups = run(&shop(), &[(2, MINUTE), (3, 0)]);
    let json = serde_json::to_value(&groups[0]).unwrap_or_default();
    assert_eq!(
        json,
        serde_json::json!({
            "members": [
                {"ci": 3, "started_at": T0, "role": {"role": "cause"}},
                {"ci": 2, "started_at": T0 + MINUTE, "role": {"role": "symptom", "cause": 3, "via": 3, "path": [
                    {"ci": 2, "relation": {"from": 2, "to": 3, "kind": "uses"}}
                ]}}
            ],
            "causes": [3]
        })
    );
}

#[test]
fn bad_settings_name_their_fields() {
    let fields = |list: &[Failing], window, depth| {
        let p = correlate(&shop(), list, window, depth).err().unwrap_or_default();
        p.iter().map(|(f, m)| (f.clone(), m.code, m.text.clone())).collect::<Vec<_>>()
    };
    assert_eq!(
        fields(&[], 0, 0),
        [
            ("window".to_owned(), Code::Positive, "must be longer than zero".to_owned()),
            ("max_depth".to_owned(), Code::Between, "must be between 1 and 10".to_owned()),
        ]
    );
    assert_eq!(fields(&[], -1, 11).len(), 2);
    let many = vec![Failing { ci: 1, started_at: 0 }; MAX_FAILING + 1];
    assert_eq!(
        fields(&many, WINDOW, 3),
        [("failing".to_owned(), Code::TooMany, "at most 10000 failing CIs at once".to_owned())]
    );
    assert!(correlate(&shop(), &many[..MAX_FAILING], WINDOW, MAX_DEPTH).is_ok());
}

#[test]
fn a_long_chain_of_failures_does_not_overflow_the_stack() {
    use RelationType::*;
    // 10,000 CIs in a ring, each depending on the next: one cycle.
    let n = MAX_FAILING as i64;
    let g = Graph::new((0..n).map(|i| rel(i, DependsOn, (i + 1) % n)));
    let list: Vec<Failing> = (0..n).map(|i| Failing { ci: i, started_at: T0 + i }).collect();
    let groups = correlate(&g, &list, WINDOW, 1).unwrap_or_default();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].causes, [0]);
    // The last one stands on 0 itself; 1 only through the whole ring.
    assert_eq!(why(&groups[0], n - 1), [(n - 1, "depends_on")]);
    assert_eq!(via(&groups[0], 1), Some(2));
    assert_eq!(groups[0].explain(1).len(), MAX_FAILING - 1);
}

// Properties over random graphs.

fn kind() -> impl Strategy<Value = RelationType> {
    proptest::sample::select(RelationType::ALL.to_vec())
}

/// Up to 9 CIs, some relations between them, some of them failing.
fn case() -> impl Strategy<Value = (Vec<Relation>, Vec<(i64, i64)>, i64, u32)> {
    let relations = proptest::collection::vec((1i64..10, kind(), 1i64..10), 0..18)
        .prop_map(|v| v.into_iter().map(|(f, k, t)| rel(f, k, t)).collect::<Vec<_>>());
    let failing = proptest::collection::vec((1i64..10, 0i64..100), 0..12);
    (relations, failing, 1i64..60, 1u32..5)
}

/// Whether `r` carries a failure of `prev` to `ci` (the spec, written
/// again here rather than taken from the graph).
fn carries(r: &Relation, prev: i64, ci: i64) -> bool {
    use RelationType::*;
    match r.kind {
        DependsOn | RunsOn | HostedOn | Uses => r.from == ci && r.to == prev,
        MemberOf => r.from == prev && r.to == ci,
        ConnectedTo => false,
    }
}

fn depends(g: &Graph, a: i64, b: i64, depth: u32) -> bool {
    g.dependencies(&[a], depth).iter().any(|r| r.ci == b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn groups_partition_explain_and_ignore_input_order(
        (relations, list, window, depth) in case(),
        seed in any::<u64>(),
    ) {
        let g = Graph::new(relations);
        let input: Vec<Failing> = list.iter().map(|&(ci, at)| Failing { ci, started_at: at }).collect();
        let groups = correlate(&g, &input, window, depth).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;

        // Every failing CI in exactly one group, with its earliest start.
        let mut first: BTreeMap<i64, i64> = BTreeMap::new();
        for f in &input {
            let s = first.entry(f.ci).or_insert(f.started_at);
            *s = (*s).min(f.started_at);
        }
        let mut seen = BTreeMap::new();
        for g in &groups {
            for m in &g.members {
                prop_assert!(seen.insert(m.ci, m.started_at).is_none(), "{} twice", m.ci);
            }
        }
        prop_assert_eq!(&seen, &first);

        // Ordered: groups by first member, members by (start, id).
        let firsts: Vec<(i64, i64)> = groups.iter().map(|g| (g.started_at(), g.members[0].ci)).collect();
        prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        for grp in &groups {
            let keys: Vec<(i64, i64)> = grp.members.iter().map(|m| (m.started_at, m.ci)).collect();
            prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        }

        // Grouping: no related pair within the window is split, and each group
        // is connected by such pairs.
        let linked = |a: &Member, b: &Member| {
            (depends(&g, a.ci, b.ci, depth) || depends(&g, b.ci, a.ci, depth))
                && a.started_at.abs_diff(b.started_at) <= window.unsigned_abs()
        };
        for (i, x) in groups.iter().enumerate() {
            for y in &groups[i + 1..] {
                for a in &x.members {
                    prop_assert!(y.members.iter().all(|b| !linked(a, b)), "{} split from its group", a.ci);
                }
            }
            let mut reached = vec![0usize];
            let mut k = 0;
            while k < reached.len() {
                let a = &x.members[reached[k]];
                for (j, b) in x.members.iter().enumerate() {
                    if !reached.contains(&j) && linked(a, b) {
                        reached.push(j);
                    }
                }
                k += 1;
            }
            prop_assert_eq!(reached.len(), x.members.len(), "group {} not connected", i);
        }

        for grp in &groups {
            let ids: BTreeSet<i64> = grp.members.iter().map(|m| m.ci).collect();
            let causes: Vec<i64> = grp.members.iter().filter(|m| m.role == Role::Cause).map(|m| m.ci).collect();
            prop_assert!(!causes.is_empty());
            prop_assert_eq!(&grp.causes, &causes);
            // Failing dependencies within the group, transitively.
            let closure = |ci: i64| {
                let mut out: HashSet<i64> = HashSet::new();
                let mut todo = vec![ci];
                while let Some(c) = todo.pop() {
                    for r in g.dependencies(&[c], depth) {
                        if ids.contains(&r.ci) && out.insert(r.ci) {
                            todo.push(r.ci);
                        }
                    }
                }
                out
            };
            for m in &grp.members {
                match &m.role {
                    // A cause's failing dependencies in its group are only its own
                    // cycle: they depend on it again, and it explains them.
                    Role::Cause => {
                        for r in g.dependencies(&[m.ci], depth).iter().filter(|r| ids.contains(&r.ci)) {
                            prop_assert!(closure(r.ci).contains(&m.ci), "cause {} stands on {}", m.ci, r.ci);
                            let explained = matches!(grp.member(r.ci).map(|x| &x.role),
                                Some(Role::Symptom { cause, .. }) if *cause == m.ci);
                            prop_assert!(explained);
                        }
                    }
                    // A symptom: a chain of failure-carrying relations from its cause.
                    Role::Symptom { cause, via, path } => {
                        prop_assert!(causes.contains(cause));
                        prop_assert!(closure(m.ci).contains(cause));
                        prop_assert!(depends(&g, m.ci, *via, depth) && ids.contains(via));
                        prop_assert_eq!(path.last().map(|s| s.ci), Some(m.ci));
                        let whole = grp.explain(m.ci);
                        prop_assert!(whole.ends_with(path));
                        let mut prev = *cause;
                        for s in &whole {
                            prop_assert!(carries(&s.relation, prev, s.ci), "{:?} from {}", s, prev);
                            prev = s.ci;
                        }
                    }
                }
            }
        }

        // The same answer whatever the order, with repeats at later starts.
        let mut shuffled = input.clone();
        let mut r = seed;
        for i in (1..shuffled.len()).rev() {
            r = r.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            shuffled.swap(i, (r >> 33) as usize % (i + 1));
        }
        shuffled.extend(input.iter().map(|f| Failing { started_at: f.started_at + 7, ..*f }));
        prop_assert_eq!(correlate(&g, &shuffled, window, depth).ok(), Some(groups));
    }
}
