//! `/cmdb/{id}`: a configuration item's page, a service's too. Read now or
//! "as of" a past moment (`?as_of=`, RFC 3339, or the form's zone-less
//! input read as UTC): fields, relations, impact, dependencies and the map
//! are shown as they were then; organisations, open incidents, inventory
//! and history are always today's.
//!
//! The sections are drawn by `cmdb_sections` (fields, catalog, relations,
//! history), `cmdb_impact` (impact, dependencies, open incidents),
//! `cmdb_inventory` and `cmdb_map`.

use super::{
    Ctx, OrPage, UiResult, as_of, cmdb_impact, cmdb_inventory, cmdb_sections, cmdb_texts::CmdbMsg, cmdb_widgets,
    cmdb_words, fmt, html, layout, staff_only, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    extract::{Path, Query, State, rejection::PathRejection, rejection::QueryRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;
use steward_app::Code;
use steward_app::Message;
use steward_app::{
    AppError,
    cmdb::{CiDetail, Direction, Impact, Neighbourhood, RelationView},
};
use steward_store::{
    cmdb::{Consumer, OpenIncident},
    journal::Entry,
};

/// Depth of the impact and dependency walks.
pub const DEPTH: u32 = 10;
/// Dependencies listed by name; the count is always complete.
pub const LISTED: usize = 50;
/// The service map's size limit.
pub const MAP_NODES: usize = 200;

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CiQuery {
    pub as_of: String,
    pub hops: String,
    /// What was just done (`created`, `matched`, `saved`, …).
    pub m: String,
}

/// Everything the page shows of one CI.
pub struct Data {
    pub id: i64,
    pub detail: CiDetail,
    pub is_service: bool,
    pub hops: u32,
    pub classes: cmdb_widgets::Classes,
    pub relations: Vec<RelationView>,
    pub consumers: Vec<Consumer>,
    pub inventory: Option<String>,
    pub upstream: Impact,
    pub downstream: Impact,
    pub incidents: Vec<OpenIncident>,
    pub journal: Vec<Entry>,
    pub map: Neighbourhood,
    /// Names of the CIs the sections mention, now.
    pub names: HashMap<i64, String>,
    /// Names of groups and support calendars, by id.
    pub groups: HashMap<i64, String>,
    pub calendars: HashMap<i64, String>,
    pub may_edit: bool,
    /// A refused add-relation form: what was typed, and the items to choose from.
    pub relation_draft: super::cmdb_relate::Draft,
    /// A service's availability from its checks.
    pub availability: Vec<steward_app::checks::history::Availability>,
}

impl Data {
    pub fn as_of(&self) -> Option<i64> {
        self.detail.as_of
    }

    /// Whether the page offers edits: to those who may, reading now.
    pub fn editable(&self) -> bool {
        self.may_edit && self.as_of().is_none()
    }

    pub fn name(&self, id: i64) -> String {
        self.names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }
}

/// The map's depth: 1 to 4, 2 when not given.
pub fn parse_hops(s: &str) -> Result<u32, Message> {
    match s.trim() {
        "" => Ok(2),
        h => {
            h.parse().ok().filter(|h| (1..=4).contains(h)).ok_or_else(|| crate::i18n_codes::ui(Code::HopsNotValid, &[]))
        }
    }
}

async fn load(s: &AppState, ctx: &Ctx, detail: CiDetail, hops: u32) -> Result<Data, AppError> {
    let (a, id, at) = (&ctx.actor, detail.row.id, detail.as_of);
    let start = [id];
    let ((consumers, inventory), relations, upstream, downstream, incidents, journal, map) = futures_util::try_join!(
        s.app.ci_extras(id),
        s.app.ci_relations(a, id, at),
        s.app.impact(a, &start, DEPTH, at, Direction::Upstream, 0),
        s.app.impact(a, &start, DEPTH, at, Direction::Downstream, LISTED),
        s.app.open_incidents_on(a, id, DEPTH),
        s.app.ci_journal(a, id),
        s.app.neighbourhood(a, id, hops, at, MAP_NODES),
    )?;
    let classes = cmdb_widgets::Classes::load(s).await?;
    let groups = s.app.list_groups().await?.into_iter().map(|g| (g.id, g.name)).collect();
    let calendars = s.app.support_hours_names().await?.into_iter().collect();
    // Names of every CI a section mentions, from the graph cache in one read.
    let mut ids: Vec<i64> = upstream.services.iter().flat_map(|r| r.path.iter().flat_map(|p| [p.from, p.to])).collect();
    ids.extend(incidents.iter().map(|i| i.ci_id));
    ids.extend(detail.fields.location_id);
    ids.extend(journal_ci_ids(&journal));
    ids.push(id);
    let (names, is_service) = s
        .app
        .cmdb_view(|v| {
            let names: HashMap<i64, String> =
                ids.iter().filter_map(|i| v.ci(*i).map(|b| (*i, b.name.clone()))).collect();
            (names, v.is_service(id))
        })
        .await?;
    Ok(Data {
        id,
        detail,
        is_service,
        hops,
        classes,
        relations,
        consumers,
        inventory,
        upstream,
        downstream,
        incidents,
        journal,
        map,
        names,
        groups,
        calendars,
        may_edit: steward_app::App::may_edit_cmdb(&ctx.actor),
        relation_draft: Default::default(),
        availability: if is_service { super::service_availability::load(s, ctx, id).await? } else { Vec::new() },
    })
}

/// CIs named in the journal: locations and relation ends ("runs_on CI 12").
fn journal_ci_ids(journal: &[Entry]) -> Vec<i64> {
    journal
        .iter()
        .filter_map(|e| serde_json::from_str::<Vec<steward_domain::journal::FieldChange>>(&e.changes).ok())
        .flatten()
        .filter(|c| c.field == "location_id" || c.field == "relation")
        .flat_map(|c| [c.old, c.new])
        .flatten()
        .filter_map(|v| v.rsplit(' ').next().and_then(|n| n.parse().ok()))
        .collect()
}

fn header(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let f = &d.detail.fields;
    html! {
        div.incident-head {
            nav.crumbs aria-label="Breadcrumb" {
                a href="/cmdb" { (ctx.t(CmdbMsg::CmdbTitle)) } " / " span { (f.name) }
            }
            div.head-row {
                h1 #ci-name { (f.name) }
                div.head-actions {
                    @if d.is_service { a.btn href="/services" { (ctx.t(Msg::ServicesTitle)) } }
                    @if d.editable() { a.btn #edit-ci href={ "/cmdb/" (d.id) "/edit" } { (ctx.t(Msg::Edit)) } }
                }
            }
            div.head-badges {
                span.chip.class-chip { (d.classes.name(lang, &f.class)) }
                (cmdb_widgets::status_badge(lang, &f.status))
                span.head-meta { (ctx.t(CmdbMsg::Criticality)) ": " (cmdb_words::criticality(lang, &f.criticality)) }
            }
        }
    }
}

/// The "as of" form, with the banner when reading the past.
fn as_of_form(ctx: &Ctx, d: &Data, typed: &str, error: Option<&Message>) -> Markup {
    let errors = widgets::Errors(error.map(|e| steward_app::FieldError::new("as_of", e.clone())).into_iter().collect());
    let value = match (error, d.as_of()) {
        (Some(_), _) => typed.to_owned(),
        (None, Some(at)) => as_of::input_value(at),
        (None, None) => String::new(),
    };
    let zone_hint = crate::i18n::tf(ctx.lang, CmdbMsg::AsOfHint, &[("zone", fmt::zone_name(&fmt::zone()))]);
    let field = widgets::Field {
        kind: Some("datetime-local"),
        hint: Some(&zone_hint),
        ..widgets::Field::new(ctx.lang, "as-of", "as_of", ctx.t(CmdbMsg::AsOf), &errors)
    };
    let now_href = cmdb_widgets::ci_href(d.id, None, Some(d.hops));
    html! {
        @if let Some(at) = d.as_of() {
            div.notice.asof #as-of-banner role="status" {
                (i18n::tf(ctx.lang, CmdbMsg::AsOfBanner, &[("time", &fmt::absolute(ctx.lang, at))])) " "
                a href=(now_href) { (ctx.t(CmdbMsg::AsOfNow)) }
            }
        }
        form.filters.as-of-form #as-of-form method="get" action={ "/cmdb/" (d.id) } {
            (field.input(&value))
            input type="hidden" name="hops" value=(d.hops);
            div.filter-actions {
                button.btn type="submit" { (ctx.t(CmdbMsg::AsOfShow)) }
                @if d.as_of().is_some() { a.btn.btn-quiet href=(now_href) { (ctx.t(CmdbMsg::AsOfNow)) } }
            }
        }
    }
}

/// The message after a post: done (`?m=`), or refused.
fn said(ctx: &Ctx, m: &str, refused: Option<&str>) -> Markup {
    let done = match m {
        "created" => Some(ctx.t(CmdbMsg::FlashCiCreated)),
        "matched" => Some(ctx.t(CmdbMsg::FlashCiMatched)),
        "unchanged" => Some(ctx.t(CmdbMsg::FlashCiMatchedUnchanged)),
        "saved" => Some(ctx.t(Msg::FlashSaved)),
        "relation_added" => Some(ctx.t(CmdbMsg::FlashRelAdded)),
        "relation_removed" => Some(ctx.t(CmdbMsg::FlashRelRemoved)),
        _ => None,
    };
    html! {
        @if let Some(why) = refused { (widgets::alert(why, None)) }
        @else if let Some(m) = done { (widgets::notice(m)) }
    }
}

struct Shown<'a> {
    typed: &'a str,
    as_of_error: Option<&'a Message>,
    hops_error: Option<&'a Message>,
    said: Markup,
}

fn render(ctx: &Ctx, d: &Data, shown: Shown) -> Markup {
    let Shown { typed, as_of_error, hops_error, said } = shown;
    html! {
        (header(ctx, d))
        (said)
        (as_of_form(ctx, d, typed, as_of_error))
        div.incident-grid.ci-grid {
            div.incident-main {
                (super::cmdb_map::section(ctx, d, hops_error))
                (cmdb_impact::impact(ctx, d))
                (cmdb_impact::open_incidents(ctx, d))
                (cmdb_sections::relations(ctx, d))
                (cmdb_impact::depends_on(ctx, d))
                (cmdb_inventory::section(ctx, d))
                (cmdb_sections::history(ctx, d))
            }
            aside.incident-side aria-label=(ctx.t(Msg::Details)) {
                (cmdb_sections::fields(ctx, d))
                @if d.is_service { (cmdb_sections::catalog(ctx, d)) }
                @if d.is_service { (super::service_availability::section(ctx, d.id, &d.availability)) }
            }
        }
    }
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    q: Result<Query<CiQuery>, QueryRejection>,
) -> UiResult {
    staff_only(&ctx)?;
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("CI"))) };
    respond(&s, &ctx, id, q.map(|Query(q)| q).unwrap_or_default(), None).await
}

/// The page, with `refused` (its status and why) after a refused post.
pub async fn respond(s: &AppState, ctx: &Ctx, id: i64, q: CiQuery, refused: Option<(StatusCode, String)>) -> UiResult {
    respond_with(s, ctx, id, q, refused, Default::default()).await
}

/// The page, with a refused add-relation form shown as it was sent.
pub async fn respond_with(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    q: CiQuery,
    refused: Option<(StatusCode, String)>,
    draft: super::cmdb_relate::Draft,
) -> UiResult {
    let (at, mut as_of_error) = match as_of::parse(&q.as_of, fmt::now_micros()) {
        Ok(at) => (at, None),
        Err(e) => (None, Some(e)),
    };
    let (hops, hops_error) = match parse_hops(&q.hops) {
        Ok(h) => (h, None),
        Err(e) => (2, Some(e)),
    };
    let detail = match s.app.ci(&ctx.actor, id, at).await {
        // Before the CI existed there is nothing to show but today.
        Err(AppError::Invalid(_)) if at.is_some() => {
            as_of_error = Some(crate::i18n_codes::ui(Code::AsOfBeforeCi, &[]));
            s.app.ci(&ctx.actor, id, None).await
        }
        other => other,
    }
    .or_page(ctx)?;
    let mut d = load(s, ctx, detail, hops).await.or_page(ctx)?;
    d.relation_draft = draft;
    let status = match &refused {
        Some((status, _)) => *status,
        None if as_of_error.is_some() || hops_error.is_some() => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let title = d.detail.fields.name.clone();
    let shown = Shown {
        typed: &q.as_of,
        as_of_error: as_of_error.as_ref(),
        hops_error: hops_error.as_ref(),
        said: said(ctx, &q.m, refused.as_ref().map(|(_, why)| why.as_str())),
    };
    Ok(html(status, layout::page(ctx, &title, render(ctx, &d, shown))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_are_one_to_four() {
        assert_eq!(parse_hops(""), Ok(2));
        assert_eq!(parse_hops(" 4 "), Ok(4));
        for bad in ["0", "5", "two", "-1"] {
            assert_eq!(parse_hops(bad).map_err(|m| m.text), Err("choose 1 to 4 steps".to_owned()), "{bad}");
        }
    }

    #[test]
    fn the_journal_names_cis_by_id() {
        let e = Entry {
            seq: 1,
            at: 0,
            actor_id: None,
            actor_name: None,
            action: "relation_added".into(),
            changes:
                r#"[{"field":"relation","old":null,"new":"runs_on CI 12"},{"field":"location_id","old":"3","new":"4"}]"#
                    .into(),
            comment_id: None,
            body: None,
        };
        assert_eq!(journal_ci_ids(&[e]), [12, 3, 4]);
    }
}
