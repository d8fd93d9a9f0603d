//! `/reports`: the manager's dashboard (issue 14). A period (the last 30
//! days unless asked) narrowed by kind, group, service and priority; its
//! headline figures with their trend against the period before, opened and
//! resolved per day, the load per group, service and priority, SLA and OLA
//! compliance, and when records come in. Every panel links to the records
//! behind it. Staff only; a bad parameter is a message beside its field,
//! with the default period shown.

use super::report_charts::{self as charts, Bar, Point};
use super::report_texts::RepMsg;
use super::{Ctx, UiResult, area, clocks, fmt, html, layout, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use steward_app::{
    AppError, Code, FieldError,
    reports::{
        Filter, MeasureQuery,
        dashboard::{self, Dashboard, Figure},
    },
};
use steward_domain::report::panels::{COUNTING, PANELS, Panel};

pub const PATH: &str = "/reports";
/// The viewer's own dashboard.
pub const MINE: &str = "/reports/mine";

pub const AREA: area::Area = area::Area {
    routes,
    nav: &[area::NavEntry {
        href: PATH,
        label: &RepMsg::NavReports,
        audience: area::Audience::Staff,
        current: |p| area::under(p, PATH),
    }],
};

fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route(PATH, axum::routing::get(show))
        .route(MINE, axum::routing::get(super::report_panels::mine))
        .route(
            super::report_panels::EDIT,
            axum::routing::get(super::report_panels::edit).post(super::report_panels::save),
        )
        .route(
            super::improvements::PATH,
            axum::routing::get(super::improvements::show).post(super::improvements::create),
        )
        .route(
            "/reports/improvements/{id}",
            axum::routing::get(super::improvements::edit).post(super::improvements::update),
        )
        .route("/reports/improvements/{id}/delete", axum::routing::post(super::improvements::delete))
        .route(
            super::saved_reports::PATH,
            axum::routing::get(super::saved_reports::show).post(super::saved_reports::create),
        )
        .route("/reports/saved/{id}", axum::routing::get(super::saved_reports::edit).post(super::saved_reports::update))
        .route("/reports/saved/{id}/send", axum::routing::post(super::saved_reports::send))
        .route("/reports/saved/{id}/delete", axum::routing::post(super::saved_reports::delete))
}

/// The dashboard's query string; every value as typed, so a bad one is
/// shown back beside its field.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DashQuery {
    pub from: String,
    pub to: String,
    pub kind: String,
    pub group: String,
    pub service: String,
    pub priority: String,
    /// `1`: TV mode (a wall screen that refreshes itself).
    pub tv: String,
}

/// The kind chosen to count every kind together (none chosen: incidents).
const ALL_KINDS: &str = "all";

/// The group chosen to count the viewer's own groups (as the lists'
/// `group=mine`): an agent's dashboard begins with it.
pub(super) const MY_GROUPS: &str = "mine";

/// How often TV mode reloads, in seconds.
const TV_REFRESH: u32 = 60;

impl DashQuery {
    /// This dashboard's link, in TV mode or out of it, the rest as asked
    /// (a period not typed stays the rolling default).
    pub(super) fn link(&self, path: &str, tv: bool) -> String {
        let pairs = [
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("kind", self.kind.as_str()),
            ("group", self.group.as_str()),
            ("service", self.service.as_str()),
            ("priority", self.priority.as_str()),
            ("tv", if tv { "1" } else { "" }),
        ];
        let kept: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.trim().is_empty()).collect();
        format!("{path}{}", super::fmt::query(&kept))
    }
}

/// The question asked, checked; names turned into ids.
struct Asked {
    q: MeasureQuery,
    errors: Vec<FieldError>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

async fn asked(s: &AppState, d: &DashQuery) -> Result<Asked, AppError> {
    let mut errors = Vec::new();
    let kind = match opt(&d.kind) {
        None => Some("incident".to_owned()),
        Some(k) if k == ALL_KINDS => None,
        k => k,
    };
    let mut q = MeasureQuery { from: opt(&d.from), to: opt(&d.to), kind, ..Default::default() };
    if opt(&d.group).as_deref() == Some(MY_GROUPS) {
        q.my_groups = true;
    } else if let Some(name) = opt(&d.group) {
        match s.app.list_groups().await?.into_iter().find(|g| g.name == name) {
            Some(g) => q.group = Some(g.id),
            None => errors.push(FieldError::new(
                "group",
                Code::NoGroup.msg(format!("there is no group {name:?}")).with("name", format!("{name:?}")),
            )),
        }
    }
    if let Some(name) = opt(&d.service) {
        let found = s.app.cmdb_view({
            let name = name.clone();
            move |v| v.service_named(&name)
        });
        match found.await? {
            Some(id) => q.service = Some(id),
            None => errors.push(FieldError::new(
                "service",
                Code::NoService.msg(format!("there is no service {name:?}")).with("name", format!("{name:?}")),
            )),
        }
    }
    if let Some(p) = opt(&d.priority) {
        match p.parse::<i64>() {
            Ok(p) => q.priority = Some(p),
            Err(_) => errors.push(FieldError::new("priority", Code::PriorityLevel.msg("must be one of 1, 2, 3, 4, 5"))),
        }
    }
    Ok(Asked { q, errors })
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<DashQuery>, QueryRejection>) -> UiResult {
    render(&s, ctx, q, Which::Service).await
}

/// The service dashboard (every panel over the kind asked) or the
/// viewer's own (the panels they chose, each over its kind).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Service,
    Mine,
}

pub(super) async fn render(
    s: &AppState,
    ctx: Ctx,
    q: Result<Query<DashQuery>, QueryRejection>,
    which: Which,
) -> UiResult {
    staff_only(&ctx)?;
    let typed = q.map(|Query(q)| q).unwrap_or_default();
    let Asked { q, mut errors } = asked(s, &typed).await.map_err(|e| ctx.fail(e))?;
    // A refused question shows the default period, the problems beside
    // their fields and what was typed kept in them.
    let checked = match s.app.measure_query(&ctx.actor, &q) {
        Ok(_) if !errors.is_empty() => Err(AppError::Invalid(vec![])),
        other => other,
    };
    let (period, filter) = match checked {
        Ok(found) => found,
        Err(AppError::Invalid(bad)) => {
            errors.extend(bad);
            s.app.measure_query(&ctx.actor, &MeasureQuery::default()).map_err(|e| ctx.fail(e))?
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let (panels, path, title) = match which {
        Which::Service => {
            let all = PANELS.iter().filter(|p| **p != "my_work").map(|p| Panel::new(p, None)).collect();
            (all, PATH, RepMsg::Title)
        }
        Which::Mine => (s.app.my_panels(&ctx.actor).await.map_err(|e| ctx.fail(e))?.0, MINE, RepMsg::MineTitle),
    };
    // One dashboard per kind the panels count: the service dashboard's is
    // the kind asked; a personal one's, each panel's own.
    let mut boards: BTreeMap<String, Dashboard> = BTreeMap::new();
    let kinds: BTreeSet<&str> = match which {
        Which::Service => BTreeSet::from([""]),
        Which::Mine => panels.iter().map(board_kind).collect(),
    };
    for kind in kinds {
        let f = match which {
            Which::Service => filter.clone(),
            Which::Mine => Filter { kind: Some(kind.to_owned()), ..filter.clone() },
        };
        let d = s.app.dashboard(&ctx.actor, period, f).await.map_err(|e| ctx.fail(e))?;
        boards.insert(kind.to_owned(), d);
    }
    let work = if panels.iter().any(|p| p.panel == "my_work") {
        s.app.my_work(&ctx.actor, period).await.map_err(|e| ctx.fail(e))?
    } else {
        Vec::new()
    };
    let services: Vec<String> = s
        .app
        .cmdb_view(|v| {
            let mut names: Vec<String> =
                v.cis.values().filter(|b| b.class.ends_with("_service")).map(|b| b.name.clone()).collect();
            names.sort();
            names
        })
        .await
        .map_err(|e| ctx.fail(e))?;
    let groups: Vec<String> = s.app.list_groups().await.map_err(|e| ctx.fail(e))?.into_iter().map(|g| g.name).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let errors = widgets::Errors(errors);
    let Some(first) = boards.values().next() else { return Err(ctx.fail(AppError::Internal("no dashboard".into()))) };
    let shown = if errors.0.is_empty() {
        DashQuery { from: first.period.from.to_string(), to: first.period.to.to_string(), ..typed.clone() }
    } else {
        typed.clone()
    };
    let ok = errors.0.is_empty();
    let service = if ok { typed.service.as_str() } else { "" };
    let shown_panels = html! {
        div.report-panels {
            @for p in &panels {
                @let kind = match which { Which::Service => typed.kind.as_str(), Which::Mine => p.kind() };
                @if let Some(d) = boards.get(match which { Which::Service => "", Which::Mine => board_kind(p) }) {
                    (super::report_panels::panel(&ctx, p, d, &Links::of(d, kind, &typed, ok), &work, service))
                }
            }
        }
    };
    if which == Which::Service && typed.tv == "1" && ok {
        return Ok(html(status, tv(&ctx, first, &Links::of(first, &typed.kind, &typed, ok), &typed)));
    }
    if typed.tv == "1" && ok {
        let now = super::fmt::absolute(ctx.lang, super::fmt::now_micros());
        let body = html! {
            div.page-head {
                h1 { (ctx.t(title)) }
                p.muted #tv-updated { (i18n::tf(ctx.lang, RepMsg::TvUpdated, &[("time", &now)])) }
                a.btn.btn-quiet href=(typed.link(path, false)) { (ctx.t(RepMsg::TvLeave)) }
            }
            (shown_panels)
        };
        return Ok(html(status, layout::wall(&ctx, ctx.t(title), TV_REFRESH, body)));
    }
    let body = html! {
        div.page-head {
            h1 { (ctx.t(title)) }
            div.actions {
                @match which {
                    Which::Service => {
                        a.btn href=(MINE) { (ctx.t(RepMsg::MineLink)) }
                        a.btn href=(super::improvements::PATH) { (ctx.t(RepMsg::ImpLink)) }
                        a.btn href=(super::saved_reports::PATH) { (ctx.t(RepMsg::SavedLink)) }
                    }
                    Which::Mine => {
                        a.btn #edit-panels href=(super::report_panels::EDIT) { (ctx.t(RepMsg::EditPanels)) }
                        a.btn href=(PATH) { (ctx.t(RepMsg::ServiceLink)) }
                    }
                }
                a.btn href=(typed.link(path, true)) title=(ctx.t(RepMsg::TvHint)) { (ctx.t(RepMsg::TvMode)) }
            }
        }
        (form(&ctx, path, which == Which::Service, &shown, &errors, &groups, &services))
        p.muted #report-period {
            (i18n::tf(ctx.lang, RepMsg::Intro, &[
                ("from", &first.period.from.to_string()), ("to", &first.period.to.to_string()),
                ("days", &first.period.days().to_string()),
            ]))
        }
        (shown_panels)
    };
    Ok(html(status, layout::page(&ctx, ctx.t(title), body)))
}

/// The kind of the dashboard a panel is drawn from: its own if it counts
/// one, else incidents' (its figures are the same in every one).
fn board_kind(p: &Panel) -> &str {
    if COUNTING.contains(&p.panel.as_str()) { p.kind() } else { "incident" }
}

/// TV mode: the headline figures and the main charts, large, on a page
/// that reloads itself; a small link leaves it.
fn tv(ctx: &Ctx, d: &Dashboard, links: &Links, typed: &DashQuery) -> Markup {
    let now = super::fmt::absolute(ctx.lang, super::fmt::now_micros());
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RepMsg::Title)) }
            p.muted #tv-updated { (i18n::tf(ctx.lang, RepMsg::TvUpdated, &[("time", &now)])) }
            a.btn.btn-quiet href=(typed.link(PATH, false)) { (ctx.t(RepMsg::TvLeave)) }
        }
        (headline(ctx, d, links))
        div.report-grid {
            section.panel #report-series aria-labelledby="report-series-title" {
                h2 #report-series-title { (ctx.t(RepMsg::Series)) }
                div.chart-wrap { (series(ctx, d, links)) }
            }
            (sla_table(ctx, d, links))
            (breakdown(ctx, "report-groups", RepMsg::ByGroup, &d.by_group, RepMsg::NoGroup, |b| links.group(b)))
            (backlog(ctx, d, links))
        }
    };
    layout::wall(ctx, ctx.t(RepMsg::Title), TV_REFRESH, body)
}

pub(super) fn weekdays(ctx: &Ctx) -> [&str; 7] {
    [RepMsg::Mon, RepMsg::Tue, RepMsg::Wed, RepMsg::Thu, RepMsg::Fri, RepMsg::Sat, RepMsg::Sun].map(|m| ctx.t(m))
}

fn form(
    ctx: &Ctx,
    path: &str,
    with_kind: bool,
    q: &DashQuery,
    errors: &widgets::Errors,
    groups: &[String],
    services: &[String],
) -> Markup {
    let field = |id: &'static str, name: &'static str, label: RepMsg| {
        widgets::Field::new(ctx.lang, id, name, ctx.t(label), errors)
    };
    let any = || vec![(String::new(), ctx.t(RepMsg::Any).to_owned())];
    let named = |names: &[String]| {
        let mut o = any();
        o.extend(names.iter().map(|n| (n.clone(), n.clone())));
        o
    };
    // "My groups" after "Any", before the names.
    let my_groups = |mut o: Vec<(String, String)>| {
        o.insert(1, (MY_GROUPS.to_owned(), ctx.t(RepMsg::MyGroups).to_owned()));
        o
    };
    // Incidents unless asked otherwise: the figures a desk runs on, and the
    // list the panels link to.
    let kinds: Vec<(String, String)> = [
        ("", RepMsg::KindIncident),
        ("problem", RepMsg::KindProblem),
        ("change", RepMsg::KindChange),
        ("task", RepMsg::KindTask),
        (ALL_KINDS, RepMsg::AllKinds),
    ]
    .into_iter()
    .map(|(v, m)| (v.to_owned(), ctx.t(m).to_owned()))
    .collect();
    let mut priorities = any();
    priorities.extend((1..=5).map(|p| (p.to_string(), format!("P{p}"))));
    let today = jiff::Timestamp::now().to_zoned(fmt::zone()).date();
    let last = |days: i64| {
        let from = today.checked_sub(jiff::Span::new().days(days - 1)).unwrap_or(today);
        let keep = [
            ("from", from.to_string()),
            ("to", today.to_string()),
            ("kind", q.kind.clone()),
            ("group", q.group.clone()),
            ("service", q.service.clone()),
            ("priority", q.priority.clone()),
        ];
        let pairs: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
        format!("{path}{}", fmt::query(&pairs))
    };
    html! {
        form.filters.report-filters method="get" action=(path) {
            (widgets::Field { kind: Some("date"), ..field("r-from", "from", RepMsg::From) }.input(&q.from))
            (widgets::Field { kind: Some("date"), ..field("r-to", "to", RepMsg::To) }.input(&q.to))
            @if with_kind { (field("r-kind", "kind", RepMsg::Kind).select(&kinds, &q.kind)) }
            (field("r-group", "group", RepMsg::Group).select(&my_groups(named(groups)), &q.group))
            (field("r-service", "service", RepMsg::Service).select(&named(services), &q.service))
            (field("r-priority", "priority", RepMsg::Priority).select(&priorities, &q.priority))
            div.filter-actions { button.btn type="submit" { (ctx.t(i18n::Msg::Apply)) } }
        }
        p.report-quick {
            a href=(last(7)) { (ctx.t(RepMsg::Last7)) } " · "
            a href=(last(30)) { (ctx.t(RepMsg::Last30)) } " · "
            a href=(last(90)) { (ctx.t(RepMsg::Last90)) }
        }
    }
}

/// Where a panel's records are listed: the kind's list, narrowed as the
/// dashboard is, opened in the period (or on one day). The lists read
/// `opened_to` as "opened before", so a period ends on the day after.
pub(super) struct Links {
    list: &'static str,
    from: String,
    to: String,
    group: String,
    service: String,
    priority: String,
}

impl Links {
    pub(super) fn of(d: &Dashboard, kind: &str, q: &DashQuery, keep: bool) -> Links {
        let list = match kind {
            "problem" => "/problems",
            "change" => "/changes",
            "task" => "/tasks",
            _ => "/incidents",
        };
        let kept = |v: &str| if keep { v.trim().to_owned() } else { String::new() };
        Links {
            list,
            from: d.period.from.to_string(),
            to: after(&d.period.to.to_string()),
            group: kept(&q.group),
            service: kept(&q.service),
            priority: kept(&q.priority),
        }
    }

    fn link(&self, from: &str, to: &str, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![("opened_from", from), ("opened_to", to)];
        for (k, v) in [("group", &self.group), ("service", &self.service), ("priority", &self.priority)] {
            if !extra.iter().any(|(e, _)| *e == k) {
                pairs.push((k, v.as_str()));
            }
        }
        pairs.extend_from_slice(extra);
        format!("{}{}", self.list, fmt::query(&pairs))
    }

    /// Opened in the period, or on `day`.
    pub(super) fn opened(&self, day: Option<&str>) -> String {
        match day {
            Some(d) => self.link(d, &after(d), &[]),
            None => self.link(&self.from, &self.to, &[]),
        }
    }

    /// Open now, narrowed as the dashboard is (whenever opened).
    pub(super) fn open_now(&self) -> String {
        let pairs: Vec<(&str, &str)> =
            vec![("state", "open"), ("group", &self.group), ("service", &self.service), ("priority", &self.priority)];
        format!("{}{}", self.list, fmt::query(&pairs))
    }

    pub(super) fn state(&self, state: &str) -> String {
        self.link(&self.from, &self.to, &[("state", state)])
    }

    pub(super) fn breached(&self) -> String {
        self.link(&self.from, &self.to, &[("sla", "breached")])
    }

    pub(super) fn group(&self, b: &dashboard::Bar) -> Option<String> {
        let name = if b.id == 0 { "none" } else { b.name.as_deref()? };
        Some(self.link(&self.from, &self.to, &[("group", name)]))
    }

    pub(super) fn service(&self, b: &dashboard::Bar) -> Option<String> {
        let name = b.name.as_deref()?;
        Some(self.link(&self.from, &self.to, &[("service", name)]))
    }

    pub(super) fn priority(&self, b: &dashboard::Bar) -> Option<String> {
        Some(self.link(&self.from, &self.to, &[("priority", &b.id.to_string())]))
    }
}

/// The day after `day` (`YYYY-MM-DD`).
fn after(day: &str) -> String {
    day.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| d.tomorrow().ok())
        .map_or_else(|| day.to_owned(), |d| d.to_string())
}

/// How a figure reads: a count, a duration or a share.
#[derive(Clone, Copy)]
pub(super) enum Unit {
    Count,
    /// A ratio such as incidents per problem, to two decimals.
    Decimal,
    Seconds,
    Share,
}

pub(super) fn value(ctx: &Ctx, v: Option<f64>, unit: Unit) -> String {
    match (v, unit) {
        (None, _) => "–".to_owned(),
        (Some(v), Unit::Count) => format!("{v:.0}"),
        (Some(v), Unit::Decimal) => format!("{v:.2}"),
        (Some(v), Unit::Seconds) => clocks::span(ctx.lang, v.round() as i64),
        (Some(v), Unit::Share) => format!("{:.1} %", v * 100.0),
    }
}

/// A headline figure: its id, label, value, unit, whether more is better
/// (none: neither) and the records behind it.
type Headed<'a> = (&'static str, RepMsg, &'a Figure, Unit, Option<bool>, String);

pub(super) fn headline(ctx: &Ctx, d: &Dashboard, links: &Links) -> Markup {
    let h = &d.headline;
    // (id, label, figure, unit, whether more is better, link)
    let figures: [Headed; 10] = [
        ("fig-arrivals", RepMsg::Arrivals, &h.arrivals, Unit::Count, None, links.opened(None)),
        ("fig-resolved", RepMsg::Resolved, &h.resolved, Unit::Count, Some(true), links.state("resolved")),
        ("fig-mtta", RepMsg::Mtta, &h.mtta, Unit::Seconds, Some(false), links.opened(None)),
        ("fig-mttr", RepMsg::Mttr, &h.mttr, Unit::Seconds, Some(false), links.state("resolved")),
        ("fig-mttr-p90", RepMsg::MttrP90, &h.mttr_p90, Unit::Seconds, Some(false), links.state("resolved")),
        ("fig-sla", RepMsg::SlaCompliance, &h.sla_compliance, Unit::Share, Some(true), links.breached()),
        ("fig-fcr", RepMsg::FirstContact, &h.first_contact_rate, Unit::Share, Some(true), links.state("resolved")),
        ("fig-reopen", RepMsg::ReopenRate, &h.reopen_rate, Unit::Share, Some(false), links.opened(None)),
        ("fig-escalations", RepMsg::Escalations, &h.escalations, Unit::Count, Some(false), links.opened(None)),
        ("fig-backlog", RepMsg::Backlog, &h.backlog, Unit::Count, Some(false), links.open_now()),
    ];
    html! {
        section.panel.report-headline aria-label=(ctx.t(RepMsg::Title)) {
            dl.figures #report-figures {
                @for (id, label, f, unit, more_is_better, href) in figures {
                    (figure(ctx, id, label, f, unit, more_is_better, &href))
                }
            }
        }
    }
}

/// One headline figure: its label linking to the records behind it, its
/// value and its trend against the period before.
pub(super) fn figure(
    ctx: &Ctx,
    id: &str,
    label: RepMsg,
    f: &Figure,
    unit: Unit,
    more_is_better: Option<bool>,
    href: &str,
) -> Markup {
    html! {
        div.figure id=(id) {
            dt { a href=(href) { (ctx.t(label)) } }
            dd { (value(ctx, f.now, unit)) }
            dd.trend { (trend(ctx, f, unit, more_is_better)) }
        }
    }
}

fn trend(ctx: &Ctx, f: &Figure, unit: Unit, more_is_better: Option<bool>) -> Markup {
    let before = i18n::tf(ctx.lang, RepMsg::Before, &[("value", &value(ctx, f.before, unit))]);
    match f.trend() {
        None => html! { span.muted { (if f.before.is_some() { before } else { ctx.t(RepMsg::NoBefore).to_owned() }) } },
        Some(t) => {
            let arrow = if t > 0.0 {
                "▲"
            } else if t < 0.0 {
                "▼"
            } else {
                "="
            };
            let judged = more_is_better.filter(|_| t != 0.0).map(|m| m == (t > 0.0));
            let (class, word) = match judged {
                Some(true) => ("trend-good", Some(RepMsg::Better)),
                Some(false) => ("trend-bad", Some(RepMsg::Worse)),
                None => ("trend-even", None),
            };
            html! {
                span class=(class) {
                    span aria-hidden="true" { (arrow) " " } (format!("{t:+.1} %"))
                    @if let Some(w) = word { " (" (ctx.t(w)) ")" }
                }
                " " span.muted { (before) }
            }
        }
    }
}

pub(super) fn series(ctx: &Ctx, d: &Dashboard, links: &Links) -> Markup {
    let days: Vec<String> = d.days.iter().map(|p| p.date.to_string()).collect();
    let points: Vec<Point> = d
        .days
        .iter()
        .zip(days.iter())
        .map(|(p, day)| Point { day, opened: p.arrivals, resolved: Some(p.resolved), href: links.opened(Some(day)) })
        .collect();
    let legend = html! {
        ul.chart-legend {
            li { span.swatch.report-opened {} (ctx.t(RepMsg::Arrivals)) }
            li { span.swatch.swatch-line.report-resolved {} (ctx.t(RepMsg::Resolved)) }
        }
    };
    html! {
        (legend)
        (charts::series(&points, ctx.t(RepMsg::Series), ctx.t(RepMsg::Arrivals), ctx.t(RepMsg::Resolved)))
    }
}

/// The open records at each day's last snapshot, and the last one's split
/// by age.
pub(super) fn backlog(ctx: &Ctx, d: &Dashboard, links: &Links) -> Markup {
    // Every day of the period, so the days line up with the chart above;
    // a day with no count shows none.
    let counted: std::collections::BTreeMap<jiff::civil::Date, i64> = d.backlog.iter().map(|b| (b.0, b.1)).collect();
    let days: Vec<String> = d.days.iter().map(|p| p.date.to_string()).collect();
    let points: Vec<Point> = d
        .days
        .iter()
        .zip(days.iter())
        .map(|(p, day)| Point {
            day,
            opened: counted.get(&p.date).copied().unwrap_or(0),
            resolved: None,
            href: links.open_now(),
        })
        .collect();
    let ages = [RepMsg::AgeDay, RepMsg::Age3, RepMsg::Age7, RepMsg::Age30, RepMsg::AgeOlder];
    html! {
        section.panel #report-backlog aria-labelledby="report-backlog-title" {
            h2 #report-backlog-title { a href=(links.open_now()) { (ctx.t(RepMsg::BacklogTitle)) } }
            p.hint { (ctx.t(RepMsg::BacklogHint)) }
            @if let Some(last) = d.backlog.last() {
                div.chart-wrap { (charts::series(&points, ctx.t(RepMsg::BacklogTitle), ctx.t(RepMsg::Backlog), "")) }
                dl.figures #report-ages {
                    @for (label, n) in ages.iter().zip(last.2.iter()) {
                        div.figure { dt { (ctx.t(*label)) } dd { (n) } }
                    }
                }
            } @else {
                p.muted { (ctx.t(RepMsg::NoBacklog)) }
            }
        }
    }
}

pub(super) fn breakdown(
    ctx: &Ctx,
    id: &str,
    title: RepMsg,
    list: &[dashboard::Bar],
    none: RepMsg,
    href: impl Fn(&dashboard::Bar) -> Option<String>,
) -> Markup {
    let bars: Vec<Bar> = list
        .iter()
        .take(12)
        .map(|b| Bar {
            label: match (&b.name, b.id) {
                (Some(n), _) => n.clone(),
                (None, 0) => ctx.t(none).to_owned(),
                (None, id) => format!("#{id}"),
            },
            value: b.arrivals,
            note: format!(
                "{} {} · {} {}",
                ctx.t(RepMsg::Resolved).to_lowercase(),
                b.resolved,
                ctx.t(RepMsg::MttrShort),
                value(ctx, b.mttr, Unit::Seconds)
            ),
            href: href(b),
        })
        .collect();
    html! {
        section.panel.report-breakdown id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (ctx.t(title)) }
            @if bars.is_empty() { p.muted { (ctx.t(RepMsg::Nothing)) } }
            @else { div.chart-wrap { (charts::bars(&bars, ctx.t(title))) } }
        }
    }
}

pub(super) fn sla_table(ctx: &Ctx, d: &Dashboard, links: &Links) -> Markup {
    let target = |t: &str| match t {
        "response" => ctx.t(RepMsg::TargetResponse),
        "resolution" => ctx.t(RepMsg::TargetResolution),
        _ => ctx.t(RepMsg::TargetGroup),
    };
    html! {
        section.panel #report-sla aria-labelledby="report-sla-title" {
            h2 #report-sla-title { a href=(links.breached()) { (ctx.t(RepMsg::Sla)) } }
            @if d.sla.is_empty() { p.muted { (ctx.t(RepMsg::NoSla)) } }
            @else {
                div.table-wrap { table.incidents #report-sla-table {
                    thead { tr {
                        th scope="col" { (ctx.t(RepMsg::Sla)) }
                        th scope="col" { (ctx.t(RepMsg::Target)) }
                        th scope="col" { (ctx.t(RepMsg::Met)) }
                        th scope="col" { (ctx.t(RepMsg::Breached)) }
                        th scope="col" { (ctx.t(RepMsg::Compliance)) }
                    } }
                    tbody {
                        @for r in &d.sla {
                            tr {
                                td { (r.name.clone().unwrap_or_else(|| "–".into())) }
                                td { (target(&r.outcome.target)) }
                                td { (r.outcome.met) }
                                td { @if r.outcome.breached > 0 { a href=(links.breached()) { (r.outcome.breached) } } @else { "0" } }
                                td { (value(ctx, r.outcome.compliance, Unit::Share)) }
                            }
                        }
                    }
                } }
            }
        }
    }
}
