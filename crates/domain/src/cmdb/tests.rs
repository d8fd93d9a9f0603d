use super::*;
use proptest::prelude::*;
use serde_json::json;
use std::collections::HashSet;

fn rel(from: i64, kind: RelationType, to: i64) -> Relation {
    Relation { from, to, kind }
}

/// Shop (1) uses Checkout app (2), which runs on vm-a (3) and vm-b (4),
/// both hosted on hypervisor (5); the app uses the database (6), a member
/// of the cluster (7)... and the cluster depends on the app: a cycle.
fn shop() -> Graph {
    use RelationType::*;
    Graph::new([
        rel(1, Uses, 2),
        rel(2, RunsOn, 3),
        rel(2, RunsOn, 4),
        rel(3, HostedOn, 5),
        rel(4, HostedOn, 5),
        rel(2, Uses, 6),
        rel(6, MemberOf, 7),
        rel(7, DependsOn, 2),
        rel(3, ConnectedTo, 8),
    ])
}

#[test]
fn a_failing_hypervisor_takes_the_shop_down_and_says_why() {
    let hit = shop().impact(&[5], 10);
    let ids: Vec<i64> = hit.iter().map(|r| r.ci).collect();
    assert_eq!(ids, [3, 4, 2, 1, 7], "breadth first; the network neighbour 8 is not affected");
    let shop = hit.iter().find(|r| r.ci == 1).unwrap();
    assert_eq!(shop.depth, 3);
    let why: Vec<(i64, &str)> = shop.path.iter().map(|s| (s.ci, s.relation.kind.as_str())).collect();
    assert_eq!(why, [(3, "hosted_on"), (2, "runs_on"), (1, "uses")]);
}

#[test]
fn depth_limits_and_cycles() {
    let g = shop();
    let one: Vec<i64> = g.impact(&[5], 1).iter().map(|r| r.ci).collect();
    assert_eq!(one, [3, 4]);
    assert!(g.impact(&[5], 0).is_empty());
    // The cycle 2 -> 6 -> 7 -> 2 ends: each CI once.
    let from_db: Vec<i64> = g.impact(&[6], 50).iter().map(|r| r.ci).collect();
    assert_eq!(from_db, [2, 7, 1]);
    let down: Vec<i64> = g.dependencies(&[1], 50).iter().map(|r| r.ci).collect();
    assert_eq!(down, [2, 3, 4, 6, 5]);
    assert!(!down.contains(&8), "a network link is not a dependency");
}

#[test]
fn relations_can_be_read_as_they_were() {
    let r1 = rel(1, RelationType::Uses, 2);
    let r2 = rel(2, RelationType::RunsOn, 3);
    let events = [
        RelationEvent { at: 10, relation: r1, added: true },
        RelationEvent { at: 20, relation: r2, added: true },
        RelationEvent { at: 30, relation: r1, added: false },
        RelationEvent { at: 40, relation: r1, added: true },
    ];
    assert_eq!(relations_at(&events, 5), []);
    assert_eq!(relations_at(&events, 25), [r1, r2]);
    assert_eq!(relations_at(&events, 35), [r2]);
    assert_eq!(relations_at(&events, 40), [r1, r2]);
}

#[test]
fn attributes_are_checked_against_the_class_and_its_parents() {
    let s = Schema::new(builtin()).unwrap();
    assert!(s.is_a("virtual_machine", "server"));
    let class_of = |id: i64| (id == 9).then(|| "location".to_owned());
    let ok = json!({"hostname": "vm-12", "memory_mb": 4096, "hypervisor": "kvm"});
    assert!(s.validate("virtual_machine", ok.as_object().unwrap(), class_of).is_ok());
    let bad = json!({"hostname": 12, "memory_mb": "lots", "hypervisor": "bhyve", "colour": "red"});
    let fields: Vec<String> = s
        .validate("virtual_machine", bad.as_object().unwrap(), class_of)
        .unwrap_err()
        .into_iter()
        .map(|p| p.field)
        .collect();
    assert_eq!(fields, ["attributes.colour", "attributes.hostname", "attributes.memory_mb", "attributes.hypervisor"]);
    assert_eq!(s.validate("spaceship", &serde_json::Map::new(), class_of).unwrap_err()[0].field, "class");

    let mut classes = builtin();
    classes.push(Class {
        key: "rack".into(),
        name: "Rack".into(),
        extends: None,
        attributes: vec![
            Attribute {
                name: "site".into(),
                kind: AttrType::Reference { class: "location".into() },
                required: true,
                identifying: false,
            },
            Attribute { name: "installed".into(), kind: AttrType::Date, required: false, identifying: false },
        ],
    });
    let s = Schema::new(classes).unwrap();
    assert!(s.validate("rack", json!({"site": 9, "installed": "2026-02-28"}).as_object().unwrap(), class_of).is_ok());
    let e = s.validate("rack", json!({"installed": "2026-02-30"}).as_object().unwrap(), class_of).unwrap_err();
    assert_eq!(e.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["attributes.site", "attributes.installed"]);
    let e = s.validate("rack", json!({"site": 7}).as_object().unwrap(), class_of).unwrap_err();
    assert_eq!(e[0].reason, "no CI 7");
}

#[test]
fn bad_class_definitions_are_named() {
    let mut classes = builtin();
    classes.push(Class { key: "a".into(), name: "A".into(), extends: Some("b".into()), attributes: vec![] });
    classes.push(Class { key: "b".into(), name: "B".into(), extends: Some("a".into()), attributes: vec![] });
    classes.push(Class { key: "c".into(), name: "C".into(), extends: Some("nowhere".into()), attributes: vec![] });
    classes.push(Class {
        key: "d".into(),
        name: "D".into(),
        extends: Some("server".into()),
        attributes: vec![Attribute {
            name: "hostname".into(),
            kind: AttrType::Text,
            required: false,
            identifying: false,
        }],
    });
    let fields: Vec<String> = Schema::new(classes).unwrap_err().into_iter().map(|p| p.field).collect();
    assert_eq!(
        fields,
        ["classes.a.extends", "classes.b.extends", "classes.c.extends", "classes.d.attributes.hostname"]
    );
}

fn arb_relations() -> impl Strategy<Value = Vec<Relation>> {
    let kind = prop::sample::select(RelationType::ALL.to_vec());
    prop::collection::vec((0i64..30, kind, 0i64..30).prop_map(|(f, k, t)| rel(f, k, t)), 0..80)
}

proptest! {
    /// Impact ends on any graph (cycles included), names each CI once, never
    /// the starting ones, respects the depth, and every path is made of real
    /// relations leading from a starting CI to the CI it explains.
    #[test]
    fn impact_is_finite_and_explained(rels in arb_relations(), start in 0i64..30, depth in 0u32..6) {
        let g = Graph::new(rels.clone());
        let hit = g.impact(&[start], depth);
        let ids: HashSet<i64> = hit.iter().map(|r| r.ci).collect();
        prop_assert_eq!(ids.len(), hit.len());
        prop_assert!(!ids.contains(&start));
        for r in &hit {
            prop_assert!(r.depth >= 1 && r.depth <= depth);
            prop_assert_eq!(r.path.len() as u32, r.depth);
            prop_assert_eq!(r.path.last().map(|s| s.ci), Some(r.ci));
            for s in &r.path {
                prop_assert!(rels.contains(&s.relation));
            }
        }
    }

    /// Up and down are mirror images: B is affected by A exactly when A is
    /// among B's dependencies.
    #[test]
    fn impact_and_dependencies_mirror(rels in arb_relations(), a in 0i64..30, b in 0i64..30) {
        prop_assume!(a != b);
        let g = Graph::new(rels);
        let up = g.impact(&[a], 64).iter().any(|r| r.ci == b);
        let down = g.dependencies(&[b], 64).iter().any(|r| r.ci == a);
        prop_assert_eq!(up, down);
    }

    /// Replaying every event equals the set of relations whose last event
    /// added them.
    #[test]
    fn time_travel_replays_the_journal(ops in prop::collection::vec((0i64..5, any::<bool>()), 0..40)) {
        let rels: Vec<Relation> = (0..5).map(|i| rel(i, RelationType::DependsOn, i + 1)).collect();
        let events: Vec<RelationEvent> = ops
            .iter()
            .enumerate()
            .map(|(t, (i, added))| RelationEvent { at: t as i64, relation: rels[*i as usize], added: *added })
            .collect();
        let now: HashSet<Relation> = relations_at(&events, i64::MAX).into_iter().collect();
        for r in &rels {
            let last = events.iter().rev().find(|e| e.relation == *r).map(|e| e.added).unwrap_or(false);
            prop_assert_eq!(now.contains(r), last);
        }
    }
}
