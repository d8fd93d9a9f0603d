//! `/search?q=`: the search box's page. A record number goes straight to
//! the record (or offers the choice when several kinds share it); anything
//! else lists what matched, grouped by kind: incidents by words, services
//! and CIs by name, hostname or serial number.

use super::{Ctx, OrPage, UiResult, fmt, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
    i18n_cmdb,
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{incidents::number, search::Found};
use steward_store::cmdb::CiRow;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

/// The search box every page shows in its top bar.
pub fn form(ctx: &Ctx, value: &str) -> Markup {
    html! {
        form.search role="search" method="get" action="/search" aria-label=(ctx.t(Msg::SearchTitle)) {
            label.visually-hidden for="q" { (ctx.t(Msg::SearchLabel)) }
            input #q type="search" name="q" value=(value) placeholder=(ctx.t(Msg::SearchBoxPlaceholder)) autocomplete="off";
        }
    }
}

fn cis(ctx: &Ctx, id: &str, title: Msg, rows: &[CiRow], href: &str) -> Markup {
    let lang = ctx.lang;
    html! {
        section.panel aria-labelledby=(id) {
            h2 #(id) { (ctx.t(title)) span.count { (rows.len()) } }
            ul.search-hits {
                @for r in rows {
                    li {
                        a href={ (href) (r.id) } { (r.name) }
                        " " span.muted { (i18n_cmdb::class(lang, &r.class, None)) " · " (i18n_cmdb::status(lang, &r.status)) }
                    }
                }
            }
        }
    }
}

fn results(ctx: &Ctx, f: &Found) -> Markup {
    let lang = ctx.lang;
    let staff = ctx.actor.is_staff();
    let now = fmt::now_micros();
    let more_incidents = format!("/incidents{}", fmt::query(&[("text", &f.query)]));
    let more_cis = format!("/cmdb{}", fmt::query(&[("q", &f.query)]));
    let nothing = f.by_number.is_empty() && f.incidents.is_empty() && f.services.is_empty() && f.cis.is_empty();
    html! {
        @if nothing {
            p.empty #no-results { (i18n::tf(lang, Msg::SearchNothing, &[("q", &f.query)])) }
            p.hint { (ctx.t(Msg::SearchHint)) }
        }
        @if !f.by_number.is_empty() {
            section.panel aria-labelledby="by-number" {
                h2 #by-number { (ctx.t(Msg::SearchByNumber)) }
                ul.search-hits {
                    @for h in &f.by_number {
                        li { a href={ "/" (h.kind) "s/" (h.number) } { (h.number) } " " (h.title) " " (widgets::state_badge(lang, &h.state)) }
                    }
                }
            }
        }
        @if !f.incidents.is_empty() {
            section.panel aria-labelledby="found-incidents" {
                div.panel-head {
                    h2 #found-incidents { (ctx.t(Msg::IncidentsTitle)) span.count { (f.incidents.len()) @if f.more_incidents { "+" } } }
                    @if staff { a href=(more_incidents) { (ctx.t(Msg::SearchMoreIncidents)) " →" } }
                }
                ul.search-hits {
                    @for i in &f.incidents {
                        @let n = number(i.number);
                        li {
                            a href={ "/incidents/" (n) } { (n) } " " (i.title) " "
                            (widgets::state_badge(lang, &i.state)) " " span.muted { (widgets::time(lang, i.updated_at, now)) }
                        }
                    }
                }
            }
        }
        @if !f.services.is_empty() {
            (cis(ctx, "found-services", Msg::Services, &f.services, if staff { "/cmdb/" } else { "/services/" }))
        }
        @if !f.cis.is_empty() {
            (cis(ctx, "found-cis", Msg::ConfigurationItems, &f.cis, "/cmdb/"))
            p { a href=(more_cis) { (ctx.t(Msg::SearchMoreCis)) " →" } }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<SearchQuery>, QueryRejection>) -> UiResult {
    // A hand-made address (`q` given twice) searches for nothing.
    let q = q.map(|Query(q)| q.q).unwrap_or_default();
    let mut found = s.app.search(&ctx.actor, &q).await.or_page(&ctx)?;
    // Problems have no pages yet (only the API): offer what a page can open.
    found.by_number.retain(|h| h.kind == "incident");
    if let Some(hit) = found.go_to() {
        return see_other(&format!("/{}s/{}", hit.kind, hit.number));
    }
    let title = if found.query.is_empty() {
        ctx.t(Msg::SearchTitle).to_owned()
    } else {
        i18n::tf(ctx.lang, Msg::SearchResultsFor, &[("q", &found.query)])
    };
    let body = html! {
        div.page-head { h1 { (title) } }
        @if found.query.is_empty() {
            p.hint { (ctx.t(Msg::SearchHint)) }
        } @else {
            (results(&ctx, &found))
        }
    };
    super::ok(layout::page(&ctx, &title, body))
}
