//! `steward bench`: the figures the issues ask for, measured on this machine.
//!
//! Each benchmark starts its own server on 127.0.0.1:0 against a fresh
//! database (SQLite in a temporary folder, or a new PostgreSQL database when
//! `--database-url postgres://…` names the server), so runs do not disturb
//! each other. Every request loop is bounded in count and time.

mod alerts;
mod backup;
mod change_estate;
mod change_plan;
mod changes;
mod checks;
mod cmdb;
mod cmdb_search;
mod export;
mod map;
mod nodes;
mod pages;
mod reports;
mod search;
mod sla;

use crate::config::Config;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};
use steward_app::{App, accounts::NewUser};
use steward_store::{Backend, Store};

mod outbox;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Incidents created per second through the HTTP API by concurrent clients.
    Create(CreateArgs),
    /// Latency of the queue list (state + group, priority then age) over many incidents.
    List(ListArgs),
    /// Resident memory when idle and time to /readyz, with many incidents stored.
    Startup(StartupArgs),
    /// SLA due moments computed per second on one core.
    Due(sla::DueArgs),
    /// The SLA timer's scan with many running clocks stored.
    Timers(sla::TimersArgs),
    /// Emails per second delivered by the outbox worker through a real SMTP server.
    Outbox(outbox::OutboxArgs),
    /// CMDB at scale: bulk upsert, impact now and as of 30 days ago, CI search, CSV import.
    Cmdb(cmdb::CmdbArgs),
    /// Layout and SVG of the CMDB service map for a 200-CI neighbourhood.
    Map(map::MapArgs),
    /// Every page, the incident list with its count under each filter, and
    /// search by number, over demo data topped up to many incidents.
    Pages(pages::PagesArgs),
    /// Search across every kind by words, prefixes, phrases and numbers
    /// over a million incidents, problems and article stand-ins.
    Search(search::SearchArgs),
    /// Conflict checks of changes touching 50 CIs among 10,000 scheduled
    /// changes over 100,000 CIs and 500,000 relations.
    Changes(changes::ChangesArgs),
    /// Alert intake through POST /api/v2/alerts beside Debian's Alertmanager
    /// 0.25 in the same run: new alerts, the dedup path, memory, listing.
    Alerts(alerts::AlertsArgs),
    /// CPU and memory of `steward serve` running many HTTP checks against
    /// a local target, and whether each ran in its slot.
    Checks(checks::ChecksArgs),
    /// The measures over many incidents: the rebuild, the manager's
    /// dashboard and each of its queries, a worker's pass.
    Reports(reports::ReportsArgs),
    /// An incident export over HTTP: CSV rows/s and memory while it
    /// streams, the XLSX of the same.
    Export(export::ExportArgs),
    /// Several `steward serve` nodes on one PostgreSQL against one: the
    /// create rate of each setup, CPU time per create (nodes and
    /// database), and list latency under half the load.
    Nodes(nodes::NodesArgs),
    /// `steward backup` and `steward restore` over a million incidents
    /// and 10,000 attachments: the time of each and the archive's size.
    Backup(backup::BackupArgs),
}

#[derive(Args)]
pub struct Target {
    /// postgres://…/postgres to bench PostgreSQL (a new database is created
    /// beside it); default: SQLite in a temporary folder.
    #[arg(long = "pg")]
    pg: Option<String>,
    /// Keep the database in this folder (SQLite) to reuse it in a later run.
    #[arg(long)]
    keep: Option<PathBuf>,
    /// Group-commit writers on PostgreSQL (the server's
    /// `database.writers`; SQLite always has one).
    #[arg(long, default_value_t = 4)]
    writers: usize,
    /// Database connections per server (`database.max_connections`; on
    /// PostgreSQL the writers draw from them too).
    #[arg(long, default_value_t = 8)]
    connections: u32,
}

#[derive(Args)]
pub struct CreateArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Incidents to create in each run.
    #[arg(long, default_value_t = 20_000)]
    count: usize,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    /// Requests to time.
    #[arg(long, default_value_t = 2_000)]
    requests: usize,
}

#[derive(Args)]
pub struct StartupArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

pub async fn run(_cfg: &Config, b: BenchCommand) -> Result<()> {
    println!("machine: {} cores, load average {}", num_cpus(), load_average());
    match b {
        BenchCommand::Create(a) => create(a).await,
        BenchCommand::List(a) => list(a).await,
        BenchCommand::Startup(a) => startup(a).await,
        BenchCommand::Due(a) => sla::due(a),
        BenchCommand::Timers(a) => sla::timers(a).await,
        BenchCommand::Outbox(a) => outbox::outbox(a).await,
        BenchCommand::Cmdb(a) => cmdb::cmdb(a).await,
        BenchCommand::Map(a) => map::map(a),
        BenchCommand::Pages(a) => pages::pages(a).await,
        BenchCommand::Search(a) => search::search(a).await,
        BenchCommand::Changes(a) => changes::changes(a).await,
        BenchCommand::Alerts(a) => alerts::alerts(a).await,
        BenchCommand::Checks(a) => checks::checks(a).await,
        BenchCommand::Reports(a) => reports::reports(a).await,
        BenchCommand::Export(a) => export::export(a).await,
        BenchCommand::Nodes(a) => nodes::nodes(a).await,
        BenchCommand::Backup(a) => backup::backup(a).await,
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A database for one benchmark run: its URL and what keeps it alive.
struct Db {
    url: String,
    backend: Backend,
    _dir: Option<tempfile::TempDir>,
    /// A scratch PostgreSQL database: the server's URL and the name.
    scratch: Option<(String, String)>,
    writers: usize,
    connections: u32,
}

impl Db {
    /// Drops a scratch PostgreSQL database (an SQLite one goes with its
    /// temporary folder).
    async fn discard(self) -> Result<()> {
        if let Some((server, name)) = &self.scratch {
            Store::drop_postgres_database(server, name).await?;
        }
        Ok(())
    }
}

/// A fresh database, or with `kept` the one a benchmark keeps between runs:
/// on PostgreSQL the database of that name, on SQLite the `--keep` folder
/// (a fresh one without it). Each benchmark keeps its own, since each seeds
/// its own users and data.
async fn database(t: &Target, kept: Option<&str>) -> Result<Db> {
    let fresh = kept.is_none() || (t.keep.is_none() && t.pg.is_none());
    if let Some(pg) = &t.pg {
        let name = match kept {
            Some(name) => name.to_owned(),
            None => format!("steward_bench_{}_{}", std::process::id(), rand_suffix()),
        };
        let url = Store::create_postgres_database(pg, &name)
            .await
            .with_context(|| format!("creating a database beside {pg}"))?;
        let scratch = fresh.then(|| (pg.clone(), name));
        return Ok(Db {
            url,
            backend: Backend::Postgres,
            _dir: None,
            scratch,
            writers: t.writers,
            connections: t.connections,
        });
    }
    match &t.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Ok(Db {
                url: format!("sqlite://{}/steward.db", dir.display()),
                backend: Backend::Sqlite,
                _dir: None,
                scratch: None,
                writers: 1,
                connections: t.connections,
            })
        }
        None => {
            let dir = tempfile::Builder::new().prefix("steward-bench").tempdir_in(".")?;
            Ok(Db {
                url: format!("sqlite://{}/steward.db", dir.path().display()),
                backend: Backend::Sqlite,
                _dir: Some(dir),
                scratch: None,
                writers: 1,
                connections: t.connections,
            })
        }
    }
}

fn rand_suffix() -> u64 {
    jiff::Timestamp::now().as_nanosecond() as u64 % 1000
}

async fn open_app(db: &Db, dir: PathBuf) -> Result<App> {
    let options =
        steward_store::StoreOptions { writers: db.writers, max_connections: db.connections, ..Default::default() };
    let store = Store::connect(&db.url, &options).await?;
    store.migrate().await?;
    Ok(App::new(store, steward_app::AppConfig { data_dir: dir, ..Default::default() }))
}

/// Starts the real server in this process on 127.0.0.1:0.
async fn start_server(app: App) -> Result<(String, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = steward_web::AppState::new(app, steward_web::WebConfig::default());
    let task = tokio::spawn(async move {
        let _ = steward_web::serve(state, listener, async {
            let _ = stopped.await;
        })
        .await;
    });
    Ok((format!("http://{addr}"), stop, task))
}

async fn bench_agent(app: &App) -> Result<String> {
    if app.add_group(None, "Bench Desk", "").await.is_ok() {
        let u = NewUser {
            username: "bench".into(),
            role: "agent".into(),
            groups: vec!["Bench Desk".into()],
            ..Default::default()
        };
        app.add_user(None, u).await.map_err(crate::commands::app_error)?;
    }
    // The service the create benchmark's incidents name.
    let email =
        steward_app::cmdb::CiInput { class: "business_service".into(), name: "Email".into(), ..Default::default() };
    let batch = steward_app::cmdb::Batch { items: vec![email], relations: vec![] };
    app.upsert_cis(&steward_app::Actor::operator(), batch).await.map_err(crate::commands::app_error)?;
    Ok(app.create_token(None, "bench", "bench").await.map_err(crate::commands::app_error)?.token)
}

/// A requester's token, made on first use.
async fn bench_requester(app: &App) -> Result<String> {
    let u = NewUser { username: "bench-requester".into(), role: "requester".into(), ..Default::default() };
    // Already there from an earlier run of a kept database.
    let _ = app.add_user(None, u).await;
    Ok(app.create_token(None, "bench-requester", "bench").await.map_err(crate::commands::app_error)?.token)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

async fn durability(app: &App) -> String {
    app.store.durability().await.unwrap_or_else(|e| format!("unknown ({e})"))
}

/// Creates `count` incidents through the servers at `bases` (each
/// request to the next in turn) by `clients` concurrent clients, each
/// waiting `pace` between its requests if given, within 300 s: the
/// latencies of those created, how many failed, and the time it took.
async fn drive_creates(
    bases: &[String],
    token: &str,
    clients: usize,
    count: usize,
    pace: Option<Duration>,
) -> Result<(Vec<Duration>, usize, Duration)> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(300);
    let started = Instant::now();
    let bases: Arc<[String]> = bases.into();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, next, token, bases) = (client.clone(), next.clone(), token.to_owned(), bases.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut failed = 0usize;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count || Instant::now() >= deadline {
                    break;
                }
                let t = Instant::now();
                let r = client
                    .post(format!("{}/api/v1/incidents", bases[i % bases.len()]))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "title": "Benchmark: mail client cannot reach the server",
                        "description": "Created by steward bench.",
                        "impact": 2, "urgency": 2, "assignment_group": "Bench Desk", "service": "Email"
                    }))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => lat.push(t.elapsed()),
                    _ => failed += 1,
                }
                if let Some(p) = pace {
                    tokio::time::sleep(p.saturating_sub(t.elapsed())).await;
                }
            }
            (lat, failed)
        }));
    }
    let mut lat = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await?;
        lat.extend(l);
        failed += f;
    }
    let elapsed = started.elapsed();
    lat.sort();
    Ok((lat, failed, elapsed))
}

async fn create(a: CreateArgs) -> Result<()> {
    if a.clients == 0 || a.count == 0 || a.runs == 0 {
        bail!("--clients, --count and --runs must be positive");
    }
    let mut rates = Vec::new();
    for run in 1..=a.runs {
        let db = database(&a.target, None).await?;
        let dir = tempfile::tempdir()?;
        let app = open_app(&db, dir.path().to_path_buf()).await?;
        let token = bench_agent(&app).await?;
        let setting = durability(&app).await;
        let (base, stop, server) = start_server(app.clone()).await?;
        let (lat, failed, elapsed) = drive_creates(&[base], &token, a.clients, a.count, None).await?;
        let rate = lat.len() as f64 / elapsed.as_secs_f64();
        println!(
            "create run {run} ({}, durability {setting}): {} incidents by {} clients in {:.2} s = {rate:.0}/s; \
             latency p50 {} p95 {} p99 {}; failed {failed}",
            db.backend.name(),
            lat.len(),
            a.clients,
            elapsed.as_secs_f64(),
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.95)),
            ms(percentile(&lat, 0.99)),
        );
        if failed > 0 {
            bail!("{failed} requests failed");
        }
        let _ = stop.send(());
        let _ = server.await;
        app.store.close().await;
        db.discard().await?;
        rates.push(rate);
    }
    println!("create: median {:.0} incidents/s over {} runs (load average {})", median(rates), a.runs, load_average());
    Ok(())
}

/// Fills the database up to `n` incidents (reusing a kept one).
async fn fill(app: &App, n: usize) -> Result<()> {
    let have = count_incidents(app).await?;
    if have >= n {
        println!("the database already holds {have} incidents");
        return Ok(());
    }
    let started = Instant::now();
    let step = (n / 10).max(1);
    steward_app::seed::bulk_incidents(app, n - have, |done| {
        if done % step == 0 {
            eprintln!("  loaded {done} incidents");
        }
    })
    .await
    .map_err(crate::commands::app_error)?;
    println!("loaded {} incidents in {:.1} s", n - have, started.elapsed().as_secs_f64());
    // As after any bulk load: without statistics, PostgreSQL takes a fresh
    // million rows for a few hundred and plans keyset pages as sorts.
    app.store.analyze().await?;
    Ok(())
}

async fn count_incidents(app: &App) -> Result<usize> {
    Ok(app.store.count_incidents().await? as usize)
}

async fn list(a: ListArgs) -> Result<()> {
    let db = database(&a.target, Some("steward_bench_list")).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    fill(&app, a.incidents).await?;
    let token = bench_agent(&app).await?;
    let groups: Vec<String> =
        app.list_groups().await.map_err(crate::commands::app_error)?.into_iter().map(|g| g.name).collect();
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::new();
    let states = ["new", "in_progress", "on_hold", "resolved"];
    let deadline = Instant::now() + Duration::from_secs(300);
    let mut lat = Vec::new();
    let mut rows = 0usize;
    for i in 0..a.requests + 50 {
        if Instant::now() > deadline {
            break;
        }
        let group = &groups[i % groups.len()];
        let state = states[i % states.len()];
        let url =
            format!("{base}/api/v1/incidents?state={state}&group={}&sort=priority&limit=50", group.replace(' ', "%20"));
        let t = Instant::now();
        let r = client.get(url).bearer_auth(&token).send().await?;
        if r.status() != 200 {
            bail!("list answered {}: {}", r.status(), r.text().await.unwrap_or_default());
        }
        let body: serde_json::Value = r.json().await?;
        let d = t.elapsed();
        if i >= 50 {
            // the first 50 warm the caches
            lat.push(d);
            rows += body["items"].as_array().map(|v| v.len()).unwrap_or(0);
        }
    }
    lat.sort();
    println!(
        "list ({}, {} incidents): {} requests, first page of 50 by state + group sorted by priority then age: \
         p50 {} p95 {} p99 {} max {} ({:.1} rows per page; load average {})",
        db.backend.name(),
        count_incidents(&app).await?,
        lat.len(),
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.95)),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        rows as f64 / lat.len().max(1) as f64,
        load_average(),
    );
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

async fn startup(a: StartupArgs) -> Result<()> {
    let db = database(&a.target, Some("steward_bench_list")).await?;
    let dir = tempfile::tempdir()?;
    {
        let app = open_app(&db, dir.path().to_path_buf()).await?;
        fill(&app, a.incidents).await?;
        app.store.close().await;
    }
    let mut ready_ms = Vec::new();
    let mut rss_mb = Vec::new();
    for run in 1..=a.runs {
        let port = free_port()?;
        let started = Instant::now();
        let mut child = serve_child(&db, dir.path(), port)?;
        wait_ready(port).await?;
        let ready = started.elapsed();
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/readyz");
        // Let it settle, touch it once like a load balancer would, then read its memory.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let _ = client.get(&url).send().await;
        let pid = child.id().context("no pid")?;
        let rss = rss_kib(pid)? as f64 / 1024.0;
        println!(
            "startup run {run} ({}): ready in {} ms; idle resident memory {rss:.1} MB",
            db.backend.name(),
            ready.as_millis()
        );
        ready_ms.push(ready.as_secs_f64() * 1000.0);
        rss_mb.push(rss);
        let _ = child.kill().await;
    }
    println!(
        "startup ({}, {} incidents): median ready {:.0} ms, median idle RSS {:.1} MB (load average {})",
        db.backend.name(),
        a.incidents,
        median(ready_ms),
        median(rss_mb),
        load_average()
    );
    Ok(())
}

/// The bearer token a child server's `/metrics` answers to.
const CHILD_METRICS_TOKEN: &str = "bench-metrics-reader";

/// The sum of the samples named `name` (any labels) in a child server's
/// `/metrics` on 127.0.0.1:`port`.
async fn child_metric(client: &reqwest::Client, port: u16, name: &str) -> Result<f64> {
    let text = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .bearer_auth(CHILD_METRICS_TOKEN)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    Ok(text
        .lines()
        .filter(|l| l.split([' ', '{']).next() == Some(name))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum())
}

/// `steward serve` (this binary) on the database in a child process,
/// listening on 127.0.0.1:`port`, with nothing but PATH from the caller's
/// environment.
fn serve_child(db: &Db, data_dir: &std::path::Path, port: u16) -> Result<tokio::process::Child> {
    Ok(serve_command(db, data_dir, port)?.spawn()?)
}

/// The command [`serve_child`] runs, to add settings to before it starts.
fn serve_command(db: &Db, data_dir: &std::path::Path, port: u16) -> Result<tokio::process::Command> {
    let mut c = tokio::process::Command::new(std::env::current_exe()?);
    c.arg("serve")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("STEWARD_LISTEN", format!("127.0.0.1:{port}"))
        .env("STEWARD_DATABASE_URL", &db.url)
        .env("STEWARD_DATABASE_WRITERS", db.writers.to_string())
        .env("STEWARD_DATABASE_MAX_CONNECTIONS", db.connections.to_string())
        .env("STEWARD_DATA_DIR", data_dir)
        .env("STEWARD_LOG_LEVEL", "warn")
        .env("STEWARD_METRICS_TOKEN", CHILD_METRICS_TOKEN)
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true);
    Ok(c)
}

/// Polls /readyz on 127.0.0.1:`port` until it answers 200 (30 s at most).
async fn wait_ready(port: u16) -> Result<()> {
    let started = Instant::now();
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/readyz");
    while started.elapsed() < Duration::from_secs(30) {
        if client.get(&url).send().await.is_ok_and(|r| r.status() == 200) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    bail!("the server did not become ready within 30 s")
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn rss_kib(pid: u32) -> Result<u64> {
    status_kib(pid, "VmRSS:")
}

/// A size in kB from `/proc/<pid>/status` (`key` with its colon).
fn status_kib(pid: u32, key: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| format!("no {key}"))
}
