//! `steward bench search`: search across everything at scale. Seeds (or
//! tops up) incidents, problems (one in five a known error) and knowledge
//! articles (how-to texts with Polish sentences, most published), then
//! times `GET /api/v1/search` as an agent over classes of queries taken
//! from the data itself: rare and common words (by how many records the
//! list's text filter counts), words as typed (a prefix), quoted phrases,
//! and record numbers; and `GET /api/v1/suggestions` with incident titles
//! as they are typed, word by word, as an agent and as a requester; and
//! linking 1,000 incidents to a problem in one request. Prints p50 and p95
//! per class against the targets (search 50 ms, suggestions 30 ms, the
//! link 1 s).

use super::{Target, bench_agent, bench_requester, database, load_average, ms, open_app, percentile, start_server};
use anyhow::{Result, bail};
use clap::Args;
use std::time::{Duration, Instant};
use steward_app::{
    Actor, App,
    incidents::number,
    seed::{self, BulkShape},
};
use steward_domain::{
    RecordNumber,
    search::{fold, is_stop_word},
};
use steward_store::records::{Filter, Sort};

#[derive(Args)]
pub struct SearchArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    #[arg(long, default_value_t = 50_000)]
    problems: usize,
    /// Knowledge articles.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Timed requests per class (after 10 to warm up).
    #[arg(long, default_value_t = 200)]
    requests: usize,
}

const TARGET_MS: f64 = 50.0;
const SUGGEST_TARGET_MS: f64 = 30.0;
/// Records sampled for their words.
const SAMPLES: i64 = 60;

pub async fn search(a: SearchArgs) -> Result<()> {
    let db = database(&a.target, Some("steward_bench_search")).await?;
    let dir = tempfile::tempdir()?;
    let app = open_app(&db, dir.path().to_path_buf()).await?;
    top_up(&app, &a).await?;
    // A database kept from before search existed is folded first.
    let folded = app.backfill_search(5_000).await.map_err(crate::commands::app_error)?;
    if folded > 0 {
        println!("folded the search text of {folded} records from before search");
    }
    app.store.analyze().await?;
    let token = bench_agent(&app).await?;
    let classes = classes(&app, &a).await?;
    let (base, stop, server) = start_server(app.clone()).await?;
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(900);
    println!(
        "search ({}, {} incidents, {} requests a class; load average {}):",
        db.backend.name(),
        app.store.count_incidents().await?,
        a.requests,
        load_average()
    );
    let mut misses = 0;
    for (class, queries) in &classes {
        let ask = |q: &str| client.get(format!("{base}/api/v1/search")).query(&[("q", q)]).bearer_auth(&token);
        misses += time_class(class, queries, a.requests, TARGET_MS, deadline, ask).await?;
    }
    let typed = typed_titles(&app).await?;
    let requester = bench_requester(&app).await?;
    for (class, who) in [("suggestions as typed, agent", &token), ("suggestions as typed, requester", &requester)] {
        let ask = |title: &str| {
            client.get(format!("{base}/api/v1/suggestions")).query(&[("title", title)]).bearer_auth(who.as_str())
        };
        misses += time_class(class, &typed, a.requests, SUGGEST_TARGET_MS, deadline, ask).await?;
    }
    misses += time_links(&client, &base, &token, app.store.count_incidents().await?).await?;
    println!("{misses} class(es) over target (load average {})", load_average());
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

/// Times `requests` requests (after 10 to warm up) cycling through
/// `queries`; prints p50 and p95 against `target_ms`; 1 when over it.
async fn time_class(
    class: &str,
    queries: &[String],
    requests: usize,
    target_ms: f64,
    deadline: Instant,
    ask: impl Fn(&str) -> reqwest::RequestBuilder,
) -> Result<usize> {
    if queries.is_empty() {
        println!("  {class:<34} no such queries in this data");
        return Ok(0);
    }
    let mut lat = Vec::with_capacity(requests);
    let mut found = 0usize;
    for i in 0..requests + 10 {
        if Instant::now() > deadline {
            break;
        }
        let q = &queries[i % queries.len()];
        let t = Instant::now();
        let r = ask(q).send().await?;
        let status = r.status();
        let body = r.text().await?;
        let d = t.elapsed();
        if !status.is_success() {
            bail!("{class} {q:?} answered {status}: {body}");
        }
        if i >= 10 {
            lat.push(d);
            let v: serde_json::Value = serde_json::from_str(&body)?;
            let hits =
                ["records", "by_number", "items"].iter().map(|k| v[k].as_array().map_or(0, Vec::len)).sum::<usize>();
            found += usize::from(hits > 0);
        }
    }
    lat.sort();
    let p95 = percentile(&lat, 0.95);
    let over = p95.as_secs_f64() * 1000.0 > target_ms;
    println!(
        "  {class:<34} p50 {:>9} p95 {:>9} (target {target_ms} ms; {} queries, {}% found something, e.g. {:?}){}",
        ms(percentile(&lat, 0.5)),
        ms(p95),
        queries.len(),
        found * 100 / lat.len().max(1),
        queries[0],
        if over { "  OVER" } else { "" }
    );
    Ok(usize::from(over))
}

/// Linking 1,000 incidents to a new problem in one request, 5 times (each
/// time other incidents, spread over the data); prints the median and the
/// slowest against the 1 s target; 1 when the slowest is over it.
async fn time_links(client: &reqwest::Client, base: &str, token: &str, incidents: i64) -> Result<usize> {
    const TARGET: Duration = Duration::from_secs(1);
    let mut lat = Vec::new();
    for run in 0..5i64 {
        let r = client
            .post(format!("{base}/api/v1/problems"))
            .bearer_auth(token)
            .json(&serde_json::json!({"title": format!("Bench: linking run {run}")}))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("creating a problem answered {}", r.status());
        }
        let problem: serde_json::Value = r.json().await?;
        let n = problem["number"].as_str().unwrap_or_default().to_owned();
        let numbers: Vec<String> =
            (0..1_000i64).map(|i| number((i * incidents / 1_000 + run * 7) % incidents + 1)).collect();
        let t = Instant::now();
        let r = client
            .post(format!("{base}/api/v1/problems/{n}/incidents"))
            .bearer_auth(token)
            .json(&serde_json::json!({"incidents": numbers}))
            .send()
            .await?;
        let status = r.status();
        let body = r.text().await?;
        lat.push(t.elapsed());
        if !status.is_success() {
            bail!("linking 1,000 incidents answered {status}: {body}");
        }
    }
    lat.sort();
    let slowest = lat[lat.len() - 1];
    let over = slowest > TARGET;
    println!(
        "  {:<34} median {:>9} slowest {:>9} (target 1 s; 5 problems){}",
        "link 1,000 incidents to a problem",
        ms(lat[lat.len() / 2]),
        ms(slowest),
        if over { "  OVER" } else { "" }
    );
    Ok(usize::from(over))
}

/// Incident titles as a person types them: each sampled title cut after
/// every word and in the middle of the next (`Printer jam on fl`).
async fn typed_titles(app: &App) -> Result<Vec<String>> {
    let admin = Actor::operator();
    let total = app.store.count_incidents().await?;
    let mut typed = Vec::new();
    for i in 0..SAMPLES {
        let at = total * i / SAMPLES + 1;
        let f = Filter { sort: Sort::Number, after: Some(vec![at]), limit: 1, ..Filter::default() };
        let (rows, _) = app.list_incidents(&admin, f).await.map_err(crate::commands::app_error)?;
        for r in rows {
            let words: Vec<&str> = r.title.split_whitespace().collect();
            for n in 1..=words.len() {
                let done = words[..n - 1].join(" ");
                let next = words[n - 1];
                let half: String = next.chars().take(next.chars().count().div_ceil(2).max(3)).collect();
                typed.push(format!("{done} {half}").trim_start().to_owned());
                typed.push(format!("{done} {next} ").trim_start().to_owned());
            }
        }
    }
    Ok(typed)
}

/// Loads what is missing: articles, incidents up to `--incidents`, then
/// problems.
async fn top_up(app: &App, a: &SearchArgs) -> Result<()> {
    let progress = |what: &'static str, total: usize| {
        move |done: usize| {
            if done.is_multiple_of((total / 10).max(1)) || done == total {
                eprintln!("  loaded {done} {what}");
            }
        }
    };
    let started = Instant::now();
    let articles = app.store.count_records("article").await? as usize;
    if articles < a.articles {
        seed::bulk_records(app, BulkShape::Article, a.articles - articles, progress("articles", a.articles))
            .await
            .map_err(crate::commands::app_error)?;
    }
    let have = app.store.count_incidents().await? as usize;
    let want = a.incidents;
    if have < want {
        seed::bulk_incidents(app, want - have, progress("incidents", want - have))
            .await
            .map_err(crate::commands::app_error)?;
    }
    let problems = app.store.count_records("problem").await? as usize;
    if problems < a.problems {
        seed::bulk_records(app, BulkShape::Problem, a.problems - problems, progress("problems", a.problems))
            .await
            .map_err(crate::commands::app_error)?;
    }
    println!("data ready in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The queries of each class, taken from records spread over the data.
async fn classes(app: &App, a: &SearchArgs) -> Result<Vec<(&'static str, Vec<String>)>> {
    let admin = Actor::operator();
    let total = app.store.count_incidents().await?;
    if total == 0 {
        bail!("no incidents to sample");
    }
    let mut texts = Vec::new();
    for i in 0..SAMPLES {
        let at = total * i / SAMPLES + 1;
        let f = Filter { sort: Sort::Number, after: Some(vec![at]), limit: 1, ..Filter::default() };
        let (rows, _) = app.list_incidents(&admin, f).await.map_err(crate::commands::app_error)?;
        texts.extend(rows.into_iter().map(|r| format!("{} {}", r.title, r.description)));
    }
    let mut words: Vec<String> =
        texts.iter().flat_map(|t| fold(t).split(' ').map(str::to_owned).collect::<Vec<_>>()).collect();
    words.retain(|w| w.len() > 3 && !is_stop_word(w) && !w.bytes().all(|b| b.is_ascii_digit()));
    words.sort_unstable();
    words.dedup();
    // How many records each word finds (the list's count, capped at 10,000).
    let rare_at = (total / 10_000).max(20);
    let common_at = (total / 20).min(10_000);
    let (mut rare, mut common) = (Vec::new(), Vec::new());
    for w in words {
        let f = Filter { text: Some(format!("{w} ")), ..Filter::default() };
        let n = app.count_incidents(&admin, &f).await.map_err(crate::commands::app_error)?.count;
        if n > 0 && n <= rare_at {
            rare.push(w);
        } else if n >= common_at {
            common.push(w);
        }
    }
    // A prefix that is itself a stop word ("with" of "without") is refused
    // as a search: a person would type on.
    let typing: Vec<String> = common
        .iter()
        .chain(&rare)
        .filter(|w| w.len() > 5)
        .map(|w| w[..4].to_owned())
        .filter(|p| !is_stop_word(p))
        .collect();
    let phrases: Vec<String> = texts
        .iter()
        .filter_map(|t| {
            let words: Vec<&str> = t.split_whitespace().filter(|w| w.chars().all(char::is_alphanumeric)).collect();
            let useful = |p: &&[&str]| p.iter().all(|w| !is_stop_word(&fold(w)));
            words.windows(2).filter(useful).nth(1).map(|p| format!("\"{} {}\"", p[0], p[1]))
        })
        .collect();
    let two_words: Vec<String> = common.windows(2).step_by(2).map(|p| format!("{} {} ", p[0], p[1])).collect();
    let mut numbers = Vec::new();
    for i in 0..SAMPLES {
        numbers.push(number(total * i / SAMPLES + 1));
        numbers.push(RecordNumber::problem((a.problems as i64 * i / SAMPLES).max(1)).to_string());
        numbers.push((total * i / SAMPLES + 7).to_string());
    }
    let suffix = |v: Vec<String>| v.into_iter().map(|w| format!("{w} ")).collect::<Vec<_>>();
    Ok(vec![
        ("rare word", suffix(rare)),
        ("common word (>10,000 or 5%)", suffix(common)),
        ("two common words", two_words),
        ("word as typed (prefix)", typing),
        ("quoted phrase", phrases),
        ("record number (INC, PRB, bare)", numbers),
    ])
}
