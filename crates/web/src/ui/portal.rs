//! The requester's portal: "My incidents" and "Report an incident", in
//! plain words. Their incident page is the shared one (`incident`), which
//! shows them what they may do.

use super::area::{Audience, NavEntry};
use super::portal_texts::PortalMsg;
use super::{Ctx, OrPage, UiResult, fmt, html, layout, suggestions, widgets};
use crate::api::incidents::read_form;
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::Code;
use steward_app::{
    AppError, FieldError,
    incidents::{ListParams, NewIncident, encode_cursor, number},
    search::RecordHit,
};
use steward_domain::number::RecordKind;
use steward_store::{cmdb::CiRow, records::Incident};

/// The requester's portal: routes and their navigation entries (their
/// incident pages count as "My incidents").
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[
        NavEntry {
            href: "/portal",
            label: &Msg::NavMyIncidents,
            audience: Audience::Requesters,
            current: |p| p == "/portal" || p.starts_with("/incidents/"),
        },
        NavEntry {
            href: "/portal/report",
            label: &PortalMsg::NavReport,
            audience: Audience::Requesters,
            current: |p| p == "/portal/report",
        },
    ],
};

fn routes() -> axum::Router<AppState> {
    use axum::{extract::DefaultBodyLimit, routing::get};
    axum::Router::new()
        .route("/portal", get(my_incidents))
        // The report may carry files: the attachment limit applies to each.
        .route("/portal/report", get(report_form).post(report).layer(DefaultBodyLimit::disable()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MineQuery {
    /// `all`, or open ones by default.
    show: String,
    cursor: String,
}

fn rows(ctx: &Ctx, list: &[Incident]) -> Markup {
    let now = fmt::now_micros();
    html! {
        ul.my-list {
            @for i in list {
                @let n = number(i.number);
                li {
                    a.my-item href={ "/incidents/" (n) } {
                        span.my-title { (i.title) }
                        span.my-meta {
                            span.num { (n) } " · " (ctx.t(Msg::LastUpdate)) " " (widgets::time(ctx.lang, i.updated_at, now))
                        }
                        (widgets::state_badge(ctx.lang, &i.state))
                    }
                }
            }
        }
    }
}

pub async fn my_incidents(State(s): State<AppState>, ctx: Ctx, Query(q): Query<MineQuery>) -> UiResult {
    let all = q.show == "all";
    let params = ListParams {
        requester: Some("me".into()),
        state: (!all).then(|| "open".into()),
        sort: Some("-updated".into()),
        cursor: (!q.cursor.is_empty()).then(|| q.cursor.clone()),
        limit: Some(25),
        ..ListParams::default()
    };
    let filter = s.app.incident_filter(&ctx.actor, &params).await.or_page(&ctx)?;
    let sort = filter.sort;
    let (list, more) = s.app.list_incidents(&ctx.actor, filter).await.or_page(&ctx)?;
    let next = if more { list.last().map(|r| encode_cursor(&sort.key(r))) } else { None };
    let show = if all { "all" } else { "" };
    let body = html! {
        div.portal {
        div.page-head {
            h1 { (ctx.t(PortalMsg::MyIncidentsTitle)) }
            a.btn.btn-primary href="/portal/report" { (ctx.t(PortalMsg::ReportTitle)) }
        }
        nav.tabs aria-label=(ctx.t(Msg::Filters)) {
            a href="/portal" aria-current=[(!all).then_some("page")] { (ctx.t(PortalMsg::TabOpen)) }
            a href="/portal?show=all" aria-current=[all.then_some("page")] { (ctx.t(PortalMsg::TabAll)) }
        }
        @if list.is_empty() {
            p.empty { (ctx.t(if all { PortalMsg::NothingReported } else { PortalMsg::NothingOpen })) }
        } @else {
            (rows(&ctx, &list))
        }
        nav.pager aria-label=(ctx.t(Msg::Pages)) {
            @if !q.cursor.is_empty() { a.btn href={ "/portal" (fmt::query(&[("show", show)])) } { "« " (ctx.t(Msg::FirstPage)) } }
            @if let Some(c) = next { a.btn href={ "/portal" (fmt::query(&[("show", show), ("cursor", &c)])) } { (ctx.t(Msg::NextPage)) " »" } }
        }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(PortalMsg::MyIncidentsTitle), body))
}

#[derive(Deserialize, Debug, Clone)]
#[serde(default)]
pub struct ReportForm {
    title: String,
    description: String,
    impact: String,
    urgency: String,
    /// A service's name, or empty for "I don't know".
    service: String,
}

impl Default for ReportForm {
    fn default() -> Self {
        Self {
            title: String::new(),
            description: String::new(),
            impact: "3".into(),
            urgency: "3".into(),
            service: String::new(),
        }
    }
}

/// `?service=`: the catalog's "report a problem with this service".
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    service: String,
}

/// Radio buttons in plain words; the values are the matrix levels.
fn choice(
    ctx: &Ctx,
    name: &str,
    legend: PortalMsg,
    options: [PortalMsg; 3],
    current: &str,
    error: Option<&FieldError>,
) -> Markup {
    html! {
        fieldset class={ "field choices" @if error.is_some() { " has-error" } } {
            legend { (ctx.t(legend)) }
            @for (i, m) in options.iter().enumerate() {
                @let v = (i + 1).to_string();
                label.choice { input type="radio" name=(name) value=(v) checked[v == current]; " " (ctx.t(*m)) }
            }
            @if let Some(e) = error { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, e))) } }
        }
    }
}

/// The services a requester may name: the live ones the catalog shows them.
fn service_options(ctx: &Ctx, services: &[CiRow]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), ctx.t(PortalMsg::DontKnow).to_owned())];
    out.extend(services.iter().map(|s| (s.name.clone(), s.name.clone())));
    out
}

/// The report form; `suggested` are the articles its words match, and
/// whether they were looked up.
fn report_page(
    ctx: &Ctx,
    max_bytes: usize,
    f: &ReportForm,
    services: &[CiRow],
    errors: &widgets::Errors,
    status: StatusCode,
    suggested: (&[RecordHit], bool),
) -> UiResult {
    let field = |id, label| widgets::Field::new(ctx.lang, id, id, label, errors);
    let max = i18n::size(max_bytes as u64);
    let hint = i18n::tf(ctx.lang, Msg::AttachFilesHint, &[("size", &max)]);
    let files = widgets::Field {
        hint: Some(&hint),
        ..widgets::Field::new(ctx.lang, "report-files", "file", ctx.t(Msg::AttachFiles), errors)
    };
    let too_large = i18n::tf(ctx.lang, Msg::TooLarge, &[("size", &max)]);
    let body = html! {
        div.narrow {
            h1 { (ctx.t(PortalMsg::ReportTitle)) }
            p.lead { (ctx.t(PortalMsg::ReportIntro)) }
            // Articles opened from here count towards deflection.
            p #kb-first { a href="/kb?from=report" { (ctx.t(PortalMsg::KbSearchFirst)) } }
            @if !errors.is_empty() { (widgets::alert(ctx.t(Msg::FixErrors), None)) }
            // Multipart, for the files; the CSRF guard reads the `_csrf` part.
            form.report-form method="post" enctype="multipart/form-data"
                action="/portal/report"
                data-max-bytes=(max_bytes) data-too-large=(too_large) {
                (widgets::csrf(&ctx.csrf))
                (widgets::Field { required: true, autofocus: true, hint: Some(ctx.t(PortalMsg::WhatsWrongHint)), ..field("title", ctx.t(PortalMsg::WhatsWrong)) }.input(&f.title))
                (widgets::Field { hint: Some(ctx.t(PortalMsg::TellMoreHint)), ..field("description", ctx.t(PortalMsg::TellMore)) }.textarea(&f.description, 6))
                (suggestions::panel(ctx, suggestions::For::Report, suggested.0, suggested.1))
                @if !services.is_empty() || !f.service.is_empty() {
                    (field("service", ctx.t(PortalMsg::WhichService)).select(&service_options(ctx, services), &f.service))
                }
                (choice(ctx, "impact", PortalMsg::WhoAffected, [PortalMsg::ImpactCompany, PortalMsg::ImpactTeam, PortalMsg::ImpactJustMe], &f.impact, errors.get("impact")))
                (choice(ctx, "urgency", PortalMsg::HowUrgent, [PortalMsg::UrgencyCantWork, PortalMsg::UrgencySlowed, PortalMsg::UrgencyCanWait], &f.urgency, errors.get("urgency")))
                (files.input_multiple())
                div.form-actions {
                    button.btn.btn-primary type="submit" { (ctx.t(Msg::Send)) }
                    (suggestions::button(ctx))
                    a.btn.btn-quiet href="/portal" { (ctx.t(Msg::Cancel)) }
                }
            }
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(PortalMsg::ReportTitle), body)))
}

pub async fn report_form(
    State(s): State<AppState>,
    ctx: Ctx,
    q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>,
) -> UiResult {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let services = s.app.catalog(&ctx.actor, None).await.or_page(&ctx)?;
    // The link from a service page names it; keep the catalog's spelling.
    let service = services.iter().find(|s| s.name.eq_ignore_ascii_case(q.service.trim())).map(|s| s.name.clone());
    let f = ReportForm { service: service.unwrap_or_default(), ..ReportForm::default() };
    report_page(
        &ctx,
        s.app.config.attachment_max_bytes,
        &f,
        &services,
        &widgets::Errors::default(),
        StatusCode::OK,
        (&[], false),
    )
}

/// The report with its files: the files are read (and refused when too
/// large or too many) before the incident is created, then attached to it.
pub async fn report(State(s): State<AppState>, ctx: Ctx, req: axum::extract::Request) -> UiResult {
    let max = s.app.config.attachment_max_bytes;
    let read = read_form(req, &s, max).await;
    let refuse = |f: &ReportForm, errs: Vec<FieldError>, status| {
        let s = s.clone();
        let ctx = ctx.clone();
        let f = f.clone();
        async move {
            let services = s.app.catalog(&ctx.actor, None).await.or_page(&ctx)?;
            let asked = !(f.title.trim().is_empty() && f.description.trim().is_empty());
            let hits = if asked { suggestions::for_form(&s, &ctx, &f.title, &f.description).await } else { Vec::new() };
            report_page(&ctx, max, &f, &services, &super::desk::errors(errs), status, (&hits, asked))
        }
    };
    let parts = match read {
        Ok(p) => p,
        Err(e) => {
            let message = if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                crate::i18n_codes::ui(steward_app::Code::FileTooLarge, &[("size", &i18n::size(max as u64))])
            } else {
                e.errors.first().cloned().map_or_else(|| crate::error::malformed(&e.detail), steward_app::Message::from)
            };
            return refuse(&ReportForm::default(), vec![FieldError::new("file", message)], e.status).await;
        }
    };
    let f = ReportForm {
        title: parts.text("title").to_owned(),
        description: parts.text("description").to_owned(),
        impact: parts.text("impact").to_owned(),
        urgency: parts.text("urgency").to_owned(),
        service: parts.text("service").to_owned(),
    };
    if !parts.text("suggest").is_empty() {
        // "Find matching answers" without JavaScript: the form again, with
        // them, and nothing reported.
        return refuse(&f, Vec::new(), StatusCode::OK).await;
    }
    if parts.files.iter().any(|file| file.bytes.is_empty()) {
        return refuse(
            &f,
            vec![FieldError::new("file", Code::EmptyFile.msg("is empty"))],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let level = |v: &str| v.trim().parse::<i64>().ok();
    let n = NewIncident {
        title: f.title.clone(),
        description: Some(f.description.clone()),
        impact: level(&f.impact),
        urgency: level(&f.urgency),
        service: Some(f.service.trim().to_owned()).filter(|s| !s.is_empty()),
        ..NewIncident::default()
    };
    match s.app.create_incident(&ctx.actor, n).await {
        Ok(inc) => {
            let number = number(inc.number);
            if !parts.files.is_empty() {
                s.app
                    .post_comment(&ctx.actor, RecordKind::Incident, &number, "", false, parts.files)
                    .await
                    .or_page(&ctx)?;
            }
            super::see_other(&format!("/incidents/{number}?m=reported"))
        }
        Err(AppError::Invalid(errors)) => refuse(&f, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(ctx.fail(e)),
    }
}
