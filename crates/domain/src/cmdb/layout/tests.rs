use super::*;
use RelationType::*;
use proptest::prelude::*;

fn rel(from: i64, kind: RelationType, to: i64) -> Relation {
    Relation { from, to, kind }
}

fn at(l: &Layout, id: i64) -> &Placed {
    l.nodes.iter().find(|p| p.id == id).unwrap()
}

fn run(ids: &[i64], rels: &[Relation]) -> Layout {
    layout(ids, rels, &LayoutOptions::default())
}

/// Shop (1) uses the app (2), which runs on vm-a (3) and vm-b (4), both on
/// the hypervisor (5); the app uses the database (6), a member of the
/// cluster (7), which depends on the app; vm-a has a network link to 8.
fn shop() -> Vec<Relation> {
    vec![
        rel(1, Uses, 2),
        rel(2, RunsOn, 3),
        rel(2, RunsOn, 4),
        rel(3, HostedOn, 5),
        rel(4, HostedOn, 5),
        rel(2, Uses, 6),
        rel(6, MemberOf, 7),
        rel(7, DependsOn, 2),
        rel(3, ConnectedTo, 8),
    ]
}

#[test]
fn services_on_top_and_what_they_stand_on_below() {
    let l = run(&[2, 1, 3, 4, 5, 6, 7, 8], &shop());
    let layer = |id| at(&l, id).layer;
    assert_eq!([1, 2, 3, 4, 5].map(layer), [0, 1, 2, 2, 3]);
    assert_eq!(layer(7), 0, "the cluster sits above its member and what it depends on");
    assert_eq!(layer(6), 2);
    assert_eq!(layer(8), 3, "a CI with only a network link goes just below its peer");
    assert_eq!(l.layers, 4);
    assert!(l.edges.iter().all(|e| !e.reversed), "no cycle among ordered relations here");
    assert_eq!(l.nodes[0].id, 2, "nodes keep the input order");
    // Every line starts at its `from` box and ends at its `to` box.
    let o = LayoutOptions::default();
    for e in &l.edges {
        let (a, b) = (at(&l, e.relation.from), at(&l, e.relation.to));
        let (p, q) = (e.points[0], *e.points.last().unwrap());
        assert!((p.0 - a.x).abs() <= o.node_w / 2.0 + 0.01 && (p.1 - a.y).abs() <= o.node_h / 2.0 + 0.01, "{e:?}");
        assert!((q.0 - b.x).abs() <= o.node_w / 2.0 + 0.01 && (q.1 - b.y).abs() <= o.node_h / 2.0 + 0.01, "{e:?}");
    }
    let member = l.edges.iter().find(|e| e.relation.kind == MemberOf).unwrap();
    assert!(member.points[0].1 > member.points[1].1, "member_of is drawn upward, member to cluster");
}

#[test]
fn infrastructure_lines_up_and_leaves_hang_under_their_users() {
    // App 1 runs on container 2 on vm 3; app 4 runs on vm 5 directly; both
    // VMs on hypervisor 6. Service 7 uses app 4 and the SaaS mailer 8,
    // which stands on nothing recorded.
    let rels = [
        rel(1, RunsOn, 2),
        rel(2, HostedOn, 3),
        rel(4, RunsOn, 5),
        rel(3, HostedOn, 6),
        rel(5, HostedOn, 6),
        rel(7, Uses, 4),
        rel(7, Uses, 8),
    ];
    let l = run(&[7, 1, 2, 3, 4, 5, 6, 8], &rels);
    let layer = |id| at(&l, id).layer;
    assert_eq!(layer(3), layer(5), "the VMs share a row");
    assert_eq!(layer(6), layer(3) + 1);
    assert_eq!((layer(4), layer(1)), (1, 0), "each app just above what it runs on");
    assert_eq!((layer(7), layer(8)), (0, 1));
}

#[test]
fn cycles_are_broken_by_reversing_an_edge() {
    let l = run(&[1, 2, 3], &[rel(1, DependsOn, 2), rel(2, DependsOn, 3), rel(3, DependsOn, 1)]);
    let reversed: Vec<_> = l.edges.iter().filter(|e| e.reversed).map(|e| e.relation).collect();
    assert_eq!(reversed, [rel(3, DependsOn, 1)]);
    assert_eq!([1, 2, 3].map(|id| at(&l, id).layer), [0, 1, 2]);
}

#[test]
fn long_edges_pass_through_each_layer_between() {
    let l = run(&[1, 2, 3, 4], &[rel(1, Uses, 2), rel(2, RunsOn, 3), rel(3, HostedOn, 4), rel(1, DependsOn, 4)]);
    let long = l.edges.iter().find(|e| e.relation == rel(1, DependsOn, 4)).unwrap();
    // Out of 1, in and out of two dummy layers, into 4.
    assert_eq!(long.points.len(), 6);
    assert!(long.points.windows(2).all(|w| w[0].1 <= w[1].1));
}

#[test]
fn crossings_are_removed_when_they_can_be() {
    // Input order starts with the crossing: 1 -> 4, 2 -> 3 with 3 left of 4.
    let l = run(&[3, 4, 1, 2], &[rel(1, Uses, 4), rel(2, Uses, 3)]);
    let x = |id| at(&l, id).x;
    assert_eq!(x(1) < x(2), x(4) < x(3), "{l:?}");
    assert_eq!(l.crossings, 0);
}

#[test]
fn edge_cases() {
    let empty = run(&[], &[rel(1, Uses, 2)]);
    assert!(empty.nodes.is_empty() && empty.edges.is_empty());
    assert_eq!((empty.width, empty.height, empty.layers), (0.0, 0.0, 0));

    let alone = run(&[7], &[]);
    assert_eq!(alone.nodes.len(), 1);
    assert_eq!((alone.nodes[0].layer, alone.nodes[0].order), (0, 0));
    let o = LayoutOptions::default();
    assert_eq!((alone.width, alone.height), (o.node_w + 2.0 * o.margin, o.node_h + 2.0 * o.margin));

    // Duplicate ids and relations collapse; self-loops and strangers go.
    let l = run(
        &[1, 2, 1, 3],
        &[rel(1, Uses, 2), rel(1, Uses, 2), rel(2, Uses, 2), rel(2, Uses, 99), rel(1, ConnectedTo, 3)],
    );
    assert_eq!(l.nodes.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(l.edges.iter().map(|e| e.relation).collect::<Vec<_>>(), [rel(1, Uses, 2), rel(1, ConnectedTo, 3)]);

    // Two kinds of relation between one pair share one route.
    let l = run(&[1, 2], &[rel(1, Uses, 2), rel(1, DependsOn, 2), rel(2, MemberOf, 1)]);
    assert_eq!(l.edges.len(), 3);
    assert_eq!(l.edges[0].points, l.edges[1].points);
}

#[test]
fn network_links_within_a_layer_stay_flat() {
    // Two servers hosted on one hypervisor, linked to each other.
    let l = run(&[1, 2, 3], &[rel(1, HostedOn, 3), rel(2, HostedOn, 3), rel(1, ConnectedTo, 2)]);
    assert_eq!(at(&l, 1).layer, at(&l, 2).layer);
    let link = l.edges.iter().find(|e| e.relation.kind == ConnectedTo).unwrap();
    assert_eq!(link.points.len(), 2, "neighbours are joined side to side");
    assert!(link.points.iter().all(|p| p.1 == at(&l, 1).y));
}

fn arb_graph() -> impl Strategy<Value = (Vec<i64>, Vec<Relation>)> {
    (0usize..40).prop_flat_map(|n| {
        let ids: Vec<i64> = (0..n as i64).map(|i| i * 7 + 3).collect();
        let kind = prop::sample::select(RelationType::ALL.to_vec());
        // Ids past the node list name strangers, to be ignored.
        let end = prop::sample::select((0..n as i64 + 2).map(|i| i * 7 + 3).collect::<Vec<_>>());
        let rels = prop::collection::vec((end.clone(), kind, end).prop_map(|(f, k, t)| rel(f, k, t)), 0..n * 3 + 1);
        (Just(ids).prop_shuffle(), rels)
    })
}

proptest! {
    #[test]
    fn layouts_are_sound((ids, rels) in arb_graph()) {
        let o = LayoutOptions::default();
        let l = layout(&ids, &rels, &o);
        prop_assert_eq!(&l, &layout(&ids, &rels, &o), "deterministic");
        // Every node placed exactly once, in input order.
        prop_assert_eq!(l.nodes.iter().map(|p| p.id).collect::<Vec<_>>(), ids.clone());
        // Ordered relations point down, or up when reversed to break a cycle.
        for e in &l.edges {
            let Some((u, d)) = upper_lower(&e.relation) else { continue };
            let (u, d) = (at(&l, u).layer, at(&l, d).layer);
            prop_assert!(if e.reversed { u > d } else { u < d }, "{:?}: {} {}", e, u, d);
            for p in &e.points {
                prop_assert!(p.0 >= 0.0 && p.0 <= l.width && p.1 >= 0.0 && p.1 <= l.height);
            }
        }
        // Boxes in one layer are in order and do not overlap.
        for layer in 0..l.layers {
            let mut row: Vec<&Placed> = l.nodes.iter().filter(|p| p.layer == layer).collect();
            prop_assert!(!row.is_empty(), "no empty layer");
            row.sort_by_key(|p| p.order);
            for w in row.windows(2) {
                prop_assert!(w[1].x - w[0].x >= o.node_w + o.h_gap - 0.01, "{:?}", w);
            }
            for p in row {
                prop_assert!(p.x - o.node_w / 2.0 >= -0.01 && p.x + o.node_w / 2.0 <= l.width + 0.01);
            }
        }
        let kept: std::collections::HashSet<_> =
            rels.iter().filter(|r| r.from != r.to && ids.contains(&r.from) && ids.contains(&r.to)).collect();
        prop_assert_eq!(l.edges.len(), kept.len());
    }
}
