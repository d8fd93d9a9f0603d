//! The CMDB's relation graph and impact analysis.
//!
//! Relations are typed and directed as people say them ("the web app runs
//! on vm-12"). Impact flows the other way: when vm-12 fails, the web app is
//! affected. Each relation type says which way a failure travels, so the
//! analysis is one breadth-first walk whatever the mix of types; a visited
//! set makes cycles harmless, and the first (shortest) way a CI is reached
//! is kept as the path that explains why it is affected.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};

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

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|t| t.as_str() == s).ok_or_else(|| {
            let all: Vec<&str> = Self::ALL.iter().map(|t| t.as_str()).collect();
            format!("unknown relation type {s:?}: must be one of {}", all.join(", "))
        })
    }

    /// Which way a failure travels along `from -> to`.
    fn impact(self) -> Flow {
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

/// The relations, indexed both ways for walking.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Per CI: where a failure of it travels, and by which relation.
    affects: HashMap<i64, Vec<(i64, Relation)>>,
    /// The reverse: per CI, what it depends on.
    needs: HashMap<i64, Vec<(i64, Relation)>>,
}

impl Graph {
    pub fn new(relations: impl IntoIterator<Item = Relation>) -> Graph {
        let mut g = Graph::default();
        for r in relations {
            g.add(r);
        }
        g
    }

    pub fn add(&mut self, r: Relation) {
        let (cause, effect) = match r.kind.impact() {
            Flow::ToFrom => (r.to, r.from),
            Flow::FromTo => (r.from, r.to),
            Flow::None => return,
        };
        if cause == effect {
            return; // a CI related to itself explains nothing
        }
        self.affects.entry(cause).or_default().push((effect, r));
        self.needs.entry(effect).or_default().push((cause, r));
    }

    /// Everything affected when `failed` fail, up to `max_depth` hops, each
    /// with its shortest explanation; the starting CIs are not included.
    pub fn impact(&self, failed: &[i64], max_depth: u32) -> Vec<Reached> {
        walk(&self.affects, failed, max_depth)
    }

    /// Everything `ci` depends on, down to `max_depth` hops.
    pub fn dependencies(&self, ci: &[i64], max_depth: u32) -> Vec<Reached> {
        walk(&self.needs, ci, max_depth)
    }
}

fn walk(edges: &HashMap<i64, Vec<(i64, Relation)>>, starts: &[i64], max_depth: u32) -> Vec<Reached> {
    let mut seen: HashSet<i64> = starts.iter().copied().collect();
    // Parent pointers rebuild each path at the end, instead of copying paths.
    let mut parent: HashMap<i64, (i64, Relation)> = HashMap::new();
    let mut depth: HashMap<i64, u32> = HashMap::new();
    let mut order = Vec::new();
    let mut queue: VecDeque<(i64, u32)> = starts.iter().map(|s| (*s, 0)).collect();
    while let Some((ci, d)) = queue.pop_front() {
        if d >= max_depth {
            continue;
        }
        for (next, rel) in edges.get(&ci).map(Vec::as_slice).unwrap_or_default() {
            if seen.insert(*next) {
                parent.insert(*next, (ci, *rel));
                depth.insert(*next, d + 1);
                order.push(*next);
                queue.push_back((*next, d + 1));
            }
        }
    }
    order
        .into_iter()
        .map(|ci| {
            let mut path = Vec::new();
            let mut at = ci;
            while let Some((prev, rel)) = parent.get(&at) {
                path.push(Step { ci: at, relation: *rel });
                at = *prev;
            }
            path.reverse();
            Reached { ci, depth: depth.get(&ci).copied().unwrap_or(0), path }
        })
        .collect()
}

/// A relation added or removed at a moment, as the journal records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationEvent {
    pub at: i64,
    pub relation: Relation,
    pub added: bool,
}

/// The relations as they stood at `at` (inclusive), replaying the events in
/// time order: the CMDB as it was when an incident happened.
pub fn relations_at(events: &[RelationEvent], at: i64) -> Vec<Relation> {
    let mut sorted: Vec<&RelationEvent> = events.iter().filter(|e| e.at <= at).collect();
    sorted.sort_by_key(|e| e.at);
    let mut live: HashSet<Relation> = HashSet::new();
    for e in sorted {
        if e.added {
            live.insert(e.relation);
        } else {
            live.remove(&e.relation);
        }
    }
    let mut out: Vec<Relation> = live.into_iter().collect();
    out.sort_by_key(|r| (r.from, r.to, r.kind.as_str()));
    out
}
