//! Steward's own checks as alerts (issue 13, item 3): a check's hard state
//! change becomes an alert kept the way posted ones are. The labels say
//! which check and what it watches; the severity follows the state, so a
//! warning that turns critical is a new alert (its fingerprint changes)
//! and the warning one ends.

use super::{Labels, Posted, hooks::UNTIL_RESOLVED};
use crate::check::{CheckKind, Status};

/// The label that names the check's id: the alerts of one check carry it.
pub const CHECK_LABEL: &str = "check";

/// What a check's alert is made of.
#[derive(Debug, Clone)]
pub struct CheckFacts<'a> {
    pub id: i64,
    pub name: &'a str,
    pub kind: &'a CheckKind,
    pub ci: Option<&'a str>,
    pub service: Option<&'a str>,
}

/// What a check looks at, as an `instance` label: the URL, `host:port`,
/// the DNS name, the host, or the plugin and its arguments.
pub fn target(kind: &CheckKind) -> String {
    match kind {
        CheckKind::Http(h) => h.url.clone(),
        CheckKind::Tcp(t) => format!("{}:{}", t.host, t.port),
        CheckKind::Dns(d) => d.name.clone(),
        CheckKind::Tls(t) => format!("{}:{}", t.host, t.port),
        CheckKind::Ping(p) => p.host.clone(),
        CheckKind::Plugin(p) => {
            std::iter::once(p.file.as_str()).chain(p.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
        }
    }
}

/// The severity a status raises: critical (unknown too: the check cannot
/// say the service works) or warning; none for ok.
pub fn severity(status: Status) -> Option<&'static str> {
    match status {
        Status::Ok => None,
        Status::Warning => Some("warning"),
        Status::Critical | Status::Unknown => Some("critical"),
    }
}

/// The labels of the check's alert in a status (none for ok).
pub fn labels(f: &CheckFacts<'_>, status: Status) -> Option<Labels> {
    let severity = severity(status)?;
    let mut l = Labels::new();
    l.insert("alertname", f.name);
    l.insert(CHECK_LABEL, f.id.to_string());
    l.insert("instance", target(f.kind));
    l.insert("severity", severity);
    l.insert("check_kind", f.kind.as_str());
    for (name, value) in [("ci", f.ci), ("service", f.service)] {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            l.insert(name, v);
        }
    }
    l.remove_empty();
    Some(l)
}

/// The annotations: the plugin's output, its first line as the summary.
pub fn annotations(status: Status, output: &str) -> Labels {
    let mut a = Labels::new();
    let first = output.lines().next().unwrap_or_default().trim();
    a.insert("summary", if first.is_empty() { status.label().to_owned() } else { first.to_owned() });
    a.insert("description", output.trim());
    a.insert("status", status.as_str());
    a.remove_empty();
    a
}

/// The alert a hard change to `status` at `at` fires: firing until the
/// check says otherwise (a check does not re-send, so no resolve timeout).
pub fn firing(f: &CheckFacts<'_>, status: Status, output: &str, at: i64) -> Option<Posted> {
    Some(Posted {
        labels: labels(f, status)?,
        annotations: annotations(status, output),
        starts_at: Some(at),
        ends_at: Some(UNTIL_RESOLVED),
        generator_url: format!("/checks/{}", f.id),
    })
}

/// The same alert (its labels as kept) ended at `at`.
pub fn resolution(labels: Labels, annotations: Labels, at: i64) -> Posted {
    Posted { labels, annotations, starts_at: None, ends_at: Some(at), generator_url: String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckKind, definition::TcpCheck};

    fn kind() -> CheckKind {
        CheckKind::Tcp(TcpCheck { host: "db-1.example.com".into(), port: 5432 })
    }

    #[test]
    fn a_critical_check_fires_with_its_labels_and_an_ok_fires_nothing() {
        let k = kind();
        let f = CheckFacts { id: 7, name: "DB port", kind: &k, ci: Some("db-1"), service: None };
        let p = firing(&f, Status::Critical, "CRITICAL - refused\nmore", 10).unwrap();
        let l = &p.labels;
        assert_eq!(
            (l.get("alertname"), l.get("check"), l.get("instance"), l.get("severity"), l.get("ci")),
            ("DB port", "7", "db-1.example.com:5432", "critical", "db-1")
        );
        assert!(!l.contains("service"), "no service: no label");
        assert_eq!(p.annotations.get("summary"), "CRITICAL - refused");
        assert_eq!(p.annotations.get("description"), "CRITICAL - refused\nmore");
        assert_eq!((p.starts_at, p.ends_at), (Some(10), Some(UNTIL_RESOLVED)));
        assert!(firing(&f, Status::Ok, "fine", 10).is_none());
        // Warning and critical are two alerts; unknown counts as critical.
        let w = labels(&f, Status::Warning).unwrap();
        assert_eq!(w.get("severity"), "warning");
        assert_ne!(w.fingerprint(), p.labels.fingerprint());
        assert_eq!(labels(&f, Status::Unknown).unwrap().fingerprint(), p.labels.fingerprint());
    }
}
