//! `/search?q=&kind=&state=`: the search box's page. A record number goes
//! straight to the record (or offers the choice when several kinds share
//! it); anything else lists what matched, grouped by kind: incidents and
//! problems, services and CIs by words with the matches marked (services
//! and CIs also by an exact hostname or serial number). A search the parser refuses is shown with
//! the reason beside the field.

use super::{
    Ctx, UiResult, cmdb_words, fmt, kb_texts, layout, problem_texts, search_texts::SearchMsg, see_other, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg, Text},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, FieldError,
    search::{CiHit, Found, Highlighted, RecordHit, SearchKind, SearchRequest},
};
use steward_domain::{RecordNumber, number::RecordKind};

/// Search and the suggestions while typing: routes, no navigation entry
/// (the top bar holds the search box).
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/search", get(show)).route("/suggestions", get(super::suggestions::fragment))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
    kind: String,
    state: String,
}

/// The search box every page shows in its top bar.
pub fn form(ctx: &Ctx, value: &str) -> Markup {
    html! {
        form.search role="search" method="get" action="/search" aria-label=(ctx.t(SearchMsg::SearchTitle)) {
            label.visually-hidden for="q" { (ctx.t(SearchMsg::SearchLabel)) }
            input #q type="search" name="q" value=(value) placeholder=(ctx.t(SearchMsg::SearchBoxPlaceholder)) autocomplete="off";
        }
    }
}

/// What may be searched for, with numbers as this site writes them.
fn hint(ctx: &Ctx) -> String {
    let number = RecordNumber::incident(1127).to_string();
    let typed = format!("{}1127", RecordKind::Incident.prefix().to_ascii_lowercase());
    i18n::tf(ctx.lang, SearchMsg::SearchHint, &[("number", &number), ("typed", &typed)])
}

/// The page of a record of `kind` numbered `number`.
pub(super) fn page_of(kind: &str, number: &str) -> String {
    let (pages, _) = RecordKind::named(kind).unwrap_or(RecordKind::Incident).paths();
    format!("/{pages}/{number}")
}

/// The page's own form: the text again, with the kind and the state.
fn filters(ctx: &Ctx, q: &SearchQuery, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let staff = ctx.actor.is_staff();
    let pair = |v: &str, m: SearchMsg| (v.to_owned(), ctx.t(m).to_owned());
    let mut kinds = vec![pair("", SearchMsg::SearchKindAny), pair("incident", SearchMsg::SearchKindIncidents)];
    if staff {
        kinds.push(pair("problem", SearchMsg::SearchKindProblems));
        kinds.push(pair("known_error", SearchMsg::SearchKindKnownErrors));
    }
    kinds.push(pair("article", SearchMsg::SearchKindArticles));
    kinds.push(pair("service", SearchMsg::SearchKindServices));
    if staff {
        kinds.push(pair("ci", SearchMsg::SearchKindCis));
    }
    let mut states = vec![pair("", SearchMsg::SearchStateAny), pair("open", SearchMsg::SearchStateOpen)];
    for s in ["new", "in_progress", "on_hold", "resolved", "closed", "cancelled"] {
        states.push((s.to_owned(), state_label(lang, s).to_owned()));
    }
    if staff {
        for s in ["assessment", "root_cause_analysis", "fix_in_progress"] {
            states.push((s.to_owned(), state_label(lang, s).to_owned()));
        }
    }
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    html! {
        form.filters method="get" action="/search" role="search" aria-label=(ctx.t(SearchMsg::SearchFiltersLabel)) {
            (widgets::Field { kind: Some("search"), ..f("s-q", "q", ctx.t(SearchMsg::SearchText)) }.input(&q.q))
            (f("s-kind", "kind", ctx.t(SearchMsg::SearchKind)).select(&kinds, &q.kind))
            (f("s-state", "state", ctx.t(SearchMsg::SearchState)).select(&states, &q.state))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::SearchButton)) }
            }
        }
    }
}

/// A state's name in the reader's language, for incidents, problems and
/// articles.
pub fn state_label(lang: i18n::Lang, state: &str) -> &'static str {
    match state {
        "assessment" | "root_cause_analysis" | "fix_in_progress" => {
            state.parse().map(|s| problem_texts::state(lang, s)).unwrap_or("?")
        }
        "draft" | "in_review" | "published" | "retired" => kb_texts::state(lang, state),
        _ => state
            .parse()
            .map(|s| i18n::state(lang, s))
            .or_else(|_| state.parse().map(|s| super::change_texts::state(lang, s)))
            .unwrap_or("?"),
    }
}

/// The text with its matches in `<mark>`, and an ellipsis where text was
/// left out.
pub(super) fn highlighted(h: &Highlighted) -> Markup {
    html! {
        @if h.cut_before { "… " }
        @for p in &h.pieces {
            @if p.matched { mark { (p.text) } } @else { (p.text) }
        }
        @if h.cut_after { " …" }
    }
}

/// Services or CIs found, each with its marked name and the part of its
/// description around the matches.
fn cis(ctx: &Ctx, id: &str, title: impl Text, hits: &[CiHit], href: &str) -> Markup {
    let lang = ctx.lang;
    html! {
        section.panel aria-labelledby=(id) {
            h2 #(id) { (ctx.t(title)) span.count { (hits.len()) } }
            ul.search-hits {
                @for h in hits {
                    @let r = &h.ci;
                    li {
                        a href={ (href) (r.id) } { (highlighted(&h.name_marked)) }
                        " " span.muted { (cmdb_words::class(lang, &r.class, None)) " · " (cmdb_words::status(lang, &r.status)) }
                        @if !h.snippet.pieces.is_empty() { p.muted.snippet { (highlighted(&h.snippet)) } }
                    }
                }
            }
        }
    }
}

/// One list of records found by words, each with its marked title and the
/// part of its description around the matches.
fn records(ctx: &Ctx, id: &str, title: impl Text, hits: &[&RecordHit], more: Option<&str>) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    html! {
        section.panel aria-labelledby=(id) {
            div.panel-head {
                h2 #(id) { (ctx.t(title)) span.count { (hits.len()) @if more.is_some() { "+" } } }
                @if let Some(href) = more { a href=(href) { (ctx.t(SearchMsg::SearchMoreIncidents)) " →" } }
            }
            ul.search-hits {
                @for h in hits {
                    li {
                        a href=(page_of(&h.kind, &h.number)) { (h.number) }
                        // The title as the list shows it; the matches are
                        // marked in the description below it.
                        " " (h.title) " "
                        span class={ "badge state state-" (h.state) } { (state_label(lang, &h.state)) }
                        @if h.known_error { " " span.badge { (ctx.t(SearchMsg::SearchKnownError)) } }
                        " " span.muted { (widgets::time(lang, h.updated_at, now)) }
                        @if !h.snippet.pieces.is_empty() { p.muted.snippet { (highlighted(&h.snippet)) } }
                    }
                }
            }
        }
    }
}

fn results(ctx: &Ctx, f: &Found) -> Markup {
    let staff = ctx.actor.is_staff();
    let more_incidents = format!("/incidents{}", fmt::query(&[("text", &f.query)]));
    let more_cis = format!("/cmdb{}", fmt::query(&[("q", &f.query)]));
    let nothing = f.by_number.is_empty() && f.records.is_empty() && f.services.is_empty() && f.cis.is_empty();
    let incidents: Vec<&RecordHit> = f.records.iter().filter(|r| r.kind == "incident").collect();
    let problems: Vec<&RecordHit> = f.records.iter().filter(|r| r.kind == "problem").collect();
    let articles: Vec<&RecordHit> = f.records.iter().filter(|r| r.kind == "article").collect();
    let more = (staff && f.more_records).then_some(more_incidents.as_str());
    html! {
        @if nothing {
            p.empty #no-results { (i18n::tf(ctx.lang, SearchMsg::SearchNothing, &[("q", &f.query)])) }
            p.hint { (hint(ctx)) }
        }
        @if !f.by_number.is_empty() {
            section.panel aria-labelledby="by-number" {
                h2 #by-number { (ctx.t(SearchMsg::SearchByNumber)) }
                ul.search-hits {
                    @for h in &f.by_number {
                        li { a href=(page_of(h.kind, &h.number)) { (h.number) } " " (h.title) " " (widgets::state_badge(ctx.lang, &h.state)) }
                    }
                }
            }
        }
        @if !incidents.is_empty() { (records(ctx, "found-incidents", Msg::IncidentsTitle, &incidents, more)) }
        @if !problems.is_empty() { (records(ctx, "found-problems", SearchMsg::SearchKindProblems, &problems, None)) }
        @if !articles.is_empty() { (records(ctx, "found-articles", SearchMsg::SearchKindArticles, &articles, None)) }
        @if !f.services.is_empty() {
            (cis(ctx, "found-services", Msg::Services, &f.services, if staff { "/cmdb/" } else { "/services/" }))
        }
        @if !f.cis.is_empty() {
            (cis(ctx, "found-cis", Msg::ConfigurationItems, &f.cis, "/cmdb/"))
            p { a href=(more_cis) { (ctx.t(SearchMsg::SearchMoreCis)) " →" } }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<SearchQuery>, QueryRejection>) -> UiResult {
    // A hand-made address (`q` given twice) searches for nothing.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let req = SearchRequest {
        text: q.q.clone(),
        kind: SearchKind::parse(&q.kind),
        states: if q.state.is_empty() { Vec::new() } else { vec![q.state.clone()] },
        limit: None,
    };
    let mut errors = widgets::Errors::default();
    let found = match s.app.search(&ctx.actor, &req).await {
        Ok(found) => Some(found),
        // Refusals go beside their field, the page stays usable.
        Err(AppError::BadQuery { field, error }) => {
            errors.0.push(FieldError::new(field, error));
            None
        }
        Err(AppError::Invalid(fields)) => {
            errors.0.extend(fields);
            None
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let found = found.unwrap_or_else(|| Found { query: q.q.trim().to_owned(), ..Found::default() });
    if let Some(hit) = found.go_to() {
        return see_other(&page_of(hit.kind, &hit.number));
    }
    let title = if found.query.is_empty() {
        ctx.t(SearchMsg::SearchTitle).to_owned()
    } else {
        i18n::tf(ctx.lang, SearchMsg::SearchResultsFor, &[("q", &found.query)])
    };
    let body = html! {
        div.page-head { h1 { (title) } }
        (filters(&ctx, &q, &errors))
        @if found.query.is_empty() || !errors.is_empty() {
            p.hint { (hint(&ctx)) }
        } @else {
            (results(&ctx, &found))
        }
    };
    super::ok(layout::page(&ctx, &title, body))
}
