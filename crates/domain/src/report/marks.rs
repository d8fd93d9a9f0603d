//! Each kind's own measures, as named marks counted on their day: a
//! problem that became a known error, the incidents linked to a problem,
//! a change closed with its close code or one that caused an incident, an
//! incident opened from alerts, an alert that fired. A kind adds a measure
//! here: a name, when a record gives it ([`marks`]) and what a period's
//! sums say ([`KindFigures`]); the worker and the totals need nothing new.

use super::measures::ratio;
use crate::change::CloseCode;
use serde::Serialize;
use std::collections::BTreeMap;

/// A problem raised (on its day) and solved (on the day it was resolved).
pub const OPENED: &str = "opened";
pub const SOLVED: &str = "solved";
/// A problem published as a known error (on the day it was).
pub const KNOWN_ERROR: &str = "known_error";
/// The incidents linked to a problem (on the day it was raised).
pub const INCIDENTS: &str = "incidents";
/// A change closed, with its close code after the colon (on the day its
/// implementation ended, as the change review counts it).
pub const CLOSED: &str = "closed:";
/// A closed change that at least one incident names as its cause.
pub const CAUSED_INCIDENTS: &str = "caused_incidents";
/// An incident the correlation opened from alerts (on its opening day).
pub const FROM_ALERTS: &str = "from_alerts";
/// An alert's episode that began firing (kind [`ALERT`]).
pub const FIRED: &str = "fired";
/// The kind alerts' marks are kept under (alerts are not records).
pub const ALERT: &str = "alert";

/// One mark of a record: `count` of `name` on the day of `at`. Kept in
/// the record's facts (short names: a million records' facts stay small).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct MarkFact {
    #[serde(rename = "n")]
    pub name: String,
    #[serde(rename = "a")]
    pub at: i64,
    #[serde(rename = "c", default = "one", skip_serializing_if = "is_one")]
    pub count: i64,
}

fn one() -> i64 {
    1
}

fn is_one(n: &i64) -> bool {
    *n == 1
}

/// What the measures read of a record beyond what every kind has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// The close code (changes) or resolution code.
    pub resolution_code: Option<String>,
    /// When a problem became a known error (none: it is not one).
    pub known_error_at: Option<i64>,
    /// Incidents linked to a problem.
    pub linked_incidents: i64,
    /// A change some incident names as its cause.
    pub caused_incidents: bool,
    /// An incident opened by the correlation of alerts.
    pub from_alerts: bool,
}

/// The marks a record of `kind` gives, from its state and times and its
/// [`Extras`], in one order.
pub fn marks(kind: &str, state: &str, opened_at: i64, resolved_at: Option<i64>, x: &Extras) -> Vec<MarkFact> {
    let mark = |name: &str, at: i64, count: i64| MarkFact { name: name.to_owned(), at, count };
    let mut out = Vec::new();
    match kind {
        "problem" => {
            out.push(mark(OPENED, opened_at, 1));
            if let Some(at) = resolved_at {
                out.push(mark(SOLVED, at, 1));
            }
            if let Some(at) = x.known_error_at {
                out.push(mark(KNOWN_ERROR, at, 1));
            }
            if x.linked_incidents > 0 {
                out.push(mark(INCIDENTS, opened_at, x.linked_incidents));
            }
        }
        "change" => {
            if let (Some(at), "closed") = (resolved_at, state) {
                let code = x.resolution_code.as_deref().unwrap_or("none");
                out.push(mark(&format!("{CLOSED}{code}"), at, 1));
                if x.caused_incidents {
                    out.push(mark(CAUSED_INCIDENTS, at, 1));
                }
            }
        }
        "incident" if x.from_alerts => out.push(mark(FROM_ALERTS, opened_at, 1)),
        _ => {}
    }
    out.sort();
    out
}

/// A period's marks summed per (kind, name), read back as each kind's
/// figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkSums {
    pub marks: BTreeMap<(String, String), i64>,
}

impl MarkSums {
    fn get(&self, kind: &str, name: &str) -> i64 {
        self.marks.get(&(kind.to_owned(), name.to_owned())).copied().unwrap_or(0)
    }
}

/// Problems raised and solved, known errors published, and the incidents
/// linked per problem raised in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemFigures {
    pub opened: i64,
    pub solved: i64,
    pub known_errors: i64,
    /// Incidents linked to the problems raised in the period.
    pub linked_incidents: i64,
    pub incidents_per_problem: Option<f64>,
}

/// The changes closed in the period by close code, the success rate (the
/// successful ones, with issues or not, over all closed) and how many
/// caused an incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeFigures {
    pub closed: i64,
    pub successful: i64,
    pub successful_with_issues: i64,
    pub failed: i64,
    pub backed_out: i64,
    /// 0–1 (none when nothing closed).
    pub success_rate: Option<f64>,
    pub caused_incidents: i64,
    /// Caused incidents over closed.
    pub caused_incident_rate: Option<f64>,
}

/// Alerts that fired, incidents opened from alerts, and the noise: alerts
/// per incident opened from them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertFigures {
    pub fired: i64,
    pub incidents_from_alerts: i64,
    pub alerts_per_incident: Option<f64>,
}

/// Every kind's own figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindFigures {
    pub problems: ProblemFigures,
    pub changes: ChangeFigures,
    pub alerts: AlertFigures,
}

impl KindFigures {
    pub fn of(s: &MarkSums) -> Self {
        let (opened, solved) = (s.get("problem", OPENED), s.get("problem", SOLVED));
        let linked = s.get("problem", INCIDENTS);
        let code = |c: &str| s.get("change", &format!("{CLOSED}{c}"));
        let closed: i64 =
            s.marks.iter().filter(|((k, n), _)| k == "change" && n.starts_with(CLOSED)).map(|(_, v)| *v).sum();
        let (successful, with_issues) =
            (code(CloseCode::Successful.as_str()), code(CloseCode::SuccessfulWithIssues.as_str()));
        let caused = s.get("change", CAUSED_INCIDENTS);
        let fired = s.get(ALERT, FIRED);
        let from_alerts = s.get("incident", FROM_ALERTS);
        let over = |a: i64, b: i64| (b > 0).then(|| ratio(a, b));
        KindFigures {
            problems: ProblemFigures {
                opened,
                solved,
                known_errors: s.get("problem", KNOWN_ERROR),
                linked_incidents: linked,
                incidents_per_problem: (opened > 0).then(|| (linked as f64 / opened as f64 * 100.0).round() / 100.0),
            },
            changes: ChangeFigures {
                closed,
                successful,
                successful_with_issues: with_issues,
                failed: code(CloseCode::Failed.as_str()),
                backed_out: code(CloseCode::BackedOut.as_str()),
                success_rate: over(successful + with_issues, closed),
                caused_incidents: caused,
                caused_incident_rate: over(caused, closed),
            },
            alerts: AlertFigures {
                fired,
                incidents_from_alerts: from_alerts,
                alerts_per_incident: (from_alerts > 0)
                    .then(|| (fired as f64 / from_alerts as f64 * 100.0).round() / 100.0),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_gives_its_own_marks() {
        let known = Extras { known_error_at: Some(50), linked_incidents: 3, ..Default::default() };
        let names = |m: Vec<MarkFact>| m.into_iter().map(|m| (m.name, m.at, m.count)).collect::<Vec<_>>();
        assert_eq!(
            names(marks("problem", "in_progress", 10, None, &known)),
            vec![("incidents".into(), 10, 3), ("known_error".into(), 50, 1), ("opened".into(), 10, 1)]
        );
        let failed = Extras { resolution_code: Some("failed".into()), caused_incidents: true, ..Default::default() };
        assert_eq!(
            names(marks("change", "closed", 10, Some(90), &failed)),
            vec![("caused_incidents".into(), 90, 1), ("closed:failed".into(), 90, 1)]
        );
        // In review, a change is not closed yet: no outcome.
        assert!(marks("change", "review", 10, Some(90), &failed).is_empty());
        let alerted = Extras { from_alerts: true, ..Default::default() };
        assert_eq!(names(marks("incident", "new", 10, None, &alerted)), vec![("from_alerts".into(), 10, 1)]);
        assert!(marks("task", "new", 10, None, &alerted).is_empty());
    }

    #[test]
    fn a_periods_marks_read_as_each_kinds_figures() {
        let mut s = MarkSums::default();
        for (k, n, v) in [
            ("problem", "incidents", 6),
            ("problem", "opened", 4),
            ("problem", "solved", 1),
            ("problem", "known_error", 1),
            ("change", "closed:successful", 6),
            ("change", "closed:successful_with_issues", 1),
            ("change", "closed:failed", 2),
            ("change", "closed:backed_out", 1),
            ("change", "caused_incidents", 2),
            ("alert", "fired", 30),
            ("incident", "from_alerts", 4),
        ] {
            s.marks.insert((k.into(), n.into()), v);
        }
        let f = KindFigures::of(&s);
        assert_eq!((f.problems.opened, f.problems.solved, f.problems.known_errors), (4, 1, 1));
        assert_eq!(f.problems.incidents_per_problem, Some(1.5));
        assert_eq!((f.changes.closed, f.changes.failed, f.changes.backed_out), (10, 2, 1));
        assert_eq!(f.changes.success_rate, Some(0.7));
        assert_eq!(f.changes.caused_incident_rate, Some(0.2));
        assert_eq!(f.alerts.alerts_per_incident, Some(7.5));
        // Nothing closed, nothing raised: no rates.
        let none = KindFigures::of(&MarkSums::default());
        assert_eq!((none.changes.success_rate, none.problems.incidents_per_problem), (None, None));
        assert_eq!(none.alerts.alerts_per_incident, None);
    }
}
