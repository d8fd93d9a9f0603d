use super::*;
use crate::alert::RESOLVE_TIMEOUT;
use serde_json::json;

const NOW: i64 = 1_800_000_000_000_000;

fn event(v: serde_json::Value) -> Result<Event, Problems> {
    serde_json::from_value::<EventIn>(v).unwrap().check()
}

fn fields(p: &Problems) -> Vec<&str> {
    p.iter().map(|(f, _)| f.as_str()).collect()
}

fn trigger_json(key: Option<&str>, severity: &str) -> serde_json::Value {
    json!({"routing_key": "k", "event_action": "trigger", "dedup_key": key,
        "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": severity,
            "component": "postgres", "group": "prod", "class": "disk",
            "custom_details": {"free": "0 B"}, "timestamp": "2027-01-15T07:42:58.315+00:00"},
        "client": "Monitoring", "client_url": "https://mon.example/db-1",
        "links": [{"href": "https://wiki.example/disk", "text": "runbook"}]})
}

#[test]
fn a_trigger_is_labelled_by_its_key_and_what_it_is_about() {
    let Ok(Event::Trigger { dedup_key, alert }) = event(trigger_json(Some("disk-db-1"), "critical")) else {
        panic!("a trigger")
    };
    assert_eq!(dedup_key.as_deref(), Some("disk-db-1"));
    let posted = alert.into_posted("disk-db-1", NOW);
    let labels: Vec<(&str, &str)> = posted.labels.iter().collect();
    assert_eq!(
        labels,
        [
            ("class", "disk"),
            ("component", "postgres"),
            ("dedup_key", "disk-db-1"),
            ("group", "prod"),
            ("severity", "critical"),
            ("source", "db-1")
        ]
    );
    assert_eq!(posted.annotations.get("summary"), "Disk full on db-1");
    assert_eq!(posted.annotations.get("custom_details"), r#"{"free":"0 B"}"#);
    assert_eq!(posted.annotations.get("client"), "Monitoring");
    assert!(posted.annotations.get("links").contains("runbook"));
    assert_eq!(posted.generator_url, "https://mon.example/db-1");
    assert_eq!(posted.ends_at, Some(UNTIL_RESOLVED));
    let a = posted.into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
    assert!(!a.timeout);
    assert!(a.starts_at < NOW, "from its timestamp");
}

#[test]
fn the_payload_timestamp_is_the_start() {
    let Ok(Event::Trigger { alert, .. }) = event(trigger_json(None, "info")) else { panic!("a trigger") };
    let expected = "2027-01-15T07:42:58.315Z".parse::<jiff::Timestamp>().unwrap().as_microsecond();
    assert_eq!(alert.starts_at, Some(expected));
}

#[test]
fn a_repeat_of_the_key_is_the_same_alert_and_its_resolution_ends_it() {
    let fp = |v| match event(v) {
        Ok(Event::Trigger { alert, dedup_key }) => {
            alert.into_posted(&dedup_key.unwrap(), NOW).into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap().fingerprint
        }
        other => panic!("{other:?}"),
    };
    let mut changed_summary = trigger_json(Some("k1"), "critical");
    changed_summary["payload"]["summary"] = json!("Disk still full");
    assert_eq!(fp(trigger_json(Some("k1"), "critical")), fp(changed_summary));
    assert_ne!(fp(trigger_json(Some("k1"), "critical")), fp(trigger_json(Some("k2"), "critical")));
    let labels = Labels::new();
    let r = resolution(labels, NOW);
    assert_eq!((r.starts_at, r.ends_at), (None, Some(NOW)));
}

#[test]
fn acknowledge_and_resolve_need_only_the_key() {
    let e = event(json!({"routing_key": "k", "event_action": "resolve", "dedup_key": " k1 "})).unwrap();
    assert_eq!(e, Event::Resolve { dedup_key: "k1".into() });
    let e = event(json!({"routing_key": "k", "event_action": "acknowledge", "dedup_key": "k1"})).unwrap();
    assert_eq!(e, Event::Acknowledge { dedup_key: "k1".into() });
    let p = event(json!({"event_action": "resolve"})).unwrap_err();
    assert_eq!(fields(&p), ["dedup_key"]);
    assert!(p[0].1.text.contains("to resolve"), "{}", p[0].1.text);
}

#[test]
fn every_missing_or_unknown_field_is_named() {
    let p = event(json!({"routing_key": "k", "event_action": "trigger", "payload": {"summary": " "}})).unwrap_err();
    assert_eq!(fields(&p), ["payload.summary", "payload.source", "payload.severity"]);
    assert!(p.iter().all(|(_, m)| m.code == Code::Required));
    let p = event(json!({"event_action": "trigger"})).unwrap_err();
    assert_eq!(fields(&p), ["payload"]);
    let p = event(json!({"event_action": "escalate", "dedup_key": "x"})).unwrap_err();
    assert_eq!((fields(&p), p[0].1.code), (vec!["event_action"], Code::NotOneOf));
    let p = event(json!({"dedup_key": "x"})).unwrap_err();
    assert_eq!((fields(&p), p[0].1.code), (vec!["event_action"], Code::Required));
    let mut bad = trigger_json(Some(&"k".repeat(256)), "fatal");
    bad["payload"]["summary"] = json!("s".repeat(1025));
    bad["payload"]["timestamp"] = json!("noon");
    let p = event(bad).unwrap_err();
    assert_eq!(fields(&p), ["dedup_key", "payload.summary", "payload.severity", "payload.timestamp"]);
    assert_eq!(p[0].1.code, Code::TooLong);
    assert_eq!(p[2].1.code, Code::NotOneOf);
}
