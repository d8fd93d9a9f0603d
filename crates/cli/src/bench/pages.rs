//! `steward bench pages`: every page and the incident list with its count
//! under each filter, timed over HTTP against a database of demo data
//! (`--incidents 5000`: the demo's scale) topped up with bulk incidents (to a
//! million by default). Each case is requested `--requests` times after a
//! warm-up; the p50 and p95 are printed beside the case's target.

use super::{Target, database, fill, load_average, ms, open_app, percentile, start_server};
use anyhow::{Result, bail};
use clap::Args;
use std::time::{Duration, Instant};
use steward_app::{Actor, App, incidents::number, seed};
use steward_store::records::{Filter, Sort};

#[derive(Args)]
pub struct PagesArgs {
    #[command(flatten)]
    target: Target,
    /// Incidents stored: the demo's 5,000, then bulk ones up to this many.
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    /// Timed requests per case (after 10 to warm up).
    #[arg(long, default_value_t = 200)]
    requests: usize,
}

/// The demo's own size: pages are judged at this scale.
const DEMO_INCIDENTS: usize = 5_000;

/// What a case is held to: a page's server time, the list with its count at
/// a million, a record found by its number.
#[derive(Clone, Copy)]
enum Goal {
    Page,
    List,
    Number,
    /// Search by words: ranking a common word's matches is a search's
    /// work, held to the search target (see `bench search`).
    Words,
}

impl Goal {
    fn millis(self) -> f64 {
        match self {
            Goal::Page => 10.0,
            Goal::List => 50.0,
            Goal::Number => 5.0,
            Goal::Words => 50.0,
        }
    }
}

struct Case {
    name: String,
    path: String,
    /// Signed in as the demo requester rather than the agent.
    requester: bool,
    target: Goal,
}

fn case(name: &str, path: String, target: Goal) -> Case {
    Case { name: name.to_owned(), path, requester: false, target }
}

/// Values the cases filter by, taken from the data: the newest incident's
/// group, category, service and requester, and a number in the middle.
async fn samples(app: &App) -> Result<(Vec<(&'static str, String)>, String, String)> {
    let admin = Actor::operator();
    let newest = Filter { sort: Sort::NumberDesc, limit: 1, ..Filter::default() };
    let (rows, _) = app.list_incidents(&admin, newest).await.map_err(crate::commands::app_error)?;
    let Some(inc) = rows.into_iter().next() else { bail!("no incidents to sample") };
    let users = app.list_users(None).await.map_err(crate::commands::app_error)?;
    let requester = users.iter().find(|u| u.id == inc.requester_id).map(|u| u.username.clone()).unwrap_or_default();
    let middle = number(inc.id / 2 + 1);
    let picks = vec![
        ("group", inc.group_name.clone().unwrap_or_default()),
        ("category", inc.category.clone().unwrap_or_default()),
        ("service", inc.service.clone().unwrap_or_default()),
        ("requester", requester),
    ];
    Ok((picks, middle, inc.title.split_whitespace().next().unwrap_or("printer").to_owned()))
}

fn cases(picks: &[(&'static str, String)], middle: &str, word: &str) -> Vec<Case> {
    let enc = |s: &str| s.replace(' ', "%20");
    let pick = |k: &str| picks.iter().find(|(n, _)| *n == k).map(|(_, v)| enc(v)).unwrap_or_default();
    let list = |name: &str, q: String| case(name, format!("/api/v1/incidents?limit=50&{q}"), Goal::List);
    let since = jiff::Timestamp::now().checked_sub(jiff::SignedDuration::from_hours(24 * 7)).unwrap_or_default();
    let mut all = vec![
        list("list: open, by priority", "state=open".into()),
        list("list: everything, newest first", "sort=-opened".into()),
        list("list: open in a group", format!("state=open&group={}", pick("group"))),
        list("list: a group, any state", format!("group={}", pick("group"))),
        list("list: unassigned in my groups", "state=open&group=mine&assignee=none".into()),
        list("list: assigned to me", "assignee=me".into()),
        list("list: a requester's", format!("requester={}", pick("requester"))),
        list("list: priority 1", "priority=1".into()),
        list("list: a category", format!("category={}", pick("category"))),
        list("list: a service", format!("service={}", pick("service"))),
        list("list: major", "major=true".into()),
        list("list: breaching soon", "state=open&sla=breaching_soon&sort=sla_due".into()),
        list("list: breached", "sla=breached".into()),
        list("list: opened this week", format!("opened_from={}", since)),
        list("list: updated this week, by update", format!("updated_from={since}&sort=-updated")),
        list("list: by number, descending", "sort=-number".into()),
        case("search by number (API)", format!("/api/v1/search?q={middle}"), Goal::Number),
        case("search by number (page, redirect)", format!("/search?q={middle}"), Goal::Number),
        case("search by words (page)", format!("/search?q={}", enc(word)), Goal::Words),
        case("home (queues and tiles)", "/home".into(), Goal::Page),
        case("incident list page", "/incidents?state=open".into(), Goal::Page),
        case("incident page", format!("/incidents/{middle}"), Goal::Page),
        case("edit form", format!("/incidents/{middle}/edit"), Goal::Page),
        case("new incident form", "/incidents/new".into(), Goal::Page),
        case("CMDB list", "/cmdb".into(), Goal::Page),
        case("service catalog", "/services".into(), Goal::Page),
        case("service levels", "/settings/service-levels".into(), Goal::Page),
        case("settings", "/settings".into(), Goal::Page),
    ];
    for (name, path) in [("portal (requester)", "/portal"), ("report form (requester)", "/portal/report")] {
        all.push(Case { requester: true, ..case(name, path.into(), Goal::Page) });
    }
    all
}

pub async fn pages(a: PagesArgs) -> Result<()> {
    let db = database(&a.target, Some("steward_bench_pages")).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    if !app.store.has_incidents().await? {
        let started = Instant::now();
        seed::demo(&app, DEMO_INCIDENTS.min(a.incidents)).await.map_err(crate::commands::app_error)?;
        println!("demo data with {DEMO_INCIDENTS} incidents in {:.1} s", started.elapsed().as_secs_f64());
    }
    fill(&app, a.incidents).await?;
    app.store.analyze().await?;
    let (picks, middle, word) = samples(&app).await?;
    let mut cookies = Vec::new();
    for user in ["agent", "requester"] {
        let (_, s) =
            app.login(user, seed::DEMO_PASSWORD, [127, 0, 0, 1].into()).await.map_err(crate::commands::app_error)?;
        cookies.push(format!("steward_session={}", s.token));
    }
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let deadline = Instant::now() + Duration::from_secs(900);
    println!(
        "pages ({}, {} incidents, {} requests a case; load average {}):",
        db.backend.name(),
        app.store.count_incidents().await?,
        a.requests,
        load_average()
    );
    let mut misses = 0;
    for c in cases(&picks, &middle, &word) {
        let cookie = &cookies[usize::from(c.requester)];
        let mut lat = Vec::with_capacity(a.requests);
        let mut note = String::new();
        for i in 0..a.requests + 10 {
            if Instant::now() > deadline {
                break;
            }
            let t = Instant::now();
            let r = client.get(format!("{base}{}", c.path)).header(reqwest::header::COOKIE, cookie).send().await?;
            let status = r.status();
            let body = r.text().await?;
            let d = t.elapsed();
            if !(status.is_success() || status.is_redirection()) {
                bail!("{} ({}) answered {status}: {body}", c.name, c.path);
            }
            if i == 0 && c.path.starts_with("/api/v1/incidents") {
                let v: serde_json::Value = serde_json::from_str(&body)?;
                note = format!(", count {}{}", v["count"], if v["count_capped"] == true { "+" } else { "" });
            }
            if i >= 10 {
                lat.push(d);
            }
        }
        lat.sort();
        let p95 = percentile(&lat, 0.95);
        let over = p95.as_secs_f64() * 1000.0 > c.target.millis();
        misses += usize::from(over);
        println!(
            "  {:<40} p50 {:>9} p95 {:>9} (target {} ms){}{}",
            c.name,
            ms(percentile(&lat, 0.5)),
            ms(p95),
            c.target.millis(),
            note,
            if over { "  OVER" } else { "" }
        );
    }
    println!("{misses} case(s) over target (load average {})", load_average());
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}
