//! `steward bench changes`: the change calendar at the scale.
//!
//! Loads an estate of 100,000 CIs with 500,000 relations
//! (`change_estate`), 10,000 scheduled changes over 60 days with freezes
//! and maintenance windows (`change_plan`), then times over HTTP the
//! conflict check of changes touching 50 CIs each (`GET
//! /api/v1/changes/{n}/conflicts`: the other changes and freezes in their
//! window across the CMDB graph, and the next free slot when there is a
//! conflict), and the month with the most planned days as the calendar
//! API and as the page show it. p50, p95 and p99 against the 50 ms target.

use super::{Target, bench_agent, cmdb::Rnd, database, load_average, ms, open_app, percentile, start_server};
use super::{change_estate, change_plan};
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;
use std::time::{Duration, Instant};
use steward_app::accounts::NewUser;

#[derive(Args)]
pub struct ChangesArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 100_000)]
    cis: usize,
    #[arg(long, default_value_t = 500_000)]
    relations: usize,
    /// Changes holding a window on the calendar.
    #[arg(long, default_value_t = 10_000)]
    changes: usize,
    /// Days their windows are spread over, from tomorrow.
    #[arg(long, default_value_t = 60)]
    days: usize,
    /// The CIs each timed change touches.
    #[arg(long, default_value_t = 50)]
    touched: usize,
    /// How many such changes there are (the requests go round them).
    #[arg(long, default_value_t = 100)]
    probes: usize,
    #[arg(long, default_value_t = 6)]
    freezes: usize,
    /// Services with a weekly maintenance window.
    #[arg(long, default_value_t = 100)]
    windows: usize,
    /// Timed requests per figure (after 10 to warm up).
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// Rounds of every figure over the same data.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

const TARGET_MS: f64 = 50.0;

pub async fn changes(a: ChangesArgs) -> Result<()> {
    if a.cis < 1_000 || a.changes == 0 || a.days == 0 || a.touched == 0 || a.requests == 0 || a.runs == 0 {
        bail!("--cis must be at least 1000; --changes, --days, --touched, --requests and --runs positive");
    }
    if a.probes == 0 || a.probes > a.changes {
        bail!("--probes must be between 1 and --changes");
    }
    if let Some(dir) = &a.target.keep
        && a.target.pg.is_none()
        && dir.join("steward.db").exists()
    {
        bail!("{} already holds a database: this benchmark loads a fresh one", dir.display());
    }
    let db = database(&a.target, None).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    let token = bench_agent(&app).await?;
    let mut rnd = Rnd(0xC4A7_6E5E);
    let estate = change_estate::load(&app, a.cis, a.relations, 5_000, &mut rnd).await?;
    let started = Instant::now();
    let sizes = change_plan::Sizes {
        changes: a.changes,
        days: a.days,
        probes: a.probes,
        touched: a.touched,
        freezes: a.freezes,
        windows: a.windows,
    };
    let requester = bench_user_id(&app).await?;
    let plan = change_plan::load(&app, &estate, &sizes, requester, &mut rnd).await?;
    app.store.analyze().await?;
    println!(
        "loaded {} changes over {} days ({} touching {} CIs), {} freezes and {} maintenance windows in {:.1} s",
        a.changes,
        a.days,
        a.probes,
        a.touched,
        a.freezes,
        a.windows.min(estate.layers[change_estate::SVC].len()),
        started.elapsed().as_secs_f64()
    );
    let cookie = page_session(&app).await?;
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let deadline = Instant::now() + Duration::from_secs(900);
    let backend = db.backend.name();
    let mut over = 0;
    let (month, from, to) = busy_month(plan.first_day, a.days)?;
    for run in 1..=a.runs {
        println!("run {run} of {}:", a.runs);
        over += time_conflicts(&client, &base, &token, &plan, &a, backend, deadline).await?;
        let url = format!("{base}/api/v1/change-calendar?from={from}&to={to}");
        let label = format!("the calendar API for {month}");
        over += time_get(&client, &[url], Auth::Bearer(&token), &label, a.requests, deadline).await?;
        let url = format!("{base}/change-calendar?month={month}");
        let label = format!("the calendar page for {month}");
        over += time_get(&client, &[url], Auth::Cookie(&cookie), &label, a.requests, deadline).await?;
    }
    println!("{over} figure(s) over target (load average {})", load_average());
    let _ = stop.send(());
    let _ = server.await;
    app.store.close().await;
    match (&a.target.keep, &db.scratch) {
        (Some(_), Some((_, name))) => println!("kept the PostgreSQL database {name}"),
        (Some(dir), None) => println!("kept the SQLite database in {}", dir.display()),
        _ => db.discard().await?,
    }
    Ok(())
}

/// A signed-in agent's session cookie, for the pages.
async fn page_session(app: &steward_app::App) -> Result<String> {
    let password = "bench-changes-password";
    let u = NewUser {
        username: "change-viewer".into(),
        role: "agent".into(),
        password: Some(password.into()),
        ..Default::default()
    };
    app.add_user(None, u).await.map_err(crate::commands::app_error)?;
    let (_, s) =
        app.login("change-viewer", password, [127, 0, 0, 1].into()).await.map_err(crate::commands::app_error)?;
    Ok(format!("steward_session={}", s.token))
}

/// The bench agent's id: the changes' requester.
async fn bench_user_id(app: &steward_app::App) -> Result<i64> {
    let mut conn = app.store.pool().acquire().await?;
    let user = steward_store::accounts::user_by_name(&mut conn, "bench").await?;
    Ok(user.context("the bench user")?.id)
}

/// Times the conflict check round the probes; 1 when over the target.
async fn time_conflicts(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    plan: &change_plan::Plan,
    a: &ChangesArgs,
    backend: &str,
    deadline: Instant,
) -> Result<usize> {
    let mut lat = Vec::with_capacity(a.requests);
    let mut found = Vec::with_capacity(a.requests);
    let mut proposed = 0usize;
    for i in 0..a.requests + 10 {
        if Instant::now() > deadline {
            break;
        }
        let n = &plan.probes[i % plan.probes.len()];
        let t = Instant::now();
        let r = client.get(format!("{base}/api/v1/changes/{n}/conflicts")).bearer_auth(token).send().await?;
        let status = r.status();
        let body: Value = r.json().await?;
        let took = t.elapsed();
        if status != 200 {
            bail!("conflicts of {n} answered {status}: {body}");
        }
        if i >= 10 {
            lat.push(took);
            found.push(body["conflicts"].as_array().map_or(0, Vec::len));
            proposed += usize::from(!body["proposal"].is_null());
        }
    }
    lat.sort();
    found.sort_unstable();
    let p95 = percentile(&lat, 0.95);
    let miss = p95 > Duration::from_secs_f64(TARGET_MS / 1000.0);
    println!(
        "  changes ({backend}): conflict check of a change touching {} CIs: p50 {} p95 {} p99 {} max {} over {} \
         requests (conflicts: median {}, max {}; a free slot proposed in {} of {}; target {TARGET_MS} ms; \
         load average {}){}",
        a.touched,
        ms(percentile(&lat, 0.5)),
        ms(p95),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        lat.len(),
        found.get(found.len() / 2).copied().unwrap_or(0),
        found.last().copied().unwrap_or(0),
        proposed,
        lat.len(),
        load_average(),
        if miss { "  OVER" } else { "" }
    );
    Ok(usize::from(miss))
}

/// The calendar month with the most planned days in it, as `YYYY-MM` and
/// its first and next month's first day.
fn busy_month(first_day: i64, days: usize) -> Result<(String, String, String)> {
    let first = jiff::Timestamp::from_microsecond(first_day)?.to_zoned(jiff::tz::TimeZone::UTC).date();
    let last = first.checked_add(jiff::Span::new().days(days as i64 - 1))?;
    let mut best = (0, first.first_of_month());
    let mut month = first.first_of_month();
    while month <= last {
        let next = month.checked_add(jiff::Span::new().months(1))?;
        let covered = (next.min(last.tomorrow()?) - month.max(first)).get_days();
        if covered > best.0 {
            best = (covered, month);
        }
        month = next;
    }
    let month = best.1;
    let next = month.checked_add(jiff::Span::new().months(1))?;
    Ok((month.strftime("%Y-%m").to_string(), month.to_string(), next.to_string()))
}

/// How a timed request is signed in.
pub enum Auth<'a> {
    Bearer(&'a str),
    Cookie(&'a str),
}

/// Times `requests` GETs (after 10 to warm up) going round `urls`; prints
/// p50, p95 and p99 against the target; 1 when over it.
async fn time_get(
    client: &reqwest::Client,
    urls: &[String],
    auth: Auth<'_>,
    label: &str,
    requests: usize,
    deadline: Instant,
) -> Result<usize> {
    let mut lat = Vec::with_capacity(requests);
    let mut bytes = 0usize;
    let mut shown = 0usize;
    for i in 0..requests + 10 {
        if Instant::now() > deadline {
            break;
        }
        let url = &urls[i % urls.len()];
        let req = match auth {
            Auth::Bearer(t) => client.get(url).bearer_auth(t),
            Auth::Cookie(c) => client.get(url).header(reqwest::header::COOKIE, c),
        };
        let t = Instant::now();
        let r = req.send().await?;
        let status = r.status();
        let body = r.text().await?;
        let took = t.elapsed();
        if status != 200 {
            bail!("{url} answered {status}: {}", body.chars().take(500).collect::<String>());
        }
        if i >= 10 {
            lat.push(took);
            bytes = body.len();
            shown = body.matches("CHG").count();
        }
    }
    lat.sort();
    let p95 = percentile(&lat, 0.95);
    let miss = p95 > Duration::from_secs_f64(TARGET_MS / 1000.0);
    println!(
        "  {label}: p50 {} p95 {} p99 {} max {} over {} requests ({:.0} kB, {shown} change numbers in it; \
         target {TARGET_MS} ms; load average {}){}",
        ms(percentile(&lat, 0.5)),
        ms(p95),
        ms(percentile(&lat, 0.99)),
        ms(lat.last().copied().unwrap_or_default()),
        lat.len(),
        bytes as f64 / 1024.0,
        load_average(),
        if miss { "  OVER" } else { "" }
    );
    Ok(usize::from(miss))
}
