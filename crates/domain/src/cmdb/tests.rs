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
    let mut g = Graph::default();
    let r1 = rel(1, RelationType::Uses, 2);
    let r2 = rel(2, RelationType::RunsOn, 3);
    g.upsert(Edge { id: 1, relation: r1, since: 10, until: Some(30) });
    g.upsert(Edge { id: 2, relation: r2, since: 20, until: None });
    g.upsert(Edge { id: 3, relation: r1, since: 40, until: None });
    let up = |g: &Graph, at| g.impact_at(&[3], 5, Some(at)).iter().map(|r| r.ci).collect::<Vec<_>>();
    assert_eq!(up(&g, 5), [] as [i64; 0]);
    assert_eq!(up(&g, 25), [2, 1]);
    assert_eq!(up(&g, 35), [2], "r1 was removed at 30");
    assert_eq!(up(&g, 40), [2, 1], "and added again at 40");
    assert_eq!(g.relations_of(2, Some(35)).len(), 1);
    // A removal arrives later as an update of the same relation.
    g.upsert(Edge { id: 2, relation: r2, since: 20, until: Some(50) });
    assert!(g.impact(&[3], 5).is_empty());
    assert_eq!(up(&g, 45), [2, 1]);
}

#[test]
fn the_neighbourhood_goes_both_ways_and_is_bounded() {
    let g = shop();
    let (nodes, rels) = g.neighbourhood(3, 1, None, 100);
    assert_eq!(nodes, [3, 2, 5, 8], "network links count for a map");
    assert_eq!(rels.len(), 3);
    let (nodes, _) = g.neighbourhood(3, 5, None, 4);
    assert_eq!(nodes.len(), 4);
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
        relations: vec![AllowedRelation { kind: RelationType::HostedOn, to: vec!["location".into()] }],
        attributes: vec![
            Attribute {
                name: "site".into(),
                kind: AttrType::Reference { class: "location".into() },
                required: true,
                identifying: false,
                label: Some("Site".into()),
            },
            Attribute {
                name: "installed".into(),
                kind: AttrType::Date,
                required: false,
                identifying: false,
                label: None,
            },
        ],
    });
    let s = Schema::new(classes).unwrap();
    assert!(s.validate("rack", json!({"site": 9, "installed": "2026-02-28"}).as_object().unwrap(), class_of).is_ok());
    let e = s.validate("rack", json!({"installed": "2026-02-30"}).as_object().unwrap(), class_of).unwrap_err();
    assert_eq!(e.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["attributes.site", "attributes.installed"]);
    let e = s.validate("rack", json!({"site": 7}).as_object().unwrap(), class_of).unwrap_err();
    assert_eq!(e[0].reason, "no CI 7");
    assert!(s.check_relation("rack", RelationType::HostedOn, "location").is_ok());
    assert_eq!(
        s.check_relation("rack", RelationType::HostedOn, "server").unwrap_err(),
        "hosted_on from a rack must go to a location, not a server"
    );
    assert!(s.check_relation("rack", RelationType::Uses, "server").is_ok(), "only listed types are limited");
}

#[test]
fn bad_class_definitions_are_named() {
    let mut classes = builtin();
    classes.push(Class {
        key: "a".into(),
        name: "A".into(),
        extends: Some("b".into()),
        attributes: vec![],
        relations: vec![],
    });
    classes.push(Class {
        key: "b".into(),
        name: "B".into(),
        extends: Some("a".into()),
        attributes: vec![],
        relations: vec![],
    });
    classes.push(Class {
        key: "c".into(),
        name: "C".into(),
        extends: Some("nowhere".into()),
        attributes: vec![],
        relations: vec![],
    });
    classes.push(Class {
        key: "d".into(),
        name: "D".into(),
        extends: Some("server".into()),
        attributes: vec![Attribute {
            name: "hostname".into(),
            kind: AttrType::Text,
            required: false,
            identifying: false,
            label: None,
        }],
        relations: vec![],
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

    /// The graph as of a moment is the graph of the relations live then:
    /// spans make time travel exact.
    #[test]
    fn time_travel_equals_the_graph_of_that_moment(
        spans in prop::collection::vec((0i64..20, 0i64..10, prop::option::of(1i64..10)), 1..60),
        rels in arb_relations(),
        at in 0i64..30,
        start in 0i64..30,
    ) {
        let mut g = Graph::default();
        let mut live = Vec::new();
        for (i, (r, (since, _, until))) in rels.iter().zip(spans.iter().cycle()).enumerate() {
            let until = until.map(|u| since + u);
            let e = Edge { id: i as i64, relation: *r, since: *since, until };
            if e.live(Some(at)) {
                live.push(*r);
            }
            g.upsert(e);
        }
        let then: Vec<(i64, u32)> = g.impact_at(&[start], 6, Some(at)).iter().map(|r| (r.ci, r.depth)).collect();
        let fresh: Vec<(i64, u32)> = Graph::new(live).impact(&[start], 6).iter().map(|r| (r.ci, r.depth)).collect();
        prop_assert_eq!(then, fresh);
    }
}
