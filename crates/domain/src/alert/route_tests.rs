use super::*;
use proptest::prelude::*;

fn receivers() -> BTreeSet<String> {
    ["default", "db", "web", "pager"].into_iter().map(String::from).collect()
}

fn tree(json: serde_json::Value) -> RouteTree {
    let spec: RouteSpec = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    spec.check(&receivers()).unwrap_or_else(|p| panic!("{p:?}"))
}

fn problems(json: serde_json::Value) -> Vec<(String, Code)> {
    let spec: RouteSpec = serde_json::from_value(json).unwrap_or_else(|e| panic!("{e}"));
    spec.check(&receivers()).err().unwrap_or_default().into_iter().map(|(f, m)| (f, m.code)).collect()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

fn receivers_of(t: &RouteTree, l: &Labels) -> Vec<String> {
    t.matches(l).into_iter().filter_map(|id| t.get(id)).map(|r| r.receiver.clone()).collect()
}

const S: i64 = 1_000_000;

#[test]
fn defaults_and_inheritance() {
    let t = tree(serde_json::json!({
        "receiver": "default",
        "group_by": ["alertname"],
        "routes": [
            {"matchers": ["team=db"], "receiver": "db", "group_wait": 10},
            {"matchers": ["team=web"], "group_by": ["...",], "repeat_interval": 60,
             "routes": [{"matchers": ["severity=page"], "receiver": "pager"}]}
        ]
    }));
    let root = t.root();
    assert_eq!((root.group_wait, root.group_interval, root.repeat_interval), (30 * S, 300 * S, 4 * 3600 * S));
    assert_eq!(root.group_by, GroupBy::Names(vec!["alertname".into()]));
    let db = t.get(1).cloned().unwrap_or_else(|| panic!("no route 1"));
    assert_eq!((db.receiver.as_str(), db.group_wait, db.group_interval), ("db", 10 * S, 300 * S));
    assert_eq!(db.group_by, GroupBy::Names(vec!["alertname".into()]), "inherited");
    let pager = t.get(3).cloned().unwrap_or_else(|| panic!("no route 3"));
    assert_eq!(pager.parent, Some(2));
    assert_eq!((pager.receiver.as_str(), pager.repeat_interval), ("pager", 60 * S));
    assert_eq!(pager.group_by, GroupBy::All, "inherited through web");
    assert_eq!(t.get(2).map(|r| r.receiver.as_str()), Some("default"), "inherited receiver");
    assert_eq!(t.routes().len(), 4);
}

/// Alertmanager's `Match`: first matching child wins, `continue` goes on,
/// no matching child means the route itself, depth first.
#[test]
fn matching_is_depth_first_with_continue() {
    let t = tree(serde_json::json!({
        "receiver": "default",
        "routes": [
            {"matchers": ["team=db"], "receiver": "db", "continue": true},
            {"matchers": ["team=~\"db|web\""], "receiver": "web",
             "routes": [{"matchers": ["severity=page"], "receiver": "pager"}]},
            {"matchers": ["team=db"], "receiver": "pager"}
        ]
    }));
    assert_eq!(receivers_of(&t, &labels(&[("team", "db")])), ["db", "web"], "continue, then the first match stops");
    assert_eq!(receivers_of(&t, &labels(&[("team", "web"), ("severity", "page")])), ["pager"]);
    assert_eq!(receivers_of(&t, &labels(&[("team", "web")])), ["web"], "no child matched: the route itself");
    assert_eq!(receivers_of(&t, &labels(&[("team", "ops")])), ["default"], "the root catches the rest");
    assert_eq!(t.matches(&labels(&[("team", "db"), ("severity", "page")])), [1, 3]);
}

#[test]
fn group_labels_follow_group_by() {
    let t = tree(serde_json::json!({
        "receiver": "default",
        "group_by": ["alertname", "cluster"],
        "routes": [{"matchers": ["all=yes"], "group_by": ["..."]}, {"matchers": ["none=yes"], "group_by": []}]
    }));
    let l = labels(&[("alertname", "Up"), ("instance", "h1"), ("all", "yes"), ("none", "yes")]);
    assert_eq!(t.group_labels(0, &l), labels(&[("alertname", "Up")]), "only present names");
    assert_eq!(t.group_labels(1, &l), l);
    assert_eq!(t.group_labels(2, &l), Labels::new(), "one group for the route");
    assert_eq!(t.group_labels(99, &l), Labels::new());
}

#[test]
fn the_root_rules() {
    assert_eq!(
        problems(serde_json::json!({"matchers": ["a=b"], "continue": true})),
        [
            ("route.receiver".to_owned(), Code::RootRouteReceiver),
            ("route.matchers".to_owned(), Code::RootRouteMatchers),
            ("route.continue".to_owned(), Code::RootRouteContinue)
        ]
    );
}

#[test]
fn bad_settings_name_their_path() {
    let p = problems(serde_json::json!({
        "receiver": "default",
        "group_interval": 0,
        "routes": [
            {"receiver": "nobody", "matchers": ["a=~\"(\""], "group_by": ["x", "x", "bad-name"]},
            {"group_by": ["...", "x"], "repeat_interval": 0, "group_wait": 0,
             "routes": [{"group_wait": 400000000}]}
        ]
    }));
    assert_eq!(
        p,
        [
            ("route.group_interval".to_owned(), Code::Positive),
            ("route.routes[0].receiver".to_owned(), Code::UnknownReceiver),
            ("route.routes[0].matchers[0]".to_owned(), Code::InvalidRegex),
            ("route.routes[0].group_by[1]".to_owned(), Code::GroupByTwice),
            ("route.routes[0].group_by[2]".to_owned(), Code::InvalidLabelName),
            ("route.routes[1].group_by".to_owned(), Code::GroupByAllAndNames),
            ("route.routes[1].repeat_interval".to_owned(), Code::Positive),
            ("route.routes[1].routes[0].group_wait".to_owned(), Code::DurationTooLong),
        ]
    );
    let spec: Result<RouteSpec, _> = serde_json::from_value(serde_json::json!({"receiver": "x", "matcher": []}));
    assert!(spec.is_err(), "unknown fields are refused");
}

fn arb_spec(depth: u32) -> BoxedStrategy<RouteSpec> {
    let leaf = (proptest::option::of("[ab]"), any::<bool>()).prop_map(|(m, c)| RouteSpec {
        matchers: m.map(|v| vec![format!("k={v}")]).unwrap_or_default(),
        receiver: Some("web".into()),
        continue_matching: c,
        ..RouteSpec::default()
    });
    if depth == 0 {
        return leaf.boxed();
    }
    (leaf, proptest::collection::vec(arb_spec(depth - 1), 0..3))
        .prop_map(|(mut r, routes)| {
            r.routes = routes;
            r
        })
        .boxed()
}

proptest! {
    /// Whatever the tree: at least one route takes the alert, each taker
    /// passes its own and all its ancestors' matchers and has no child
    /// that passes, and no route is listed twice.
    #[test]
    fn matches_are_leaves_of_passing_paths(children in proptest::collection::vec(arb_spec(2), 0..4), k in "[abc]") {
        let spec = RouteSpec { receiver: Some("default".into()), routes: children, ..RouteSpec::default() };
        let t = spec.check(&receivers()).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        let l = labels(&[("k", k.as_str())]);
        let got = t.matches(&l);
        prop_assert!(!got.is_empty());
        let unique: BTreeSet<_> = got.iter().collect();
        prop_assert_eq!(unique.len(), got.len());
        for id in got {
            let mut r = t.get(id);
            let route = r.cloned();
            while let Some(x) = r {
                prop_assert!(x.matchers.matches(&l));
                r = x.parent.and_then(|p| t.get(p));
            }
            if let Some(route) = route {
                prop_assert!(route.children.iter().filter_map(|c| t.get(*c)).all(|c| !c.matchers.matches(&l)));
            }
        }
    }
}
