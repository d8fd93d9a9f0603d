//! `steward bench alerts`: alert intake against Debian's Alertmanager 0.25,
//! side by side with the same client in one run — new alerts and the
//! dedup path through `POST /api/v2/alerts` (batches of 100 from 4
//! clients), memory with every alert active, and listing them (all, and
//! filtered to one instance). Steward commits each alert's row before it
//! answers; Alertmanager keeps them in memory only.

use super::{Target, database, load_average, median, ms, open_app, percentile, rss_kib, start_server};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct AlertsArgs {
    #[command(flatten)]
    target: Target,
    /// New alerts posted in each run.
    #[arg(long, default_value_t = 200_000)]
    alerts: usize,
    /// Alerts per request.
    #[arg(long, default_value_t = 100)]
    batch: usize,
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// Runs of each side, interleaved; the medians are reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Alertmanager's binary (Debian's prometheus-alertmanager).
    #[arg(long, default_value = "/usr/bin/prometheus-alertmanager")]
    alertmanager: String,
    /// Timed list requests of each kind.
    #[arg(long, default_value_t = 20)]
    lists: usize,
}

/// The filters the timed lists use (URL-encoded matchers).
const ONE_INSTANCE: &str = "instance%3D%22host-7%3A9100%22";
const ONE_NAME: &str = "alertname%3D%22BenchAlert7%22";

/// The batches of a run: `alerts` distinct label sets, `batch` a request.
fn batches(run: usize, alerts: usize, batch: usize) -> Arc<Vec<String>> {
    let mut out = Vec::with_capacity(alerts.div_ceil(batch));
    let mut i = 0;
    while i < alerts {
        let items: Vec<serde_json::Value> = (i..(i + batch).min(alerts))
            .map(|n| {
                serde_json::json!({
                    "labels": {"alertname": format!("BenchAlert{}", n % 50), "instance": format!("host-{n}:9100"),
                        "job": "node", "severity": "warning", "run": format!("r{run}")},
                    "annotations": {"summary": format!("host-{n} needs attention")},
                    "generatorURL": "http://prometheus.example:9090/graph"
                })
            })
            .collect();
        out.push(serde_json::Value::Array(items).to_string());
        i += batch;
    }
    Arc::new(out)
}

/// Posts every batch from `clients` concurrent clients; alerts per second.
async fn post_all(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    bodies: Arc<Vec<String>>,
    clients: usize,
    per: usize,
) -> Result<f64> {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(600);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, next, bodies, url) = (client.clone(), next.clone(), bodies.clone(), url.to_owned());
        let token = token.map(str::to_owned);
        tasks.push(tokio::spawn(async move {
            let mut failed = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= bodies.len() || Instant::now() > deadline {
                    break;
                }
                let mut req = client.post(&url).header("content-type", "application/json").body(bodies[i].clone());
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                match req.send().await {
                    Ok(r) if r.status().is_success() => {}
                    _ => failed += 1,
                }
            }
            failed
        }));
    }
    let mut failed = 0;
    for t in tasks {
        failed += t.await?;
    }
    let secs = started.elapsed().as_secs_f64();
    if failed > 0 {
        bail!("{failed} batches failed at {url}");
    }
    Ok((bodies.len() * per) as f64 / secs)
}

/// Times `n` GETs of `url`; (p50, p95) and the alerts the last one listed.
async fn time_list(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    n: usize,
) -> Result<(Duration, Duration, usize)> {
    let mut lat = Vec::new();
    let mut count = 0;
    for _ in 0..n.max(1) {
        let mut req = client.get(url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let t = Instant::now();
        let r = req.send().await?;
        if !r.status().is_success() {
            bail!("{url} answered {}", r.status());
        }
        let body: serde_json::Value = r.json().await?;
        lat.push(t.elapsed());
        count = body.as_array().map_or(0, Vec::len);
    }
    lat.sort();
    Ok((percentile(&lat, 0.5), percentile(&lat, 0.95), count))
}

struct Alertmanager {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    async fn start(binary: &str) -> Result<Alertmanager> {
        let dir = tempfile::tempdir()?;
        let config = dir.path().join("alertmanager.yml");
        std::fs::write(&config, "route:\n  receiver: bench\n  group_by: [alertname]\nreceivers:\n  - name: bench\n")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = std::process::Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", dir.path().display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .arg("--log.level=warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .with_context(|| format!("starting {binary}: run scripts/install-alertmanager.sh"))?;
        let url = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        for _ in 0..100 {
            if client.get(format!("{url}/-/ready")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(Alertmanager { child, url, _dir: dir });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("Alertmanager did not become ready at {url}")
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Side {
    new: Vec<f64>,
    dedup: Vec<f64>,
}

pub async fn alerts(a: AlertsArgs) -> Result<()> {
    if a.alerts == 0 || a.batch == 0 || a.clients == 0 || a.runs == 0 {
        bail!("--alerts, --batch, --clients and --runs must be positive");
    }
    let client = reqwest::Client::builder().pool_max_idle_per_host(a.clients).build()?;
    let (mut am, mut st) = (Side { new: vec![], dedup: vec![] }, Side { new: vec![], dedup: vec![] });
    let backend = if a.target.pg.is_some() { "postgres" } else { "sqlite" };
    for run in 1..=a.runs {
        let bodies = batches(run, a.alerts, a.batch);
        // Alertmanager first, then Steward, each fresh.
        let m = Alertmanager::start(&a.alertmanager).await?;
        let rss_before = rss_kib(m.child.id())?;
        let url = format!("{}/api/v2/alerts", m.url);
        let new = post_all(&client, &url, None, bodies.clone(), a.clients, a.batch).await?;
        let dedup = post_all(&client, &url, None, bodies.clone(), a.clients, a.batch).await?;
        let rss_after = rss_kib(m.child.id())?;
        let all = time_list(&client, &url, None, 1).await?;
        let one = time_list(&client, &format!("{url}?filter={ONE_INSTANCE}"), None, a.lists).await?;
        let name = time_list(&client, &format!("{url}?filter={ONE_NAME}"), None, a.lists).await?;
        println!(
            "run {run} alertmanager: new {new:.0}/s, dedup {dedup:.0}/s; memory {} MB -> {} MB ({:.0} bytes per alert); \
             list all {} alerts {}; filtered to one instance p50 {} p95 {}; to one alert name ({}) p50 {} p95 {}",
            rss_before / 1024,
            rss_after / 1024,
            (rss_after.saturating_sub(rss_before) * 1024) as f64 / a.alerts as f64,
            all.2,
            ms(all.0),
            ms(one.0),
            ms(one.1),
            name.2,
            ms(name.0),
            ms(name.1)
        );
        am.new.push(new);
        am.dedup.push(dedup);
        drop(m);

        let db = database(&a.target, None).await?;
        let dir = tempfile::tempdir()?;
        let app = open_app(&db, dir.path().to_path_buf()).await?;
        let token = super::bench_agent(&app).await?;
        let rss_before = rss_kib(std::process::id())?;
        let (base, stop, server) = start_server(app.clone()).await?;
        let url = format!("{base}/api/v2/alerts");
        let new = post_all(&client, &url, Some(&token), bodies.clone(), a.clients, a.batch).await?;
        let dedup = post_all(&client, &url, Some(&token), bodies.clone(), a.clients, a.batch).await?;
        let rss_after = rss_kib(std::process::id())?;
        // The label index catches up off the answers' path (a worker pass
        // every second on a server); the lists below read it.
        let indexing = Instant::now();
        let indexed = app.index_alert_labels(usize::MAX).await?;
        let indexing = indexing.elapsed();
        let all = time_list(&client, &url, Some(&token), 1).await?;
        let one = time_list(&client, &format!("{url}?filter={ONE_INSTANCE}"), Some(&token), a.lists).await?;
        let name = time_list(&client, &format!("{url}?filter={ONE_NAME}"), Some(&token), a.lists).await?;
        // The desk's list: a page of 50, the first and one deep in, and a
        // page narrowed to one instance.
        let desk = format!("{base}/api/v1/alerts?limit=50");
        let first = time_list(&client, &desk, Some(&token), a.lists).await?;
        let deep = time_list(&client, &format!("{desk}&cursor={}", a.alerts / 2), Some(&token), a.lists).await?;
        let narrow = time_list(&client, &format!("{desk}&filter={ONE_INSTANCE}"), Some(&token), a.lists).await?;
        println!(
            "run {run} steward ({backend}): new {new:.0}/s, dedup {dedup:.0}/s; label index caught up with \
             {indexed} alerts in {}; memory {} MB -> {} MB; \
             list all {} alerts {}; filtered to one instance p50 {} p95 {}; to one alert name ({}) p50 {} p95 {}; \
             desk page of 50 p50 {} p95 {}, deep in p50 {} p95 {}, one instance p50 {} p95 {}",
            ms(indexing),
            rss_before / 1024,
            rss_after / 1024,
            all.2,
            ms(all.0),
            ms(one.0),
            ms(one.1),
            name.2,
            ms(name.0),
            ms(name.1),
            ms(first.0),
            ms(first.1),
            ms(deep.0),
            ms(deep.1),
            ms(narrow.0),
            ms(narrow.1)
        );
        if all.2 != a.alerts {
            bail!("steward lists {} alerts, {} were posted", all.2, a.alerts);
        }
        st.new.push(new);
        st.dedup.push(dedup);
        let _ = stop.send(());
        let _ = server.await;
        app.store.close().await;
        db.discard().await?;
    }
    let (amn, amd, stn, std) = (median(am.new), median(am.dedup), median(st.new), median(st.dedup));
    println!(
        "alerts ({backend}, {} alerts a run, batches of {}, {} clients, median of {}): new {stn:.0}/s vs \
         alertmanager {amn:.0}/s = ratio {:.2}; dedup {std:.0}/s vs {amd:.0}/s = ratio {:.2} (load average {})",
        a.alerts,
        a.batch,
        a.clients,
        a.runs,
        stn / amn,
        std / amd,
        load_average()
    );
    Ok(())
}
