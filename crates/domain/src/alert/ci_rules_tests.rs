use super::*;
use serde_json::json;
use std::collections::HashMap;

fn rules(v: serde_json::Value) -> CiRules {
    serde_json::from_value(v).unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    let mut l = Labels::new();
    for (k, v) in pairs {
        l.insert(*k, *v);
    }
    l
}

fn known(a: &str) -> bool {
    ["hostname", "fqdn", "ip_address"].contains(&a)
}

#[test]
fn candidates_cut_ports_and_domains_but_not_addresses() {
    assert_eq!(
        candidates(" Web-1.Example.com:9100 ", true, true),
        ["web-1.example.com:9100", "web-1.example.com", "web-1"]
    );
    assert_eq!(candidates("web-1.example.com:9100", false, true), ["web-1.example.com:9100", "web-1"]);
    assert_eq!(candidates("web-1.example.com:9100", true, false), ["web-1.example.com:9100", "web-1.example.com"]);
    assert_eq!(candidates("web-1", true, true), ["web-1"]);
    assert_eq!(candidates("10.0.0.5:9100", true, true), ["10.0.0.5:9100", "10.0.0.5"], "an address is not cut");
    assert_eq!(candidates("[2001:DB8::1]:9100", true, true), ["[2001:db8::1]:9100", "2001:db8::1"]);
    assert_eq!(candidates("2001:db8::1", true, true), ["2001:db8::1"], "a bare IPv6 address has no port");
    assert_eq!(candidates("host:http", true, true), ["host:http"], "not a port");
    assert!(candidates("  ", true, true).is_empty());
}

#[test]
fn the_built_in_rules_check_and_round_trip() {
    let d = CiRules::default();
    d.check(|_| false).unwrap();
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["rules"][1], json!({"label": "instance", "match": "name", "strip_port": true, "short_host": true}));
    assert_eq!(rules(v), d);
    assert_eq!(d.lookups().into_iter().collect::<Vec<_>>(), [Lookup::Name]);
}

#[test]
fn the_first_rule_that_finds_a_ci_wins() {
    let names: HashMap<&str, i64> = [("db-1", 1), ("web-1", 2)].into();
    let hosts: HashMap<&str, i64> = [("web-1", 3)].into();
    let r = rules(json!({"rules": [
        {"label": "node", "match": "attribute", "attribute": "hostname", "strip_port": true, "short_host": true},
        {"label": "instance", "match": "name", "strip_port": true}]}));
    r.check(known).unwrap();
    let find = |l: &Lookup, v: &str| match l {
        Lookup::Name => names.get(v).copied(),
        Lookup::Attribute(a) if a == "hostname" => hosts.get(v).copied(),
        _ => None,
    };
    assert_eq!(r.ci_of(&labels(&[("instance", "db-1:9100"), ("node", "web-1.lan")]), find), Some(3));
    assert_eq!(r.ci_of(&labels(&[("instance", "db-1:9100"), ("node", "nowhere")]), find), Some(1));
    assert_eq!(r.ci_of(&labels(&[("instance", "db-1.lan:9100")]), find), None, "short_host is off for instance");
    assert_eq!(r.ci_of(&labels(&[("host", "db-1")]), find), None, "no rule for host");
}

#[test]
fn every_problem_is_named() {
    let r = rules(json!({"rules": [
        {"label": "", "match": "name"},
        {"label": "in-stance", "match": "name"},
        {"label": "a", "match": "attribute"},
        {"label": "a", "match": "attribute", "attribute": "colour"},
        {"label": "a", "match": "attribute", "attribute": "$.x"},
        {"label": "a", "match": "service", "attribute": "hostname"},
        {"label": "b", "match": "attribute", "attribute": "fqdn"},
        {"label": "b", "match": "attribute", "attribute": "fqdn", "strip_port": true},
        {"label": "b", "match": "attribute", "attribute": "hostname"}]}));
    let p = r.check(known).unwrap_err();
    let got: Vec<(&str, &str)> = p.iter().map(|(f, m)| (f.as_str(), m.code.as_str())).collect();
    assert_eq!(
        got,
        [
            ("rules[0].label", "required"),
            ("rules[1].label", "invalid_label_name"),
            ("rules[2].attribute", "required"),
            ("rules[3].attribute", "no_ci_attribute"),
            ("rules[4].attribute", "no_ci_attribute"),
            ("rules[5].attribute", "attribute_only_with_match"),
            ("rules[7].label", "ci_rule_twice"),
        ]
    );
    assert_eq!(p[6].1.text, "the same label and match as rules[6]");
    let many = CiRules { rules: vec![CiRules::default().rules[0].clone(); MAX_RULES + 1] };
    assert_eq!(many.check(known).unwrap_err()[0].0, "rules");
    assert!(serde_json::from_value::<CiRules>(json!({"rules": [{"label": "a", "match": "ip"}]})).is_err());
    assert!(serde_json::from_value::<CiRules>(json!({"rules": [], "extra": 1})).is_err());
    CiRules { rules: vec![] }.check(known).unwrap();
}

#[test]
fn only_managers_and_admins_configure_them() {
    use crate::Role;
    assert!(can_configure_ci_rules(Role::Admin).is_ok() && can_configure_ci_rules(Role::Manager).is_ok());
    assert!(can_configure_ci_rules(Role::Agent).is_err() && can_configure_ci_rules(Role::Requester).is_err());
}
