use super::*;
use crate::alert::Labels;

fn spec(v: serde_json::Value) -> RoutingSpec {
    serde_json::from_value(v).unwrap()
}

fn fields(p: &Problems) -> Vec<&str> {
    p.iter().map(|(f, _)| f.as_str()).collect()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    let mut l = Labels::new();
    for (k, v) in pairs {
        l.insert(*k, *v);
    }
    l
}

#[test]
fn the_built_in_one_checks_and_round_trips() {
    let d = RoutingSpec::default();
    let r = d.check().unwrap();
    assert_eq!(r.receivers_of(&labels(&[("alertname", "X")])), ["steward"]);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["route"]["group_by"], serde_json::json!(["alertname"]));
    assert_eq!(json["route"]["group_wait"], 30);
    assert_eq!(spec(json), d);
}

#[test]
fn every_bad_field_is_named_by_its_path() {
    let s = spec(serde_json::json!({
        "route": {"receiver": "ops", "routes": [
            {"matchers": ["team=\"db\""], "receiver": "db"},
            {"matchers": ["team=~\"(\""], "receiver": "nobody", "group_wait": 999999999}
        ]},
        "receivers": [
            {"name": "ops", "targets": [{"type": "webhook"}, {"type": "users", "users": []}]},
            {"name": "ops"},
            {"name": "db", "targets": [{"type": "chat", "format": "slack", "webhook": "x", "url": "https://x"}]},
            {"name": " spaced "}
        ],
        "inhibit_rules": [{"source_matchers": ["severity=\"critical\""], "equal": ["bad-name"]}]
    }));
    let p = s.check().unwrap_err();
    let f = fields(&p);
    for want in [
        "receivers[0].targets[0]",
        "receivers[0].targets[1].users",
        "receivers[1].name",
        "receivers[2].targets[0]",
        "receivers[3].name",
        "route.routes[1].matchers[0]",
        "route.routes[1].receiver",
        "route.routes[1].group_wait",
        "inhibit_rules[0].equal[0]",
    ] {
        assert!(f.contains(&want), "{want} missing from {f:?}");
    }
    let dup = p.iter().find(|(f, _)| f == "receivers[1].name").unwrap();
    assert_eq!(dup.1.code, Code::DuplicateReceiver);
}

#[test]
fn no_receiver_at_all_is_refused() {
    let p = spec(serde_json::json!({"route": {"receiver": "x"}, "receivers": []})).check().unwrap_err();
    assert!(fields(&p).contains(&"receivers"), "{p:?}");
    assert!(fields(&p).contains(&"route.receiver"), "{p:?}");
}

#[test]
fn receivers_of_follow_the_tree_once_each() {
    let s = spec(serde_json::json!({
        "route": {"receiver": "all", "routes": [
            {"matchers": ["team=\"db\""], "receiver": "db", "continue": true},
            {"matchers": ["severity=\"critical\""], "receiver": "pager"},
            {"matchers": ["team=\"db\""], "receiver": "db"}
        ]},
        "receivers": [{"name": "all"}, {"name": "db"}, {"name": "pager"}]
    }));
    let r = s.check().unwrap();
    assert_eq!(r.receivers_of(&labels(&[("team", "db"), ("severity", "critical")])), ["db", "pager"]);
    assert_eq!(r.receivers_of(&labels(&[("team", "web")])), ["all"]);
    assert_eq!(r.receivers_of(&labels(&[("team", "db")])), ["db"]);
}

#[test]
fn group_keys_name_the_route_and_the_labels() {
    let s = spec(serde_json::json!({
        "route": {"receiver": "all", "routes": [{"matchers": ["a=\"1\""]}, {"matchers": ["b=\"1\""]}]},
        "receivers": [{"name": "all"}]
    }));
    let r = s.check().unwrap();
    let l = labels(&[("alertname", "Disk")]);
    assert_eq!(r.group_key(0, &l), "{}/:{alertname=\"Disk\"}");
    assert_eq!(r.group_key(2, &l), "{}/1:{alertname=\"Disk\"}");
    assert_ne!(r.group_key(1, &l), r.group_key(2, &l));
}

#[test]
fn yaml_says_the_tree_receivers_and_rules() {
    let s = spec(serde_json::json!({
        "route": {"receiver": "all", "group_by": ["alertname"], "group_wait": 10,
            "routes": [{"matchers": ["team=\"db\""], "receiver": "db", "repeat_interval": 3600}]},
        "receivers": [{"name": "all"}, {"name": "db", "targets": [{"type": "group", "group": "DBA"}]}],
        "inhibit_rules": [{"source_matchers": ["severity=\"critical\""], "target_matchers": ["severity=\"warning\""],
            "equal": ["host"]}]
    }));
    let y = s.to_yaml();
    let want = "route:\n  receiver: all\n  group_by: [alertname]\n  group_wait: 10s\n  routes:\n    \
        - receiver: db\n      matchers: [\"team=\\\"db\\\"\"]\n      repeat_interval: 3600s\nreceivers:\n  \
        - name: all\n  - name: db\n    # e-mail to the members of group DBA\ninhibit_rules:\n  \
        - source_matchers: [\"severity=\\\"critical\\\"\"]\n    target_matchers: [\"severity=\\\"warning\\\"\"]\n    \
        equal: [host]\n";
    assert_eq!(y, want, "\n{y}");
}

#[test]
fn unknown_fields_and_target_types_do_not_read() {
    let e = serde_json::from_value::<RoutingSpec>(serde_json::json!({
        "route": {"receiver": "x"}, "receivers": [{"name": "x", "targets": [{"type": "pager"}]}]
    }));
    assert!(e.is_err());
    let e = serde_json::from_value::<RoutingSpec>(serde_json::json!({
        "route": {"receiver": "x"}, "receivers": [{"name": "x", "targets": [{"type": "group", "group": "a", "x": 1}]}]
    }));
    assert!(e.is_err());
}

#[test]
fn only_managers_and_admins_configure() {
    use crate::Role;
    assert!(can_configure_routing(Role::Admin).is_ok());
    assert!(can_configure_routing(Role::Manager).is_ok());
    assert!(can_configure_routing(Role::Agent).is_err());
}
