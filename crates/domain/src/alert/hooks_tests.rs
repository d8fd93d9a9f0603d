use super::*;
use crate::alert::{RESOLVE_TIMEOUT, merge};

const NOW: i64 = 1_800_000_000_000_000;
const MIN: i64 = 60_000_000;

fn alert_in(status: Option<&str>) -> HookAlertIn {
    HookAlertIn {
        labels: BTreeMap::from([("alertname".into(), "Down".into()), ("host".into(), "db-1".into())]),
        status: status.map(Into::into),
        ..HookAlertIn::default()
    }
}

#[test]
fn until_resolved_is_a_time_every_client_reads() {
    let t = jiff::Timestamp::from_microsecond(UNTIL_RESOLVED).unwrap();
    assert_eq!(t.to_string(), "9999-12-30T00:00:00Z");
}

#[test]
fn a_firing_alert_without_an_end_lasts_until_resolved() {
    let p = alert_in(Some("firing")).read("").unwrap().into_posted(NOW);
    assert_eq!((p.starts_at, p.ends_at), (Some(NOW), Some(UNTIL_RESOLVED)));
    let a = p.into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
    assert!(!a.timeout, "no resolve timeout ends it");
    // An end the tool names is kept.
    let mut with_end = alert_in(Some("firing"));
    with_end.ends_at = Some("2030-01-01T00:00:00Z".into());
    let p = with_end.read("").unwrap().into_posted(NOW);
    assert_eq!(p.ends_at, Some(1_893_456_000_000_000));
}

#[test]
fn a_resolution_ends_the_firing_alert_and_keeps_its_start() {
    let firing = alert_in(Some("firing")).read("").unwrap().into_posted(NOW - 10 * MIN);
    let old = firing.into_alert(NOW - 10 * MIN, RESOLVE_TIMEOUT, "").unwrap();
    let resolved = alert_in(Some("resolved")).read("").unwrap().into_posted(NOW);
    assert_eq!(resolved.ends_at, Some(NOW));
    let new = resolved.into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap();
    assert_eq!(new.fingerprint, old.fingerprint, "the same labels: the same alert");
    let m = merge(&old, new, NOW);
    assert!(m.resolved(NOW));
    assert_eq!(m.starts_at, NOW - 10 * MIN);
    // A repeat while firing keeps it firing from its first start.
    let again = alert_in(Some("firing")).read("").unwrap().into_posted(NOW);
    let m = merge(&old, again.into_alert(NOW, RESOLVE_TIMEOUT, "").unwrap(), NOW);
    assert_eq!((m.starts_at, m.ends_at), (NOW - 10 * MIN, UNTIL_RESOLVED));
}

#[test]
fn a_resolution_never_ends_later_than_now() {
    let mut a = alert_in(Some("resolved"));
    a.ends_at = Some("2099-01-01T00:00:00Z".into());
    assert_eq!(a.read("").unwrap().into_posted(NOW).ends_at, Some(NOW));
    let mut a = alert_in(Some("resolved"));
    a.ends_at = Some("2020-01-01T00:00:00Z".into());
    assert_eq!(a.read("").unwrap().into_posted(NOW).ends_at, Some(1_577_836_800_000_000));
}

#[test]
fn go_zero_times_are_unset_and_bad_ones_named() {
    let mut a = alert_in(Some("firing"));
    a.starts_at = Some("0001-01-01T00:00:00Z".into());
    a.ends_at = Some("".into());
    let h = a.read("").unwrap();
    assert_eq!((h.starts_at, h.ends_at), (None, None));
    let mut a = alert_in(Some("burning"));
    a.starts_at = Some("yesterday".into());
    let problems = a.read("[3].").unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["[3].status", "[3].startsAt"]);
    assert_eq!(problems[0].1.code, Code::NotOneOf);
    assert_eq!(problems[1].1.code, Code::NotTime);
    let problems = alert_in(None).read("").unwrap_err();
    assert_eq!((problems[0].0.as_str(), problems[0].1.code), ("status", Code::Required));
}

#[test]
fn only_version_4_of_alertmanagers_payload_is_read() {
    let ok = AlertmanagerWebhook { version: Some("4".into()), alerts: Vec::new() };
    assert!(ok.check_version().is_ok());
    let other = AlertmanagerWebhook { version: Some("5".into()), alerts: Vec::new() };
    assert_eq!(other.check_version().unwrap_err()[0].1.code, Code::NotOneOf);
    let none = AlertmanagerWebhook { version: None, alerts: Vec::new() };
    assert_eq!(none.check_version().unwrap_err()[0].0, "version");
}
