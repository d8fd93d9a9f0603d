//! The CI page's record sections: its fields and attributes, the catalog
//! fields of a service, its relations and its history.

use super::Ctx;
use super::{cmdb_ci::Data, cmdb_texts::CmdbMsg, cmdb_widgets, cmdb_words, fmt, widgets};
use crate::i18n::Msg;
use maud::{Markup, html};
use serde_json::{Map, Value};
use steward_domain::journal::FieldChange;

/// An attribute's JSON value as text: strings without their quotes.
pub fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn group(d: &Data, id: Option<i64>) -> Option<String> {
    id.map(|id| d.groups.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
}

pub fn fields(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let (f, row) = (&d.detail.fields, &d.detail.row);
    let now = fmt::now_micros();
    let empty = ctx.t(Msg::Empty);
    let attributes: Map<String, Value> = serde_json::from_str(&f.attributes).unwrap_or_default();
    html! {
        section.panel #ci-fields aria-labelledby="fields-title" {
            h2 #fields-title { (ctx.t(CmdbMsg::CiFields)) }
            dl.details {
                dt { (ctx.t(CmdbMsg::CiClass)) } dd { (d.classes.name(lang, &f.class)) }
                dt { (ctx.t(CmdbMsg::CiStatusLabel)) } dd { (cmdb_widgets::status_badge(lang, &f.status)) }
                dt { (ctx.t(CmdbMsg::Criticality)) } dd { (cmdb_words::criticality(lang, &f.criticality)) }
                dt { (ctx.t(CmdbMsg::OwnerGroup)) } dd { (group(d, f.owner_group_id).as_deref().unwrap_or(empty)) }
                dt { (ctx.t(CmdbMsg::Location)) }
                dd {
                    @match f.location_id {
                        Some(l) => (cmdb_widgets::ci_link(l, &d.name(l), d.as_of())),
                        None => (empty),
                    }
                }
                @if let Some(v) = &f.vendor { dt { (ctx.t(CmdbMsg::Vendor)) } dd { (v) } }
                dt { (ctx.t(CmdbMsg::CiCreated)) } dd { (widgets::time(lang, row.created_at, now)) }
                dt { (ctx.t(Msg::Updated)) } dd { (widgets::time(lang, row.updated_at, now)) }
                @if let Some(at) = row.inventory_at { dt { (ctx.t(CmdbMsg::InventoryAt)) } dd { (widgets::time(lang, at, now)) } }
            }
            h3 { (ctx.t(CmdbMsg::Attributes)) }
            @if attributes.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoAttributes)) }
            } @else {
                dl.details.attributes {
                    @for (k, v) in &attributes { dt title=(k) { (d.classes.attribute(lang, k)) } dd { (json_text(v)) } }
                }
            }
            @if !d.is_service && !f.description.is_empty() {
                h3 { (ctx.t(Msg::Description)) }
                div.prose { (f.description) }
            }
        }
    }
}

/// What the service catalog says of a service, and who uses it.
pub fn catalog(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let (f, row) = (&d.detail.fields, &d.detail.row);
    let empty = ctx.t(Msg::Empty);
    // The owner's name is known for today's owner only.
    let owner = f.owner_id.map(|id| {
        if f.owner_id == row.owner_id { row.owner_name.clone().unwrap_or_default() } else { format!("#{id}") }
    });
    let hours = f.support_calendar_id.map(|id| d.calendars.get(&id).cloned().unwrap_or_else(|| format!("#{id}")));
    html! {
        section.panel #catalog-fields aria-labelledby="catalog-title" {
            h2 #catalog-title { (ctx.t(CmdbMsg::CatalogFields)) }
            dl.details {
                dt { (ctx.t(Msg::Description)) }
                dd { @if f.description.is_empty() { (empty) } @else { span.prose { (f.description) } } }
                dt { (ctx.t(CmdbMsg::ServiceOwner)) } dd { (owner.as_deref().unwrap_or(empty)) }
                dt { (ctx.t(CmdbMsg::SupportHours)) } dd { (hours.as_deref().unwrap_or(empty)) }
                dt { (ctx.t(CmdbMsg::Tier)) } dd { (f.tier.map(|t| t.to_string()).as_deref().unwrap_or(empty)) }
                dt { (ctx.t(CmdbMsg::PortfolioStatus)) }
                dd { (f.portfolio_status.as_deref().map(|p| cmdb_words::portfolio(lang, p)).as_deref().unwrap_or(empty)) }
                dt { (ctx.t(CmdbMsg::VisibleToRequesters)) } dd { (ctx.t(if f.requester_visible { Msg::Yes } else { Msg::No })) }
            }
            h3 { (ctx.t(CmdbMsg::UsedBy)) }
            @if d.consumers.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoOrganisations)) }
            } @else {
                ul.files #service-organisations { @for c in &d.consumers { li { (c.organisation) } } }
            }
        }
    }
}

pub fn relations(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    let end = |r: &steward_app::cmdb::impact::CiRef| {
        html! {
            @if r.id == d.id { strong { (r.name) } }
            @else { (cmdb_widgets::ci_link(r.id, &r.name, d.as_of())) " " span.muted { "(" (d.classes.name(lang, &r.class)) ")" } }
        }
    };
    html! {
        section.panel #ci-relations aria-labelledby="relations-title" {
            h2 #relations-title { (ctx.t(CmdbMsg::Relations)) }
            @if d.relations.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoRelations)) }
            } @else {
                div.table-wrap { table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(CmdbMsg::RelFrom)) }
                        th scope="col" { (ctx.t(CmdbMsg::RelKind)) }
                        th scope="col" { (ctx.t(CmdbMsg::RelTo)) }
                        th scope="col" { (ctx.t(CmdbMsg::Since)) }
                        @if d.editable() { th scope="col" { span.visually-hidden { (ctx.t(CmdbMsg::RemoveRelation)) } } }
                    } }
                    tbody {
                        @for r in &d.relations {
                            tr data-relation=(r.kind) {
                                td { (end(&r.from)) }
                                td { (cmdb_words::relation(lang, r.kind)) }
                                td { (end(&r.to)) }
                                td.time { (widgets::time(lang, r.since, now)) }
                                @if d.editable() { td { (super::cmdb_relate::remove_button(ctx, d, r.id)) } }
                            }
                        }
                    }
                } }
            }
            @if d.editable() {
                h3 { (ctx.t(CmdbMsg::AddRelation)) }
                (super::cmdb_relate::add_form(ctx, d))
            }
        }
    }
}

/// A journal value as people read it.
fn value(ctx: &Ctx, d: &Data, field: &str, v: Option<&str>) -> String {
    let lang = ctx.lang;
    let Some(v) = v.filter(|v| !v.is_empty()) else { return ctx.t(Msg::Empty).to_owned() };
    let id = || v.parse::<i64>().ok();
    match field {
        "class" => d.classes.name(lang, v).into_owned(),
        "status" => cmdb_words::status(lang, v).into_owned(),
        "criticality" => cmdb_words::criticality(lang, v).into_owned(),
        "portfolio_status" => cmdb_words::portfolio(lang, v).into_owned(),
        "owner_group_id" => group(d, id()).unwrap_or_else(|| v.to_owned()),
        "location_id" => id().map_or_else(|| v.to_owned(), |i| d.name(i)),
        "support_calendar_id" => id().and_then(|i| d.calendars.get(&i).cloned()).unwrap_or_else(|| v.to_owned()),
        "owner_id" if id() == d.detail.row.owner_id => d.detail.row.owner_name.clone().unwrap_or_else(|| v.to_owned()),
        "requester_visible" => ctx.t(if v == "true" { Msg::Yes } else { Msg::No }).to_owned(),
        // `runs_on CI 12`, as the app journals a relation.
        "relation" => match v.split_once(" CI ") {
            Some((kind, to)) => {
                let to = to.parse().map_or_else(|_| to.to_owned(), |i| d.name(i));
                format!("{} {to}", cmdb_words::relation(lang, kind))
            }
            None => v.to_owned(),
        },
        f if f.starts_with("attributes.") => serde_json::from_str(v).map_or_else(|_| v.to_owned(), |j| json_text(&j)),
        _ => v.to_owned(),
    }
}

fn label(ctx: &Ctx, d: &Data, field: &str) -> String {
    match field.strip_prefix("attributes.") {
        Some(a) => d.classes.attribute(ctx.lang, a).into_owned(),
        None => cmdb_words::field(ctx.lang, field).into_owned(),
    }
}

pub fn history(ctx: &Ctx, d: &Data) -> Markup {
    let lang = ctx.lang;
    let now = fmt::now_micros();
    html! {
        section.panel #ci-history aria-labelledby="history-title" {
            h2 #history-title { (ctx.t(CmdbMsg::HistoryTitle)) }
            @if d.journal.is_empty() {
                p.muted { (ctx.t(CmdbMsg::NoHistory)) }
            } @else {
                div.table-wrap { table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(CmdbMsg::When)) }
                        th scope="col" { (ctx.t(CmdbMsg::Who)) }
                        th scope="col" { (ctx.t(Msg::ColEvent)) }
                        th scope="col" { (ctx.t(CmdbMsg::WhatChanged)) }
                    } }
                    tbody {
                        @for e in d.journal.iter().rev() {
                            @let changes: Vec<FieldChange> = if e.action == "created" { Vec::new() } else { serde_json::from_str(&e.changes).unwrap_or_default() };
                            tr {
                                td.time { (widgets::time(lang, e.at, now)) }
                                td.who-cell { (e.actor_name.as_deref().unwrap_or(ctx.t(Msg::SystemActor))) }
                                td { (cmdb_words::action(lang, &e.action)) }
                                td {
                                    ul.changes {
                                        @for c in &changes {
                                            li {
                                                span.field { (label(ctx, d, &c.field)) } ": "
                                                @if c.old.is_some() { del { (value(ctx, d, &c.field, c.old.as_deref())) } " → " }
                                                ins { (value(ctx, d, &c.field, c.new.as_deref())) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_lose_their_quotes() {
        assert_eq!(json_text(&Value::String("web01".into())), "web01");
        assert_eq!(json_text(&serde_json::json!(4)), "4");
        assert_eq!(json_text(&serde_json::json!(true)), "true");
    }
}
