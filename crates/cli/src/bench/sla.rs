//! Service-level benchmarks: due-moment arithmetic and the timer scan.

use super::{Target, database, load_average, median, ms, percentile};
use anyhow::{Result, bail};
use clap::Args;
use std::time::{Duration, Instant};
use steward_store::{Store, StoreOptions, now_micros, sla};

#[derive(Args)]
pub struct DueArgs {
    /// Due moments computed in each run.
    #[arg(long, default_value_t = 5_000_000)]
    count: usize,
    /// Runs; the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

#[derive(Args)]
pub struct TimersArgs {
    #[command(flatten)]
    target: Target,
    /// Running clocks stored.
    #[arg(long, default_value_t = 1_000_000)]
    clocks: i64,
    /// Scans to time.
    #[arg(long, default_value_t = 200)]
    scans: usize,
}

/// Due moments per second on one core: a Warsaw calendar (two intervals a
/// day, Poland's holidays over ten years), SLA targets from 30 minutes to
/// five business days, random starts.
pub fn due(a: DueArgs) -> Result<()> {
    if a.count == 0 || a.runs == 0 {
        bail!("--count and --runs must be positive");
    }
    let mut rates = Vec::new();
    for run in 1..=a.runs {
        let b = steward_domain::calendar::bench_due_moments(a.count)
            .map_err(|p| anyhow::anyhow!("benchmark calendar: {p:?}"))?;
        println!(
            "due run {run}: {} due moments in {:.3} s = {:.0}/s",
            b.computations,
            b.elapsed.as_secs_f64(),
            b.rate()
        );
        rates.push(b.rate());
    }
    println!("due: median {:.0} due moments/s over {} runs (load average {})", median(rates), a.runs, load_average());
    Ok(())
}

/// The timer's scan (clocks with an event due, soonest first) with many
/// running clocks stored, their next events spread over 30 days.
pub async fn timers(a: TimersArgs) -> Result<()> {
    if a.clocks <= 0 || a.scans == 0 {
        bail!("--clocks and --scans must be positive");
    }
    let db = database(&a.target, None).await?;
    let store = Store::connect(&db.url, &StoreOptions::default()).await?;
    store.migrate().await?;
    let (d, n) = (store.dialect(), a.clocks);
    let (from, span) = (now_micros() - 60_000_000, 30 * 86_400_000_000);
    let started = Instant::now();
    store.write(move |c| Box::pin(async move { sla::generate_bench_clocks(c, d, n, from, span).await })).await?;
    if db.backend == steward_store::Backend::Postgres {
        store.analyze().await?;
    }
    println!("timers: {n} running clocks stored in {:.1} s", started.elapsed().as_secs_f64());
    let mut times = Vec::with_capacity(a.scans);
    let mut found = 0;
    for _ in 0..a.scans {
        let t = Instant::now();
        let mut conn = store.pool().acquire().await?;
        found = sla::due_records(&mut conn, now_micros(), 500).await?.len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "timers ({}): scan of {n} running clocks, {found} due: p50 {} p95 {} max {} over {} scans (load average {})",
        db.backend.name(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times.last().copied().unwrap_or(Duration::ZERO)),
        a.scans,
        load_average()
    );
    store.close().await;
    db.discard().await?;
    Ok(())
}
