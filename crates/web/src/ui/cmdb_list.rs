//! `/cmdb`: the list of configuration items with filters (class, status,
//! owner group, name), keyset pages, the CSV export of the same selection
//! and the way to the import.

use super::area::{Audience, NavEntry, under};
use super::{
    Ctx, OrPage, UiResult,
    cmdb_texts::CmdbMsg,
    cmdb_widgets::{self, Classes},
    cmdb_words, fmt, layout, staff_only, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::Code;
use steward_app::{
    AppError, FieldError,
    cmdb::{CiPage, query},
};
use steward_domain::cmdb::CiStatus;
use steward_store::cmdb::CiFilter;

/// The CMDB (list, import, a CI's pages and relations) and the service
/// catalog: routes and navigation entries (the catalog for everyone).
pub const AREA: super::area::Area = super::area::Area {
    routes,
    nav: &[
        NavEntry { href: "/cmdb", label: &CmdbMsg::NavCmdb, audience: Audience::Staff, current: |p| under(p, "/cmdb") },
        NavEntry {
            href: "/services",
            label: &CmdbMsg::NavServices,
            audience: Audience::Everyone,
            current: |p| under(p, "/services"),
        },
    ],
};

fn routes() -> axum::Router<AppState> {
    use super::{catalog, cmdb_ci, cmdb_form, cmdb_import, cmdb_relate};
    use axum::{
        extract::DefaultBodyLimit,
        routing::{get, post},
    };
    axum::Router::new()
        .route("/cmdb", get(show))
        .route(
            "/cmdb/import",
            get(cmdb_import::show).post(cmdb_import::post).layer(DefaultBodyLimit::max(cmdb_import::BODY_MAX)),
        )
        .route("/cmdb/new", get(cmdb_form::new).post(cmdb_form::create))
        .route("/cmdb/{id}", get(cmdb_ci::show))
        .route("/cmdb/{id}/edit", get(cmdb_form::edit).post(cmdb_form::update))
        .route("/cmdb/{id}/relations", post(cmdb_relate::add))
        .route("/cmdb/{id}/relations/{rid}/remove", post(cmdb_relate::remove))
        .route("/services", get(catalog::list))
        .route("/services/{id}", get(catalog::show))
}

const PAGE: i64 = 50;
const SHOWN: [&str; 4] = ["class", "status", "owner_group", "q"];

/// The filters as typed, so the form can show them again.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CmdbQuery {
    pub class: String,
    pub status: String,
    pub owner_group: String,
    pub q: String,
    pub cursor: String,
}

impl CmdbQuery {
    fn pairs<'a>(&'a self, cursor: &'a str) -> [(&'a str, &'a str); 5] {
        [
            ("class", self.class.trim()),
            ("status", self.status.trim()),
            ("owner_group", self.owner_group.trim()),
            ("q", self.q.trim()),
            ("cursor", cursor),
        ]
    }

    pub fn link(&self, cursor: &str) -> String {
        format!("/cmdb{}", fmt::query(&self.pairs(cursor)))
    }

    /// The API's CSV export of every CI these filters select.
    pub fn export(&self) -> String {
        let mut pairs = vec![("format", "csv")];
        pairs.extend(self.pairs("").into_iter().filter(|(k, _)| *k != "cursor"));
        format!("/api/v1/cis{}", fmt::query(&pairs))
    }
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The filters as the app takes them, or every problem with them.
async fn filter(s: &AppState, q: &CmdbQuery) -> Result<(CiFilter, Option<(String, i64)>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut f = CiFilter { q: opt(&q.q), ..CiFilter::default() };
    if let Some(st) = opt(&q.status) {
        match CiStatus::parse(&st) {
            Ok(_) => f.status = Some(st),
            // A select's value: only a hand-made address gets here.
            Err(_) => {
                errors.push(FieldError::new("status", crate::i18n_codes::ui(steward_app::Code::ChooseFromList, &[])))
            }
        }
    }
    if let Some(g) = opt(&q.owner_group) {
        match s.app.group_id(&g).await {
            Ok(id) => f.owner_group_id = Some(id),
            Err(_) => errors
                .push(FieldError::new("owner_group", Code::NoGroup.msg(format!("no group named {g}")).with("name", g))),
        }
    }
    let after = match opt(&q.cursor) {
        Some(c) => query::parse_cursor(&c).or_else(|| {
            errors.push(FieldError::new("cursor", steward_app::Code::BadCursor.msg("is not a cursor from this list")));
            None
        }),
        None => None,
    };
    if errors.is_empty() { Ok((f, after)) } else { Err(errors) }
}

fn filters(ctx: &Ctx, q: &CmdbQuery, classes: &Classes, groups: &[String], errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let any = || (String::new(), ctx.t(Msg::Any).to_owned());
    let mut class_opts = vec![any()];
    class_opts.extend(classes.options(lang));
    let mut statuses = vec![any()];
    statuses.extend(CiStatus::ALL.iter().map(|s| (s.as_str().to_owned(), cmdb_words::status(lang, s.as_str()).into())));
    let mut group_opts = vec![any()];
    group_opts.extend(groups.iter().map(|g| (g.clone(), g.clone())));
    let f = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    html! {
        form.filters method="get" action="/cmdb" aria-label=(ctx.t(Msg::Filters)) {
            (widgets::Field { kind: Some("search"), ..f("f-q", "q", ctx.t(CmdbMsg::NameContains)) }.input(&q.q))
            (f("f-class", "class", ctx.t(CmdbMsg::CiClass)).select(&class_opts, &q.class))
            (f("f-status", "status", ctx.t(CmdbMsg::CiStatusLabel)).select(&statuses, &q.status))
            (f("f-owner", "owner_group", ctx.t(CmdbMsg::OwnerGroup)).select(&group_opts, &q.owner_group))
            div.filter-actions {
                button.btn.btn-primary type="submit" { (ctx.t(Msg::Apply)) }
                a.btn.btn-quiet href="/cmdb" { (ctx.t(Msg::ClearFilters)) }
            }
        }
    }
}

fn table(ctx: &Ctx, page: &CiPage, classes: &Classes) -> Markup {
    let lang = ctx.lang;
    let empty = ctx.t(Msg::Empty);
    html! {
        div.table-wrap {
            table.incidents.cis #ci-list {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Name)) }
                    th scope="col" { (ctx.t(CmdbMsg::CiClass)) }
                    th scope="col" { (ctx.t(CmdbMsg::CiStatusLabel)) }
                    th scope="col" { (ctx.t(CmdbMsg::Criticality)) }
                    th scope="col" { (ctx.t(CmdbMsg::OwnerGroup)) }
                    th scope="col" { (ctx.t(CmdbMsg::Location)) }
                } }
                tbody {
                    @for c in &page.items {
                        tr {
                            td.title-cell { a href={ "/cmdb/" (c.id) } { (c.name) } }
                            td { (classes.name(lang, &c.class)) }
                            td { (super::cmdb_widgets::status_badge(lang, &c.status)) }
                            td { (cmdb_words::criticality(lang, &c.criticality)) }
                            td.who-cell { (c.owner_group.as_deref().unwrap_or(empty)) }
                            td.who-cell {
                                @match (c.location_id, &c.location) {
                                    (Some(id), Some(name)) => a href={ "/cmdb/" (id) } { (name) },
                                    _ => (empty),
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<CmdbQuery>, QueryRejection>) -> UiResult {
    staff_only(&ctx)?;
    let classes = Classes::load(&s).await.or_page(&ctx)?;
    let mut groups: Vec<String> = s.app.list_groups().await.or_page(&ctx)?.into_iter().map(|g| g.name).collect();
    cmdb_widgets::sort_by_name(&mut groups, |g| g);
    let (q, found) = match q {
        Ok(Query(q)) => {
            let found = match filter(&s, &q).await {
                Ok((f, after)) => match s.app.list_cis(&ctx.actor, f, opt(&q.class).as_deref(), after, PAGE).await {
                    Ok(page) => Ok(page),
                    Err(AppError::Invalid(e)) => Err(e),
                    Err(e) => return Err(ctx.fail(e)),
                },
                Err(e) => Err(e),
            };
            (q, found)
        }
        Err(e) => (CmdbQuery::default(), Err(vec![FieldError::new("query", crate::error::malformed(e.body_text()))])),
    };
    let errors = widgets::Errors(found.as_ref().err().cloned().unwrap_or_default());
    let body = html! {
        div.page-head {
            h1 { (ctx.t(CmdbMsg::CmdbTitle)) }
            div.head-actions {
                a.btn #export-csv href=(q.export()) download { (ctx.t(CmdbMsg::ExportCsv)) }
                a.btn href="/cmdb/import" { (ctx.t(CmdbMsg::ImportCsvLink)) }
                @if steward_app::App::may_edit_cmdb(&ctx.actor) {
                    a.btn.btn-primary #new-ci href="/cmdb/new" { (ctx.t(CmdbMsg::NewCi)) }
                }
            }
        }
        (filters(&ctx, &q, &classes, &groups, &errors))
        @match &found {
            Err(_) => {
                div.notice.error role="alert" {
                    (ctx.t(Msg::FilterProblem))
                    ul { @for fe in errors.others(&SHOWN) { li { (cmdb_words::field(ctx.lang, &fe.field)) ": " (i18n::app_message(ctx.lang, fe)) } } }
                }
            }
            Ok(page) if page.items.is_empty() => { p.empty { (ctx.t(CmdbMsg::NoCis)) } }
            Ok(page) => {
                (table(&ctx, page, &classes))
                nav.pager aria-label=(ctx.t(Msg::Pages)) {
                    @if !q.cursor.is_empty() { a.btn href=(q.link("")) { "« " (ctx.t(Msg::FirstPage)) } }
                    @if let Some(c) = &page.next { a.btn #next-page href=(q.link(c)) rel="next" { (ctx.t(Msg::NextPage)) " »" } }
                }
            }
        }
    };
    super::ok(layout::page(&ctx, ctx.t(CmdbMsg::CmdbTitle), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_takes_the_same_filters_without_the_page() {
        let q = CmdbQuery { class: "server".into(), q: " web ".into(), cursor: "3.61".into(), ..Default::default() };
        assert_eq!(q.export(), "/api/v1/cis?format=csv&class=server&q=web");
        assert_eq!(q.link("9.62"), "/cmdb?class=server&q=web&cursor=9.62");
    }
}
