//! A layered (Sugiyama-style) layout of a CI's neighbourhood, for the
//! service map: services on top, what they stand on below.
//!
//! The steps are the classic ones, each kept simple: back edges found by a
//! depth-first walk are reversed (the CMDB allows cycles), layers are
//! longest paths to the bottom (what stands on nothing recorded hangs just
//! below its users), edges spanning several layers pass through
//! dummy nodes, a few barycentre sweeps reduce crossings (the best order
//! seen is kept), and x coordinates are pulled toward the neighbours'
//! barycentre while keeping every layer in order and without overlap.
//!
//! `connected_to` places no order: a CI with only network links is put one
//! layer below the CIs it is linked to, and a link between two CIs that
//! other relations already placed is drawn wherever they are.
//!
//! Everything is deterministic: only the input order breaks ties.

use super::graph::{Relation, RelationType};
use std::collections::{HashMap, HashSet};

/// Box sizes and spacing, in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutOptions {
    pub node_w: f32,
    pub node_h: f32,
    /// Between two boxes in one layer.
    pub h_gap: f32,
    /// Between two layers.
    pub v_gap: f32,
    /// Around the whole drawing.
    pub margin: f32,
    /// Down-and-up barycentre sweeps for crossing reduction.
    pub sweeps: usize,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        Self { node_w: 160.0, node_h: 40.0, h_gap: 24.0, v_gap: 56.0, margin: 16.0, sweeps: 4 }
    }
}

/// A CI's box: `x`, `y` are its centre; `order` its place from the left.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub id: i64,
    pub layer: u32,
    pub order: u32,
    pub x: f32,
    pub y: f32,
}

/// A relation's line, from `relation.from`'s box to `relation.to`'s box.
/// `reversed`: an ordered relation drawn against its direction to break a
/// cycle (its upper CI ends up below).
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub relation: Relation,
    pub points: Vec<(f32, f32)>,
    pub reversed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// In the order of the input ids, duplicates dropped.
    pub nodes: Vec<Placed>,
    /// Distinct relations between placed CIs, self-loops dropped.
    pub edges: Vec<Routed>,
    pub width: f32,
    pub height: f32,
    pub layers: u32,
    /// Line crossings between adjacent layers, as left by the sweeps.
    pub crossings: usize,
}

/// Which end of a relation is drawn above: `(upper, lower)`, or None when
/// the relation places no order (a network link).
pub fn upper_lower(r: &Relation) -> Option<(i64, i64)> {
    match r.kind {
        RelationType::DependsOn | RelationType::RunsOn | RelationType::HostedOn | RelationType::Uses => {
            Some((r.from, r.to))
        }
        // The cluster sits above its members.
        RelationType::MemberOf => Some((r.to, r.from)),
        RelationType::ConnectedTo => None,
    }
}

/// How a relation is drawn: along a chain of layout edges, or flat between
/// two CIs of one layer (a network link).
enum Route {
    Chain(usize),
    Flat,
}

/// Dummy nodes are narrow: they only carry a line through a layer.
const DUMMY_W: f32 = 8.0;

/// The width of node `u`: real nodes come first, dummies after `n`.
fn box_w(u: usize, n: usize, opt: &LayoutOptions) -> f32 {
    if u < n { opt.node_w } else { DUMMY_W }
}

/// Lays out `ids` (the first is the focus) and the `relations` among them;
/// relations naming other CIs are ignored.
pub fn layout(ids: &[i64], relations: &[Relation], opt: &LayoutOptions) -> Layout {
    let mut index: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
    let mut real: Vec<i64> = Vec::with_capacity(ids.len());
    for &id in ids {
        index.entry(id).or_insert_with(|| {
            real.push(id);
            real.len() - 1
        });
    }
    let n = real.len();
    let mut seen = HashSet::new();
    let rels: Vec<(Relation, usize, usize)> = relations
        .iter()
        .filter(|r| r.from != r.to && seen.insert(**r))
        .filter_map(|r| Some((*r, *index.get(&r.from)?, *index.get(&r.to)?)))
        .collect();

    // Ordered pairs (upper, lower), distinct; cycles broken by reversal.
    let mut pair_ix: HashMap<(usize, usize), usize> = HashMap::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let rel_pair: Vec<Option<usize>> = rels
        .iter()
        .map(|(r, f, t)| {
            let (u, l) = match upper_lower(r)? {
                (up, _) if up == r.from => (*f, *t),
                _ => (*t, *f),
            };
            Some(*pair_ix.entry((u, l)).or_insert_with(|| {
                pairs.push((u, l));
                pairs.len() - 1
            }))
        })
        .collect();
    let reversed = break_cycles(n, &pairs);
    let down_pair = |p: usize| if reversed[p] { (pairs[p].1, pairs[p].0) } else { pairs[p] };

    let layer = assign_layers(n, &pairs, &reversed, &rels);
    let layers = layer.iter().max().map_or(0, |l| l + 1) as usize;

    // Layout edges (top, bottom), distinct, each a chain through dummies.
    let mut vlayer: Vec<u32> = layer.clone();
    let mut chains: Vec<Vec<usize>> = Vec::new();
    let mut chain_ix: HashMap<(usize, usize), usize> = HashMap::new();
    let routes: Vec<Route> = rels
        .iter()
        .zip(&rel_pair)
        .map(|((_, f, t), p)| {
            let (top, bottom) = match p {
                Some(p) => down_pair(*p),
                None if layer[*f] == layer[*t] => return Route::Flat,
                None if layer[*f] < layer[*t] => (*f, *t),
                None => (*t, *f),
            };
            Route::Chain(*chain_ix.entry((top, bottom)).or_insert_with(|| {
                let mut chain = vec![top];
                for l in layer[top] + 1..layer[bottom] {
                    chain.push(vlayer.len());
                    vlayer.push(l);
                }
                chain.push(bottom);
                chains.push(chain);
                chains.len() - 1
            }))
        })
        .collect();
    let v = vlayer.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); v];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); v];
    for c in &chains {
        for w in c.windows(2) {
            down[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }

    let (order, crossings) = reduce_crossings(initial_order(layers, &vlayer, &down, n), &up, &down, opt.sweeps);
    let width_of = |u: usize| box_w(u, n, opt);
    let x = place_x(&order, &up, &down, n, opt);

    // Shift everything right of the margin; y follows the layer.
    let min_left = (0..v).map(|u| x[u] - width_of(u) / 2.0).fold(f32::INFINITY, f32::min);
    let shift = if min_left.is_finite() { opt.margin - min_left } else { 0.0 };
    let max_right = (0..v).map(|u| x[u] + width_of(u) / 2.0 + shift).fold(0.0, f32::max);
    let y_of = |u: usize| opt.margin + opt.node_h / 2.0 + vlayer[u] as f32 * (opt.node_h + opt.v_gap);
    let pt = |u: usize| (x[u] + shift, y_of(u));
    let mut pos = vec![0u32; v];
    for row in &order {
        for (i, &u) in row.iter().enumerate() {
            pos[u] = i as u32;
        }
    }

    let half = opt.node_h / 2.0;
    let edges: Vec<Routed> = rels
        .iter()
        .zip(&routes)
        .zip(&rel_pair)
        .map(|(((r, f, t), route), p)| {
            let points = match route {
                Route::Chain(c) => {
                    let chain = &chains[*c];
                    let mut pts = Vec::with_capacity(chain.len() * 2);
                    for (i, &u) in chain.iter().enumerate() {
                        let (cx, cy) = pt(u);
                        // Leave the top box at its bottom, enter the bottom box at
                        // its top, and cross each layer between vertically.
                        if i > 0 {
                            pts.push((cx, cy - half));
                        }
                        if i + 1 < chain.len() {
                            pts.push((cx, cy + half));
                        }
                    }
                    if chain[0] != *f {
                        pts.reverse();
                    }
                    pts
                }
                Route::Flat => flat_points(pt(*f), pt(*t), pos[*f].abs_diff(pos[*t]) == 1, opt),
            };
            Routed { relation: *r, points, reversed: p.is_some_and(|p| reversed[p]) }
        })
        .collect();

    let nodes =
        (0..n).map(|u| Placed { id: real[u], layer: layer[u], order: pos[u], x: pt(u).0, y: pt(u).1 }).collect();
    let (width, mut height) = match layers {
        0 => (0.0, 0.0),
        k => (max_right + opt.margin, 2.0 * opt.margin + k as f32 * opt.node_h + (k - 1) as f32 * opt.v_gap),
    };
    // A flat link in the bottom layer dips below it.
    if let Some(lowest) = edges.iter().flat_map(|e| e.points.iter().map(|p| p.1)).reduce(f32::max) {
        height = height.max(lowest + opt.margin);
    }
    Layout { nodes, edges, width, height, layers: layers as u32, crossings }
}

/// A link between two CIs of one layer: side to side when they are next to
/// each other, else a dip into the gap below so it does not cross the boxes
/// between them.
fn flat_points(a: (f32, f32), b: (f32, f32), adjacent: bool, opt: &LayoutOptions) -> Vec<(f32, f32)> {
    let dir = if b.0 > a.0 { 1.0 } else { -1.0 };
    if adjacent {
        let hw = opt.node_w / 2.0;
        return vec![(a.0 + dir * hw, a.1), (b.0 - dir * hw, b.1)];
    }
    let bottom = a.1 + opt.node_h / 2.0;
    vec![(a.0, bottom), ((a.0 + b.0) / 2.0, bottom + opt.v_gap * 0.4), (b.0, bottom)]
}

/// The pairs to reverse so that the ordered graph has no cycle: the back
/// edges of a depth-first walk that starts from the CIs nothing stands on.
fn break_cycles(n: usize, pairs: &[(usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_upper = vec![false; n];
    for (p, &(u, l)) in pairs.iter().enumerate() {
        out[u].push(p);
        has_upper[l] = true;
    }
    let mut reversed = vec![false; pairs.len()];
    // 0 unvisited, 1 on the walk's stack, 2 done.
    let mut state = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in (0..n).filter(|&u| !has_upper[u]).chain(0..n) {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        stack.push((root, 0));
        while let Some(&(u, i)) = stack.last() {
            let Some(&p) = out[u].get(i) else {
                state[u] = 2;
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let w = pairs[p].1;
            match state[w] {
                0 => {
                    state[w] = 1;
                    stack.push((w, 0));
                }
                1 => reversed[p] = true,
                _ => {}
            }
        }
    }
    reversed
}

/// Longest-path layers for CIs with ordered relations, counted up from the
/// bottom so that the infrastructure lines up (VMs in one row, hypervisors
/// in the next), and services, standing on the longest chains, come out
/// on top. A CI with only network links goes one layer below the lowest
/// placed CI it is linked to, in waves; what is still unplaced (isolated
/// CIs, a network on its own) starts at the top.
fn assign_layers(n: usize, pairs: &[(usize, usize)], reversed: &[bool], rels: &[(Relation, usize, usize)]) -> Vec<u32> {
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    let mut ordered = vec![false; n];
    for (p, &(a, b)) in pairs.iter().enumerate() {
        let (u, l) = if reversed[p] { (b, a) } else { (a, b) };
        down[u].push(l);
        up[l].push(u);
        indeg[l] += 1;
        ordered[u] = true;
        ordered[l] = true;
    }
    // Topological order, then heights above the sinks, latest first.
    let mut topo = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).filter(|&u| indeg[u] == 0).rev().collect();
    while let Some(u) = ready.pop() {
        topo.push(u);
        for &l in &down[u] {
            indeg[l] -= 1;
            if indeg[l] == 0 {
                ready.push(l);
            }
        }
    }
    let mut height = vec![0u32; n];
    for &u in topo.iter().rev() {
        height[u] = down[u].iter().map(|&l| height[l] + 1).max().unwrap_or(0);
    }
    let top = (0..n).filter(|&u| ordered[u]).map(|u| height[u]).max().unwrap_or(0);
    let mut layer: Vec<u32> = height.iter().map(|h| top.saturating_sub(*h)).collect();
    // A CI that stands on nothing recorded hangs just below its lowest
    // user rather than among the bottom layer's infrastructure. (The
    // bottom layer keeps the end of the longest chain, so it stays filled.)
    for u in 0..n {
        if down[u].is_empty() && !up[u].is_empty() {
            layer[u] = up[u].iter().map(|&w| layer[w] + 1).max().unwrap_or(0);
        }
    }
    let mut links: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (r, f, t) in rels {
        if r.kind == RelationType::ConnectedTo {
            links[*f].push(*t);
            links[*t].push(*f);
        }
    }
    let mut placed = ordered;
    loop {
        let wave: Vec<(usize, u32)> = (0..n)
            .filter(|&u| !placed[u])
            .filter_map(|u| Some((u, links[u].iter().filter(|&&w| placed[w]).map(|&w| layer[w]).max()? + 1)))
            .collect();
        if wave.is_empty() {
            match (0..n).find(|&u| !placed[u]) {
                Some(u) => {
                    layer[u] = 0;
                    placed[u] = true;
                }
                None => break,
            }
        }
        for (u, l) in wave {
            layer[u] = l;
            placed[u] = true;
        }
    }
    layer
}

/// Each layer in the order a depth-first walk from the real nodes (the
/// focus first) reaches its nodes: a start without crossings in trees.
fn initial_order(layers: usize, vlayer: &[u32], down: &[Vec<usize>], n: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); layers];
    let mut seen = vec![false; vlayer.len()];
    let mut stack = Vec::new();
    for root in (0..n).chain(n..vlayer.len()) {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        stack.push(root);
        while let Some(u) = stack.pop() {
            order[vlayer[u] as usize].push(u);
            for &w in down[u].iter().rev() {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
    }
    order
}

/// Barycentre sweeps, down then up; the order with the fewest crossings
/// seen is kept.
fn reduce_crossings(
    mut order: Vec<Vec<usize>>,
    up: &[Vec<usize>],
    down: &[Vec<usize>],
    sweeps: usize,
) -> (Vec<Vec<usize>>, usize) {
    let mut pos = vec![0usize; up.len()];
    let set_pos = |order: &[Vec<usize>], pos: &mut Vec<usize>| {
        for row in order {
            for (i, &u) in row.iter().enumerate() {
                pos[u] = i;
            }
        }
    };
    set_pos(&order, &mut pos);
    let mut best = order.clone();
    let mut best_crossings = crossings(&order, down, &pos);
    for _ in 0..sweeps {
        if best_crossings == 0 {
            break;
        }
        let down_pass = 1..order.len();
        let up_pass = (0..order.len().saturating_sub(1)).rev();
        for (l, fixed) in down_pass.map(|l| (l, up)).chain(up_pass.map(|l| (l, down))) {
            let mut keyed: Vec<(f32, usize)> = order[l]
                .iter()
                .map(|&u| {
                    let nb = &fixed[u];
                    // Without neighbours on the fixed side a node keeps its place.
                    let key = if nb.is_empty() {
                        pos[u] as f32
                    } else {
                        nb.iter().map(|&w| pos[w] as f32).sum::<f32>() / nb.len() as f32
                    };
                    (key, u)
                })
                .collect();
            // Stable: ties keep the current order.
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            order[l] = keyed.into_iter().map(|(_, u)| u).collect();
            for (i, &u) in order[l].iter().enumerate() {
                pos[u] = i;
            }
        }
        let c = crossings(&order, down, &pos);
        if c < best_crossings {
            best_crossings = c;
            best.clone_from(&order);
        }
    }
    (best, best_crossings)
}

/// Edge crossings between adjacent layers: inversions of the lower ends
/// when the edges are sorted by their upper ends, counted with a Fenwick
/// tree.
fn crossings(order: &[Vec<usize>], down: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for l in 0..order.len().saturating_sub(1) {
        let width = order[l + 1].len();
        let mut tree = vec![0usize; width + 1];
        let mut inserted = 0;
        for &u in &order[l] {
            let mut ends: Vec<usize> = down[u].iter().map(|&w| pos[w]).collect();
            ends.sort_unstable();
            // Edges from one node do not cross each other: count all of its
            // ends before inserting any.
            for &e in &ends {
                let mut at_most = 0;
                let mut i = e + 1;
                while i > 0 {
                    at_most += tree[i];
                    i &= i - 1;
                }
                total += inserted - at_most;
            }
            for &e in &ends {
                let mut i = e + 1;
                while i <= width {
                    tree[i] += 1;
                    i += i & i.wrapping_neg();
                }
                inserted += 1;
            }
        }
    }
    total
}

/// x coordinates: packed and centred, then a few passes that pull each
/// node toward the mean x of its neighbours in the layer above (down
/// passes), below (up passes), then both, projected back onto "in order,
/// at least a gap apart".
fn place_x(order: &[Vec<usize>], up: &[Vec<usize>], down: &[Vec<usize>], n: usize, opt: &LayoutOptions) -> Vec<f32> {
    let mut x = vec![0.0f32; up.len()];
    let width_of = |u: usize| box_w(u, n, opt);
    // Lines through dummies may run closer together than boxes.
    let sep = |a: usize, b: usize| {
        (width_of(a) + width_of(b)) / 2.0 + if a < n && b < n { opt.h_gap } else { opt.h_gap / 2.0 }
    };
    for row in order {
        let mut at = 0.0;
        for (i, &u) in row.iter().enumerate() {
            if i > 0 {
                at += sep(row[i - 1], u);
            }
            x[u] = at;
        }
        for &u in row {
            x[u] -= at / 2.0;
        }
    }
    let both: Vec<Vec<usize>> = up.iter().zip(down).map(|(a, b)| a.iter().chain(b).copied().collect()).collect();
    let layers = order.len();
    let passes = (0..4)
        .flat_map(|_| (1..layers).map(|l| (l, up)).chain((0..layers.saturating_sub(1)).rev().map(|l| (l, down))))
        .chain((0..layers).map(|l| (l, both.as_slice())));
    for (l, nbrs) in passes {
        let row = &order[l];
        let desired: Vec<f32> = row
            .iter()
            .map(|&u| match nbrs[u].len() {
                0 => x[u],
                k => nbrs[u].iter().map(|&w| x[w]).sum::<f32>() / k as f32,
            })
            .collect();
        let seps: Vec<f32> = row.windows(2).map(|w| sep(w[0], w[1])).collect();
        for (&u, xi) in row.iter().zip(project(&desired, &seps)) {
            x[u] = xi;
        }
    }
    x
}

/// The positions closest (least squares) to `desired` that keep the order
/// with at least `seps[i]` between neighbours i and i+1: subtracting the
/// cumulative separations turns it into isotonic regression, solved by
/// pooling adjacent violators.
fn project(desired: &[f32], seps: &[f32]) -> Vec<f32> {
    let mut offset = Vec::with_capacity(desired.len());
    let mut acc = 0.0;
    for i in 0..desired.len() {
        if i > 0 {
            acc += seps[i - 1];
        }
        offset.push(acc);
    }
    // Blocks of (sum, count), each a run sharing one value.
    let mut blocks: Vec<(f32, usize)> = Vec::new();
    for (d, o) in desired.iter().zip(&offset) {
        let mut b = (d - o, 1);
        while let Some(&(s, c)) = blocks.last() {
            if s / c as f32 <= b.0 / b.1 as f32 {
                break;
            }
            blocks.pop();
            b = (b.0 + s, b.1 + c);
        }
        blocks.push(b);
    }
    let values = blocks.iter().flat_map(|&(s, c)| std::iter::repeat_n(s / c as f32, c));
    values.zip(&offset).map(|(v, o)| v + o).collect()
}

#[cfg(test)]
mod tests;
