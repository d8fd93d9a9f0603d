//! `/changes/review`: review and learning. The success rate of the
//! changes closed in a period (`?days=90`), in total and per type, service
//! and assignment group, each figure linking to the changes behind it; and
//! the failed changes with the incidents they caused, in one list.

use super::change_review_texts::RevMsg;
use super::change_texts::{self, ChgMsg};
use super::{Ctx, OrPage, UiResult, area, fmt, html, layout, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, Code, FieldError,
    changes::{FailedChange, OutcomeGroup, Outcomes},
};
use steward_domain::change::{ChangeType, CloseCode};

pub const PATH: &str = "/changes/review";

pub const AREA: area::Area = area::Area {
    routes,
    // Reached from the changes' list; "Changes" stays marked.
    nav: &[],
};

fn routes() -> axum::Router<AppState> {
    axum::Router::new().route(PATH, axum::routing::get(show))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    pub days: String,
}

/// Which list a group's figures link to.
#[derive(Clone, Copy)]
enum By {
    Type,
    Service,
    Group,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<ReviewQuery>, QueryRejection>) -> UiResult {
    staff_only(&ctx)?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    // A bad period is a message beside its field; the default period is shown.
    let asked = match q.days.trim() {
        "" => Ok(None),
        v => v.parse::<i64>().map(Some).map_err(|_| Code::NotWhole.msg("must be a whole number")),
    };
    let (days, mut errors) = match asked {
        Ok(d) => (d, Vec::new()),
        Err(m) => (None, vec![FieldError::new("days", m)]),
    };
    let (outcomes, failed) = match read(&s, &ctx, days).await {
        Ok(found) => found,
        Err(AppError::Invalid(bad)) => {
            errors.extend(bad);
            read(&s, &ctx, None).await.or_page(&ctx)?
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let errors = widgets::Errors(errors);
    let shown_days = if errors.0.is_empty() { outcomes.days.to_string() } else { q.days.clone() };
    let body = html! {
        div.page-head {
            h1 { (ctx.t(RevMsg::Title)) }
        }
        form.filters.review-period method="get" action=(PATH) {
            (widgets::Field { kind: Some("number"), ..widgets::Field::new(ctx.lang, "days", "days", ctx.t(RevMsg::Days), &errors) }
                .input(&shown_days))
            div.filter-actions { button.btn type="submit" { (ctx.t(i18n::Msg::Apply)) } }
        }
        p.muted #review-period { (i18n::tf(ctx.lang, RevMsg::Intro, &[("days", &outcomes.days.to_string())])) }
        (summary(&ctx, &outcomes))
        @if outcomes.total.tally.closed > 0 {
            (groups(&ctx, "by-type", RevMsg::ByType, By::Type, &outcomes.by_type))
            (groups(&ctx, "by-service", RevMsg::ByService, By::Service, &outcomes.by_service))
            (groups(&ctx, "by-group", RevMsg::ByGroup, By::Group, &outcomes.by_group))
        }
        (failed_list(&ctx, &failed))
    };
    Ok(html(status, layout::page(&ctx, ctx.t(RevMsg::Title), body)))
}

async fn read(s: &AppState, ctx: &Ctx, days: Option<i64>) -> Result<(Outcomes, Vec<FailedChange>), AppError> {
    futures_util::future::try_join(s.app.change_outcomes(&ctx.actor, days), s.app.failed_changes(&ctx.actor, days))
        .await
}

fn rate(r: Option<f64>) -> String {
    r.map_or_else(|| "–".to_owned(), |r| format!("{r:.1} %"))
}

fn summary(ctx: &Ctx, o: &Outcomes) -> Markup {
    let t = &o.total.tally;
    let figures = [
        (RevMsg::Closed, t.closed.to_string()),
        (RevMsg::SuccessRate, rate(o.total.success_rate)),
        (RevMsg::FailedCount, (t.failed + t.backed_out).to_string()),
        (RevMsg::Caused, t.caused_incidents.to_string()),
    ];
    html! {
        section.panel.review-summary aria-label=(ctx.t(RevMsg::Title)) {
            @if t.closed == 0 {
                p.empty #no-outcomes { (ctx.t(RevMsg::Nothing)) }
            } @else {
                dl.figures #review-total {
                    @for (label, value) in figures {
                        div.figure { dt { (ctx.t(label)) } dd { (value) } }
                    }
                }
            }
        }
    }
}

/// The closed changes of one group, as the change list filters them.
fn list_link(by: By, g: &OutcomeGroup) -> Option<String> {
    let name = g.name.as_deref()?;
    let key = match by {
        By::Type => "change_type",
        By::Service => "service",
        By::Group => "group",
    };
    Some(format!("/changes{}", fmt::query(&[("state", "closed"), (key, name)])))
}

fn group_name(ctx: &Ctx, by: By, g: &OutcomeGroup) -> String {
    match (by, g.name.as_deref()) {
        (By::Type, Some(n)) => {
            n.parse::<ChangeType>().map_or(n, |ty| change_texts::change_type(ctx.lang, ty)).to_owned()
        }
        (_, Some(n)) => n.to_owned(),
        (By::Service, None) => ctx.t(RevMsg::NoService).to_owned(),
        (_, None) => ctx.t(RevMsg::NoGroup).to_owned(),
    }
}

fn groups(ctx: &Ctx, id: &str, title: RevMsg, by: By, list: &[OutcomeGroup]) -> Markup {
    let lang = ctx.lang;
    let code = |c| change_texts::close_code(lang, c);
    html! {
        section.panel.review-groups id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (ctx.t(title)) }
            div.table-wrap {
                table.incidents.outcome-table {
                    thead { tr {
                        th scope="col" { (ctx.t(i18n::Msg::Name)) }
                        th scope="col" { (ctx.t(RevMsg::Closed)) }
                        th scope="col" { (code(CloseCode::Successful)) }
                        th scope="col" { (code(CloseCode::SuccessfulWithIssues)) }
                        th scope="col" { (code(CloseCode::Failed)) }
                        th scope="col" { (code(CloseCode::BackedOut)) }
                        th scope="col" { (ctx.t(RevMsg::Caused)) }
                        th scope="col" { (ctx.t(RevMsg::SuccessRate)) }
                    } }
                    tbody {
                        @for g in list {
                            @let t = &g.tally;
                            tr {
                                th scope="row" {
                                    @match list_link(by, g) {
                                        Some(href) => a href=(href) { (group_name(ctx, by, g)) },
                                        None => (group_name(ctx, by, g)),
                                    }
                                }
                                td { (t.closed) }
                                td { (t.successful) }
                                td { (t.successful_with_issues) }
                                td { (t.failed) }
                                td { (t.backed_out) }
                                td { (t.caused_incidents) }
                                td.rate {
                                    @if let Some(r) = g.success_rate {
                                        meter min="0" max="100" value=(r) aria-hidden="true" {}
                                        " "
                                    }
                                    (rate(g.success_rate))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn failed_list(ctx: &Ctx, list: &[FailedChange]) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    html! {
        section.panel.failed-changes #failed aria-labelledby="failed-title" {
            h2 #failed-title { (ctx.t(RevMsg::FailedTitle)) }
            p.muted { (ctx.t(RevMsg::FailedIntro)) }
            @if list.is_empty() {
                p.empty #no-failed { (ctx.t(RevMsg::NoFailed)) }
            }
            @for c in list {
                article.failed-change id={ "failed-" (c.number) } {
                    h3 {
                        a href={ "/changes/" (c.number) } { (c.number) } " " (c.title)
                    }
                    p.meta {
                        @if let Ok(ty) = c.change_type.parse::<ChangeType>() { (change_texts::change_type(lang, ty)) }
                        @if let Some(code) = c.close_code.as_deref().and_then(|c| c.parse::<CloseCode>().ok()) {
                            " · " span class={ "badge close-" (code.as_str()) } { (change_texts::close_code(lang, code)) }
                        }
                        @if let Some(s) = &c.service { " · " (ctx.t(i18n::Msg::Service)) ": " (s) }
                        @if let Some(g) = &c.group { " · " (ctx.t(i18n::Msg::Group)) ": " (g) }
                        @if let Some(at) = c.resolved_at { " · " (ctx.t(RevMsg::Implemented)) " " (widgets::time(lang, at, now)) }
                    }
                    @if let Some(notes) = &c.review_notes {
                        p.review-notes { strong { (ctx.t(ChgMsg::ReviewNotes)) ": " } (notes) }
                    }
                    @if c.incidents.is_empty() {
                        p.muted { (ctx.t(RevMsg::NoIncidents)) }
                    } @else {
                        ul.caused-incidents {
                            @for i in &c.incidents {
                                li {
                                    a href={ "/incidents/" (i.number) } { (i.number) } " "
                                    (widgets::priority_badge(lang, i.priority)) " "
                                    (i.title) " "
                                    (widgets::state_badge(lang, &i.state))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
