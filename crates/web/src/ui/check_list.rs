//! `/checks`: Steward's own checks for staff. Filters (state, kind,
//! service, text), the checks in id order with where each stands (hard
//! status, soft or hard, flapping), the last run with its output and the
//! next run, keyset paging. This area registers every check page's routes
//! and the "Checks" entry, beside Alerts.

use super::alert_console::moment;
use super::area::{self, Area, Audience, NavEntry};
use super::check_texts::CheckMsg;
use super::{Ctx, UiResult, check_form, check_page, fmt, html, layout, widgets};
use crate::{AppState, i18n::Msg};
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    checks::{CheckFilter, CheckView},
};
use steward_domain::check::CheckKind;

pub const PATH: &str = "/checks";
/// Checks on one page.
const PAGE: i64 = 50;

pub const AREA: Area = Area {
    routes,
    nav: &[NavEntry {
        href: PATH,
        label: &CheckMsg::NavChecks,
        audience: Audience::Staff,
        current: |p| area::under(p, PATH),
    }],
};

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(PATH, get(list).post(check_form::create))
        .route("/checks/new", get(check_form::new))
        .route("/checks/{id}", get(check_page::show))
        .route("/checks/{id}/edit", get(check_form::edit).post(check_form::update))
        .route("/checks/{id}/delete", post(check_form::delete))
}

pub const STATUSES: [&str; 4] = ["ok", "warning", "critical", "unknown"];
pub const KINDS: [&str; 6] = ["http", "tcp", "dns", "tls", "ping", "plugin"];

/// The list's address as typed; every field optional.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub status: String,
    pub kind: String,
    pub service: String,
    pub q: String,
    pub after: String,
    /// A flash message's key after a post.
    pub m: String,
}

impl ListQuery {
    /// This list's address from `after` (flash dropped).
    pub fn link(&self, after: &str) -> String {
        let pairs = [
            ("status", self.status.trim()),
            ("kind", self.kind.trim()),
            ("service", self.service.trim()),
            ("q", self.q.trim()),
            ("after", after),
        ];
        format!("{PATH}{}", fmt::query(&pairs))
    }

    fn filtered(&self) -> bool {
        [&self.status, &self.kind, &self.service, &self.q].iter().any(|v| !v.trim().is_empty())
    }
}

fn some(v: &str) -> Option<String> {
    Some(v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub fn status_text(ctx: &Ctx, status: &str) -> &'static str {
    ctx.t(match status {
        "ok" => CheckMsg::StatusOk,
        "warning" => CheckMsg::StatusWarning,
        "critical" => CheckMsg::StatusCritical,
        _ => CheckMsg::StatusUnknown,
    })
}

/// A status as a coloured badge.
pub fn status_badge(ctx: &Ctx, status: &str) -> Markup {
    html! { span class={ "badge check-status check-" (status) } { (status_text(ctx, status)) } }
}

/// Where the check stands: its confirmed status, soft or hard (with the
/// attempt while soft), flapping, disabled.
pub fn state_cell(ctx: &Ctx, v: &CheckView) -> Markup {
    let s = &v.row.state;
    let soft = s.state_type == "soft";
    let max = i64::from(v.definition.retries) + 1;
    html! {
        (status_badge(ctx, &s.hard_status))
        @if soft {
            " " span.chip.check-soft title=(crate::i18n::tf(ctx.lang, CheckMsg::AttemptOf, &[("attempt", &s.attempt.to_string()), ("max", &max.to_string())])) {
                (status_text(ctx, &s.status)) " (" (ctx.t(CheckMsg::Soft)) ")"
            }
        } @else {
            " " span.muted.check-hard { (ctx.t(CheckMsg::Hard)) }
        }
        @if s.flapping != 0 { " " span.chip.check-flapping { (ctx.t(CheckMsg::Flapping)) } }
        @if v.row.check.enabled == 0 { " " span.chip.check-disabled { (ctx.t(CheckMsg::Disabled)) } }
    }
}

/// What the check runs against, in a line.
pub fn target(kind: &CheckKind) -> String {
    match kind {
        CheckKind::Http(h) => format!("{} {}", h.method.as_str(), h.url),
        CheckKind::Tcp(t) => format!("{}:{}", t.host, t.port),
        CheckKind::Dns(d) => format!("{} {}", d.record_type.as_str(), d.name),
        CheckKind::Tls(t) => format!("{}:{}", t.host, t.port),
        CheckKind::Ping(p) => p.host.clone(),
        CheckKind::Plugin(p) => {
            std::iter::once(p.file.as_str()).chain(p.args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
        }
    }
}

pub fn kind_name(kind: &str) -> &str {
    match kind {
        "http" => "HTTP(S)",
        "tcp" => "TCP",
        "dns" => "DNS",
        "tls" => "TLS",
        "ping" => "Ping",
        "plugin" => "Plugin",
        other => other,
    }
}

/// The CI and service a check watches, as links to their pages.
pub fn watches(v: &CheckView) -> Markup {
    html! {
        @if let Some((id, name)) = &v.ci { a href={ "/cmdb/" (id) } { (name) } }
        @if v.ci.is_some() && v.service.is_some() { br; }
        @if let Some((id, name)) = &v.service { a.check-service href={ "/cmdb/" (id) } { (name) } }
        @if v.ci.is_none() && v.service.is_none() { span.muted { "—" } }
    }
}

pub fn flash(key: &str) -> Option<CheckMsg> {
    Some(match key {
        "deleted" => CheckMsg::FlashDeleted,
        "created" => CheckMsg::FlashCreated,
        _ => return None,
    })
}

async fn list(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ListQuery>, QueryRejection>) -> UiResult {
    super::staff_only(&ctx)?;
    // A mangled address shows the list as it opens.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let f = CheckFilter {
        status: some(&q.status),
        kind: some(&q.kind),
        service: some(&q.service),
        text: some(&q.q),
        // A cursor that does not read starts from the first.
        after: q.after.trim().parse().ok(),
        limit: Some(PAGE),
        enabled: None,
    };
    let (status, errors, shown) = match s.app.checks(&ctx.actor, f).await {
        Ok((checks, more)) => (StatusCode::OK, Vec::new(), Some(table(&ctx, &q, &checks, more))),
        Err(AppError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e, None),
        Err(e) => return Err(ctx.fail(e)),
    };
    let errors = widgets::Errors(errors);
    let may_keep = steward_domain::access::can_keep_checks(ctx.actor.role).is_ok();
    let body = html! {
        div.page-head.head-row {
            h1 { (ctx.t(CheckMsg::Title)) }
            @if may_keep { a.btn.btn-primary #new-check href="/checks/new" { (ctx.t(CheckMsg::NewCheck)) } }
        }
        @if let Some(m) = flash(&q.m) { (widgets::notice(ctx.t(m))) }
        (filters(&ctx, &q, &errors))
        @match shown {
            Some(m) => (m),
            None => p.muted #checks-fix-filter { (ctx.t(CheckMsg::FixFilters)) },
        }
    };
    Ok(html(status, layout::page(&ctx, ctx.t(CheckMsg::Title), body)))
}

fn filters(ctx: &Ctx, q: &ListQuery, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    let any = (String::new(), ctx.t(Msg::Any).to_owned());
    let statuses: Vec<(String, String)> = std::iter::once(any.clone())
        .chain(STATUSES.iter().map(|s| ((*s).to_owned(), status_text(ctx, s).to_owned())))
        .collect();
    let kinds: Vec<(String, String)> =
        std::iter::once(any).chain(KINDS.iter().map(|k| ((*k).to_owned(), kind_name(k).to_owned()))).collect();
    html! {
        form.filters.check-filters #check-filters method="get" action=(PATH) aria-label=(ctx.t(Msg::Filters)) {
            (widgets::Field { kind: Some("search"), ..f("check-q", "q", ctx.t(CheckMsg::TextFilter)) }.input(&q.q))
            (f("check-status", "status", ctx.t(Msg::State)).select(&statuses, q.status.trim()))
            (f("check-kind", "kind", ctx.t(CheckMsg::Kind)).select(&kinds, q.kind.trim()))
            (f("check-service", "service", ctx.t(CheckMsg::ServiceFilter)).input(&q.service))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href=(PATH) { (ctx.t(Msg::ClearFilters)) }
            }
        }
    }
}

fn table(ctx: &Ctx, q: &ListQuery, checks: &[CheckView], more: bool) -> Markup {
    let now = fmt::now_micros();
    let next = if more { checks.last().map(|c| c.row.check.id) } else { None };
    html! {
        @if checks.is_empty() {
            p.empty #no-checks { (ctx.t(if q.filtered() { CheckMsg::NoChecks } else { CheckMsg::NoChecksYet })) }
        } @else {
            div.table-wrap {
                table.incidents.check-list.cards #checks {
                    thead { tr {
                        th scope="col" { (ctx.t(Msg::Name)) }
                        th scope="col" { (ctx.t(CheckMsg::Kind)) }
                        th scope="col" { (ctx.t(CheckMsg::Target)) }
                        th scope="col" { (ctx.t(CheckMsg::Watches)) }
                        th scope="col" { (ctx.t(Msg::State)) }
                        th scope="col" { (ctx.t(CheckMsg::LastRun)) }
                        th scope="col" { (ctx.t(CheckMsg::LastOutput)) }
                        th scope="col" { (ctx.t(CheckMsg::NextRun)) }
                    } }
                    tbody { @for c in checks { (row(ctx, c, now)) } }
                }
            }
        }
        div.pager {
            @if !q.after.trim().is_empty() { a.btn #checks-first href=(q.link("")) { "« " (ctx.t(Msg::FirstPage)) } }
            @if let Some(n) = next {
                a.btn #checks-next rel="next" href=(q.link(&n.to_string())) { (ctx.t(Msg::NextPage)) " »" }
            }
        }
    }
}

fn row(ctx: &Ctx, c: &CheckView, now: i64) -> Markup {
    let s = &c.row.state;
    let id = c.row.check.id;
    html! {
        tr id={ "check-" (id) } data-status=(s.hard_status) {
            td.title-cell { a href={ "/checks/" (id) } { (c.row.check.name) } }
            td data-label=(ctx.t(CheckMsg::Kind)) { (kind_name(&c.row.check.kind)) }
            td.check-target data-label=(ctx.t(CheckMsg::Target)) { code { (target(&c.definition.kind)) } }
            td data-label=(ctx.t(CheckMsg::Watches)) { (watches(c)) }
            td.check-state data-label=(ctx.t(Msg::State)) { (state_cell(ctx, c)) }
            td.time data-label=(ctx.t(CheckMsg::LastRun)) {
                @match s.last_at { Some(at) => (moment(ctx, at, now)), None => span.muted { (ctx.t(CheckMsg::Never)) } }
            }
            td.check-output data-label=(ctx.t(CheckMsg::LastOutput)) {
                @match &s.last_message { Some(m) => (m), None => span.muted { "—" } }
            }
            td.time data-label=(ctx.t(CheckMsg::NextRun)) {
                @match s.next_run_at { Some(at) => (moment(ctx, at, now)), None => span.muted { (ctx.t(CheckMsg::Disabled)) } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_drop_the_flash() {
        let q = ListQuery { status: "critical".into(), q: " web ".into(), m: "deleted".into(), ..Default::default() };
        assert_eq!(q.link("7"), "/checks?status=critical&q=web&after=7");
        assert_eq!(ListQuery::default().link(""), "/checks");
    }
}
