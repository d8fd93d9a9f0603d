//! `steward bench export`: an incident export over HTTP (issue 14). Seeds
//! 100,000 incidents, then downloads every one as CSV (rows/s against the
//! 50,000 target, and how much the process's resident memory grew while
//! the rows streamed: flat, whatever the count) and as XLSX (the time it
//! takes and the file's size), and makes two saved reports' files (the
//! open incidents as CSV; the measures of the last 90 days per group as
//! XLSX), each `--runs` times, the median reported.

use super::{Target, bench_agent, database, fill, load_average, open_app, start_server};
use anyhow::{Result, bail};
use clap::Args;
use std::time::Instant;

#[derive(Args)]
pub struct ExportArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 100_000)]
    incidents: usize,
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

/// The process's resident memory now, in bytes (Linux; 0 elsewhere).
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.split_whitespace().next());
    kb.and_then(|v| v.parse::<u64>().ok()).unwrap_or(0) * 1024
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub async fn export(a: ExportArgs) -> Result<()> {
    if a.runs == 0 {
        bail!("--runs must be positive");
    }
    let db = database(&a.target, None).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    fill(&app, a.incidents).await?;
    // Counted now, so the server's workers find nothing to do meanwhile.
    app.rebuild_reports().await.map_err(crate::commands::app_error)?;
    let token = bench_agent(&app).await?;
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::new();
    let (mut rates, mut grew, mut xlsx_secs, mut xlsx_size) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for _ in 0..a.runs {
        let before = rss();
        let mut peak = before;
        let started = Instant::now();
        let mut r = client.get(format!("{base}/api/v1/incidents/export.csv")).bearer_auth(&token).send().await?;
        r = r.error_for_status()?;
        let mut lines = 0u64;
        while let Some(chunk) = r.chunk().await? {
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
            peak = peak.max(rss());
        }
        let took = started.elapsed().as_secs_f64();
        let rows = lines.saturating_sub(1);
        if rows as usize != a.incidents {
            bail!("the export held {rows} rows, not {}", a.incidents);
        }
        rates.push(rows as f64 / took);
        grew.push((peak - before) as f64 / 1_048_576.0);

        let started = Instant::now();
        let bytes = client
            .get(format!("{base}/api/v1/incidents/export.xlsx"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        xlsx_secs.push(started.elapsed().as_secs_f64());
        xlsx_size = bytes.len();
    }
    // Saved reports: the file a scheduled one would mail, made now.
    let report = |body: serde_json::Value| {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        async move {
            let r = client.post(format!("{base}/api/v1/reports/saved")).bearer_auth(&token).json(&body).send().await?;
            let saved: serde_json::Value = r.error_for_status()?.json().await?;
            let file = format!("{base}/api/v1/reports/saved/{}/file", saved["id"]);
            let mut secs = Vec::new();
            let mut size = 0;
            for _ in 0..a.runs {
                let started = Instant::now();
                let bytes = client.get(&file).bearer_auth(&token).send().await?.error_for_status()?.bytes().await?;
                secs.push(started.elapsed().as_secs_f64());
                size = bytes.len();
            }
            anyhow::Ok((median(secs), size))
        }
    };
    let open = serde_json::json!({"name": "Open incidents", "subject": "incidents", "filters": {"state": "open"}});
    let (open_secs, open_size) = report(open).await?;
    let per_group = serde_json::json!({"name": "Load per group", "subject": "measures", "format": "xlsx",
        "measures": {"period": "last_90_days", "by": "group"}});
    let (group_secs, _) = report(per_group).await?;
    let rate = median(rates);
    println!(
        "CSV export of {} incidents ({}, median of {} runs, load average {}): {rate:.0} rows/s (target 50,000: {}); \
         resident memory grew {:.1} MB while it streamed",
        a.incidents,
        db.backend.name(),
        a.runs,
        load_average(),
        if rate >= 50_000.0 { "ok" } else { "UNDER" },
        median(grew),
    );
    println!(
        "XLSX export of the same: {:.1} s ({:.0} rows/s), {:.1} MB",
        median(xlsx_secs.clone()),
        a.incidents as f64 / median(xlsx_secs),
        xlsx_size as f64 / 1_048_576.0
    );
    println!(
        "Saved reports' files: the open incidents as CSV {:.0} ms ({:.1} MB); the last 90 days per group as XLSX {:.0} ms",
        open_secs * 1000.0,
        open_size as f64 / 1_048_576.0,
        group_secs * 1000.0
    );
    let _ = stop.send(());
    let _ = server.await;
    db.discard().await?;
    Ok(())
}
