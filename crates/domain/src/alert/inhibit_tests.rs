use super::*;
use crate::code::Code;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().copied().collect()
}

fn rule(source: &[&str], target: &[&str], equal: &[&str]) -> InhibitRule {
    let spec = InhibitRuleSpec {
        source_matchers: source.iter().map(|s| s.to_string()).collect(),
        target_matchers: target.iter().map(|s| s.to_string()).collect(),
        equal: equal.iter().map(|s| s.to_string()).collect(),
    };
    spec.check().unwrap_or_else(|p| panic!("{p:?}"))
}

#[test]
fn a_critical_alert_mutes_warnings_on_the_same_cluster() {
    let r = rule(&[r#"severity="critical""#], &[r#"severity="warning""#], &["cluster"]);
    let critical = labels(&[("alertname", "Down"), ("severity", "critical"), ("cluster", "a")]);
    let warning_a = labels(&[("alertname", "Slow"), ("severity", "warning"), ("cluster", "a")]);
    let warning_b = labels(&[("alertname", "Slow"), ("severity", "warning"), ("cluster", "b")]);
    let firing = [critical.clone()];
    assert_eq!(r.inhibited_by(&warning_a, &firing), Some(&critical));
    assert_eq!(r.inhibited_by(&warning_b, &firing), None, "another cluster");
    assert_eq!(r.inhibited_by(&critical, &firing), None, "not a target");
    assert_eq!(r.inhibited_by(&warning_a, &[]), None, "nothing firing");
    let rules = [rule(&["x=y"], &["x=z"], &[]), r];
    assert_eq!(inhibited_by(&rules, &warning_a, &firing), Some(critical.fingerprint()));
    assert_eq!(inhibited_by(&rules, &warning_b, &firing), None);
}

#[test]
fn missing_equal_labels_are_equal_when_both_are_missing() {
    let r = rule(&["a=src"], &["a=tgt"], &["zone"]);
    let src = labels(&[("a", "src")]);
    assert!(r.inhibited_by(&labels(&[("a", "tgt")]), [&src]).is_some());
    assert!(r.inhibited_by(&labels(&[("a", "tgt"), ("zone", "z1")]), [&src]).is_none());
    // An empty value is a missing label.
    assert!(r.inhibited_by(&labels(&[("a", "tgt"), ("zone", "")]), [&src]).is_some());
}

/// A rule whose source and target both match an alert: the alert does not
/// inhibit itself, nor another alert that matches both sides.
#[test]
fn a_source_does_not_inhibit_itself() {
    let r = rule(&[r#"alertname=~"Node.*""#], &[r#"severity="page""#], &["host"]);
    let both = labels(&[("alertname", "NodeDown"), ("severity", "page"), ("host", "h1")]);
    let twin = labels(&[("alertname", "NodeSlow"), ("severity", "page"), ("host", "h1")]);
    assert_eq!(r.inhibited_by(&both, [&both]), None);
    assert_eq!(r.inhibited_by(&both, [&twin]), None);
    // A source matching the source side only still inhibits it.
    let only_source = labels(&[("alertname", "NodeDown"), ("severity", "info"), ("host", "h1")]);
    assert_eq!(r.inhibited_by(&both, [&twin, &only_source]), Some(&only_source));
}

#[test]
fn bad_rules_name_their_fields() {
    let spec = InhibitRuleSpec {
        source_matchers: vec!["a=1".into(), "b=~(".into()],
        target_matchers: vec!["nope".into()],
        equal: vec!["ok".into(), "not-ok".into()],
    };
    let p = spec.check().err().unwrap_or_default();
    let fields: Vec<(&str, Code)> = p.iter().map(|(f, m)| (f.as_str(), m.code)).collect();
    assert_eq!(
        fields,
        [
            ("source_matchers[1]", Code::InvalidRegex),
            ("target_matchers[0]", Code::BadMatcher),
            ("equal[1]", Code::InvalidLabelName)
        ]
    );
    let from_json: Result<InhibitRuleSpec, _> =
        serde_json::from_str(r#"{"source_matchers":["a=\"1\", b=2"],"target_matchers":["c=3"],"equal":["d"]}"#);
    let r = from_json.ok().and_then(|s| s.check().ok()).map(|r| r.source_matchers.len());
    assert_eq!(r, Some(2), "one string may hold several matchers");
}
