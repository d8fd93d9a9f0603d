//! `/kb`: the knowledge base's list. Staff see articles in every state with
//! filters (state, audience, category, words) and how the articles
//! suggested to requesters fared; requesters (from the portal) see the
//! published articles written for them, by category. A list opened from
//! the report form (`?from=report`) passes that on to the articles it
//! links, so their openings count towards deflection.

use super::{
    Ctx, OrPage, UiResult, fmt,
    kb_texts::{self, KbMsg},
    layout, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    articles::{self, Article, ArticleListParams},
    incidents::encode_cursor,
};

/// The knowledge base: the list, the article's pages and what they post;
/// its navigation entry, for everyone.
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[super::area::NavEntry {
        href: "/kb",
        label: &KbMsg::NavKnowledge,
        audience: super::area::Audience::Everyone,
        current: |p| super::area::under(p, "/kb"),
    }],
};

fn routes() -> axum::Router<AppState> {
    use super::{kb_article, kb_form};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/kb", get(show).post(kb_form::create))
        .route("/kb/new", get(kb_form::new))
        .route("/kb/{number}", get(kb_article::show))
        .route("/kb/{number}/edit", get(kb_form::edit).post(kb_form::update))
        .route("/kb/{number}/state", post(kb_article::transition))
        .route("/kb/{number}/versions", post(kb_article::start_version))
        .route("/kb/{number}/feedback", post(kb_article::feedback))
        .route("/kb/{number}/links", post(super::record_links::link::<kb_article::ArticlePage>))
        .route("/kb/{number}/links/remove", post(super::record_links::unlink::<kb_article::ArticlePage>))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct KbQuery {
    state: String,
    audience: String,
    category: String,
    q: String,
    cursor: String,
    /// `report`: opened from the report form.
    from: String,
}

const PAGE: i64 = 50;

/// An article's address, carrying where the reader came from.
pub fn href(number: i64, from: &str) -> String {
    format!("/kb/{}{}", articles::number(number), fmt::query(&[("from", from)]))
}

fn from_report(q: &KbQuery) -> &'static str {
    if q.from == "report" { "report" } else { "" }
}

fn table(ctx: &Ctx, list: &[Article]) -> Markup {
    let now = fmt::now_micros();
    let lang = ctx.lang;
    html! {
        div.table-wrap {
            table.incidents #articles {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Number)) }
                    th scope="col" { (ctx.t(Msg::Title)) }
                    th scope="col" { (ctx.t(Msg::State)) }
                    th scope="col" { (ctx.t(KbMsg::KbAudience)) }
                    th scope="col" { (ctx.t(Msg::Category)) }
                    th scope="col" { (ctx.t(KbMsg::KbViews)) }
                    th scope="col" { (ctx.t(Msg::LastUpdate)) }
                } }
                tbody {
                    @for a in list {
                        @let r = &a.record;
                        tr {
                            td.num { a href=(href(r.number, "")) { (articles::number(r.number)) } }
                            td.title-cell {
                                a href=(href(r.number, "")) { (r.title) }
                                @if a.review_due(now) { " " span.badge.state-on_hold { (ctx.t(KbMsg::KbReviewDue)) } }
                            }
                            td { span class={ "badge state state-" (r.state) } { (kb_texts::state(lang, &r.state)) } }
                            td { (kb_texts::audience(lang, &a.details.audience)) }
                            td { (r.category.as_deref().unwrap_or(ctx.t(Msg::Empty))) }
                            td { (a.details.views) }
                            td.time { (widgets::time(lang, r.updated_at, now)) }
                        }
                    }
                }
            }
        }
    }
}

/// The requesters' list: titles and summaries under their categories.
fn by_category(ctx: &Ctx, list: &[Article], from: &str) -> Markup {
    let mut groups: Vec<(&str, Vec<&Article>)> = Vec::new();
    for a in list {
        let c = a.record.category.as_deref().unwrap_or("");
        match groups.iter_mut().find(|(g, _)| *g == c) {
            Some((_, v)) => v.push(a),
            None => groups.push((c, vec![a])),
        }
    }
    groups.sort_by_key(|(g, _)| (g.is_empty(), g.to_lowercase()));
    html! {
        @for (category, items) in &groups {
            section.panel aria-label=(if category.is_empty() { ctx.t(Msg::Empty) } else { category }) {
                @if !category.is_empty() { h2 { (category) } }
                ul.my-list {
                    @for a in items {
                        li {
                            a.my-item href=(href(a.record.number, from)) {
                                span.my-title { (a.record.title) }
                                span.my-meta { (a.record.description) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn filters(ctx: &Ctx, q: &KbQuery) -> Markup {
    let lang = ctx.lang;
    let states: Vec<(String, String)> = std::iter::once((String::new(), ctx.t(KbMsg::KbAnyState).to_owned()))
        .chain(
            ["draft", "in_review", "published", "retired"]
                .iter()
                .map(|s| ((*s).to_owned(), kb_texts::state(lang, s).to_owned())),
        )
        .collect();
    let audiences = [
        (String::new(), ctx.t(KbMsg::KbAnyAudience).to_owned()),
        ("requesters".to_owned(), ctx.t(KbMsg::KbAudienceRequesters).to_owned()),
        ("staff".to_owned(), ctx.t(KbMsg::KbAudienceStaff).to_owned()),
    ];
    let none = widgets::Errors::default();
    html! {
        form.filters method="get" action="/kb" role="search" aria-label=(ctx.t(Msg::Filters)) {
            (widgets::Field::new(lang, "kb-state", "state", ctx.t(Msg::State), &none).select(&states, &q.state))
            (widgets::Field::new(lang, "kb-audience", "audience", ctx.t(KbMsg::KbAudience), &none).select(&audiences, &q.audience))
            (widgets::Field::new(lang, "kb-category", "category", ctx.t(Msg::Category), &none).input(&q.category))
            (widgets::Field { kind: Some("search"), ..widgets::Field::new(lang, "kb-q", "q", ctx.t(Msg::SearchButton), &none) }.input(&q.q))
            div.filter-actions { button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) } }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<KbQuery>, QueryRejection>) -> UiResult {
    // A hand-made address with a repeated parameter lists everything.
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let staff = ctx.actor.is_staff();
    let some = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let params = ArticleListParams {
        state: some(&q.state),
        audience: some(&q.audience),
        category: some(&q.category),
        text: some(&q.q),
        cursor: some(&q.cursor),
        limit: Some(if staff { PAGE } else { 200 }),
        ..ArticleListParams::default()
    };
    let (list, next, problem) = match s.app.article_filter(&ctx.actor, &params).await {
        Ok(filter) => {
            let sort = filter.sort;
            let (list, more) = s.app.list_articles(&ctx.actor, filter).await.or_page(&ctx)?;
            let next = if more { list.last().map(|a| encode_cursor(&sort.key(&a.record))) } else { None };
            (list, next, None)
        }
        Err(AppError::Invalid(errs)) => {
            (Vec::new(), None, errs.first().map(|e| format!("{}: {}", e.field, i18n::app_message(ctx.lang, e))))
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let deflection = if staff {
        let since = fmt::now_micros() - 30 * 24 * 3600 * 1_000_000;
        Some(s.app.deflections(&ctx.actor, since, None).await.or_page(&ctx)?)
    } else {
        None
    };
    let from = from_report(&q);
    let keep = [
        ("state", q.state.as_str()),
        ("audience", q.audience.as_str()),
        ("category", q.category.as_str()),
        ("q", q.q.as_str()),
        ("from", from),
    ];
    let next_href = next.map(|c| {
        let mut more = keep.to_vec();
        more.push(("cursor", &c));
        format!("/kb{}", fmt::query(&more))
    });
    let body = html! {
        div.page-head {
            h1 { (ctx.t(KbMsg::KbTitle)) }
            @if staff { a.btn.btn-primary href="/kb/new" { (ctx.t(KbMsg::KbNew)) } }
        }
        p.lead { (ctx.t(if staff { KbMsg::KbIntroStaff } else { KbMsg::KbIntroRequester })) }
        @if let Some(d) = deflection {
            p #deflections { (i18n::tf(ctx.lang, KbMsg::KbDeflections, &[
                ("opened", &d.opened.to_string()), ("deflected", &d.deflected.to_string()),
                ("reported", &d.reported.to_string()), ("pending", &d.pending.to_string()),
            ])) }
        }
        @if !from.is_empty() { (widgets::notice(ctx.t(KbMsg::KbFromReport))) }
        @if let Some(p) = &problem { (widgets::alert(p, None)) }
        @if staff {
            (filters(&ctx, &q))
        } @else {
            form.filters method="get" action="/kb" role="search" aria-label=(ctx.t(KbMsg::KbTitle)) {
                input type="hidden" name="from" value=(from);
                (widgets::Field { kind: Some("search"), ..widgets::Field::new(ctx.lang, "kb-q", "q", ctx.t(Msg::SearchButton), &widgets::Errors::default()) }.input(&q.q))
                div.filter-actions { button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) } }
            }
        }
        @if list.is_empty() {
            p.empty { (ctx.t(KbMsg::KbNone)) }
        } @else if staff {
            (table(&ctx, &list))
        } @else {
            (by_category(&ctx, &list, from))
        }
        nav.pager aria-label=(ctx.t(Msg::Pages)) {
            @if !q.cursor.is_empty() { a.btn href={ "/kb" (fmt::query(&keep)) } { "« " (ctx.t(Msg::FirstPage)) } }
            @if let Some(h) = next_href { a.btn href=(h) { (ctx.t(Msg::NextPage)) " »" } }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(KbMsg::KbTitle), body))
}
