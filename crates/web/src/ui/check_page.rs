//! `/checks/{id}`: one check — where it stands, its last output and
//! performance data, its history over a period (1 h to 90 d, picked by
//! links) drawn as an SVG (read through `check_history`, so long periods
//! come from the rollups), its availability over that period, its recent
//! events and its definition; Edit and Delete for managers and admins.

use super::alert_console::moment;
use super::check_list::{self, kind_name, state_cell, status_badge, status_text, target, watches};
use super::check_texts::CheckMsg;
use super::{Ctx, OrPage, UiResult, check_chart, fmt, layout, widgets};
use crate::{AppState, i18n};
use axum::extract::{
    Path, Query, State,
    rejection::{PathRejection, QueryRejection},
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    checks::{CheckView, history::History},
};
use steward_domain::check::{CheckKind, PerfDatum};
use steward_store::checks::{EventRow, ResultRow};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;
/// Events the page lists.
const EVENTS: i64 = 20;

/// The periods offered: (key, length, label).
pub const PERIODS: [(&str, i64, CheckMsg); 5] = [
    ("1h", HOUR, CheckMsg::P1h),
    ("24h", DAY, CheckMsg::P24h),
    ("7d", 7 * DAY, CheckMsg::P7d),
    ("30d", 30 * DAY, CheckMsg::P30d),
    ("90d", 90 * DAY, CheckMsg::P90d),
];

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// One of [`PERIODS`]' keys; 24 h otherwise.
    pub period: String,
    pub m: String,
}

fn period(key: &str) -> (&'static str, i64, CheckMsg) {
    PERIODS.iter().find(|(k, _, _)| *k == key).copied().unwrap_or(PERIODS[1])
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> UiResult {
    super::staff_only(&ctx)?;
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("check"))) };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (key, length, label) = period(&q.period);
    let to = fmt::now_micros();
    let from = to - length;
    let (v, history, events, latest) = futures_util::try_join!(
        s.app.check(&ctx.actor, id),
        s.app.check_history(&ctx.actor, id, Some(from), Some(to)),
        s.app.check_events(&ctx.actor, id, None, Some(EVENTS)),
        s.app.check_latest(&ctx.actor, id),
    )
    .or_page(&ctx)?;
    let interval = i64::from(v.definition.interval_secs) * 1_000_000;
    let (slots, counts) = check_chart::slots(&history, from, to, interval);
    let name = v.row.check.name.clone();
    let period_text = ctx.t(label);
    let chart_label = i18n::tf(ctx.lang, CheckMsg::ChartLabel, &[("name", &name), ("period", period_text)]);
    let axis = |at: i64| fmt::absolute(ctx.lang, at);
    let may_keep = steward_domain::access::can_keep_checks(ctx.actor.role).is_ok();
    let body = html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" { a href=(check_list::PATH) { (ctx.t(CheckMsg::Title)) } }
            div.head-row {
                h1 #check-name { (name) }
                @if may_keep {
                    div.head-actions { a.btn #edit-check href={ "/checks/" (id) "/edit" } { (ctx.t(crate::i18n::Msg::Edit)) } }
                }
            }
            div.head-badges #check-state { (state_cell(&ctx, &v)) span.muted { (kind_name(&v.row.check.kind)) } }
        }
        @if let Some(m) = check_list::flash(&q.m) { (widgets::notice(ctx.t(m))) }
        div.incident-grid {
            div.check-main {
                section.panel #check-history aria-labelledby="check-history-title" {
                    h2 #check-history-title { (ctx.t(CheckMsg::History)) }
                    nav.tabs.periods aria-label=(ctx.t(CheckMsg::Period)) {
                        @for (k, _, l) in PERIODS {
                            a.tab href={ "/checks/" (id) "?period=" (k) } aria-current=[(k == key).then_some("page")] { (ctx.t(l)) }
                            " "
                        }
                    }
                    @if slots.is_empty() {
                        p.muted #check-no-results { (ctx.t(CheckMsg::NoResults)) }
                    } @else {
                        div.chart-wrap { (check_chart::svg(&slots, from, to, &chart_label, &axis(from), &axis(to))) }
                        (legend(&ctx))
                    }
                    p.hint #check-span data-span=(span_key(&history)) {
                        (i18n::tf(ctx.lang, CheckMsg::ReadFrom, &[("span", ctx.t(span_text(&history)))]))
                    }
                    h3 { (ctx.t(CheckMsg::AvailabilityPeriod)) }
                    p #check-availability {
                        @match counts.availability() {
                            Some(a) => (i18n::tf(ctx.lang, CheckMsg::AvailabilityOf, &[("share", &percent(a)), ("n", &counts.known().to_string())])),
                            None => (ctx.t(CheckMsg::NoAvailability)),
                        }
                    }
                }
                (output(&ctx, &v, latest.as_ref()))
                (events_panel(&ctx, &events))
            }
            aside.incident-side aria-label=(ctx.t(crate::i18n::Msg::Details)) {
                (definition(&ctx, &v))
                @if may_keep { (delete_form(&ctx, &v)) }
            }
        }
    };
    super::ok(layout::page(&ctx, &name, body))
}

/// A share as a percentage with two decimals: `99.95%`.
pub fn percent(share: f64) -> String {
    format!("{:.2}%", share * 100.0)
}

fn span_key(h: &History) -> &'static str {
    match h {
        History::Raw(_) => "raw",
        History::Rolled(span, _) => span.as_str(),
    }
}

fn span_text(h: &History) -> CheckMsg {
    match span_key(h) {
        "raw" => CheckMsg::SpanRaw,
        "minute" => CheckMsg::SpanMinute,
        "hour" => CheckMsg::SpanHour,
        _ => CheckMsg::SpanDay,
    }
}

fn legend(ctx: &Ctx) -> Markup {
    html! {
        ul.chart-legend {
            @for st in check_list::STATUSES {
                li { span class={ "swatch check-" (st) } aria-hidden="true" {} (status_text(ctx, st)) }
            }
            li { span.swatch.swatch-line aria-hidden="true" {} (ctx.t(CheckMsg::ResponseTime)) }
        }
    }
}

fn output(ctx: &Ctx, v: &CheckView, latest: Option<&ResultRow>) -> Markup {
    let s = &v.row.state;
    let now = fmt::now_micros();
    let perf: Vec<PerfDatum> = latest.and_then(|r| serde_json::from_str(&r.perfdata).ok()).unwrap_or_default();
    let max = i64::from(v.definition.retries) + 1;
    html! {
        section.panel #check-output aria-labelledby="check-output-title" {
            h2 #check-output-title { (ctx.t(CheckMsg::CurrentState)) }
            dl.facts {
                div { dt { (ctx.t(crate::i18n::Msg::State)) } dd { (status_badge(ctx, &s.status)) " "
                    (i18n::tf(ctx.lang, CheckMsg::AttemptOf, &[("attempt", &s.attempt.to_string()), ("max", &max.to_string())])) } }
                div { dt { (ctx.t(CheckMsg::LastRun)) } dd {
                    @match s.last_at { Some(at) => (moment(ctx, at, now)), None => (ctx.t(CheckMsg::Never)) }
                    @if let Some(ms) = s.last_latency_ms { " · " (ms) " ms" }
                } }
                div { dt { (ctx.t(CheckMsg::NextRun)) } dd {
                    @match s.next_run_at { Some(at) => (moment(ctx, at, now)), None => (ctx.t(CheckMsg::Disabled)) }
                } }
            }
            h3 { (ctx.t(CheckMsg::Output)) }
            @match &s.last_message {
                Some(m) => pre.check-message #check-message { (m) },
                None => p.muted { (ctx.t(CheckMsg::NoOutput)) },
            }
            @if !perf.is_empty() {
                h3 { (ctx.t(CheckMsg::PerfData)) }
                div.table-wrap {
                    table.incidents.perfdata #check-perfdata {
                        thead { tr {
                            th scope="col" { (ctx.t(CheckMsg::Label)) }
                            th scope="col" { (ctx.t(CheckMsg::Measured)) }
                            th scope="col" { (ctx.t(CheckMsg::WarnAt)) }
                            th scope="col" { (ctx.t(CheckMsg::CritAt)) }
                        } }
                        tbody {
                            @for p in &perf {
                                tr {
                                    th scope="row" { (p.label) }
                                    td.num { @match p.value { Some(v) => { (v) (p.uom.as_str()) }, None => "U" } }
                                    td { (p.warn.as_deref().unwrap_or("")) }
                                    td { (p.crit.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn event_text(ctx: &Ctx, e: &EventRow) -> String {
    match e.kind.as_str() {
        "flapping_started" => ctx.t(CheckMsg::EvFlapStart).to_owned(),
        "flapping_stopped" => ctx.t(CheckMsg::EvFlapStop).to_owned(),
        _ => i18n::tf(
            ctx.lang,
            CheckMsg::EvHard,
            &[("from", status_text(ctx, &e.from_status)), ("to", status_text(ctx, &e.to_status))],
        ),
    }
}

fn events_panel(ctx: &Ctx, events: &[EventRow]) -> Markup {
    let now = fmt::now_micros();
    html! {
        section.panel #check-events aria-labelledby="check-events-title" {
            h2 #check-events-title { (ctx.t(CheckMsg::Events)) }
            @if events.is_empty() {
                p.muted { (ctx.t(CheckMsg::NoEvents)) }
            } @else {
                ol.alert-history {
                    @for e in events {
                        li data-kind=(e.kind) data-to=(e.to_status) {
                            strong { (event_text(ctx, e)) }
                            " · " (moment(ctx, e.at, now))
                            @if e.notify == 0 { " " span.muted { "(" (ctx.t(CheckMsg::NotNotified)) ")" } }
                            @if !e.message.is_empty() { br; span.check-event-message { (e.message) } }
                        }
                    }
                }
            }
        }
    }
}

fn definition(ctx: &Ctx, v: &CheckView) -> Markup {
    let d = &v.definition;
    let fact = |label: CheckMsg, value: String| html! { div { dt { (ctx.t(label)) } dd { (value) } } };
    html! {
        section.panel #check-definition aria-labelledby="check-definition-title" {
            h2 #check-definition-title { (ctx.t(CheckMsg::Definition)) }
            dl.facts {
                (fact(CheckMsg::Kind, kind_name(d.kind.as_str()).to_owned()))
                div { dt { (ctx.t(CheckMsg::Target)) } dd { code #check-target { (target(&d.kind)) } } }
                div { dt { (ctx.t(CheckMsg::Watches)) } dd { (watches(v)) } }
                (fact(CheckMsg::Interval, d.interval_secs.to_string()))
                (fact(CheckMsg::Timeout, d.timeout_ms.to_string()))
                (fact(CheckMsg::Retries, d.retries.to_string()))
                @match &d.kind {
                    CheckKind::Http(h) => {
                        @if !h.expected_status.is_empty() {
                            (fact(CheckMsg::ExpectedStatus, h.expected_status.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")))
                        }
                        @if let Some(b) = &h.body_contains { (fact(CheckMsg::BodyContains, b.clone())) }
                        @if let Some(j) = &h.json_condition { (fact(CheckMsg::JsonCondition, j.clone())) }
                        @if let Some(m) = h.max_response_ms { (fact(CheckMsg::MaxResponse, m.to_string())) }
                    }
                    CheckKind::Dns(dns) => {
                        @if let Some(e) = &dns.expected { (fact(CheckMsg::Expected, e.clone())) }
                        @if let Some(s) = &dns.server { (fact(CheckMsg::Server, s.clone())) }
                    }
                    CheckKind::Tls(t) => {
                        (fact(CheckMsg::WarnDays, t.warn_days.to_string()))
                        (fact(CheckMsg::CriticalDays, t.critical_days.to_string()))
                    }
                    _ => {}
                }
                (fact(CheckMsg::Enabled, ctx.t(if v.row.check.enabled != 0 { crate::i18n::Msg::Yes } else { crate::i18n::Msg::No }).to_owned()))
            }
        }
    }
}

fn delete_form(ctx: &Ctx, v: &CheckView) -> Markup {
    html! {
        section.panel #check-delete aria-labelledby="check-delete-title" {
            h2 #check-delete-title { (ctx.t(CheckMsg::DeleteCheck)) }
            p.hint { (ctx.t(CheckMsg::DeleteHint)) }
            form method="post" action={ "/checks/" (v.row.check.id) "/delete" } {
                (widgets::csrf(&ctx.csrf))
                button.btn.btn-danger type="submit" { (ctx.t(CheckMsg::Delete)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_period_reads_a_day() {
        assert_eq!(period("7d").1, 7 * DAY);
        assert_eq!(period("forever").0, "24h");
        assert_eq!(percent(1.0 / 3.0), "33.33%");
    }
}
