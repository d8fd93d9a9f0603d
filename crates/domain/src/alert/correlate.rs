//! Correlation of failing CIs through the CMDB: which failures belong
//! together, and which of them is the probable cause.
//!
//! Two failing CIs are *related* when one depends on the other along the
//! relations that carry failure (see [`Graph::dependencies`]), within the
//! depth. Related CIs whose starts lie within the window of each other join
//! one group (union-find over those pairs), so a group may chain: a DB, the
//! app on it a minute later, the service on the app a minute after that.
//!
//! Inside a group a member depends on another when it is related to it,
//! whatever their starts (the window only decides who is grouped). A member
//! none of whose dependencies fails in its group is a probable cause. When
//! failures depend on each other in a cycle, no member of the cycle is free
//! of failing dependencies; a cycle nothing else in the group explains (a
//! root of the condensed graph) names its earliest-started member the cause.
//! Every other member is a symptom of its nearest cause (fewest hops, then
//! the earliest cause), with the chain of relations that explains it. A
//! chain is kept as links between members (each symptom names the member it
//! is reached through and the relations from there), so the output stays
//! linear in the members however long the chains; [`Group::explain`] joins
//! them.
//!
//! Pure and deterministic: the result depends on the set of failing CIs and
//! the graph, not on the order the CIs are given in. Live relations only.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use serde::Serialize;

use super::Problems;
use crate::cmdb::graph::{Graph, Step};
use crate::code::Code;

/// At most this many failing CIs (entries) per call: each one costs a walk
/// of what it stands on (a symptom a second one, for its path), so a call
/// is at most 20,000 walks of `max_depth` hops; the caller correlates the
/// rest alone or later.
pub const MAX_FAILING: usize = 10_000;
/// The deepest dependency chain looked at (hops).
pub const MAX_DEPTH: u32 = 10;

/// A failing CI and when it started failing (the earliest start of its
/// firing alerts, µs since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failing {
    pub ci: i64,
    pub started_at: i64,
}

/// The failures that belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// By start, then CI id.
    pub members: Vec<Member>,
    /// The probable causes' CI ids, in the members' order (never empty).
    pub causes: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub ci: i64,
    pub started_at: i64,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Cause,
    /// Affected by `cause`, through `via`: the cause itself, or the member
    /// nearer to the cause this one depends on when the cause is further
    /// than the depth (or beyond a cycle). `path` leads from `via` to this
    /// member, each step naming the CI reached and the relation that carried
    /// the failure; [`Group::explain`] gives the whole chain from the cause.
    Symptom {
        cause: i64,
        via: i64,
        path: Vec<Step>,
    },
}

/// What identifies a group for opening an incident: its first cause (the
/// earliest-started, then the lowest id) and the moment that CI started
/// failing. It reads "this CI's failure that began then", so re-running
/// correlation while the cause's alerts keep firing gives the same key, and
/// the same CI failing again later gives a new one. A unique index on it in
/// the store keeps several nodes from opening two incidents for one group.
///
/// The key follows the cause: when a deeper failure is reported after its
/// symptoms, the group gets a new first cause and so a new key. Code that
/// opens incidents first looks for an open incident holding any member
/// (see [`group_of`]) and only opens one under the key when there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CorrelationKey {
    pub cause: i64,
    pub started_at: i64,
}

impl Group {
    pub fn key(&self) -> CorrelationKey {
        let cause = self.causes.first().copied().unwrap_or_default();
        let started_at = self.member(cause).map_or(self.started_at(), |m| m.started_at);
        CorrelationKey { cause, started_at }
    }

    /// The earliest start among the members.
    pub fn started_at(&self) -> i64 {
        self.members.first().map_or(0, |m| m.started_at)
    }

    pub fn member(&self, ci: i64) -> Option<&Member> {
        self.members.iter().find(|m| m.ci == ci)
    }

    /// The chain of relations from `ci`'s cause to `ci` (empty for a cause
    /// or a CI not in the group): the links through each `via`, joined.
    pub fn explain(&self, ci: i64) -> Vec<Step> {
        let mut links: Vec<&[Step]> = Vec::new();
        let mut at = ci;
        // Each `via` is strictly nearer to the cause: the members bound the walk.
        for _ in 0..self.members.len() {
            match self.member(at).map(|m| &m.role) {
                Some(Role::Symptom { via, path, .. }) => {
                    links.push(path);
                    at = *via;
                }
                _ => break,
            }
        }
        links.into_iter().rev().flatten().cloned().collect()
    }

    pub fn contains(&self, ci: i64) -> bool {
        self.member(ci).is_some()
    }
}

/// The index of the group `ci` is in.
pub fn group_of(groups: &[Group], ci: i64) -> Option<usize> {
    groups.iter().position(|g| g.contains(ci))
}

/// Groups the failing CIs, ordered by earliest start then lowest CI id. A
/// CI listed twice counts once, with its earliest start. `window` is in µs;
/// `max_depth` in hops (1 to [`MAX_DEPTH`]).
pub fn correlate(graph: &Graph, failing: &[Failing], window: i64, max_depth: u32) -> Result<Vec<Group>, Problems> {
    check(failing.len(), window, max_depth)?;
    let nodes = canonical(failing);
    let index: HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, f)| (f.ci, i)).collect();
    let n = nodes.len();

    // deps[i]: the failing CIs node i depends on, with the hops to each.
    let mut deps: Vec<Vec<(usize, u32)>> = vec![Vec::new(); n];
    let mut sets = UnionFind::new(n);
    for (i, f) in nodes.iter().enumerate() {
        for r in graph.dependencies(&[f.ci], max_depth) {
            if let Some(&j) = index.get(&r.ci) {
                deps[i].push((j, r.depth));
                if f.started_at.abs_diff(nodes[j].started_at) <= window.unsigned_abs() {
                    sets.union(i, j);
                }
            }
        }
    }
    let group: Vec<usize> = (0..n).map(|i| sets.find(i)).collect();
    for (i, d) in deps.iter_mut().enumerate() {
        d.retain(|&(j, _)| group[j] == group[i]);
    }

    let cause = causes(&deps);
    let nearest = nearest_cause(&deps, &cause);

    // Nodes are in canonical order, so each group's members are too, and the
    // groups come out ordered by their first member.
    let mut slot: HashMap<usize, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for (i, f) in nodes.iter().enumerate() {
        let g = *slot.entry(group[i]).or_insert_with(|| {
            groups.push(Group { members: Vec::new(), causes: Vec::new() });
            groups.len() - 1
        });
        let role = match nearest[i] {
            Some((_, via, c)) if c != i => Role::Symptom {
                cause: nodes[c].ci,
                via: nodes[via].ci,
                path: link(graph, nodes[i].ci, nodes[via].ci, max_depth),
            },
            // A cause, or (never, by construction) a member no cause explains.
            _ => Role::Cause,
        };
        if role == Role::Cause {
            groups[g].causes.push(f.ci);
        }
        groups[g].members.push(Member { ci: f.ci, started_at: f.started_at, role });
    }
    Ok(groups)
}

fn check(count: usize, window: i64, max_depth: u32) -> Result<(), Problems> {
    let mut problems = Problems::new();
    if count > MAX_FAILING {
        let msg = Code::TooMany.msg(format!("at most {MAX_FAILING} failing CIs at once")).with("max", MAX_FAILING);
        problems.push(("failing".to_owned(), msg));
    }
    if window <= 0 {
        problems.push(("window".to_owned(), Code::Positive.msg("must be longer than zero")));
    }
    if !(1..=MAX_DEPTH).contains(&max_depth) {
        let msg = Code::Between.msg(format!("must be between 1 and {MAX_DEPTH}")).with("min", 1).with("max", MAX_DEPTH);
        problems.push(("max_depth".to_owned(), msg));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// One entry per CI (its earliest start), ordered by start then id.
fn canonical(failing: &[Failing]) -> Vec<Failing> {
    let mut first: BTreeMap<i64, i64> = BTreeMap::new();
    for f in failing {
        first.entry(f.ci).and_modify(|s| *s = (*s).min(f.started_at)).or_insert(f.started_at);
    }
    let mut nodes: Vec<Failing> = first.into_iter().map(|(ci, started_at)| Failing { ci, started_at }).collect();
    nodes.sort_by_key(|f| (f.started_at, f.ci));
    nodes
}

/// Per node, whether it is a cause: it has no dependency in its group, or it
/// is the first node (canonical order) of a cycle with no dependency outside
/// itself.
fn causes(deps: &[Vec<(usize, u32)>]) -> Vec<bool> {
    let comp = components(deps);
    let mut root = vec![true; deps.len()];
    for (i, d) in deps.iter().enumerate() {
        if d.iter().any(|&(j, _)| comp[j] != comp[i]) {
            root[comp[i]] = false;
        }
    }
    let mut named = vec![false; deps.len()];
    let mut cause = vec![false; deps.len()];
    for i in 0..deps.len() {
        if root[comp[i]] && !named[comp[i]] {
            named[comp[i]] = true;
            cause[i] = true;
        }
    }
    cause
}

/// Per node: (hops, next node towards the cause, the cause), by a shortest
/// path search from every cause at once against the dependency direction;
/// ties go to the earlier cause. Every node of a group reaches a cause: out
/// of any cycle a path leads down to a root component, which has one.
fn nearest_cause(deps: &[Vec<(usize, u32)>], cause: &[bool]) -> Vec<Option<(u64, usize, usize)>> {
    let n = deps.len();
    let mut dependents: Vec<Vec<(usize, u32)>> = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &(j, hops) in d {
            dependents[j].push((i, hops));
        }
    }
    let mut best: Vec<Option<(u64, usize, usize)>> = vec![None; n];
    let mut heap = BinaryHeap::new();
    for (i, _) in cause.iter().enumerate().filter(|(_, c)| **c) {
        best[i] = Some((0, i, i));
        heap.push(Reverse((0u64, i, i)));
    }
    while let Some(Reverse((hops, c, at))) = heap.pop() {
        if best[at].is_some_and(|(h, _, bc)| (h, bc) < (hops, c)) {
            continue;
        }
        for &(dependent, d) in &dependents[at] {
            let key = (hops + u64::from(d), c);
            if cause[dependent] || best[dependent].is_some_and(|(h, _, bc)| (h, bc) <= key) {
                continue;
            }
            best[dependent] = Some((key.0, at, c));
            heap.push(Reverse((key.0, c, dependent)));
        }
    }
    best
}

/// The relations from `via` up to `ci`, which depends on it: the shortest
/// way down from `ci`, turned around.
fn link(graph: &Graph, ci: i64, via: i64, max_depth: u32) -> Vec<Step> {
    // A second walk rather than keeping every walk's paths: only the chosen
    // link needs one, and memory stays linear in the number of members.
    let down = graph.dependencies(&[ci], max_depth).into_iter().find(|r| r.ci == via);
    let steps = down.map(|r| r.path).unwrap_or_default();
    // Down: ci -> c1 -> … -> via. Up: via -> … -> c1 -> ci, each step
    // reached through the same relation.
    let mut from = ci;
    let mut up: Vec<Step> = steps
        .iter()
        .map(|s| {
            let step = Step { ci: from, relation: s.relation };
            from = s.ci;
            step
        })
        .collect();
    up.reverse();
    up
}

/// Tarjan's strongly connected components, without recursion (a chain of
/// 10,000 failures must not overflow the stack). Returns a component id per
/// node.
fn components(deps: &[Vec<(usize, u32)>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = deps.len();
    let (mut index, mut low, mut comp) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let (mut next, mut count) = (0, 0);
    for s in 0..n {
        if index[s] != NONE {
            continue;
        }
        let mut calls: Vec<(usize, usize)> = vec![(s, 0)];
        index[s] = next;
        low[s] = next;
        next += 1;
        stack.push(s);
        on_stack[s] = true;
        while let Some(&(v, pos)) = calls.last() {
            if let Some(&(w, _)) = deps[v].get(pos) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(u, _)) = calls.last() {
                low[u] = low[u].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = count;
                    if w == v {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The lower index stays the root; any choice would do.
        self.parent[a.max(b)] = a.min(b);
    }
}

#[cfg(test)]
#[path = "correlate_tests.rs"]
mod tests;
