//! The CMDB service map: a CI's neighbourhood drawn server-side as an SVG,
//! services on top and what they stand on below (the layout is
//! [`steward_domain::cmdb::layout`]).
//!
//! Each CI is a link to its page (`a.node` with `data-ci`), coloured by
//! class, its status shown by the border; relations are arrows with a
//! tooltip that says them as a sentence, network links dashed and without
//! an arrow. Styling is done with presentation attributes, so the SVG also
//! stands alone as a file, while the classes (`node cls-server st-in_use`)
//! let CSS override it.
//!
//! The SVG fits its box (`width="100%"` and a `viewBox`; attributes, as
//! the pages' content security policy refuses inline `style`); app.js adds
//! zoom buttons and dragging, and starts on the focused CI at full size
//! when the whole map would be too small to read. It is a labelled group,
//! not an image: its links must stay reachable by keyboard and screen
//! readers.

use super::cmdb_texts::CmdbMsg;
use crate::i18n::{self, Lang};
use maud::{Markup, html};
use std::{collections::HashMap, fmt::Write};
use steward_domain::cmdb::{CiStatus, LayoutOptions, Relation, RelationType, layout};

/// A CI to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub id: i64,
    pub label: String,
    pub class_key: String,
    pub class_name: String,
    pub status: CiStatus,
    pub href: String,
}

/// A neighbourhood to draw: `focus` is emphasised; relations naming CIs
/// not in `nodes` are ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct MapInput {
    pub nodes: Vec<MapNode>,
    pub relations: Vec<Relation>,
    pub focus: i64,
    pub lang: Lang,
}

/// Fill and border per class; unknown classes hash into the same list.
const PALETTE: [(&str, &str, &str); 10] = [
    ("business_service", "#dbeafe", "#3b82f6"),
    ("technical_service", "#e0e7ff", "#6366f1"),
    ("application", "#dcfce7", "#22c55e"),
    ("database", "#fae8ff", "#c026d3"),
    ("server", "#e2e8f0", "#64748b"),
    ("virtual_machine", "#e0f2fe", "#0ea5e9"),
    ("container", "#ccfbf1", "#14b8a6"),
    ("network_device", "#ffe4e6", "#f43f5e"),
    ("storage", "#ede9fe", "#8b5cf6"),
    ("location", "#f5f5f4", "#a8a29e"),
];

const TEXT: &str = "#1b2130";
const MUTED: &str = "#5d6574";
const EDGE: &str = "#8a919d";
const AMBER: &str = "#d97706";
/// Room for text inside a box: its width less a margin each side.
const TEXT_PAD: f32 = 8.0;
/// The widest a legend entry's name may be.
const LEGEND_TEXT: f32 = 180.0;
const LEGEND_ROW: f32 = 20.0;

/// (fill, border) of a class: its own, or a stable pick for admin classes.
fn colours(class_key: &str) -> (&'static str, &'static str) {
    if let Some(&(_, fill, stroke)) = PALETTE.iter().find(|(k, _, _)| *k == class_key) {
        return (fill, stroke);
    }
    // FNV-1a: stable across runs and releases, unlike the std hasher.
    let h = class_key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let (_, fill, stroke) = PALETTE[(h % PALETTE.len() as u64) as usize];
    (fill, stroke)
}

/// About how wide a character is in a sans-serif face, in ems: measured
/// on the usual system faces and rounded up, so that an estimate errs on
/// the side of fitting (the browser cannot be asked from the server).
fn em(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.92,
        'A'..='Z' => 0.72,
        '0'..='9' => 0.6,
        // Wide scripts (CJK, Hangul, full-width forms) and emoji.
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{1F300}'..='\u{1FAFF}' => 1.0,
        _ => 0.6,
    }
}

/// `s` shortened to fit `width` units at `size` units a character height:
/// as many whole characters as fit beside an ellipsis, which ends it when
/// shortened. The full text goes into the element's `<title>`.
fn fit(s: &str, width: f32, size: f32) -> String {
    let wide = |t: &str| t.chars().map(em).sum::<f32>() * size;
    if wide(s) <= width {
        return s.to_owned();
    }
    let room = width - em('…') * size;
    let mut used = 0.0;
    let mut out: String = s
        .chars()
        .take_while(|c| {
            used += em(*c) * size;
            used <= room
        })
        .collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

fn status_text(lang: Lang, s: CiStatus) -> &'static str {
    let m = match s {
        CiStatus::Planned => CmdbMsg::CiPlanned,
        CiStatus::InUse => CmdbMsg::CiInUse,
        CiStatus::Maintenance => CmdbMsg::CiMaintenance,
        CiStatus::Retired => CmdbMsg::CiRetired,
    };
    i18n::t(lang, m)
}

/// "checkout runs on vm-12".
pub(crate) fn relation_text(lang: Lang, kind: RelationType, from: &str, to: &str) -> String {
    let m = match kind {
        RelationType::DependsOn => CmdbMsg::MapDependsOn,
        RelationType::RunsOn => CmdbMsg::MapRunsOn,
        RelationType::HostedOn => CmdbMsg::MapHostedOn,
        RelationType::Uses => CmdbMsg::MapUses,
        RelationType::MemberOf => CmdbMsg::MapMemberOf,
        RelationType::ConnectedTo => CmdbMsg::MapConnectedTo,
    };
    i18n::tf(lang, m, &[("from", from), ("to", to)])
}

/// One decimal is plenty for screen units and keeps the markup short.
pub(crate) fn r1(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

/// A polyline as path data, to one decimal.
pub(crate) fn path_data(points: &[(f32, f32)]) -> String {
    let mut d = String::with_capacity(points.len() * 16);
    for (i, (x, y)) in points.iter().enumerate() {
        let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" });
    }
    d
}

/// The tallest the map is drawn, in pixels: taller maps shrink to fit.
const MAX_HEIGHT: f32 = 560.0;

/// The map as an inline SVG element. It fits the width of its box (the
/// `viewBox` scales it, so it works without JavaScript); `data-focus` is the
/// centre of the focused CI, where app.js zooms in when the whole map
/// would be too small to read.
pub fn render_svg(input: &MapInput) -> Markup {
    let opt = LayoutOptions::default();
    let lang = input.lang;
    let by_id: HashMap<i64, &MapNode> = input.nodes.iter().rev().map(|n| (n.id, n)).collect();
    // The focus first: the layout starts its walk there.
    let ids: Vec<i64> = std::iter::once(input.focus)
        .filter(|f| by_id.contains_key(f))
        .chain(input.nodes.iter().map(|n| n.id).filter(|&id| id != input.focus))
        .collect();
    let l = layout(&ids, &input.relations, &opt);
    let label = |id: i64| by_id.get(&id).map_or("", |n| n.label.as_str());

    // The legend: the classes present, by name, wrapped into rows.
    let mut classes: Vec<(&str, &str)> =
        input.nodes.iter().map(|n| (n.class_name.as_str(), n.class_key.as_str())).collect();
    classes.sort_unstable();
    classes.dedup();
    let wrap = l.width.max(320.0) - opt.margin;
    let (mut lx, mut ly) = (opt.margin, l.height.max(opt.margin) + 4.0);
    let mut legend = Vec::with_capacity(classes.len());
    for (name, key) in classes {
        let shown: f32 = fit(name, LEGEND_TEXT, 12.0).chars().map(em).sum::<f32>() * 12.0;
        let w = 12.0 + 6.0 + shown + 18.0;
        if lx + w > wrap && lx > opt.margin {
            (lx, ly) = (opt.margin, ly + LEGEND_ROW);
        }
        legend.push((r1(lx), r1(ly), name, fit(name, LEGEND_TEXT, 12.0), key));
        lx += w;
    }
    let width = l.width.max(320.0);
    let height = if legend.is_empty() { l.height } else { ly + LEGEND_ROW };
    let (hw, hh) = (opt.node_w / 2.0, opt.node_h / 2.0);
    let aria = i18n::tf(lang, CmdbMsg::MapLabel, &[("name", label(input.focus))]);
    let focus = l.nodes.iter().find(|p| p.id == input.focus).map_or((width / 2.0, height / 2.0), |p| (p.x, p.y));

    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="service-map" role="group" aria-label=(aria)
            viewBox={ "0 0 " (width.ceil()) " " (height.ceil()) } width="100%" height=(height.ceil().min(MAX_HEIGHT))
            data-focus={ (r1(focus.0)) " " (r1(focus.1)) }
            font-family="system-ui, sans-serif" font-size="12" {
            defs {
                marker id="sm-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
                    orient="auto-start-reverse" { path d="M0 0 L10 5 L0 10 z" fill=(EDGE) {} }
            }
            g class="edges" fill="none" stroke=(EDGE) stroke-width="1.5" {
                @for e in &l.edges {
                    @let link = e.relation.kind == RelationType::ConnectedTo;
                    path class={ "edge rel-" (e.relation.kind.as_str()) } d=(path_data(&e.points))
                        stroke-dasharray=[link.then_some("5 4")] marker-end=[(!link).then_some("url(#sm-arrow)")] {
                        title { (relation_text(lang, e.relation.kind, label(e.relation.from), label(e.relation.to))) }
                    }
                }
            }
            g class="nodes" {
                @for p in &l.nodes {
                    @if let Some(n) = by_id.get(&p.id) {
                        (node(n, p.x - hw, p.y - hh, n.id == input.focus, lang, &opt))
                    }
                }
            }
            @if !legend.is_empty() {
                g class="legend" fill=(MUTED) {
                    @for (x, y, name, shown, key) in &legend {
                        rect x=(x) y=(y) width="12" height="12" rx="3" fill=(colours(key).0) stroke=(colours(key).1) {}
                        text x=(x + 18.0) y=(y + 10.0) {
                            @if shown.as_str() != *name { title { (name) } }
                            (shown)
                        }
                    }
                }
            }
        }
    }
}

/// One CI: a link around its box, label and class, with a tooltip.
fn node(n: &MapNode, x: f32, y: f32, focus: bool, lang: Lang, opt: &LayoutOptions) -> Markup {
    let (fill, class_stroke) = colours(&n.class_key);
    let status = n.status.as_str();
    let (fill, stroke, dash, opacity) = match n.status {
        CiStatus::Retired => ("#f1f5f9", "#94a3b8", Some("6 4"), Some("0.6")),
        CiStatus::Maintenance => (fill, AMBER, None, None),
        CiStatus::Planned => (fill, if focus { TEXT } else { class_stroke }, Some("2 3"), None),
        CiStatus::InUse => (fill, if focus { TEXT } else { class_stroke }, None, None),
    };
    let width = match (focus, n.status) {
        (true, _) => "3",
        (false, CiStatus::Maintenance) => "2.5",
        _ => "1.5",
    };
    let (x, y, cx) = (r1(x), r1(y), r1(x + opt.node_w / 2.0));
    html! {
        a class={ "node cls-" (n.class_key) " st-" (status) @if focus { " focus" } } href=(n.href) data-ci=(n.id)
            opacity=[opacity] {
            title { (n.label) " (" (n.class_name) ", " (status_text(lang, n.status)) ")" }
            rect x=(x) y=(y) width=(opt.node_w) height=(opt.node_h) rx="6" fill=(fill) stroke=(stroke)
                stroke-width=(width) stroke-dasharray=[dash] {}
            text x=(cx) y=(y + 17.0) text-anchor="middle" fill=(TEXT) font-weight=[focus.then_some("600")] {
                (fit(&n.label, opt.node_w - 2.0 * TEXT_PAD, 12.0))
            }
            text x=(cx) y=(y + 31.0) text-anchor="middle" fill=(MUTED) font-size="10" {
                (fit(&n.class_name, opt.node_w - 2.0 * TEXT_PAD, 10.0))
            }
        }
    }
}

#[cfg(test)]
mod tests;
