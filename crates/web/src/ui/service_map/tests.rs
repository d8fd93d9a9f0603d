use super::*;
use RelationType::*;

fn ci(id: i64, label: &str, class_key: &str, status: CiStatus) -> MapNode {
    MapNode {
        id,
        label: label.into(),
        class_key: class_key.into(),
        class_name: class_key.replace('_', " "),
        status,
        href: format!("/cmdb/cis/{id}?tab=map&x=1"),
    }
}

fn rel(from: i64, kind: RelationType, to: i64) -> Relation {
    Relation { from, to, kind }
}

fn shop() -> MapInput {
    MapInput {
        nodes: vec![
            ci(1, "Shop", "business_service", CiStatus::InUse),
            ci(2, "checkout", "application", CiStatus::InUse),
            ci(3, "vm-12", "virtual_machine", CiStatus::Maintenance),
            ci(4, "esx-1", "server", CiStatus::Retired),
            ci(5, "orders-db", "database", CiStatus::Planned),
            ci(6, "sw-core", "network_device", CiStatus::InUse),
        ],
        relations: vec![
            rel(1, Uses, 2),
            rel(2, RunsOn, 3),
            rel(3, HostedOn, 4),
            rel(2, Uses, 5),
            rel(4, ConnectedTo, 6),
        ],
        focus: 2,
        lang: Lang::En,
    }
}

/// The opening tag of the element that contains `needle`.
fn tag_with<'a>(svg: &'a str, needle: &str) -> &'a str {
    let at = svg.find(needle).unwrap_or_else(|| panic!("{needle} not in {svg}"));
    let start = svg[..at].rfind('<').unwrap();
    let end = at + svg[at..].find('>').unwrap();
    &svg[start..=end]
}

#[test]
fn every_ci_is_a_link_to_its_page() {
    let svg = render_svg(&shop()).into_string();
    assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" class="service-map" role="group" aria-label="Service map of checkout" viewBox="0 0 "#), "{svg}");
    assert_eq!(svg.matches("<a ").count(), 6);
    for id in 1..=6 {
        let a = tag_with(&svg, &format!(r#"data-ci="{id}""#));
        assert!(a.contains(&format!(r#"href="/cmdb/cis/{id}?tab=map&amp;x=1""#)), "{a}");
    }
    assert!(tag_with(&svg, r#"data-ci="3""#).contains(r#"class="node cls-virtual_machine st-maintenance""#));
    assert!(svg.contains("<title>vm-12 (virtual machine, in maintenance)</title>"));
    // Edges, each said as a sentence; the network link is dashed, no arrow.
    assert_eq!(svg.matches("<path class=\"edge").count(), 5);
    assert!(svg.contains("<title>checkout runs on vm-12</title>"));
    let link = tag_with(&svg, "rel-connected_to");
    assert!(link.contains("stroke-dasharray") && !link.contains("marker-end"), "{link}");
    assert!(tag_with(&svg, "rel-runs_on").contains(r#"marker-end="url(#sm-arrow)""#));
    // The legend names each class present once.
    assert_eq!(svg.matches(">virtual machine</text>").count(), 2, "the box and the legend");
}

#[test]
fn the_focus_stands_out_and_statuses_show() {
    let svg = render_svg(&shop()).into_string();
    let focus = tag_with(&svg, r#"data-ci="2""#);
    assert!(focus.contains("node cls-application st-in_use focus"), "{focus}");
    assert_eq!(svg.matches(" focus\"").count(), 1);
    let rect = |id| {
        let a = svg.find(&format!(r#"data-ci="{id}""#)).unwrap();
        tag_with(&svg[a..], "<rect").to_owned()
    };
    assert!(rect(2).contains(r#"stroke-width="3""#));
    assert!(rect(3).contains(r##"stroke="#d97706""##), "maintenance has an amber border");
    assert!(rect(5).contains(r#"stroke-dasharray="2 3""#), "planned is dotted");
    assert!(rect(4).contains(r#"stroke-dasharray="6 4""#), "retired is dashed");
    assert!(tag_with(&svg, r#"data-ci="4""#).contains(r#"opacity="0.6""#), "and greyed");
}

#[test]
fn names_are_escaped_and_long_ones_cut() {
    let mut input = shop();
    input.nodes[1].label = r#"<script>&"x'"#.into();
    input.nodes[2].label = "a-very-long-virtual-machine-name-indeed".into();
    let svg = render_svg(&input).into_string();
    assert!(!svg.contains("<script>"));
    assert!(svg.contains("&lt;script&gt;&amp;&quot;x'"), "{svg}");
    assert!(svg.contains(">a-very-long-virtual-m…</text>"), "{svg}");
    assert!(svg.contains("<title>a-very-long-virtual-machine-name-indeed (virtual machine, in maintenance)</title>"));
}

#[test]
fn a_ci_alone_still_renders() {
    let input = MapInput {
        nodes: vec![ci(9, "lonely", "admin_thing", CiStatus::InUse)],
        relations: vec![],
        focus: 9,
        lang: Lang::Pl,
    };
    let svg = render_svg(&input).into_string();
    assert_eq!(svg.matches("<a ").count(), 1);
    assert!(!svg.contains("<path class=\"edge"));
    assert!(svg.contains(r#"aria-label="Mapa usług: lonely""#));
    assert!(svg.contains(r#"viewBox="0 0 320 "#), "at least wide enough for the legend: {svg}");
    // It fits its box; app.js zooms around the focus.
    assert!(svg.contains(r#"width="100%""#), "{svg}");
    assert!(svg.contains(r#"data-focus=""#), "{svg}");
    // An admin class gets a palette colour, the same each time.
    assert_eq!(colours("admin_thing"), colours("admin_thing"));
    assert!(PALETTE.iter().any(|(_, fill, _)| *fill == colours("admin_thing").0));

    let nothing = MapInput { nodes: vec![], relations: vec![rel(1, Uses, 2)], focus: 1, lang: Lang::En };
    let svg = render_svg(&nothing).into_string();
    assert!(svg.starts_with("<svg") && !svg.contains("<a "));
}

#[test]
fn helpers() {
    assert_eq!(fit("short", 100.0, 12.0), "short");
    assert_eq!(fit("shorter", 30.0, 10.0), "shor…");
    assert_eq!(fit("ab cdef", 22.0, 10.0), "ab…", "no space before the ellipsis");
    assert_eq!(path_data(&[(1.0, 2.25), (3.0, 4.0)]), "M1.0 2.2 L3.0 4.0");
}

/// What a node's name text says, by the CI's id.
fn shown_name(svg: &str, id: i64) -> String {
    let rest = &svg[svg.find(&format!("data-ci=\"{id}\"")).unwrap()..];
    let text = &rest[rest.find("<text").unwrap()..];
    let start = text.find('>').unwrap() + 1;
    text[start..start + text[start..].find("</text>").unwrap()].to_owned()
}

#[test]
fn names_are_shortened_by_their_width_with_the_full_name_on_hover() {
    let mut input = shop();
    input.nodes[1].label = "WWWWWWWWWWWWWWWWWWWW".into(); // 20 wide letters: more than a box holds
    input.nodes[2].label = "illi-little-fill-list-till".into(); // 26 narrow ones fit
    input.nodes[3].label = "東京データセンター本番クラスタ".into();
    let svg = render_svg(&input).into_string();
    let wide = shown_name(&svg, input.nodes[1].id);
    assert!(wide.ends_with('…') && wide.starts_with("WWW") && wide.chars().count() < 20, "{wide}");
    assert_eq!(shown_name(&svg, input.nodes[2].id), "illi-little-fill-list-till", "not cut when it fits");
    let cjk = shown_name(&svg, input.nodes[3].id);
    assert!(cjk.ends_with('…') && cjk.chars().count() <= 12, "{cjk}");
    for n in &input.nodes[1..4] {
        assert!(svg.contains(&format!("<title>{} (", n.label)), "the full name on hover: {}", n.label);
    }
    let mut input = shop();
    input.nodes[0].class_name = "A class with a name far too long for one legend entry".into();
    let svg = render_svg(&input).into_string();
    assert!(svg.contains("<title>A class with a name far too long for one legend entry</title>"), "{svg}");
}
