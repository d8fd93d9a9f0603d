//! `steward bench cmdb`: the CMDB's figures at the scale.
//!
//! 100,000 CIs go in through the bulk API (the figure: the whole upsert),
//! in layers as an estate is: services use applications, applications run
//! on virtual machines, virtual machines are hosted on hypervisors, with
//! some dependencies across. 500,000 relations are then loaded with a
//! history (created over the last 90 days, a tenth of them removed since),
//! so that "as of 30 days ago" is a different graph. Then, over HTTP:
//! the services affected by one CI and by 100 CIs, now and 30 days ago;
//! CI search by a rare word, a word most CIs share and an exact
//! identifier (`cmdb_search`); a CSV import of 10,000 rows (dry run and
//! real run).

use super::{Target, bench_agent, database, load_average, ms, open_app, percentile, start_server};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use steward_store::{cmdb, now_micros};

#[derive(Args)]
pub struct CmdbArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 100_000)]
    cis: usize,
    #[arg(long, default_value_t = 500_000)]
    relations: usize,
    /// CIs per bulk request.
    #[arg(long, default_value_t = 5_000)]
    batch: usize,
    /// Impact requests to time per figure.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    #[arg(long, default_value_t = 10_000)]
    csv_rows: usize,
}

const DAY: i64 = 86_400_000_000;

/// A small xorshift: the same estate on every run.
pub(super) struct Rnd(pub(super) u64);

impl Rnd {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Layer boundaries as fractions of the CIs: services, applications,
/// virtual machines, hypervisors.
fn layers(n: usize) -> [(usize, usize); 4] {
    let a = n / 100;
    let b = n / 10;
    let c = n * 6 / 10;
    [(0, a), (a, b), (b, c), (c, n)]
}

fn item(i: usize, n: usize) -> Value {
    let [s, a, v, _] = layers(n);
    if i < s.1 {
        json!({"class": "business_service", "name": format!("service-{i:06}")})
    } else if i < a.1 {
        json!({"class": "application", "name": format!("app-{i:06}"), "attributes": {"version": "1.0"}})
    } else if i < v.1 {
        json!({"class": "virtual_machine", "name": format!("vm-{i:06}"), "criticality": "medium",
               "attributes": {"hostname": format!("vm-{i:06}"), "uuid": format!("bench-{i:012}"), "cpu_count": 4,
                              "memory_mb": 8192, "hypervisor": "kvm", "operating_system": "Debian 12"}})
    } else {
        json!({"class": "server", "name": format!("hv-{i:06}"),
               "attributes": {"hostname": format!("hv-{i:06}"), "serial_number": format!("SN{i:09}"), "cpu_count": 64}})
    }
}

pub async fn cmdb(a: CmdbArgs) -> Result<()> {
    if a.cis < 1_000 || a.batch == 0 || a.queries == 0 {
        bail!("--cis must be at least 1000; --batch and --queries positive");
    }
    let db = database(&a.target, None).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    let token = bench_agent(&app).await?;
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(300)).build()?;
    let deadline = Instant::now() + Duration::from_secs(1_800);

    // 1. Bulk upsert through the API.
    let started = Instant::now();
    let mut ids: Vec<i64> = Vec::with_capacity(a.cis);
    for chunk in (0..a.cis).collect::<Vec<_>>().chunks(a.batch) {
        if Instant::now() > deadline {
            bail!("bulk upsert did not finish in time");
        }
        let items: Vec<Value> = chunk.iter().map(|i| item(*i, a.cis)).collect();
        let r = client
            .post(format!("{base}/api/v1/cmdb/bulk"))
            .bearer_auth(&token)
            .json(&json!({"items": items}))
            .send()
            .await?;
        if r.status() != 200 {
            bail!("bulk answered {}: {}", r.status(), r.text().await.unwrap_or_default());
        }
        let report: Value = r.json().await?;
        ids.extend(report["items"].as_array().context("items")?.iter().filter_map(|i| i["id"].as_i64()));
    }
    let upsert = started.elapsed();
    println!(
        "cmdb ({}): bulk upsert of {} CIs in batches of {} through the API: {:.1} s ({:.0} CIs/s)",
        db.backend.name(),
        a.cis,
        a.batch,
        upsert.as_secs_f64(),
        a.cis as f64 / upsert.as_secs_f64()
    );
    // Sent again, nothing changes: reconciliation, not duplication.
    let again = Instant::now();
    let items: Vec<Value> = (0..a.batch.min(a.cis)).map(|i| item(i, a.cis)).collect();
    let report: Value = client
        .post(format!("{base}/api/v1/cmdb/bulk"))
        .bearer_auth(&token)
        .json(&json!({"items": items}))
        .send()
        .await?
        .json()
        .await?;
    println!(
        "cmdb: the first {} CIs sent again: {} unchanged, {} created, in {}",
        items.len(),
        report["unchanged"],
        report["created"],
        ms(again.elapsed())
    );

    // 2. Relations with history, straight into the store.
    let mut rnd = Rnd(0x5EED_C0DE);
    let [s, ap, vm, hv] = layers(a.cis);
    let now = now_micros();
    let pick = |rnd: &mut Rnd, (lo, hi): (usize, usize)| ids[lo + rnd.below(hi - lo)];
    let mut rels: Vec<(i64, i64, String, i64, Option<i64>)> = Vec::with_capacity(a.relations);
    let mut seen = std::collections::HashSet::new();
    while rels.len() < a.relations {
        // Mostly layered, with a few dependencies between applications:
        // enough for chains and cycles, not so many that any failure
        // reaches the whole estate (a real one is not a random graph).
        let (from, to, kind) = match rnd.below(100) {
            0..=9 => (pick(&mut rnd, s), pick(&mut rnd, ap), "uses"),
            10..=44 => (pick(&mut rnd, ap), pick(&mut rnd, vm), "runs_on"),
            45..=89 => (pick(&mut rnd, vm), pick(&mut rnd, hv), "hosted_on"),
            90 => (pick(&mut rnd, ap), pick(&mut rnd, ap), "depends_on"),
            _ => (pick(&mut rnd, hv), pick(&mut rnd, hv), "connected_to"),
        };
        if from == to || !seen.insert((from, to, kind)) {
            continue;
        }
        let since = now - (rnd.below(90 * 24) as i64 + 1) * DAY / 24;
        let until = (rnd.below(10) == 0).then(|| since + (now - since) / 2);
        rels.push((from, to, kind.to_owned(), since, until));
    }
    let started = Instant::now();
    let rels = std::sync::Arc::new(rels);
    let r2 = rels.clone();
    app.store
        .write(move |c| {
            let rels = r2.clone();
            Box::pin(async move {
                let rev = cmdb::bump_rev(c).await?;
                cmdb::backdate_cis(c, now - 91 * DAY, rev).await?;
                cmdb::insert_history(c, &rels, rev).await
            })
        })
        .await?;
    if db.backend == steward_store::Backend::Postgres {
        app.store.analyze().await?;
    }
    println!(
        "cmdb: {} relations with 90 days of history loaded in {:.1} s",
        rels.len(),
        started.elapsed().as_secs_f64()
    );

    // 3. Impact over HTTP: warm the graph once, then time.
    drop(rels);
    let before = rss_mb();
    let started = Instant::now();
    let warm = impact(&client, &base, &token, &[ids[hv.0]], None).await?;
    println!(
        "cmdb: graph loaded by the first impact request in {:.1} s ({warm} services); \
         resident memory {before:.0} MB before, {:.0} MB after",
        started.elapsed().as_secs_f64(),
        rss_mb()
    );
    let month_ago = jiff::Timestamp::from_microsecond(now - 30 * DAY)?.to_string();
    for (label, n, as_of) in [
        ("1 CI", 1usize, None),
        ("100 CIs", 100, None),
        ("1 CI as of 30 days ago", 1, Some(month_ago.as_str())),
        ("100 CIs as of 30 days ago", 100, Some(month_ago.as_str())),
    ] {
        let mut times = Vec::with_capacity(a.queries);
        let mut reached: Vec<usize> = Vec::with_capacity(a.queries);
        for _ in 0..a.queries {
            if Instant::now() > deadline {
                break;
            }
            // Failures start low in the estate: VMs and hypervisors.
            let starts: Vec<i64> = (0..n).map(|_| ids[vm.0 + rnd.below(hv.1 - vm.0)]).collect();
            let t = Instant::now();
            let found = impact(&client, &base, &token, &starts, as_of).await?;
            times.push(t.elapsed());
            reached.push(found);
        }
        times.sort();
        reached.sort_unstable();
        println!(
            "cmdb: services affected by {label}: p50 {} p95 {} max {} over {} requests \
             (services found: median {}, max {}; load average {})",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(times.last().copied().unwrap_or_default()),
            times.len(),
            reached.get(reached.len() / 2).copied().unwrap_or(0),
            reached.last().copied().unwrap_or(0),
            load_average()
        );
    }

    // 4. CI search over HTTP, before the import adds CIs named alike.
    super::cmdb_search::time_ci_search(&client, &base, &token, layers(a.cis), a.queries, &mut rnd, deadline).await?;

    // 5. CSV import of new servers.
    let mut csv = String::from("Host,Serial,OS,CPUs,Memory\n");
    for i in 0..a.csv_rows {
        csv.push_str(&format!("csv-host-{i:06},CSV{i:09},Debian 12,{},{}\n", 2 + i % 30, 4096 + (i % 8) * 1024));
    }
    let mapping = json!({"class": "server", "columns": {"Host": "name", "Serial": "attributes.serial_number",
        "OS": "attributes.operating_system", "CPUs": "attributes.cpu_count", "Memory": "attributes.memory_mb"}})
    .to_string();
    for dry in [true, false] {
        let t = Instant::now();
        let r = client
            .post(format!("{base}/api/v1/cmdb/import"))
            .query(&[("dry_run", dry.to_string()), ("mapping", mapping.clone())])
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body(csv.clone())
            .send()
            .await?;
        if r.status() != 200 {
            bail!("import answered {}: {}", r.status(), r.text().await.unwrap_or_default());
        }
        let report: Value = r.json().await?;
        println!(
            "cmdb: CSV import of {} rows ({}): {:.2} s; created {} rejected {}",
            a.csv_rows,
            if dry { "dry run" } else { "real run" },
            t.elapsed().as_secs_f64(),
            report["created"],
            report["rejected"]
        );
    }
    let _ = stop.send(());
    let _ = server.await;
    app.store.close().await;
    db.discard().await
}

/// This process's resident memory (the server runs in it), in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .map_or(0.0, |kb: f64| kb / 1024.0)
}

/// One impact request; the number of services affected.
async fn impact(client: &reqwest::Client, base: &str, token: &str, cis: &[i64], as_of: Option<&str>) -> Result<usize> {
    let mut body = json!({"cis": cis, "depth": 10, "include": "services"});
    if let Some(t) = as_of {
        body["as_of"] = json!(t);
    }
    let r = client.post(format!("{base}/api/v1/impact")).bearer_auth(token).json(&body).send().await?;
    if r.status() != 200 {
        bail!("impact answered {}: {}", r.status(), r.text().await.unwrap_or_default());
    }
    let v: Value = r.json().await?;
    Ok(v["services"].as_array().map_or(0, Vec::len))
}
