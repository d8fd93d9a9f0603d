//! The estate `steward bench changes` plans changes over: CIs in layers
//! as an IT estate has them (services use applications, applications
//! depend on databases and run on virtual machines, those are hosted on
//! servers and depend on storage; servers are connected to network
//! devices), loaded through the app's bulk upsert, and relations of types
//! that carry failure and of `connected_to`, which does not, written
//! straight through the store.

use super::cmdb::Rnd;
use anyhow::{Result, bail};
use std::time::Instant;
use steward_app::{
    Actor, App,
    cmdb::{Batch, CiInput},
};
use steward_store::{cmdb, now_micros};

pub const SVC: usize = 0;
pub const TSVC: usize = 1;
pub const APP: usize = 2;
pub const DB: usize = 3;
pub const VM: usize = 4;
pub const HOST: usize = 5;
pub const SAN: usize = 6;
pub const NET: usize = 7;

/// Class, share of the CIs in thousandths, name prefix; top to bottom.
const LAYERS: [(&str, usize, &str); 8] = [
    ("business_service", 5, "svc"),
    ("technical_service", 5, "tsvc"),
    ("application", 60, "app"),
    ("database", 30, "db"),
    ("virtual_machine", 500, "vm"),
    ("server", 300, "host"),
    ("storage", 50, "san"),
    ("network_device", 50, "sw"),
];

/// Share of the relations in thousandths: from layer, type, to layer.
/// A third are network links (`connected_to`), along which no failure
/// travels.
const RELATIONS: [(usize, usize, &str, usize); 12] = [
    (15, SVC, "uses", TSVC),
    (25, SVC, "uses", APP),
    (20, TSVC, "uses", APP),
    (40, APP, "depends_on", DB),
    (20, APP, "depends_on", APP),
    (110, APP, "runs_on", VM),
    (40, DB, "runs_on", VM),
    (120, VM, "hosted_on", HOST),
    (120, VM, "depends_on", SAN),
    (60, HOST, "depends_on", SAN),
    (330, HOST, "connected_to", NET),
    (100, NET, "connected_to", NET),
];

/// The loaded estate: the CI ids of each layer, and their names.
pub struct Estate {
    pub layers: Vec<Vec<i64>>,
    names: Vec<Vec<String>>,
}

impl Estate {
    pub fn pick(&self, rnd: &mut Rnd, layer: usize) -> (i64, &str) {
        let i = rnd.below(self.layers[layer].len());
        (self.layers[layer][i], &self.names[layer][i])
    }
}

/// Loads `cis` CIs (in bulk batches of `batch`) and `relations` relations;
/// prints what it took.
pub async fn load(app: &App, cis: usize, relations: usize, batch: usize, rnd: &mut Rnd) -> Result<Estate> {
    let started = Instant::now();
    let mut layers = Vec::new();
    let mut names = Vec::new();
    for (layer, (class, share, prefix)) in LAYERS.iter().enumerate() {
        let n = (cis * share / 1000).max(2);
        let items: Vec<CiInput> = (0..n).map(|i| item(layer, class, prefix, i)).collect();
        let mut ids = Vec::with_capacity(n);
        for chunk in items.chunks(batch.max(1)) {
            let b = Batch { items: chunk.to_vec(), relations: Vec::new() };
            let report = app.upsert_cis(&Actor::operator(), b).await.map_err(crate::commands::app_error)?;
            ids.extend(report.items.iter().map(|i| i.id));
        }
        if ids.len() != n {
            bail!("{class}: {} of {n} CIs loaded", ids.len());
        }
        names.push(items.into_iter().map(|i| i.name).collect());
        layers.push(ids);
    }
    let loaded: usize = layers.iter().map(Vec::len).sum();
    println!("loaded {loaded} CIs through the bulk upsert in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let shapes: Vec<((usize, &str, usize), usize)> = RELATIONS.iter().map(|&(w, f, k, t)| ((f, k, t), w)).collect();
    let mut seen = std::collections::HashSet::with_capacity(relations);
    let mut rels: Vec<(i64, i64, String, i64, Option<i64>)> = Vec::with_capacity(relations);
    let since = now_micros() - 90 * 86_400_000_000;
    let mut carrying = 0usize;
    while rels.len() < relations {
        let (from, kind, to) = weighted(rnd, &shapes);
        let a = layers[from][rnd.below(layers[from].len())];
        let b = layers[to][rnd.below(layers[to].len())];
        if a == b || !seen.insert((a, b, kind)) {
            continue;
        }
        carrying += usize::from(kind != "connected_to");
        rels.push((a, b, kind.to_owned(), since, None));
    }
    let rels = std::sync::Arc::new(rels);
    let written = rels.clone();
    app.store
        .write(move |c| {
            let rels = written.clone();
            Box::pin(async move {
                let rev = cmdb::bump_rev(c).await?;
                cmdb::insert_history(c, &rels, rev).await
            })
        })
        .await?;
    println!(
        "loaded {} relations ({carrying} of types that carry failure) in {:.1} s",
        rels.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Estate { layers, names })
}

/// One of `items`, each as likely as its weight.
pub fn weighted<T: Copy>(rnd: &mut Rnd, items: &[(T, usize)]) -> T {
    let mut roll = rnd.below(items.iter().map(|i| i.1).sum());
    for &(item, weight) in items {
        if roll < weight {
            return item;
        }
        roll -= weight;
    }
    items[0].0
}

fn item(layer: usize, class: &str, prefix: &str, i: usize) -> CiInput {
    let name = format!("{prefix}-{i:06}");
    let mut attributes = serde_json::Map::new();
    if matches!(layer, VM | HOST) {
        attributes.insert("hostname".into(), name.clone().into());
        attributes.insert("operating_system".into(), "Debian 12".into());
    }
    CiInput { class: class.to_owned(), name, attributes, ..Default::default() }
}
