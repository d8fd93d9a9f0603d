//! `steward bench nodes`: what coordination costs when several nodes share
//! one PostgreSQL. Each run starts `--nodes` `steward serve` processes on
//! a fresh database and drives creates at one node alone, then spread over
//! all of them, reporting each rate, the ratio, and the CPU time per create
//! of the nodes and of PostgreSQL's processes (so a deployment can be
//! sized); then lists the queue while creates run at half the nodes' rate.
//! On a machine of few cores the cores are the limit, not Steward: the
//! ratio says whether coordination adds work, the CPU times what it costs.

use super::{
    Db, bench_agent, checks::cpu_secs, child_metric, database, drive_creates, load_average, median, ms, open_app,
    percentile, serve_command, wait_ready,
};
use anyhow::{Result, bail};
use clap::Args;
use std::time::{Duration, Instant};
use steward_store::Store;

#[derive(Args)]
pub struct NodesArgs {
    /// postgres://…/postgres (a new database is created beside it).
    #[arg(long = "pg")]
    pg: String,
    /// Nodes beside the single one.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Concurrent clients (in both setups).
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Incidents created in each setup of each run.
    #[arg(long, default_value_t = 20_000)]
    count: usize,
    /// List requests timed under half the load.
    #[arg(long, default_value_t = 1_000)]
    lists: usize,
    /// Runs; medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Group-commit writers per node.
    #[arg(long, default_value_t = 4)]
    writers: usize,
    /// Database connections per node (the writers draw from them).
    #[arg(long, default_value_t = 8)]
    connections: u32,
    /// Worker threads of each node's runtime (`TOKIO_WORKER_THREADS`);
    /// 0: one per core.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// Incidents created before the figures are taken (see `nodes`).
const WARM_UP: usize = 2_000;

/// CPU seconds of every `postgres` process (the server and its backends).
fn postgres_cpu() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else { return 0.0 };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres"))
        .filter_map(|pid| cpu_secs(pid).ok())
        .sum()
}

/// One setup's figures.
struct Setup {
    rate: f64,
    node_cpu_ms: f64,
    pg_cpu_ms: f64,
    /// Writes per committed batch, over the nodes' group-commit writers.
    per_batch: f64,
    /// PostgreSQL transactions (committed, reads included) per create.
    xacts: f64,
}

/// The writers' (jobs, batches) so far, summed over the nodes.
async fn batches(client: &reqwest::Client, ports: &[u16]) -> Result<(f64, f64)> {
    let (mut jobs, mut batches) = (0.0, 0.0);
    for p in ports {
        jobs += child_metric(client, *p, "steward_writer_batch_jobs_sum").await?;
        batches += child_metric(client, *p, "steward_writer_batch_jobs_count").await?;
    }
    Ok((jobs, batches))
}

/// Transactions committed in the database so far, once the statistics
/// have caught up (PostgreSQL flushes them at most once a second).
async fn commits(store: &Store) -> Result<f64> {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    Ok(store.transactions_committed().await?.unwrap_or(0) as f64)
}

/// Creates `count` incidents through `ports`; the rate and CPU per create.
async fn measure(
    stats: &Store,
    ports: &[u16],
    pids: &[u32],
    token: &str,
    clients: usize,
    count: usize,
) -> Result<Setup> {
    let bases: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
    let node_cpu = || pids.iter().map(|p| cpu_secs(*p).unwrap_or(0.0)).sum::<f64>();
    let client = reqwest::Client::new();
    let ((j0, b0), x0) = (batches(&client, ports).await?, commits(stats).await?);
    let (n0, pg0) = (node_cpu(), postgres_cpu());
    let (lat, failed, elapsed) = drive_creates(&bases, token, clients, count, None).await?;
    let (n1, pg1) = (node_cpu(), postgres_cpu());
    let ((j1, b1), x1) = (batches(&client, ports).await?, commits(stats).await?);
    if failed > 0 {
        bail!("{failed} creates failed");
    }
    let made = lat.len().max(1) as f64;
    Ok(Setup {
        rate: lat.len() as f64 / elapsed.as_secs_f64(),
        node_cpu_ms: (n1 - n0) * 1000.0 / made,
        pg_cpu_ms: (pg1 - pg0) * 1000.0 / made,
        per_batch: (j1 - j0) / (b1 - b0).max(1.0),
        xacts: (x1 - x0) / made,
    })
}

pub async fn nodes(a: NodesArgs) -> Result<()> {
    if a.nodes < 2 || a.clients == 0 || a.count == 0 || a.runs == 0 || a.lists == 0 {
        bail!("--nodes must be at least 2; --clients, --count, --lists and --runs positive");
    }
    let target = super::Target { pg: Some(a.pg.clone()), keep: None, writers: a.writers, connections: a.connections };
    let (mut one, mut many, mut ratios, mut p95s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 1..=a.runs {
        let db: Db = database(&target, None).await?;
        let dir = tempfile::tempdir()?;
        let app = open_app(&db, dir.path().to_path_buf()).await?;
        let token = bench_agent(&app).await?;
        let mut children = Vec::new();
        let mut ports = Vec::new();
        for i in 0..a.nodes {
            let port = super::free_port()?;
            let data = dir.path().join(format!("node{i}"));
            std::fs::create_dir_all(&data)?;
            let mut serve = serve_command(&db, &data, port)?;
            if a.threads > 0 {
                serve.env("TOKIO_WORKER_THREADS", a.threads.to_string());
            }
            children.push(serve.spawn()?);
            ports.push(port);
        }
        for p in &ports {
            wait_ready(*p).await?;
        }
        let pids: Vec<u32> = children.iter().filter_map(|c| c.id()).collect();
        // A deployment's autovacuum keeps the planner's statistics current;
        // this machine's PostgreSQL runs without it, and on tables with no
        // statistics PostgreSQL guesses a filter keeps 0.5 % of the rows,
        // so the queue list walked every new incident (90 ms at 70,000)
        // and the reports worker read the whole journal each pass, more in
        // whichever setup ran later. A few incidents first, then ANALYZE
        // before each phase, as autovacuum would after that many changes.
        drive_creates(&[format!("http://127.0.0.1:{}", ports[0])], &token, a.clients, WARM_UP, None).await?;
        app.store.analyze().await?;
        let single = measure(&app.store, &ports[..1], &pids[..1], &token, a.clients, a.count).await?;
        app.store.analyze().await?;
        let spread = measure(&app.store, &ports, &pids, &token, a.clients, a.count).await?;
        app.store.analyze().await?;
        let ratio = spread.rate / single.rate;
        // The queue list while creates run at half the nodes' rate.
        let pace = Duration::from_secs_f64(a.clients as f64 / (spread.rate / 2.0));
        let bases: Vec<String> = ports.iter().map(|p| format!("http://127.0.0.1:{p}")).collect();
        let load = {
            let (bases, token) = (bases.clone(), token.clone());
            let count = (spread.rate / 2.0 * 600.0) as usize;
            tokio::spawn(async move { drive_creates(&bases, &token, a.clients, count, Some(pace)).await })
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut lat = Vec::new();
        for i in 0..a.lists {
            if Instant::now() > deadline {
                break;
            }
            let url = format!(
                "{}/api/v1/incidents?state=new&group=Bench%20Desk&sort=priority&limit=50",
                bases[i % bases.len()]
            );
            let t = Instant::now();
            let r = client.get(url).bearer_auth(&token).send().await?;
            if r.status() != 200 {
                bail!("a list answered {}", r.status());
            }
            r.bytes().await?;
            lat.push(t.elapsed());
        }
        load.abort();
        lat.sort();
        let p95 = percentile(&lat, 0.95);
        println!(
            "nodes run {run}: 1 node {:.0}/s ({:.2} ms node CPU, {:.2} ms PostgreSQL CPU per create; {:.1} writes \
             per commit, {:.1} PostgreSQL transactions per create); {} nodes {:.0}/s ({:.2} ms nodes, {:.2} ms \
             PostgreSQL per create; {:.1} writes per commit, {:.1} transactions per create); ratio {ratio:.2}; \
             list under {:.0} creates/s: p50 {} p95 {} over {} requests (load average {})",
            single.rate,
            single.node_cpu_ms,
            single.pg_cpu_ms,
            single.per_batch,
            single.xacts,
            a.nodes,
            spread.rate,
            spread.node_cpu_ms,
            spread.pg_cpu_ms,
            spread.per_batch,
            spread.xacts,
            spread.rate / 2.0,
            ms(percentile(&lat, 0.5)),
            ms(p95),
            lat.len(),
            load_average()
        );
        for mut c in children {
            let _ = c.kill().await;
        }
        app.store.close().await;
        db.discard().await?;
        one.push(single);
        many.push(spread);
        ratios.push(ratio);
        p95s.push(p95.as_secs_f64() * 1000.0);
    }
    let med = |v: &[Setup], f: fn(&Setup) -> f64| median(v.iter().map(f).collect());
    println!(
        "nodes (PostgreSQL, {} nodes, {} clients, median of {}): 1 node {:.0} creates/s, {} nodes {:.0}/s, \
         ratio {:.2} (goal >= 0.9); CPU per create: nodes {:.2} ms, PostgreSQL {:.2} ms; list p95 under half \
         the load {:.2} ms (goal <= 20 ms) (load average {})",
        a.nodes,
        a.clients,
        a.runs,
        med(&one, |s| s.rate),
        a.nodes,
        med(&many, |s| s.rate),
        median(ratios),
        med(&many, |s| s.node_cpu_ms),
        med(&many, |s| s.pg_cpu_ms),
        median(p95s),
        load_average()
    );
    Ok(())
}
