//! `/services`: the service catalog. Requesters see the live services
//! they may see, each with a page that says what it is, when it is
//! supported and how to report a problem with it. Staff see the whole
//! portfolio (pipeline, live, retired), each service linking to its CMDB
//! page.

use super::{Ctx, OrPage, UiResult, cmdb_texts::CmdbMsg, cmdb_words, fmt, layout, see_other};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::{
    Path, Query, State,
    rejection::{PathRejection, QueryRejection},
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use steward_app::AppError;
use steward_store::cmdb::CiRow;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogQuery {
    q: String,
}

fn hours(calendars: &HashMap<i64, String>, id: Option<i64>, empty: &str) -> String {
    id.and_then(|i| calendars.get(&i).cloned()).unwrap_or_else(|| empty.to_owned())
}

fn tier(lang: i18n::Lang, t: Option<i64>) -> String {
    t.map(|t| i18n::tf(lang, CmdbMsg::TierN, &[("n", &t.to_string())])).unwrap_or_default()
}

fn table(ctx: &Ctx, rows: &[CiRow], calendars: &HashMap<i64, String>) -> Markup {
    let lang = ctx.lang;
    let staff = ctx.actor.is_staff();
    let empty = ctx.t(Msg::Empty);
    html! {
        div.table-wrap {
            table.incidents.catalog #catalog {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Name)) }
                    th scope="col" { (ctx.t(Msg::Description)) }
                    th scope="col" { (ctx.t(CmdbMsg::SupportHours)) }
                    th scope="col" { (ctx.t(CmdbMsg::Tier)) }
                    @if staff {
                        th scope="col" { (ctx.t(CmdbMsg::PortfolioStatus)) }
                        th scope="col" { (ctx.t(CmdbMsg::VisibleToRequesters)) }
                    }
                } }
                tbody {
                    @for r in rows {
                        tr data-service=(r.id) {
                            td.title-cell {
                                a href={ (if staff { "/cmdb/" } else { "/services/" }) (r.id) } { (r.name) }
                            }
                            td { (r.description) }
                            td { (hours(calendars, r.support_calendar_id, empty)) }
                            td.who-cell { (tier(lang, r.tier)) }
                            @if staff {
                                td { (r.portfolio_status.as_deref().map(|p| cmdb_words::portfolio(lang, p)).as_deref().unwrap_or(empty)) }
                                td { (ctx.t(if r.requester_visible != 0 { Msg::Yes } else { Msg::No })) }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn calendars(s: &AppState) -> Result<HashMap<i64, String>, AppError> {
    Ok(s.app.support_hours_names().await?.into_iter().collect())
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, q: Result<Query<CatalogQuery>, QueryRejection>) -> UiResult {
    // A hand-made address with a repeated parameter lists everything.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let text = Some(q.q.trim().to_owned()).filter(|t| !t.is_empty());
    let rows = s.app.catalog(&ctx.actor, text).await.or_page(&ctx)?;
    let calendars = calendars(&s).await.or_page(&ctx)?;
    let intro = if ctx.actor.is_staff() { CmdbMsg::PortfolioIntro } else { CmdbMsg::CatalogIntro };
    let body = html! {
        div.page-head { h1 { (ctx.t(Msg::ServicesTitle)) } }
        p.lead { (ctx.t(intro)) }
        form.filters method="get" action="/services" role="search" aria-label=(ctx.t(CmdbMsg::SearchCatalog)) {
            div.field {
                label for="catalog-q" { (ctx.t(CmdbMsg::NameContains)) }
                input #catalog-q type="search" name="q" value=(q.q);
            }
            div.filter-actions { button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) } }
        }
        @if rows.is_empty() { p.empty { (ctx.t(CmdbMsg::NoServices)) } } @else { (table(&ctx, &rows, &calendars)) }
    };
    super::ok(layout::page(&ctx, ctx.t(Msg::ServicesTitle), body))
}

/// The requester's page of one service; staff go to its CMDB page.
pub async fn show(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("service"))) };
    if ctx.actor.is_staff() {
        return see_other(&format!("/cmdb/{id}"));
    }
    // The app shows requesters live services they may see and nothing else.
    let r = s.app.ci(&ctx.actor, id, None).await.or_page(&ctx)?.row;
    let calendars = calendars(&s).await.or_page(&ctx)?;
    let empty = ctx.t(Msg::Empty);
    let report = format!("/portal/report{}", fmt::query(&[("service", &r.name)]));
    let body = html! {
        div.narrow {
            nav.crumbs aria-label="Breadcrumb" { a href="/services" { (ctx.t(Msg::ServicesTitle)) } " / " span { (r.name) } }
            h1 #service-name { (r.name) }
            @if !r.description.is_empty() { p.lead.prose { (r.description) } }
            section.panel {
                dl.details {
                    dt { (ctx.t(CmdbMsg::SupportHours)) } dd { (hours(&calendars, r.support_calendar_id, empty)) }
                    @if r.tier.is_some() { dt { (ctx.t(CmdbMsg::Tier)) } dd { (tier(ctx.lang, r.tier)) } }
                }
            }
            p { a.btn.btn-primary #report-service href=(report) { (ctx.t(CmdbMsg::ReportProblemWith)) } }
        }
    };
    super::ok(layout::page(&ctx, &r.name, body))
}
