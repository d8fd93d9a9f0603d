//! The CI page's service map: the CI's neighbourhood, `hops` relations
//! deep (1–4) and at most [`MAP_NODES`] CIs, drawn on the server as SVG by
//! `service_map`. Each node links to its CI's page at the same moment and
//! depth, so the map can be walked.

use super::cmdb_texts::CmdbMsg;
use super::{
    Ctx,
    cmdb_ci::{Data, MAP_NODES},
    cmdb_widgets,
    service_map::{MapInput, MapNode, render_svg},
    widgets,
};
use crate::i18n;
use maud::{Markup, html};
use steward_domain::cmdb::{CiStatus, Relation, RelationType};

/// The depths the selector offers.
const HOPS: [u32; 4] = [1, 2, 3, 4];

/// What `service_map` draws: the neighbourhood, each node linking to its
/// page at the same moment and depth.
fn input(ctx: &Ctx, d: &Data) -> MapInput {
    let nodes = d
        .map
        .nodes
        .iter()
        .map(|n| MapNode {
            id: n.id,
            label: n.name.clone(),
            class_key: n.class.clone(),
            class_name: d.classes.name(ctx.lang, &n.class).into_owned(),
            // A status the map does not know is drawn as in use.
            status: CiStatus::parse(&n.status).unwrap_or(CiStatus::InUse),
            href: cmdb_widgets::ci_href(n.id, d.as_of(), Some(d.hops)),
        })
        .collect();
    let relations = d
        .map
        .relations
        .iter()
        .filter_map(|(from, to, kind)| {
            RelationType::parse(kind).ok().map(|kind| Relation { from: *from, to: *to, kind })
        })
        .collect();
    MapInput { nodes, relations, focus: d.id, lang: ctx.lang }
}

pub fn section(ctx: &Ctx, d: &Data, hops_error: Option<&steward_app::Message>) -> Markup {
    let errors =
        widgets::Errors(hops_error.map(|e| steward_app::FieldError::new("hops", e.clone())).into_iter().collect());
    let options: Vec<(String, String)> = HOPS.iter().map(|h| (h.to_string(), h.to_string())).collect();
    let at = d.as_of().map(super::as_of::param).unwrap_or_default();
    html! {
        section.panel #service-map aria-labelledby="map-title" {
            div.panel-head {
                h2 #map-title { (ctx.t(CmdbMsg::ServiceMapTitle)) }
                form.map-form method="get" action={ "/cmdb/" (d.id) } {
                    @if !at.is_empty() { input type="hidden" name="as_of" value=(at); }
                    (widgets::Field::new(ctx.lang, "hops", "hops", ctx.t(CmdbMsg::Hops), &errors).select(&options, &d.hops.to_string()))
                    button.btn type="submit" { (ctx.t(CmdbMsg::Redraw)) }
                }
            }
            @if d.map.truncated {
                p.muted #map-truncated { (i18n::tf(ctx.lang, CmdbMsg::MapTruncated, &[("n", &MAP_NODES.to_string())])) }
            }
            // Zoom buttons: shown by app.js, which makes them work.
            div.map-zoom hidden {
                button.btn #map-zoom-in type="button" { (ctx.t(CmdbMsg::MapZoomIn)) }
                button.btn #map-zoom-out type="button" { (ctx.t(CmdbMsg::MapZoomOut)) }
                button.btn #map-zoom-fit type="button" { (ctx.t(CmdbMsg::MapZoomFit)) }
                span.muted.map-zoom-hint { (ctx.t(CmdbMsg::MapZoomWheel)) }
            }
            div.map-wrap { (render_svg(&input(ctx, d))) }
        }
    }
}
