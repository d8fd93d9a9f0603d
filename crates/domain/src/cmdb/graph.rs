//! The CMDB's relation graph and impact analysis.
//!
//! Relations are typed and directed as people say them ("the web app runs
//! on vm-12"). Impact flows the other way: when vm-12 fails, the web app is
//! affected. Each relation type says which way a failure travels, so the
//! analysis is one breadth-first walk whatever the mix of types; a visited
//! set makes cycles harmless, and the first (shortest) way a CI is reached
//! is kept as the path that explains why it is affected.
//!
//! Every relation keeps the span it was live (`since` .. `until`), removed
//! ones included, so one graph answers both "now" and "as of a past moment"
//! at the same cost: the walk skips edges that were not live then.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// How two CIs are related: `from` <type> `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationType {
    /// `from` needs `to` to work.
    DependsOn,
    /// Software `from` runs on `to` (a server, a VM, a container host).
    RunsOn,
    /// `from` is hosted on `to` (a VM on a hypervisor, a container on a node).
    HostedOn,
    /// `from` uses `to` (a service uses a database).
    Uses,
    /// `from` is a member of the cluster `to`.
    MemberOf,
    /// A network link; neither depends on the other.
    ConnectedTo,
}

impl RelationType {
    pub const ALL: [RelationType; 6] =
        [Self::DependsOn, Self::RunsOn, Self::HostedOn, Self::Uses, Self::MemberOf, Self::ConnectedTo];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DependsOn => "depends_on",
            Self::RunsOn => "runs_on",
            Self::HostedOn => "hosted_on",
            Self::Uses => "uses",
            Self::MemberOf => "member_of",
            Self::ConnectedTo => "connected_to",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::code::Message> {
        Self::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            let all = Self::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ");
            crate::code::unknown_value(format!("unknown relation type {s:?}: must be one of {all}"), s, all)
        })
    }

    /// Which way a failure travels along `from -> to`.
    fn flow(self) -> Flow {
        match self {
            // The dependent (`from`) suffers when what it needs (`to`) fails.
            Self::DependsOn | Self::RunsOn | Self::HostedOn | Self::Uses => Flow::ToFrom,
            // A member failing degrades its cluster.
            Self::MemberOf => Flow::FromTo,
            Self::ConnectedTo => Flow::None,
        }
    }
}

enum Flow {
    ToFrom,
    FromTo,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Relation {
    pub from: i64,
    pub to: i64,
    pub kind: RelationType,
}

/// One step of an explanation: reached `ci` through `relation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub ci: i64,
    pub relation: Relation,
}

/// A CI reached by the analysis, with the shortest chain that explains it
/// (from one of the starting CIs to this one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reached {
    pub ci: i64,
    pub depth: u32,
    pub path: Vec<Step>,
}

/// A stored relation and the span it was live: `since` inclusive, `until`
/// exclusive (None: still live).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub id: i64,
    pub relation: Relation,
    pub since: i64,
    pub until: Option<i64>,
}

impl Edge {
    /// Live at `at`, or now when `at` is None.
    pub fn live(&self, at: Option<i64>) -> bool {
        match at {
            None => self.until.is_none(),
            Some(t) => self.since <= t && self.until.is_none_or(|u| u > t),
        }
    }
}

/// CI ids are dense integers: an identity hash is enough and much cheaper
/// than SipHash on the walk's hot path.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only i64 keys are hashed")
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;
type IdSet = HashSet<i64, BuildHasherDefault<IdHasher>>;

/// Every relation there ever was, indexed both ways for walking.
#[derive(Default)]
pub struct Graph {
    edges: Vec<Edge>,
    by_id: IdMap<u32>,
    /// Per CI: the edges that leave it (it is `from`) and enter it.
    out: IdMap<Vec<u32>>,
    inn: IdMap<Vec<u32>>,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Graph({} edges)", self.edges.len())
    }
}

#[derive(Clone, Copy)]
enum Direction {
    /// Where a failure travels.
    Up,
    /// What a CI stands on.
    Down,
}

impl Graph {
    /// A graph of relations that are all live, for tests and benchmarks.
    pub fn new(relations: impl IntoIterator<Item = Relation>) -> Graph {
        let mut g = Graph::default();
        for (i, relation) in relations.into_iter().enumerate() {
            g.upsert(Edge { id: i as i64 + 1, relation, since: i64::MIN, until: None });
        }
        g
    }

    /// Adds a relation, or updates its span (a removal sets `until`).
    pub fn upsert(&mut self, e: Edge) {
        if let Some(&i) = self.by_id.get(&e.id) {
            self.edges[i as usize].since = e.since;
            self.edges[i as usize].until = e.until;
            return;
        }
        let i = self.edges.len() as u32;
        self.edges.push(e);
        self.by_id.insert(e.id, i);
        self.out.entry(e.relation.from).or_default().push(i);
        self.inn.entry(e.relation.to).or_default().push(i);
    }

    pub fn len(&self) -> usize {
        self.edges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Everything affected when `failed` fail, up to `max_depth` hops, each
    /// with its shortest explanation; the starting CIs are not included.
    pub fn impact(&self, failed: &[i64], max_depth: u32) -> Vec<Reached> {
        self.walk(failed, max_depth, None, Direction::Up)
    }

    /// The same, over the relations live at `at` (None: now).
    pub fn impact_at(&self, failed: &[i64], max_depth: u32, at: Option<i64>) -> Vec<Reached> {
        self.walk(failed, max_depth, at, Direction::Up)
    }

    /// Everything `ci` depends on, down to `max_depth` hops.
    pub fn dependencies(&self, ci: &[i64], max_depth: u32) -> Vec<Reached> {
        self.walk(ci, max_depth, None, Direction::Down)
    }

    pub fn dependencies_at(&self, ci: &[i64], max_depth: u32, at: Option<i64>) -> Vec<Reached> {
        self.walk(ci, max_depth, at, Direction::Down)
    }

    /// The relations live at `at` that touch `ci`.
    pub fn relations_of(&self, ci: i64, at: Option<i64>) -> Vec<Edge> {
        let touching = self.out.get(&ci).into_iter().chain(self.inn.get(&ci)).flatten();
        let mut out: Vec<Edge> = touching.map(|&i| self.edges[i as usize]).filter(|e| e.live(at)).collect();
        out.sort_by_key(|e| e.id);
        out.dedup_by_key(|e| e.id);
        out
    }

    /// The CIs within `hops` of `ci` along any relation, either way (the
    /// neighbourhood a service map draws), with the relations among them;
    /// stops adding CIs at `max_nodes`.
    pub fn neighbourhood(&self, ci: i64, hops: u32, at: Option<i64>, max_nodes: usize) -> (Vec<i64>, Vec<Relation>) {
        let mut seen: IdSet = IdSet::default();
        seen.insert(ci);
        let mut nodes = vec![ci];
        let mut queue = VecDeque::from([(ci, 0u32)]);
        'walk: while let Some((at_ci, d)) = queue.pop_front() {
            if d >= hops {
                continue;
            }
            for e in self.relations_of(at_ci, at) {
                let next = if e.relation.from == at_ci { e.relation.to } else { e.relation.from };
                if seen.len() >= max_nodes {
                    break 'walk;
                }
                if seen.insert(next) {
                    nodes.push(next);
                    queue.push_back((next, d + 1));
                }
            }
        }
        let mut rels: Vec<Relation> = Vec::new();
        for &n in &nodes {
            for &i in self.out.get(&n).map(Vec::as_slice).unwrap_or_default() {
                let e = &self.edges[i as usize];
                if e.live(at) && seen.contains(&e.relation.to) {
                    rels.push(e.relation);
                }
            }
        }
        (nodes, rels)
    }

    /// The next CIs a failure (Up) or a dependency (Down) reaches from `ci`.
    fn next<'a>(&'a self, ci: i64, at: Option<i64>, dir: Direction) -> impl Iterator<Item = (i64, Relation)> + 'a {
        let list = |m: &'a IdMap<Vec<u32>>| m.get(&ci).map(Vec::as_slice).unwrap_or_default().iter();
        let edges =
            move |i: &u32| Some(self.edges[*i as usize]).filter(|e| e.live(at) && e.relation.from != e.relation.to);
        // Up: for X -> ci with flow ToFrom, X suffers; for ci -> Y with
        // flow FromTo (ci is a member of cluster Y), Y suffers. Down mirrors.
        let (to_from, from_to) = match dir {
            Direction::Up => (list(&self.inn), list(&self.out)),
            Direction::Down => (list(&self.out), list(&self.inn)),
        };
        let a = to_from.filter_map(edges).filter(|e| matches!(e.relation.kind.flow(), Flow::ToFrom));
        let b = from_to.filter_map(edges).filter(|e| matches!(e.relation.kind.flow(), Flow::FromTo));
        a.chain(b).map(move |e| {
            let other = if e.relation.from == ci { e.relation.to } else { e.relation.from };
            (other, e.relation)
        })
    }

    fn walk(&self, starts: &[i64], max_depth: u32, at: Option<i64>, dir: Direction) -> Vec<Reached> {
        let mut seen: IdSet = starts.iter().copied().collect();
        // Parent pointers rebuild each path at the end, instead of copying paths.
        let mut parent: IdMap<(i64, Relation, u32)> = IdMap::default();
        let mut order = Vec::new();
        let mut queue: VecDeque<(i64, u32)> = starts.iter().map(|s| (*s, 0)).collect();
        while let Some((ci, d)) = queue.pop_front() {
            if d >= max_depth {
                continue;
            }
            for (next, rel) in self.next(ci, at, dir) {
                if seen.insert(next) {
                    parent.insert(next, (ci, rel, d + 1));
                    order.push(next);
                    queue.push_back((next, d + 1));
                }
            }
        }
        order
            .into_iter()
            .map(|ci| {
                let mut path = Vec::new();
                let mut at = ci;
                while let Some((prev, rel, _)) = parent.get(&at) {
                    path.push(Step { ci: at, relation: *rel });
                    at = *prev;
                }
                path.reverse();
                Reached { ci, depth: parent.get(&ci).map_or(0, |p| p.2), path }
            })
            .collect()
    }
}
