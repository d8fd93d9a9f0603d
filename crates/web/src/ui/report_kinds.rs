//! The dashboard's panels of the other kinds (issue 14): problems raised
//! and solved, known errors and incidents per problem; the changes closed,
//! their success rate and those that caused incidents; alerts and their
//! noise; and each watched service's availability. Each figure links to
//! the records behind it.

use super::report_texts::RepMsg;
use super::reports::{Unit, figure};
use super::{Ctx, fmt};
use maud::{Markup, html};
use steward_app::reports::dashboard::{Dashboard, Figure};

/// A figure of this panel: its id, label, now and before, unit, whether
/// more is better, and the records behind it.
type KindFigure = (&'static str, RepMsg, Figure, Unit, Option<bool>, String);

fn fig(now: impl Into<Option<f64>>, before: impl Into<Option<f64>>) -> Figure {
    Figure { now: now.into(), before: before.into() }
}

fn figures(ctx: &Ctx, id: &str, title: RepMsg, href: &str, list: Vec<KindFigure>) -> Markup {
    html! {
        div.kind-figures {
            h3 { a href=(href) { (ctx.t(title)) } }
            dl.figures id=(id) {
                @for (id, label, f, unit, more_is_better, href) in &list {
                    (figure(ctx, id, *label, f, *unit, *more_is_better, href))
                }
            }
        }
    }
}

/// Problems, changes and alerts, each against the period before.
pub(super) fn kinds(ctx: &Ctx, d: &Dashboard, service: &str) -> Markup {
    let (p, pb) = (&d.kinds.problems, &d.kinds_before.problems);
    let (c, cb) = (&d.kinds.changes, &d.kinds_before.changes);
    let (a, ab) = (&d.kinds.alerts, &d.kinds_before.alerts);
    let n = |v: i64| Some(v as f64);
    let service = service.trim();
    let narrowed = |path: &str, extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = extra.to_vec();
        pairs.push(("service", service));
        format!("{path}{}", fmt::query(&pairs))
    };
    // The review counts the changes closed in the last days up to now.
    let review = format!("/changes/review?days={}", review_days(d));
    let problems = vec![
        (
            "fig-problems-opened",
            RepMsg::ProblemsOpened,
            fig(n(p.opened), n(pb.opened)),
            Unit::Count,
            None,
            narrowed("/problems", &[]),
        ),
        (
            "fig-problems-solved",
            RepMsg::ProblemsSolved,
            fig(n(p.solved), n(pb.solved)),
            Unit::Count,
            Some(true),
            narrowed("/problems", &[("state", "resolved")]),
        ),
        (
            "fig-known-errors",
            RepMsg::KnownErrors,
            fig(n(p.known_errors), n(pb.known_errors)),
            Unit::Count,
            None,
            narrowed("/problems", &[("known_error", "true")]),
        ),
        (
            "fig-incidents-per-problem",
            RepMsg::IncidentsPerProblem,
            fig(p.incidents_per_problem, pb.incidents_per_problem),
            Unit::Decimal,
            None,
            narrowed("/problems", &[]),
        ),
    ];
    let changes = vec![
        (
            "fig-changes-closed",
            RepMsg::ChangesClosed,
            fig(n(c.closed), n(cb.closed)),
            Unit::Count,
            None,
            review.clone(),
        ),
        (
            "fig-change-success",
            RepMsg::ChangeSuccess,
            fig(c.success_rate, cb.success_rate),
            Unit::Share,
            Some(true),
            review.clone(),
        ),
        (
            "fig-changes-failed",
            RepMsg::ChangesFailed,
            fig(n(c.failed + c.backed_out), n(cb.failed + cb.backed_out)),
            Unit::Count,
            Some(false),
            review.clone(),
        ),
        (
            "fig-changes-caused",
            RepMsg::ChangesCaused,
            fig(n(c.caused_incidents), n(cb.caused_incidents)),
            Unit::Count,
            Some(false),
            review.clone(),
        ),
    ];
    let alerts = vec![
        (
            "fig-alerts-fired",
            RepMsg::AlertsFired,
            fig(n(a.fired), n(ab.fired)),
            Unit::Count,
            None,
            "/alerts".to_owned(),
        ),
        (
            "fig-alert-incidents",
            RepMsg::AlertIncidents,
            fig(n(a.incidents_from_alerts), n(ab.incidents_from_alerts)),
            Unit::Count,
            None,
            narrowed("/incidents", &[("opened_from", &d.period.from.to_string())]),
        ),
        (
            "fig-alert-noise",
            RepMsg::AlertNoise,
            fig(a.alerts_per_incident, ab.alerts_per_incident),
            Unit::Decimal,
            Some(false),
            "/alerts".to_owned(),
        ),
    ];
    html! {
        section.panel #report-kinds aria-labelledby="report-kinds-title" {
            h2 #report-kinds-title { (ctx.t(RepMsg::KindsTitle)) }
            p.hint { (ctx.t(RepMsg::KindsHint)) }
            div.kinds-grid {
                (figures(ctx, "report-problems", RepMsg::Problems, "/problems", problems))
                (figures(ctx, "report-changes", RepMsg::Changes, &review, changes))
                (figures(ctx, "report-alerts", RepMsg::Alerts, "/alerts", alerts))
            }
        }
    }
}

/// The review's period: from the dashboard's first day up to today.
fn review_days(d: &Dashboard) -> i64 {
    let today = jiff::Zoned::now().date();
    let days = d.period.from.until(today).map(|s| i64::from(s.get_days())).unwrap_or(0) + 1;
    days.clamp(1, steward_app::changes::MAX_DAYS)
}

/// Each watched service's availability in the period, the least first.
pub(super) fn availability(ctx: &Ctx, d: &Dashboard) -> Markup {
    html! {
        section.panel #report-availability aria-labelledby="report-availability-title" {
            h2 #report-availability-title { (ctx.t(RepMsg::Availability)) }
            p.hint { (ctx.t(RepMsg::AvailabilityHint)) }
            @if d.availability.is_empty() { p.muted { (ctx.t(RepMsg::NoAvailability)) } }
            @else {
                div.table-wrap { table.incidents #report-availability-table {
                    thead { tr {
                        th scope="col" { (ctx.t(RepMsg::Service)) }
                        th scope="col" { (ctx.t(RepMsg::Checks)) }
                        th scope="col" { (ctx.t(RepMsg::AvailabilityCol)) }
                        th scope="col" { (ctx.t(RepMsg::DownResults)) }
                    } }
                    tbody {
                        @for (name, a) in &d.availability {
                            tr {
                                td { a href={ "/cmdb/" (a.service_id) } { (name.clone().unwrap_or_else(|| format!("#{}", a.service_id))) } }
                                td { @match name {
                                    Some(n) => a href={ "/checks" (fmt::query(&[("service", n.as_str())])) } { (a.checks) },
                                    None => (a.checks),
                                } }
                                td { (precise(a.availability)) }
                                td { (a.critical) }
                            }
                        }
                    }
                } }
            }
        }
    }
}

/// Availability reads to three decimals of a per cent (99.95 % and
/// 99.999 % differ by hours a year).
fn precise(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{:.3} %", v * 100.0))
}
