//! The CMDB service map: layout and SVG of a 200-CI neighbourhood.

use super::{load_average, ms, percentile};
use anyhow::{Result, bail};
use clap::Args;
use std::{path::PathBuf, time::Instant};
use steward_domain::cmdb::{CiStatus, Graph, LayoutOptions, Relation, RelationType, layout};
use steward_web::{
    i18n::Lang,
    ui::service_map::{MapInput, MapNode, render_svg},
};

#[derive(Args)]
pub struct MapArgs {
    /// Renders to time.
    #[arg(long, default_value_t = 200)]
    iterations: usize,
    /// Also write the SVG here, to look at.
    #[arg(long)]
    svg: Option<PathBuf>,
    /// Crossing-reduction sweeps for the layout timed alone (the SVG uses
    /// the default), to weigh quality against time.
    #[arg(long)]
    sweeps: Option<usize>,
}

/// Classes and how many CIs of each: 200 in all.
const CLASSES: [(&str, &str, usize); 11] = [
    ("business_service", "Business service", 8),
    ("technical_service", "Technical service", 6),
    ("application", "Application", 40),
    ("container", "Container", 16),
    ("virtual_machine", "Virtual machine", 70),
    ("server", "Server", 12),
    ("database", "Database", 16),
    ("db_cluster", "Database cluster", 2),
    ("storage", "Storage", 6),
    ("network_device", "Network device", 20),
    ("location", "Location", 4),
];

/// A shop's estate: services use applications, which run on VMs and
/// containers, use databases (members of two clusters) and depend on
/// technical services and each other; VMs sit on hypervisors, which stand
/// on storage and a location; switches, routers and firewalls link them.
/// Two cycles: a cluster depends on the monitoring application that uses
/// one of its databases, and two applications depend on each other.
fn estate() -> (Vec<MapNode>, Vec<Relation>) {
    let mut nodes = Vec::new();
    let mut first = Vec::new();
    for (key, name, count) in CLASSES {
        first.push(nodes.len() as i64 + 1);
        for i in 0..count {
            let id = nodes.len() as i64 + 1;
            // Mostly in use, a few of each other status.
            let status = match id % 17 {
                3 => CiStatus::Maintenance,
                7 => CiStatus::Planned,
                11 => CiStatus::Retired,
                _ => CiStatus::InUse,
            };
            nodes.push(MapNode {
                id,
                label: format!("{}-{:02}", key.replace('_', "-"), i + 1),
                class_key: key.into(),
                class_name: name.into(),
                status,
                href: format!("/cmdb/cis/{id}"),
            });
        }
    }
    let of = |class: usize, i: usize| first[class] + (i % CLASSES[class].2) as i64;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut pick = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    use RelationType::*;
    let mut rels = Vec::new();
    let mut add = |from: i64, kind, to: i64| rels.push(Relation { from, to, kind });
    let (bs, ts, app, ctr, vm, srv, db, cl, sto, net, loc) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    for i in 0..8 {
        for _ in 0..4 {
            add(of(bs, i), Uses, of(app, pick(40)));
        }
        add(of(bs, i), DependsOn, of(ts, i));
    }
    for i in 0..6 {
        add(of(ts, i), Uses, of(app, 30 + i));
        add(of(ts, i), Uses, of(app, 36 + i % 4));
    }
    // Applications 30..39 are the platform the technical services offer;
    // the others depend on those services, 20..29 are back ends of 0..19.
    for i in 0..40 {
        add(of(app, i), RunsOn, of(vm, 2 * i));
        add(of(app, i), RunsOn, of(vm, 2 * i + 1));
        add(of(app, i), Uses, of(db, pick(16)));
        if i < 30 {
            add(of(app, i), DependsOn, of(ts, pick(6)));
        }
        if i < 20 && i % 2 == 0 {
            add(of(app, i), DependsOn, of(app, 20 + pick(10)));
        }
        if i < 16 {
            add(of(app, i), RunsOn, of(ctr, i));
        }
    }
    for i in 0..16 {
        add(of(ctr, i), HostedOn, of(vm, 60 + i % 10));
        add(of(db, i), RunsOn, of(vm, 40 + i));
        add(of(db, i), MemberOf, of(cl, i));
    }
    for i in 0..70 {
        add(of(vm, i), HostedOn, of(srv, i));
        add(of(vm, i), ConnectedTo, of(net, pick(14)));
    }
    for i in 0..12 {
        add(of(srv, i), DependsOn, of(sto, i));
        add(of(srv, i), DependsOn, of(sto, i + 3));
        add(of(srv, i), DependsOn, of(loc, i));
        add(of(srv, i), ConnectedTo, of(net, i));
        add(of(srv, i), ConnectedTo, of(net, i + 7));
    }
    for i in 0..2 {
        add(of(cl, i), DependsOn, of(sto, 2 * i));
        add(of(cl, i), DependsOn, of(sto, 2 * i + 1));
    }
    for i in 0..14 {
        add(of(net, i), ConnectedTo, of(net, 14 + i % 4));
        add(of(net, i), ConnectedTo, of(net, 14 + (i + 1) % 4));
    }
    for i in 14..18 {
        add(of(net, i), ConnectedTo, of(net, 18 + i % 2));
    }
    add(of(cl, 0), DependsOn, of(app, 0));
    add(of(app, 0), Uses, of(db, 0));
    add(of(app, 5), DependsOn, of(app, 6));
    add(of(app, 6), DependsOn, of(app, 5));
    (nodes, rels)
}

/// Layout and SVG of a 200-CI neighbourhood, timed: the neighbourhood is
/// taken from the graph once, as the page would, then drawn many times.
pub fn map(a: MapArgs) -> Result<()> {
    if a.iterations == 0 {
        bail!("--iterations must be positive");
    }
    let (all, rels) = estate();
    let graph = Graph::new(rels);
    let focus = all[0].id;
    let (ids, relations) = graph.neighbourhood(focus, 20, None, 200);
    let nodes: Vec<MapNode> = ids.iter().filter_map(|id| all.iter().find(|n| n.id == *id).cloned()).collect();
    let input = MapInput { nodes, relations, focus, lang: Lang::En };
    let defaults = LayoutOptions::default();
    let opt = LayoutOptions { sweeps: a.sweeps.unwrap_or(defaults.sweeps), ..defaults };

    let mut layout_times = Vec::with_capacity(a.iterations);
    let mut times = Vec::with_capacity(a.iterations);
    let mut svg = String::new();
    for _ in 0..a.iterations {
        let t = Instant::now();
        let l = layout(&ids, &input.relations, &opt);
        layout_times.push(t.elapsed());
        std::hint::black_box(l);
        let t = Instant::now();
        svg = render_svg(&input).into_string();
        times.push(t.elapsed());
    }
    layout_times.sort();
    times.sort();
    let l = layout(&ids, &input.relations, &opt);
    println!(
        "map: {} CIs, {} relations, {} layers, {} crossings, {:.0}×{:.0} units; SVG {} bytes ({:.1} KiB)",
        input.nodes.len(),
        input.relations.len(),
        l.layers,
        l.crossings,
        l.width,
        l.height,
        svg.len(),
        svg.len() as f64 / 1024.0
    );
    println!(
        "map: layout alone ({} sweeps) p50 {} p95 {} max {}",
        opt.sweeps,
        ms(percentile(&layout_times, 0.5)),
        ms(percentile(&layout_times, 0.95)),
        ms(layout_times.last().copied().unwrap_or_default()),
    );
    println!(
        "map: layout + SVG p50 {} p95 {} max {} over {} renders (load average {})",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times.last().copied().unwrap_or_default()),
        a.iterations,
        load_average()
    );
    if let Some(path) = a.svg {
        std::fs::write(&path, &svg)?;
        println!("map: SVG written to {}", path.display());
    }
    Ok(())
}
