//! How fast the impact walk is in memory, at the scale: 100,000
//! CIs and 500,000 relations in layers (services on applications on
//! servers on hypervisors, with cross links and clusters).
//! `cargo run --release -p steward-domain --example impact_bench`

use std::time::{Duration, Instant};
use steward_domain::cmdb::{Graph, Relation, RelationType};

fn main() {
    let mut seed: u64 = 0x5EED;
    let mut rnd = |n: i64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as i64
    };
    // Layers by id: 0..1k services, ..10k applications, ..60k servers and
    // VMs, ..100k hypervisors, storage and network.
    let layer = [(0, 1_000), (1_000, 10_000), (10_000, 60_000), (60_000, 100_000)];
    let kinds = [RelationType::Uses, RelationType::RunsOn, RelationType::HostedOn];
    let mut rels = Vec::with_capacity(500_000);
    while rels.len() < 500_000 {
        let l = rnd(3) as usize;
        let (a0, a1) = layer[l];
        let (b0, b1) = layer[l + 1];
        let kind = if rnd(20) == 0 { RelationType::DependsOn } else { kinds[l] };
        rels.push(Relation { from: a0 + rnd(a1 - a0), to: b0 + rnd(b1 - b0), kind });
    }
    let t = Instant::now();
    let g = Graph::new(rels);
    println!("graph of 100,000 CIs and 500,000 relations built in {:?}", t.elapsed());
    for (label, n) in [("1 CI", 1usize), ("100 CIs", 100)] {
        let mut times: Vec<Duration> = Vec::new();
        let mut reached = 0;
        for _ in 0..200 {
            let starts: Vec<i64> = (0..n).map(|_| 60_000 + rnd(40_000)).collect();
            let t = Instant::now();
            reached = g.impact(&starts, 10).len();
            times.push(t.elapsed());
        }
        times.sort();
        println!("impact of {label}: p50 {:?} p95 {:?} (last reached {reached} CIs)", times[100], times[190]);
    }
}
