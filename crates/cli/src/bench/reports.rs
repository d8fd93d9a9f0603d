//! `steward bench reports`: the measures at scale (issue 14). Seeds (or
//! tops up) incidents with their journals, rebuilds the daily totals from
//! every record (records/s), then times the manager's dashboard for the
//! last 90 days as a whole and each of its queries alone (p50, p95 against
//! the targets: each panel 300 ms, the dashboard 1 s), the measures for a
//! year (1 s), `/metrics` over HTTP (20 ms), and a worker's pass over
//! 5,000 journal entries already counted. Alerts are seeded beside the
//! incidents (groups that opened one in 20, firings for one in 5), so the
//! alert marks are counted and read at scale too.

use super::{Target, database, fill, load_average, ms, open_app, percentile};
use anyhow::{Result, bail};
use clap::Args;
use std::time::{Duration, Instant};
use steward_app::{Actor, reports::Filter};
use steward_domain::report::Period;
use steward_store::reports::{self as store, By};

#[derive(Args)]
pub struct ReportsArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    /// Timed requests per query (after 3 to warm up).
    #[arg(long, default_value_t = 30)]
    requests: usize,
}

/// Alerts beside the incidents, as an estate with monitoring has them: one
/// incident in 20 opened by the correlation, and a firing for one in 5
/// (once; a top-up run leaves them be).
async fn alerts_beside(app: &steward_app::App) -> Result<()> {
    let started = Instant::now();
    let mut c = app.store.pool().acquire().await?;
    if steward_store::alerts::bench_beside_incidents(&mut c, 20, 5).await? {
        println!("alerts beside them: groups for 1 incident in 20, a firing for 1 in 5, in {}", ms(started.elapsed()));
    }
    Ok(())
}

/// Times `f` `n` times after 3 warm-up calls; sorted durations.
async fn timed<F, Fut>(n: usize, mut f: F) -> Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    for _ in 0..3 {
        f().await?;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        if Instant::now() > deadline {
            break;
        }
        let t = Instant::now();
        f().await?;
        lat.push(t.elapsed());
    }
    lat.sort();
    Ok(lat)
}

fn line(what: &str, lat: &[Duration], target: Duration) {
    let p95 = percentile(lat, 0.95);
    let verdict = if p95 <= target { "ok" } else { "OVER" };
    println!(
        "  {what:<44} p50 {:>10}  p95 {:>10}  (target p95 {}: {verdict})",
        ms(percentile(lat, 0.5)),
        ms(p95),
        ms(target)
    );
}

pub async fn reports(a: ReportsArgs) -> Result<()> {
    if a.requests == 0 {
        bail!("--requests must be positive");
    }
    let db = database(&a.target, Some("steward_bench_reports")).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    fill(&app, a.incidents).await?;
    alerts_beside(&app).await?;

    let started = Instant::now();
    let n = app.rebuild_reports().await.map_err(crate::commands::app_error)?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "rebuild ({}): {n} records counted in {took:.1} s = {:.0} records/s (load average {})",
        db.backend.name(),
        n as f64 / took.max(1e-9),
        load_average()
    );

    // The alerts' history: every firing, counted into its day.
    let started = Instant::now();
    app.count_reports().await.map_err(crate::commands::app_error)?;
    println!("the alerts' firings counted in {}", ms(started.elapsed()));

    let started = Instant::now();
    app.snapshot_backlog(true).await.map_err(crate::commands::app_error)?;
    println!("today's backlog counted from the open records in {}", ms(started.elapsed()));

    let me = Actor::operator();
    let today = jiff::Zoned::now().date();
    let from = today.checked_sub(jiff::Span::new().days(89))?;
    let period = Period { from, to: today };
    let year = Period { from: today.checked_sub(jiff::Span::new().days(364))?, to: today };
    let (f, t) = period.keys();
    let all = Filter::default();
    let panel = Duration::from_millis(300);
    println!("the manager's dashboard, {} to {} ({} runs each):", period.from, period.to, a.requests);
    let d = app.dashboard(&me, period, all.clone()).await.map_err(crate::commands::app_error)?;
    println!(
        "  (period: {} arrivals, {} resolved, {} groups, {} services)",
        d.headline.arrivals.now.unwrap_or(0.0),
        d.headline.resolved.now.unwrap_or(0.0),
        d.by_group.len(),
        d.by_service.len()
    );
    let lat = timed(a.requests, || async {
        app.dashboard(&me, period, Filter::default()).await.map_err(crate::commands::app_error)?;
        Ok(())
    })
    .await?;
    line("whole dashboard (every panel)", &lat, Duration::from_secs(1));
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        store::sums(&mut c, f, t, &Filter::default(), By::Day).await?;
        Ok(())
    })
    .await?;
    line("per day: headline, time series, heat map", &lat, panel);
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        store::sums(&mut c, f, t, &Filter::default(), By::Priority).await?;
        Ok(())
    })
    .await?;
    line("the period before: headline trends", &lat, panel);
    for (what, by) in
        [("per group: bars", By::Group), ("per service: bars", By::Service), ("per priority: bars", By::Priority)]
    {
        let lat = timed(a.requests, || async {
            let mut c = app.store.pool().acquire().await?;
            store::light_sums(&mut c, f, t, &Filter::default(), by).await?;
            Ok(())
        })
        .await?;
        line(what, &lat, panel);
    }
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        store::backlog(&mut c, f, t, &Filter::default()).await?;
        Ok(())
    })
    .await?;
    line("backlog per day", &lat, panel);
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        store::sla(&mut c, f, t, &Filter::default()).await?;
        Ok(())
    })
    .await?;
    line("SLA and OLA compliance table", &lat, panel);
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        store::mark_sums(&mut c, f, t, &Filter::default()).await?;
        Ok(())
    })
    .await?;
    line("problems, changes and alerts (each kind's marks)", &lat, panel);
    let (start, end) = app.instants(period);
    let lat = timed(a.requests, || async {
        let mut c = app.store.pool().acquire().await?;
        steward_store::checks::availability_by_service(&mut c, start, end, None).await?;
        Ok(())
    })
    .await?;
    line("availability per service", &lat, panel);
    // The busiest assignee's own work, counted live over their records.
    let mut c = app.store.pool().acquire().await?;
    let busiest = steward_store::dashboards::busiest_assignee(&mut c).await?;
    drop(c);
    if let Some((id, held)) = busiest {
        let agent = Actor { id, role: steward_domain::Role::Agent, ..Actor::operator() };
        let lat = timed(a.requests, || async {
            app.my_work(&agent, period).await.map_err(crate::commands::app_error)?;
            Ok(())
        })
        .await?;
        line(&format!("an agent's own work, live ({held} records assigned)"), &lat, panel);
    }
    let lat = timed(a.requests, || async {
        app.measures(&me, year, Filter::default()).await.map_err(crate::commands::app_error)?;
        Ok(())
    })
    .await?;
    // A year is a report, not a dashboard panel: held to the dashboard's 1 s.
    line("the measures for 365 days (reporting API)", &lat, Duration::from_secs(1));

    // /metrics over HTTP, on an address of its own (no workers running).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/metrics", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = steward_web::AppState::new(app.clone(), steward_web::WebConfig::default());
    let server = tokio::spawn(steward_web::serve_metrics(state, listener, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let size = client.get(&url).send().await?.error_for_status()?.text().await?.len();
    let lat = timed(a.requests, || async {
        client.get(&url).send().await?.error_for_status()?.bytes().await?;
        Ok(())
    })
    .await?;
    line(&format!("/metrics over HTTP ({size} bytes)"), &lat, Duration::from_millis(20));
    let _ = stop.send(());
    let _ = server.await;

    // A worker's pass over entries it has counted already: the cost of
    // reading them and finding nothing changed.
    let mut c = app.store.pool().acquire().await?;
    let last = store::last_journal_id(&mut c).await?;
    drop(c);
    let back = (last - 5_000).max(0);
    let zone = app.config.site.time_zone.as_str().to_owned();
    app.store
        .write(move |c| Box::pin(async move { store::set_state(c, back, &zone, steward_store::now_micros()).await }))
        .await?;
    let started = Instant::now();
    let counted = app.count_reports().await.map_err(crate::commands::app_error)?;
    println!(
        "a worker's pass over the last {} journal entries ({} records): {}",
        last - back,
        counted.records,
        ms(started.elapsed())
    );
    app.store.close().await;
    if a.target.keep.is_none() {
        db.discard().await?;
    }
    Ok(())
}
